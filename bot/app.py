"""The composition root: builds the Application the CLI, tests, sandbox and benchmarks run."""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from telegram.ext import ApplicationBuilder, ContextTypes

from bot.clock import Clock, SystemClock
from bot.config import Settings, require_token
from bot.context import BotData, PeerApplication, PeerContext, StartupConfig
from bot.i18n.catalogs import load_all
from bot.moderation.menus import register_menus
from bot.runtime.delivery import OutboxWorker
from bot.runtime.health import HealthServer
from bot.runtime.intake import PollingIntake, UpdateDispatcher
from bot.runtime.intake_lock import IntakeWatch, hold_intake
from bot.runtime.leadership import Leadership
from bot.runtime.logging_setup import quiet_noisy_loggers
from bot.runtime.pacing import TelegramPace
from bot.runtime.sweep_loop import SweepLoop
from bot.runtime.transport import AiohttpRequest
from bot.runtime.webhook import WebhookServer
from bot.services import Services
from handlers import (
    account,
    alerts,
    checkins,
    circles,
    combined,
    fallback,
    goals,
    journey,
    language,
    moderation,
    onboarding,
    outcomes,
    safety,
    trends,
)
from handlers.answers import AnswerTable
from handlers.errors import on_error
from storage.leadership import CHECK_TIMEOUT

log = logging.getLogger("peercircle.app")

CONNECTIONS = 16
POOL_TIMEOUT = 10.0


def build_application(
    settings: Settings, *, clock: Clock | None = None, rng: random.Random | None = None
) -> PeerApplication:
    """Wire settings and every handler into a python-telegram-bot Application."""
    token = require_token(settings)
    quiet_noisy_loggers()
    app: PeerApplication = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram.api_base_url)
        .base_file_url(settings.telegram.api_base_file_url)
        .context_types(ContextTypes(context=PeerContext, bot_data=BotData))
        # bot.runtime.intake polls (or bot.runtime.webhook listens) instead: see there why.
        .updater(None)
        # aiohttp instead of httpx: see bot.runtime.transport. Members' updates are handled
        # side by side; with one connection their requests would queue for it.
        .request(AiohttpRequest(CONNECTIONS, pool_timeout=POOL_TIMEOUT))
        .get_updates_request(AiohttpRequest(1, read_timeout=settings.telegram.poll_timeout + 10))
        # One pace for the outbox and handlers' replies alike: see bot.runtime.pacing.
        .rate_limiter(TelegramPace(settings.delivery.messages_per_second))
        .build()
    )
    app.bot_data.startup = StartupConfig(settings, clock or SystemClock(), rng or random.Random())

    # Before anything is said: the sender's language, for the rest of the update.
    for handler in language.middleware():
        app.add_handler(handler, group=-2)
    # The crisis screen runs first, in its own group, on every text a person types: it
    # answers crisis language at once and tells the features what it found.
    for handler in safety.screen_handlers():
        app.add_handler(handler, group=-1)
    # Order matters: commands and feature buttons first, then the catch-alls in fallback,
    # which answer whatever no feature claimed. A module that asks questions answered by
    # free text lists them in answers(); fallback routes typed text through the table.
    answers = AnswerTable()
    # Forwards first: never a command nor an answer, whatever their text says.
    for handler in fallback.forward_handlers():
        app.add_handler(handler)
    for module in (
        onboarding,
        account,
        checkins,
        trends,
        circles,
        alerts,
        moderation,
        journey,
        goals,
        outcomes,
        combined,
        safety,
        language,
    ):
        for handler in module.handlers():
            app.add_handler(handler)
        if hasattr(module, "answers"):
            answers.add(module.answers())
        if hasattr(module, "cancels"):
            answers.add_cancels(module.cancels())
        if hasattr(module, "plain_text"):
            answers.add_plain_text(module.plain_text())
    for handler in fallback.handlers(answers):
        app.add_handler(handler)
    for handler in onboarding.notice_handlers():
        app.add_handler(handler, group=1)
    app.add_error_handler(on_error)
    return app


async def start_services(app: PeerApplication) -> Services:
    """Open the database (migrating it) and register the command menus."""
    startup = app.bot_data.startup
    if startup is None:
        raise RuntimeError("build the application with build_application()")
    # Every catalog compiled now: a broken .po stops the start, not a member's message.
    load_all()
    services = await Services.open(startup.settings, startup.clock, startup.rng)
    app.bot_data.running_services = services
    pace = app.bot.rate_limiter
    assert isinstance(pace, TelegramPace), "build the application with build_application()"
    pace.count_429s_with(services.metrics.rate_limited.inc)  # replies' and the outbox's
    if startup.settings.checkins.weekly_reflection_time is not None:
        log.warning(
            "checkins.weekly_reflection_time is no longer used: the weekly reflection follows "
            "each member's check-in (see checkins.weekly_reflection_wait_minutes)"
        )
    await register_menus(
        app.bot,
        services.moderation,
        startup.settings.moderation.moderator_chat_id,
        startup.settings.members.default_language,
    )
    # On PostgreSQL several workers may share the outbox: the sender claims what it sends,
    # and a new leader waits until the last one has surely stopped (bot.runtime.delivery).
    several = startup.settings.storage.database.engine == "postgresql"
    fence = startup.settings.runtime.leader_poll_seconds + CHECK_TIMEOUT if several else 0.0
    worker = OutboxWorker(
        app.bot,
        services.db,
        startup.clock,
        startup.settings.delivery,
        services.outbox_ready,
        services.metrics,
        startup.settings.members.default_language,
        grace=timedelta(hours=startup.settings.scheduler.grace_hours),
        worker=startup.settings.runtime.worker,
        pace=pace,
        claims=several,
        fence_seconds=fence,
    )
    app.bot_data.delivery = worker  # started by the leader (start_leadership)
    return services


