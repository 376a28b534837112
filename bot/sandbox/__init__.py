"""Try peercircle without Telegram: the emulator, the bot and a chat page in one process."""
