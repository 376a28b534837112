"""peercircle: a Telegram bot for peer support in recovery."""
