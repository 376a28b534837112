"""Members: see the modules inside."""
