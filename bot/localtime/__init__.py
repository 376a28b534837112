"""Localtime: see the modules inside."""
