"""Checkins: see the modules inside."""
