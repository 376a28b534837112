"""The ceiling for the updates benchmark: a plain python-telegram-bot echo bot.

Polling with default settings and one reply per message, as in python-telegram-bot's own
examples. `python -m bench.echo_bot TOKEN BASE_URL [concurrent]`.
"""

from __future__ import annotations

import sys

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the same text."""
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


def main() -> None:
    token, base_url = sys.argv[1], sys.argv[2]
    concurrent = len(sys.argv) > 3 and sys.argv[3] == "concurrent"
    app = (
        ApplicationBuilder().token(token).base_url(base_url).concurrent_updates(concurrent).build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling()


if __name__ == "__main__":
    main()
