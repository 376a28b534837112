"""Runtime: see the modules inside."""
