"""The recovery journey: days so far, milestones, setbacks kept as history. rules.py is
pure, service.py owns transactions, messages.py what it sends, callbacks.py the jr:
buttons and the setback-note answer, due.py the milestones (shared through circles)."""
