"""The daily check-in: mood, confidence and a private note; streaks, trends, the weekly
reflection and support on a hard day. rules.py is pure, service.py owns transactions,
messages.py what it sends, callbacks.py the ci:/tr: buttons and the note answer, due.py
the daily prompts and weekly reflections; reflection.py sums up a member's week."""
