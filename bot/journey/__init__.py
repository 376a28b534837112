"""Journey: see the modules inside."""
