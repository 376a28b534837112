"""Stats: see the modules inside."""
