"""The typed CallbackContext handlers receive, and the bot_data object behind it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Protocol

from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.config import Settings
from bot.runtime.delivery import OutboxWorker
from bot.runtime.intake_lock import IntakeWatch
from bot.runtime.leadership import Leadership
from bot.safety.screen import Verdict
from bot.services import Services


@dataclass(frozen=True)
class StartupConfig:
    """What the services are built from when the bot starts."""

    settings: Settings
    clock: Clock
    rng: random.Random


class Intake(Protocol):
    @property
    def alive(self) -> bool: ...

    async def stop(self) -> None: ...


class BotData:
    """bot_data: PTB builds it with no arguments; build_application and start-up fill it."""

    def __init__(self) -> None:
        self.startup: StartupConfig | None = None
        self.running_services: Services | None = None
        self.delivery: OutboxWorker | None = None
        # Whether this worker leads (sends the outbox and sweeps); set at start-up.
        self.leadership: Leadership | None = None
        # The update intake (polling or webhook), for health checks and the CLI.
        self.intake: Intake | None = None
        # Held while updates come in: one poller, or webhook workers (bot.runtime.intake_lock).
        self.intake_lock: IntakeWatch | None = None
        # Members already checked for an unseen notice change since start (one read each).
        self.notice_checked: set[int] = set()

    @property
    def services(self) -> Services:
        if self.running_services is None:
            raise RuntimeError("services are not started; use bot.app.running_bot")
        return self.running_services


class PeerContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """Handlers read `context.services` without casts.

    One context serves every handler of an update, so the crisis screen (handlers.safety,
    which runs first) leaves its verdict here for the features: a note is still saved but
    nothing cheerful follows, and a relay becomes a softened notice to the circle.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.crisis: Verdict | None = None

    @property
    def services(self) -> Services:
        return self.bot_data.services


# Generic order: bot, context, user_data, chat_data, bot_data, job queue.
PeerApplication = Application[
    ExtBot[None], PeerContext, dict[Any, Any], dict[Any, Any], BotData, Any
]
