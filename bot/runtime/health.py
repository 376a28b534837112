"""The operator's endpoint: /healthz and Prometheus /metrics, when [metrics] port is set."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.clock import Clock
from bot.config import MetricsSettings
from bot.runtime.leadership import Leadership
from bot.runtime.metrics import Metrics
from storage import alerts as alert_rows
from storage import health as health_rows
from storage import outbox, scheduling
from storage.db import Database
from storage.faults import STORAGE_ERRORS

log = logging.getLogger("peercircle.health")


PROBE_EVERY = 5.0  # seconds between write probes and between refreshes of the gauges
PROBE_STALE = 30.0  # a probe that has not finished in this long counts as failing
METRICS_WAIT = 1.0  # a scrape waits this long at most for fresh gauges


def _dumps(body: object) -> str:
    # One line a person can read with curl: the reason as written, not \u-escaped.
    return json.dumps(body, ensure_ascii=False) + "\n"


def _ignore_failure(refresh: asyncio.Future[None]) -> None:
    """A refresh that failed (storage failing) leaves the last figures; nothing to log twice."""
    if not refresh.cancelled():
        refresh.exception()


class HealthServer:
    """/healthz answers from the last write probe; /metrics waits at most a second for fresh
    gauges: a lock held elsewhere for 13 s must not outlast Prometheus's 10 s scrape."""

    def __init__(
        self,
        settings: MetricsSettings,
        metrics: Metrics,
        db: Database,
        clock: Clock,
        alive: Callable[[], bool],
        leadership: Leadership,
    ) -> None:
        self._settings = settings
        self._leadership = leadership
        self._metrics = metrics
        self._db = db
        self._clock = clock
        self._alive = alive
        self._runner: web.AppRunner | None = None
        self._watch: asyncio.Task[None] | None = None
        self._refreshing: asyncio.Future[None] | None = None
        self._last_write_ok = time.monotonic()
        self._write_error: str | None = None
        self.port = settings.port

    async def start(self) -> None:
        server = web.Application()
        server.router.add_get("/healthz", self._healthz)
        server.router.add_get("/metrics", self._serve_metrics)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._settings.host, self._settings.port)
        await site.start()
        self._watch = asyncio.create_task(self._look_regularly(), name="health-probe")
        log.info("health and metrics on %s:%d", self._settings.host, self._settings.port)

    async def stop(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            await asyncio.gather(self._watch, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def writes_ok(self) -> bool:
        return self._write_error is None and time.monotonic() - self._last_write_ok < PROBE_STALE

    async def _healthz(self, request: web.Request) -> web.Response:
        """200 or 503 as before; the JSON body says why, and which worker this is."""
        problem = None
        if not self._alive():
            problem = "not taking updates or not delivering"
        elif not self.writes_ok:
            reason = self._write_error or "the last write probe has not finished"
            problem = f"database not taking writes: {reason}"
        body = {
            "status": "ok" if problem is None else "failing",
            "worker": self._leadership.worker,
            "leader": self._leadership.is_leader,
        }
        if problem is not None:
            body["reason"] = problem
        return web.json_response(body, status=200 if problem is None else 503, dumps=_dumps)

    async def _serve_metrics(self, request: web.Request) -> web.Response:
        await self._fresh_gauges()
        self._metrics.writes_ok.set(1.0 if self.writes_ok else 0.0)
        self._metrics.leader.set(1.0 if self._leadership.is_leader else 0.0)
        body = generate_latest(self._metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _fresh_gauges(self) -> None:
        """Refresh the gauges for a scrape, waiting at most METRICS_WAIT: past that (a lock
        held elsewhere) the scrape gets the last figures and the refresh finishes later."""
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = asyncio.ensure_future(self._refresh_gauges())
            self._refreshing.add_done_callback(_ignore_failure)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.shield(self._refreshing), METRICS_WAIT)

    async def _look_regularly(self) -> None:
        while True:
            await self._probe_write()
            await self._fresh_gauges()
            await asyncio.sleep(PROBE_EVERY)

    async def _probe_write(self) -> None:
        try:
            async with self._db.transaction() as session:
                await health_rows.probe_write(session, self._clock.now())
        except STORAGE_ERRORS as error:
            if self._write_error is None:
                log.error("write probe failed: %s", error)
            self._write_error = str(error)
        else:
            if self._write_error is not None:
                log.warning("write probe succeeded again")
            self._write_error = None
            self._last_write_ok = time.monotonic()

    async def _refresh_gauges(self) -> None:
        now = self._clock.now()
        async with self._db.read() as session:
            self._metrics.outbox_depth.set(await outbox.pending_count(session))
            oldest = await scheduling.oldest_due(session, now)
            outcomes = await alert_rows.outcome_counts(session)
        for (tier, outcome), count in outcomes.items():
            self._metrics.alert_outcomes.labels(tier, outcome).set(count)
        self._metrics.scheduler_lag.set((now - oldest).total_seconds() if oldest else 0.0)
