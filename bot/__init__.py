"""peercircle: a Telegram bot for peer support in recovery."""

import os

# Opt in to python-telegram-bot's timedelta durations (retry_after and friends) now, as the
# next major version will make them the only kind, instead of a deprecation warning per 429.
os.environ.setdefault("PTB_TIMEDELTA", "1")
