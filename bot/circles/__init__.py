"""Circles: see the modules inside."""
