"""Pushes due within the same hour (the check-in, goal nudges) as one message of parts.
service.py finds a part again when one of its buttons is pressed, due.py puts the parts
together, callbacks.py the heading button."""
