"""Small peer circles: making and joining them, relaying encouragement and asks, Thanks,
reports and pre-moderation. rules.py is pure, service.py owns the transactions and the
fan-out, messages.py what a relay looks like, callbacks.py the rl:/pm: buttons and answers."""
