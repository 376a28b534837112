"""Goals: habits and limits a member sets, nudged at their time.

rules.py      pure: kinds, schedules, progress, the order of the set-up questions, refusals
service.py    GoalService: every change to goals, one transaction each
messages.py   what the bot sends about goals: words and buttons
callbacks.py  what comes back: the buttons and the typed answers a member's text fills
"""
