"""The ceiling for the updates benchmark: a plain python-telegram-bot echo bot.

Polling with default settings and one reply per message, as in python-telegram-bot's own
examples. `python -m bench.echo_bot TOKEN BASE_URL [concurrent|aiohttp]`; `aiohttp` sends
through peercircle's own transport (bot.runtime.transport), to show what it adds on its own.
"""

from __future__ import annotations

import sys

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.runtime.transport import AiohttpRequest


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the same text."""
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


def main() -> None:
    token, base_url = sys.argv[1], sys.argv[2]
    mode = sys.argv[3] if len(sys.argv) > 3 else ""
    builder = ApplicationBuilder().token(token).base_url(base_url)
    if mode == "aiohttp":
        builder = builder.request(AiohttpRequest(1)).get_updates_request(
            AiohttpRequest(1, read_timeout=20)
        )
    app = builder.concurrent_updates(mode == "concurrent").build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling()


if __name__ == "__main__":
    main()
