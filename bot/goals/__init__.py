"""Goals: see the modules inside."""
