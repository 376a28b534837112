"""One leader among workers: the one that sends the outbox and sweeps due rows.

Any number of workers take updates; only the leader sends what the outbox holds and sweeps
due rows, so the token's pace is kept in one place and nothing is swept twice. Leadership
is a lock the database holds for one session (storage.leadership): every `poll` seconds a
follower tries to take it, and the leader checks that its session is still there. A check
that fails is leadership lost at once (the server has let the lock go, or soon will); the
duties stop, and the worker tries again a poll later, so a worker whose connection just broke
leaves the first try to the others. On SQLite the one process always leads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.config import Settings
from storage.faults import STORAGE_ERRORS
from storage.leadership import AdvisoryLock, LeaderLock, SoleInstance

log = logging.getLogger("peercircle.leader")

Duty = Callable[[], Awaitable[None]]


async def _nothing() -> None:
    return None


class Leadership:
    """Whether this worker leads, kept true by polling; `leading` and `following` are set
    while it does and does not, for whoever waits on a change; `on_gain` and `on_loss` run
    on each change (start and stop the leader's duties)."""

    def __init__(
        self,
        lock: LeaderLock,
        worker: str,
        poll_seconds: float,
        *,
        on_gain: Duty = _nothing,
        on_loss: Duty = _nothing,
    ) -> None:
        self.worker = worker
        self._lock = lock
        self._poll = poll_seconds
        self._on_gain = on_gain
        self._on_loss = on_loss
        self.leading = asyncio.Event()
        self.following = asyncio.Event()
        self.following.set()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._unreachable = False  # said once per stretch of failed tries

    @classmethod
    def for_settings(
        cls, settings: Settings, *, on_gain: Duty = _nothing, on_loss: Duty = _nothing
    ) -> Leadership:
        """The database's lock: an advisory lock on PostgreSQL, the process itself on SQLite."""
        runtime, storage = settings.runtime, settings.storage
        lock: LeaderLock = SoleInstance()
        if storage.database.engine == "postgresql":
            password = storage.database_password
            lock = AdvisoryLock(
                storage.database.text,
                password.get_secret_value() if password is not None else None,
                runtime.worker,
            )
        return cls(
            lock, runtime.worker, runtime.leader_poll_seconds, on_gain=on_gain, on_loss=on_loss
        )

    @property
    def is_leader(self) -> bool:
        return self.leading.is_set()

    async def start(self) -> None:
        """Try once now (on SQLite: lead from here on), then keep trying or checking."""
        self._stopping.clear()
        await self._look()
        self._task = asyncio.create_task(self._run(), name="leadership")

    async def stop(self) -> None:
        """Stop the duties first, then let the lock go: no other worker starts sending while
        this one still is."""
        self._stopping.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self.is_leader:
            await self._step_down()
            log.info("leader.released: worker %s stopped leading (it is stopping)", self.worker)
        await self._lock.let_go()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._poll)
            if not self._stopping.is_set():
                try:
                    await self._look()
                except Exception:  # a bug must not end the polling: it would never lead again
                    log.exception("leader: worker %s: a check failed", self.worker)

    async def _look(self) -> None:
        if self.is_leader:
            if not await self._lock.still_held():
                log.warning(
                    "leader.lost: worker %s lost its database session; it stops sending and "
                    "sweeping, and tries again in %.0f s",
                    self.worker,
                    self._poll,
                )
                await self._step_down()
            return
        try:
            taken = await self._lock.try_take()
        except STORAGE_ERRORS as error:
            if not self._unreachable:
                log.warning(
                    "leader: worker %s cannot reach the database to take the lead (%s); "
                    "trying every %.0f s",
                    self.worker,
                    error,
                    self._poll,
                )
            self._unreachable = True
            return
        self._unreachable = False
        if taken:
            self.following.clear()
            self.leading.set()
            log.info("leader.acquired: worker %s leads (sends and sweeps)", self.worker)
            await self._run_duty(self._on_gain)

    async def _step_down(self) -> None:
        # Nobody is told this worker leads from here on, even while its duties wind down.
        self.leading.clear()
        self.following.set()
        await self._run_duty(self._on_loss)

    async def _run_duty(self, duty: Duty) -> None:
        try:
            await duty()
        except Exception:
            log.exception("leader: worker %s: starting or stopping its duties failed", self.worker)
