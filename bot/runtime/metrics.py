"""Prometheus metrics for the operator: counters the bot bumps, gauges read on each scrape.

Each running bot has its own registry, so tests can run many bots in one process.

The worker's name is a label of one info metric, peercircle_worker_info{worker="..."} 1, and
of peercircle_leader, not of every metric: Prometheus tells the scraped processes apart by
their target labels (instance), and a name that changes at each start (<hostname>-<pid>, the
default) would begin a new series of every metric at every restart. Join on instance to
name the worker of any other metric.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Info


class Metrics:
    def __init__(self, worker: str = "") -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.worker = Info("peercircle_worker", "This worker's name", registry=r)
        self.worker.info({"worker": worker})
        self.leader = Gauge(
            "peercircle_leader",
            "1 while this worker is the leader (sends the outbox and sweeps due rows), else 0",
            ["worker"],
            registry=r,
        ).labels(worker)
        self.updates_handled = Counter(
            "peercircle_updates_handled", "Updates handed to the handlers", registry=r
        )
        self.updates_elsewhere = Counter(
            "peercircle_updates_elsewhere",
            "Updates skipped because another worker claimed them first (PostgreSQL)",
            registry=r,
        )
        self.handler_errors = Counter(
            "peercircle_handler_errors", "Handlers that raised an error", registry=r
        )
        self.messages_sent = Counter(
            "peercircle_messages_sent", "Outbox messages Telegram accepted", registry=r
        )
        self.rate_limited = Counter(
            "peercircle_telegram_429",
            "Calls Telegram refused with 429 Too Many Requests (outbox and replies)",
            registry=r,
        )
        self.blocked = Counter(
            "peercircle_telegram_403",
            "Sends refused with 403: the member blocked the bot",
            registry=r,
        )
        self.outbox_expired = Counter(
            "peercircle_outbox_expired",
            "Outbox messages not sent because their moment had passed (after downtime)",
            registry=r,
        )
        self.send_timeouts = Counter(
            "peercircle_outbox_send_timeouts",
            "Outbox sends Telegram did not answer in time (they may have arrived)",
            registry=r,
        )
        self.record_failures = Counter(
            "peercircle_outbox_record_failures",
            "Tries to record outbox results that the database refused (kept in memory)",
            registry=r,
        )
        self.outbox_depth = Gauge(
            "peercircle_outbox_depth", "Outbox messages waiting to be sent", registry=r
        )
        self.crisis_screened = Counter(
            "peercircle_crisis_screened",
            "Texts the crisis screen flagged, by tier",
            ["tier"],
            registry=r,
        )
        self.crisis_alerts = Counter(
            "peercircle_crisis_alerts",
            "Crisis messages that alerted moderators, by tier",
            ["tier"],
            registry=r,
        )
        self.alert_outcomes = Gauge(
            "peercircle_crisis_alert_outcomes",
            "Crisis alerts by tier and outcome (raised, taken, false_alarm), since the start",
            ["tier", "outcome"],
            registry=r,
        )
        self.writes_ok = Gauge(
            "peercircle_database_writes_ok",
            "1 when the last write probe succeeded (within 30 s), else 0",
            registry=r,
        )
        self.scheduler_lag = Gauge(
            "peercircle_scheduler_lag_seconds",
            "How long the oldest due row has been waiting for the sweep",
            registry=r,
        )
