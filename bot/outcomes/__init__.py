"""Outcomes: validated questionnaires, each member's own scores, and the cohort report."""
