"""Combined: see the modules inside."""
