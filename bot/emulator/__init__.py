"""A local Telegram Bot API emulator: an aiohttp server, its recorded state and scripted users.

Tests, the sandbox and the benchmarks run the real bot against it through
`telegram.api_base_url`, so everything is exercised at the HTTP boundary.
"""

from bot.emulator.server import ApiError, BotApiEmulator, RateLimits
from bot.emulator.state import RecordedCall, SentMessage
from bot.emulator.users import EmulatedGroup, EmulatedUser

__all__ = [
    "ApiError",
    "BotApiEmulator",
    "EmulatedGroup",
    "EmulatedUser",
    "RateLimits",
    "RecordedCall",
    "SentMessage",
]