def sweep_loop(services: Services) -> SweepLoop:
    """One loop sweeps every due row and repeats crisis alerts nobody took."""

    async def sweep_due_rows() -> None:
        await services.sweeper.sweep()
        await services.moderation.repeat_untaken_alerts()

    return SweepLoop(sweep_due_rows, services.settings.scheduler.sweep_interval_seconds)


async def start_leadership(app: PeerApplication, services: Services) -> Leadership:
    """Send the outbox and sweep due rows while this worker leads: on SQLite from now on;
    on PostgreSQL while it holds the leader's lock (bot.runtime.leadership)."""
    worker, sweeps = app.bot_data.delivery, sweep_loop(services)
    assert worker is not None, "start the services first"

    async def take_up() -> None:
        worker.start()
        sweeps.start()

    async def put_down() -> None:
        await sweeps.stop()
        await worker.stop()

    leadership = Leadership.for_settings(services.settings, on_gain=take_up, on_loss=put_down)
    app.bot_data.leadership = leadership
    await leadership.start()
    return leadership


async def stop_services(app: PeerApplication) -> None:
    intake_lock, app.bot_data.intake_lock = app.bot_data.intake_lock, None
    if intake_lock is not None:
        await intake_lock.stop()
    # The leader's duties stop (the sweeps, then the outbox) before its lock is let go.
    leadership, app.bot_data.leadership = app.bot_data.leadership, None
    if leadership is not None:
        await leadership.stop()
    app.bot_data.delivery = None
    services, app.bot_data.running_services = app.bot_data.running_services, None
    if services is not None:
        await services.close()


async def start_intake(app: PeerApplication, services: Services) -> PollingIntake | WebhookServer:
    """Poll, or with a webhook URL configured, listen for Telegram's posts."""
    telegram = services.settings.telegram
    dispatcher = UpdateDispatcher(
        app, services.db, services.clock, services.metrics, telegram.concurrent_members
    )
    intake: PollingIntake | WebhookServer
    # Before Telegram is told anything: setWebhook would cut a poller off, and the reverse.
    held = await hold_intake(services.settings, not telegram.webhook_url)
    app.bot_data.intake_lock = IntakeWatch(held, services.settings.runtime.leader_poll_seconds)
    app.bot_data.intake_lock.start()
    if telegram.webhook_url:
        intake = WebhookServer(app, dispatcher, telegram)
        await intake.start()
    else:
        await app.bot.delete_webhook(drop_pending_updates=False)  # polling needs none set
        intake = PollingIntake(app, dispatcher, services.db, telegram, services.metrics)
        intake.start()
        log.info("polling started as @%s", app.bot.username)
    app.bot_data.intake = intake
    return intake


async def start_health(app: PeerApplication, services: Services) -> HealthServer | None:
    settings = services.settings.metrics
    if not settings.port:
        return None

    leadership = app.bot_data.leadership
    assert leadership is not None, "start the leadership first"

    def alive() -> bool:
        intake, worker = app.bot_data.intake, app.bot_data.delivery
        if intake is None or not intake.alive:
            return False
        # A follower sends nothing; the leader's outbox worker must be running.
        return not leadership.is_leader or (worker is not None and worker.alive)

    health = HealthServer(
        settings, services.metrics, services.db, services.clock, alive, leadership
    )
    await health.start()
    return health


@asynccontextmanager
async def running_bot(app: PeerApplication) -> AsyncIterator[PeerApplication]:
    """Run the bot (polling) for the duration of the block, then stop it cleanly."""
    await app.initialize()
    try:
        services = await start_services(app)
        await app.start()
        await start_leadership(app, services)
        intake = await start_intake(app, services)
        health = await start_health(app, services)
        try:
            yield app
        finally:
            # Stop taking updates first; handlers running now finish; then (stop_services)
            # the sweeps and the outbox.
            # None of them waits out a 429 now: the shutdown keeps its time.
            if isinstance(app.bot.rate_limiter, TelegramPace):
                app.bot.rate_limiter.stop_holding()
            await intake.stop()
            if health is not None:
                await health.stop()
    finally:
        # Also after a start that failed half-way (another poller, a database refused).
        if app.running:
            await app.stop()
        await stop_services(app)
        await app.shutdown()
