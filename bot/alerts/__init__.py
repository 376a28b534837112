"""Alerts: see the modules inside."""
