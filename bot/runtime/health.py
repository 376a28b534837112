"""The operator's endpoint: /healthz and Prometheus /metrics, when [metrics] port is set."""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.clock import Clock
from bot.config import MetricsSettings
from bot.runtime.metrics import Metrics
from storage import alerts as alert_rows
from storage import outbox, scheduling
from storage.db import Database

log = logging.getLogger("peercircle.health")


class HealthServer:
    def __init__(
        self,
        settings: MetricsSettings,
        metrics: Metrics,
        db: Database,
        clock: Clock,
        alive: Callable[[], bool],
    ) -> None:
        self._settings = settings
        self._metrics = metrics
        self._db = db
        self._clock = clock
        self._alive = alive
        self._runner: web.AppRunner | None = None
        self.port = settings.port

    async def start(self) -> None:
        server = web.Application()
        server.router.add_get("/healthz", self._healthz)
        server.router.add_get("/metrics", self._serve_metrics)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._settings.host, self._settings.port)
        await site.start()
        log.info("health and metrics on %s:%d", self._settings.host, self._settings.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _healthz(self, request: web.Request) -> web.Response:
        if self._alive():
            return web.Response(text="ok\n")
        return web.Response(status=503, text="not taking updates or not delivering\n")

    async def _serve_metrics(self, request: web.Request) -> web.Response:
        now = self._clock.now()
        async with self._db.read() as session:
            self._metrics.outbox_depth.set(await outbox.pending_count(session))
            oldest = await scheduling.oldest_due(session, now)
            outcomes = await alert_rows.outcome_counts(session)
        for (tier, outcome), count in outcomes.items():
            self._metrics.alert_outcomes.labels(tier, outcome).set(count)
        self._metrics.scheduler_lag.set((now - oldest).total_seconds() if oldest else 0.0)
        body = generate_latest(self._metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
