"""Anonymised statistics for moderators: service.py reads counts and weekly means,
rules.py the value types; never a single member's data."""
