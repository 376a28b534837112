"""Moderation: see the modules inside."""
