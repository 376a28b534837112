"""Members: consent, onboarding, settings, pause, /mydata and /forget. rules.py holds the
Member value and the onboarding order, service.py the transactions, messages.py the
questions and settings with their buttons, callbacks.py the onb:/tz:/time:/set:/forget:
buttons and answers, export.py what /mydata sends."""
