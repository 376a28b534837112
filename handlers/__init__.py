"""Telegram-facing handlers, one module per feature. Each module's `handlers()` returns its own."""
