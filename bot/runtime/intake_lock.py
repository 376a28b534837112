"""One way in for updates, per database: one polling process, or any number of webhook workers.

Telegram serves getUpdates to one consumer only, and setWebhook ends polling (as polling's
deleteWebhook ends the webhook): a second poller, or a poller beside webhook workers, would
cut the others off. On PostgreSQL every worker holds the intake's advisory lock while it
takes updates: a polling process exclusively, a webhook worker shared. A start that cannot
take it refuses, in one line, before it calls Telegram. On SQLite the instance lock already
allows one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.config import Settings
from storage.faults import STORAGE_ERRORS
from storage.leadership import INTAKE_KEY, AdvisoryLock, LeaderLock, SoleInstance

log = logging.getLogger("peercircle.intake")


class IntakeTaken(Exception):
    """Another process takes this database's updates in a way this start would cut off."""


def intake_lock(settings: Settings, polling: bool) -> LeaderLock:
    storage = settings.storage
    if storage.database.engine != "postgresql":
        return SoleInstance()
    password = storage.database_password
    return AdvisoryLock(
        storage.database.text,
        password.get_secret_value() if password is not None else None,
        settings.runtime.worker,
        key=INTAKE_KEY,
        role="polling" if polling else "webhook",
        shared=not polling,
    )


async def hold_intake(settings: Settings, polling: bool) -> LeaderLock:
    """The intake's lock, held until let_go(); IntakeTaken when another holds it."""
    lock = intake_lock(settings, polling)
    if await lock.try_take():
        return lock
    await lock.let_go()
    database = settings.storage.database.text
    if polling:
        raise IntakeTaken(
            f"another peercircle already takes updates for {database} (a polling process, "
            "or webhook workers): polling takes one process and would cut the others off; "
            "stop them, or set telegram.webhook_url to run this one as a webhook worker too"
        )
    raise IntakeTaken(
        f"a peercircle is polling Telegram for {database}: setting the webhook would cut it "
        "off; stop it first (several workers take updates by webhook only)"
    )


class IntakeWatch:
    """Keeps the intake's lock held while the worker takes updates. The server lets it go
    with its session (a restart, a network cut, a terminated backend): every `poll` seconds
    it is checked and, when lost, taken again. If another process took it meanwhile (a
    poller beside webhook workers, or the reverse), `lost` is set: this worker stops, as
    one of the two would cut the other off."""

    def __init__(self, lock: LeaderLock, poll: float) -> None:
        self._lock = lock
        self._poll = poll
        self.lost = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="intake-lock")

    async def stop(self) -> None:
        """Stop watching and let the lock go."""
        self._stopping.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        await self._lock.let_go()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._poll)
            if self._stopping.is_set() or await self._lock.still_held():
                continue
            try:
                taken = await self._lock.try_take()
            except STORAGE_ERRORS:
                continue  # the database is away: nobody else can take it meanwhile either
            if taken:
                log.warning(
                    "intake.lock_retaken: the way in was lost with its session, and is held again"
                )
                continue
            log.error(
                "intake.lock_lost: another process took this database's way in while this "
                "one's session was lost; stopping, so that neither cuts the other off"
            )
            self.lost.set()
            return
