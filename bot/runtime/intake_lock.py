"""One way in for updates, per database: one polling process, or any number of webhook workers.

Telegram serves getUpdates to one consumer only, and setWebhook ends polling (as polling's
deleteWebhook ends the webhook): a second poller, or a poller beside webhook workers, would
cut the others off. On PostgreSQL every worker holds the intake's advisory lock while it
takes updates: a polling process exclusively, a webhook worker shared. A start that cannot
take it refuses, in one line, before it calls Telegram. On SQLite the instance lock already
allows one process.
"""

from __future__ import annotations

from bot.config import Settings
from storage.leadership import INTAKE_KEY, AdvisoryLock, LeaderLock, SoleInstance


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
