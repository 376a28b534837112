"""The `peercircle` command: run, check-config, migrate, migrate-data, backup, restore,
report, sandbox, keygen, rotate-key."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.clock import SystemClock
from bot.config import NO_TOKEN_HELP, ConfigError, Settings, load_settings, require_token
from bot.i18n import speaking
from bot.runtime.instance_lock import AlreadyRunning, InstanceLock
from bot.runtime.logging_setup import configure_logging
from storage import rotation
from storage.backup import BackupError, backup, restore
from storage.db import Database, open_configured
from storage.faults import DatabaseServerError, StorageError
from storage.preflight import DatabaseFileError, check_database_file, verify_database
from storage.sealed import KeyFileError, encode_key, read_key_file, write_new_key_file
from storage.url import parse_storage_url

# The bot itself (bot.app and all it wires: about 2 s of imports) is imported by the commands
# that use it, so that a start refused for its database answers within a second or so.
if TYPE_CHECKING:
    from bot.context import PeerApplication
    from bot.stats.rules import StatsReport

log = logging.getLogger("peercircle")

EXIT_CONFIG = 2
EXIT_FAILURE = 1
# No token yet: not a broken configuration but a first run; the Makefile's `run` stops
# quietly on it so that the how-to stays the last lines on screen.
EXIT_NO_TOKEN = 3
# How often migrate-data says how far a big table's copy got.
PROGRESS_ROWS = 100_000


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="peercircle", description="A Telegram bot for peer support in recovery."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in (
        ("run", "run the bot"),
        ("check-config", "check the configuration and exit"),
        ("migrate", "bring the database schema up to date and exit"),
    ):
        _config_option(commands.add_parser(name, help=help_text))
    sandbox = commands.add_parser(
        "sandbox", help="try the bot without Telegram: a chat page on http://127.0.0.1:8080"
    )
    sandbox.add_argument(
        "--db", type=Path, default=None, help="keep the database here (default: a throwaway one)"
    )
    sandbox.add_argument("--port", type=int, default=8080, help="the chat page's port")
    report = commands.add_parser(
        "report", help="write anonymised statistics (the /stats figures) to a CSV file"
    )
    _config_option(report)
    for name, help_text in (
        ("backup", "copy the database consistently (the bot may run) and check the copy"),
        ("restore", "put a checked backup in place of the database (the bot must be stopped)"),
    ):
        sub = commands.add_parser(name, help=help_text)
        _config_option(sub)
        sub.add_argument("path", type=Path, help="the backup file")
    report.add_argument("--out", type=Path, required=True, help="the CSV file to write")
    report.add_argument(
        "--since",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="weekly rows from this date's week (default: the last 8 weeks)",
    )
    kind = report.add_mutually_exclusive_group()
    kind.add_argument(
        "--outcomes",
        action="store_true",
        help='the questionnaires\' cohort report instead (README "Outcomes")',
    )
    kind.add_argument(
        "--research",
        action="store_true",
        help='the de-identified export for researchers instead (README "Research export")',
    )
    _key_commands(commands)
    _migrate_data_command(commands)
    return parser


def _migrate_data_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    copy = commands.add_parser(
        "migrate-data",
        help="copy a SQLite database into a new, empty PostgreSQL one (the bot stopped)",
    )
    _config_option(copy)
    copy.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="sqlite:///PATH",
        help="the SQLite database, at this version's schema (`peercircle migrate`)",
    )
    copy.add_argument(
        "--to",
        dest="target",
        required=True,
        metavar="postgresql://USER@HOST:PORT/DATABASE",
        help="the PostgreSQL database, empty; its password as for storage.url",
    )
    copy.add_argument(
        "--batch-size",
        type=int,
        default=5_000,
        help="rows per COPY (default 5000)",
    )


def _key_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    commands.add_parser("keygen", help="print a new encryption key (for PEERCIRCLE_STORAGE__KEY)")
    rotate = commands.add_parser(
        "rotate-key",
        help="encrypt every member's text again with a new key (the bot may run)",
    )
    _config_option(rotate)
    rotate.add_argument(
        "--new-key-file",
        type=Path,
        required=True,
        help="the new key: a file from `keygen` (mode 0600), made here if missing",
    )
    rotate.add_argument(
        "--batch-size", type=int, default=500, help="rows per transaction (default 500)"
    )
    rotate.add_argument(
        "--wait",
        type=float,
        default=120.0,
        help="seconds to wait for a running bot to take up the new key (default 120)",
    )


def _config_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--config",
        type=Path,
        default=None,
        help="TOML config file (default: $PEERCIRCLE_CONFIG, else ./config.toml)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "sandbox":
        return _sandbox(args.db, args.port)
    if args.command == "keygen":
        print(encode_key(os.urandom(32)))
        return 0
    if args.command == "rotate-key":
        return _rotate_key_command(args.config, args.new_key_file, args.batch_size, args.wait)
    if args.command == "migrate-data":
        return _migrate_data(args.config, args.source, args.target, args.batch_size)
    try:
        settings = load_settings(args.config)
        on_server = settings.storage.database.engine == "postgresql"
        if on_server and args.command in ("backup", "restore"):
            raise ConfigError(PG_BACKUP_HELP)
        if args.command == "migrate":
            if not on_server:
                verify_database(settings.storage.path, empty_ok=True)
            return asyncio.run(_migrate(settings))
        if args.command in ("backup", "restore"):
            key_at = settings.storage.keys.where(settings.storage.path)
            return _backup_or_restore(args.command, settings.storage.path, args.path, key_at)
        if args.command == "report" and (args.outcomes or args.research):
            with speaking(settings.members.default_language):
                written = asyncio.run(_outcomes_report(settings, args.research))
            args.out.write_text(written.text, encoding="utf-8")
            print(f"wrote {written.what} ({written.rows} rows) to {args.out}")
            return 0
        if args.command == "report":
            from bot.stats.service import to_csv

            # Headers and labels in the operator's language (members.default_language).
            with speaking(settings.members.default_language):
                report = asyncio.run(_report(settings, args.since))
                args.out.write_text(to_csv(report), encoding="utf-8")
            print(f"wrote anonymised statistics for {len(report.groups)} group(s) to {args.out}")
            return 0
        token = require_token(settings)
    except (ConfigError, KeyFileError, DatabaseFileError, DatabaseServerError) as error:
        print(error, file=sys.stderr)
        if args.command == "run" and error.args and error.args[0] == NO_TOKEN_HELP:
            return _offer_sandbox()
        return EXIT_CONFIG
    if args.command == "check-config":
        database = settings.storage.database
        print(
            f"configuration OK: database "
            f"{database.text if database.engine == 'postgresql' else settings.storage.path}, "
            f"Bot API {settings.telegram.api_base_url}, "
            f"{len(settings.moderation.operators)} operator(s)"
        )
        return 0
    secrets = [token, _webhook_secret(settings), _database_password(settings)]
    configure_logging(settings.logging, secrets=secrets)
    return _run_alone(settings)


PG_BACKUP_HELP = (
    "backup and restore are for SQLite's file; on PostgreSQL use pg_dump and pg_restore "
    "(README: Backups on PostgreSQL), and keep the encryption key apart from the dump"
)


def refuse_postgresql(settings: Settings, command: str) -> None:
    """For the one command that works on SQLite's file only: one line saying so, before
    anything connects or makes a file."""
    database = settings.storage.database
    if database.engine == "postgresql":
        raise ConfigError(
            f"{command} works on SQLite only in this version (storage.url is "
            f"{database.text}): a PostgreSQL database keeps the key it was copied with"
        )


def _run_alone(settings: Settings) -> int:
    """Run the bot under the database's instance lock, once its database is known sound.
    On PostgreSQL there is no file to lock: several workers share the database (the server
    checks it at the start, and the advisory locks keep one leader and one way in)."""
    if settings.storage.database.engine == "postgresql":
        return _run_on_server(settings)
    path = settings.storage.path
    lock = InstanceLock(path)
    try:
        _lock_sound_database(settings, lock)
        return asyncio.run(_run(settings))
    except AlreadyRunning as running:
        print(
            f"another peercircle is already running on {path} (lock {running}); "
            "one process per database",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    except (DatabaseFileError, KeyFileError) as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 0
    finally:
        lock.release()


def _run_on_server(settings: Settings) -> int:
    """Run one worker on PostgreSQL; a database, a key or an intake that cannot be used is
    one line and exit 2, as on SQLite."""
    from bot.runtime.intake_lock import IntakeTaken

    try:
        # The database first, as on SQLite: checked and migrated before Telegram is asked.
        asyncio.run(_ready_server(settings))
        return asyncio.run(_run(settings))
    except (DatabaseServerError, KeyFileError, IntakeTaken) as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    except StorageError as error:  # the server went away between its checks and the start
        print(
            f"cannot use PostgreSQL at {settings.storage.database.text} ({error}); "
            "is the server running? check storage.url",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 0


async def _ready_server(settings: Settings) -> None:
    """Before anything is logged or Telegram is asked: the database checked and migrated,
    and the way in free (taken for good once the bot runs: start_intake)."""
    from bot.runtime.intake_lock import hold_intake

    db = await open_configured(settings.storage)
    await db.close()
    lock = await hold_intake(settings, polling=not settings.telegram.webhook_url)
    await lock.let_go()


def _lock_sound_database(settings: Settings, lock: InstanceLock) -> None:
    """Refuse a database the bot cannot use before anything else starts, Telegram included.

    Its folder first: a read-only one cannot hold the lock file either. The lock before
    reading every page, so a second start stops at "already running" without touching a
    database in use. A missing database is made now, under the lock, so the lock holds its
    identity before the bot starts (the first start made it before as well).
    """
    path = settings.storage.path
    check_database_file(path)
    try:
        lock.acquire()
    except OSError as error:
        raise DatabaseFileError(
            f"cannot take the lock {lock.path} ({error.strerror}): make it and its folder "
            "writable by the user the bot runs as (chown, chmod, chattr -i)"
        ) from None
    if path.exists():
        verify_database(path)
    else:
        asyncio.run(_make_database(settings))
        lock.hold_database_file()


async def _make_database(settings: Settings) -> None:
    db = await Database.open(settings.storage.path, keys=settings.storage.keys)
    await db.close()


def _webhook_secret(settings: Settings) -> str:
    return settings.telegram.webhook_secret.get_secret_value()


def _database_password(settings: Settings) -> str:
    """PostgreSQL's password, kept out of every log line; "" for SQLite, which has none (a
    stray short value must not blank out letters of every line)."""
    password = settings.storage.database_password
    if settings.storage.database.engine != "postgresql" or password is None:
        return ""
    return password.get_secret_value()


def _offer_sandbox() -> int:
    """No token: at a terminal, offer the sandbox there and then."""
    if not sys.stdin.isatty():
        return EXIT_NO_TOKEN
    try:
        answer = input("\nStart the sandbox now? [Y/n] ").strip().lower()
    except EOFError:
        return EXIT_NO_TOKEN
    if answer not in ("", "y", "yes"):
        return EXIT_NO_TOKEN
    return _sandbox(None, 8080)


def _sandbox(db_path: Path | None, port: int) -> int:
    # Only here: the sandbox brings the emulator and a web page, which a production
    # `peercircle run` never needs to import.
    from bot.sandbox.server import run_sandbox

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await run_sandbox(db_path, port, stop)

    try:
        asyncio.run(serve())
    except OSError as error:
        print(
            f"the sandbox could not start: {error} (is port {port} taken? try --port)",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    return 0


def _backup_or_restore(command: str, db_path: Path, path: Path, key_file: str) -> int:
    try:
        if command == "backup":
            verify_database(db_path, writable=False)  # a damaged one is not worth a copy
            backup(db_path, path)
            print(f"backed up {db_path} to {path}; integrity check: ok")
            # Members' notes in the copy open only with the key, which is not in it.
            print(f"the encryption key {key_file} is not in the backup: keep a copy of it, apart")
            return 0
        with InstanceLock(db_path):
            restore(path, db_path)
        print(f"restored {db_path} from {path}; integrity check: ok")
        return 0
    except AlreadyRunning as running:
        print(
            f"peercircle is running on {db_path} (lock {running}); stop it, then restore",
            file=sys.stderr,
        )
    except BackupError as error:
        print(f"{command} failed: {error}", file=sys.stderr)
    return EXIT_FAILURE


async def _migrate(settings: Settings) -> int:
    """Apply every migration not yet applied. SQLite: an empty file is made a database here
    on purpose (a start refuses one). PostgreSQL: the server's checks first, then each
    migration in its own transaction under the migrations' lock, so workers starting at the
    same time wait for it."""
    storage = settings.storage
    if storage.database.engine == "sqlite":
        db = await Database.open(storage.path, migrate=False, keys=storage.keys, empty_ok=True)
        shown = str(storage.path)
    else:
        db = await open_configured(storage, migrate=False)
        shown = storage.database.text
    try:
        applied = await db.migrate()
        version = await db.schema_version()
    finally:
        await db.close()
    done = f"applied {', '.join(map(str, applied))}" if applied else "nothing to apply"
    print(f"database {shown} is at schema version {version} ({done})")
    return 0


async def _report(settings: Settings, since: date | None) -> StatsReport:
    from bot.stats.service import StatsService

    db = await open_configured(settings.storage)
    try:
        stats = StatsService(db, SystemClock(), settings.moderation.stats_min_members)
        return await stats.report(since)
    finally:
        await db.close()


@dataclass(frozen=True)
class _Written:
    text: str
    what: str
    rows: int


async def _outcomes_report(settings: Settings, research: bool) -> _Written:
    from bot.outcomes.questionnaire import load as load_questionnaires
    from bot.outcomes.report import OutcomeReports, outcomes_csv, research_csv

    questionnaires = load_questionnaires(
        settings.outcomes.questionnaire_dir,
        settings.members.default_language,
        settings.outcomes.questionnaires or None,
    )
    db = await open_configured(settings.storage)
    try:
        reports = OutcomeReports(
            db, SystemClock(), questionnaires, settings.moderation.stats_min_members
        )
        if research:
            rows = await reports.research_rows()
            most = max((len(q.items) for q in questionnaires.values()), default=0)
            return _Written(
                research_csv(rows, most), "the de-identified research export", len(rows)
            )
        report = await reports.report()
        text = outcomes_csv(report)
        return _Written(text, "the outcomes report", text.count("\n") - 1)
    finally:
        await db.close()


async def _run(settings: Settings) -> int:
    from telegram.error import InvalidToken, NetworkError

    from bot.app import build_application, running_bot

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    app = build_application(settings)
    failed = False
    try:
        async with running_bot(app):
            # Everything made at start-up lives as long as the process: keeping it out of
            # the garbage collector's passes took check-in taps from about 500 to 570 a
            # second (bench/RESULTS.md).
            gc.freeze()
            failed = await _until_stopped(app, stop)
    except InvalidToken:
        print(
            "Telegram rejected telegram.token (Unauthorized): copy the token again from "
            "@BotFather, or send /revoke there for a new one",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    except NetworkError as error:
        print(
            f"cannot reach the Bot API at {settings.telegram.api_base_url} "
            f"({type(error).__name__}); check the network or telegram.api_base_url",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    return EXIT_FAILURE if failed else 0


async def _until_stopped(app: PeerApplication, stop: asyncio.Event) -> bool:
    """Wait for SIGTERM/SIGINT, or for the intake to give up; True in the second case."""
    from bot.runtime.intake import PollingIntake

    waits = [asyncio.create_task(stop.wait())]
    intake = app.bot_data.intake
    if isinstance(intake, PollingIntake):
        waits.append(asyncio.create_task(intake.failed.wait()))
    watch = app.bot_data.intake_lock
    if watch is not None:  # another process took the way in: exit for a restart
        waits.append(asyncio.create_task(watch.lost.wait()))
    _, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    if stop.is_set():
        log.info("stopping: signal received")
        return False
    return True


def _migrate_data(config: Path | None, source: str, target: str, batch_size: int) -> int:
    """Copy --from into --to; one line and exit 2 on a refusal, with nothing written.

    The configuration gives the key (the same key opens both databases) and PostgreSQL's
    password, never on the command line; its storage.url is not read here.
    """
    # Here, not at the top: a SQLite start never loads asyncpg.
    from storage.migrate_data import MigrateDataError, migrate_data

    try:
        settings = load_settings(config)
        source_url, target_url = parse_storage_url(source), parse_storage_url(target)
        if source_url.engine != "sqlite" or source_url.path is None:
            raise ConfigError(
                f"--from must be a SQLite URL, sqlite:///path (not {source_url.text})"
            )
        if target_url.engine != "postgresql":
            raise ConfigError(
                f"--to must be a PostgreSQL URL, postgresql://user@host:5432/database "
                f"(not {target_url.text})"
            )
        password = _database_password_for(settings)
        copied = asyncio.run(
            migrate_data(
                source_url.path,
                target_url.text,
                keys=settings.storage.keys,
                password=password,
                progress=_CopyProgress(),
                batch_rows=batch_size,
            )
        )
    except (
        ConfigError,
        ValueError,
        KeyFileError,
        DatabaseFileError,
        DatabaseServerError,
        MigrateDataError,
        StorageError,
    ) as error:
        said = str(error)
        if isinstance(error, DatabaseServerError):
            # The server's checks are worded for the bot's start; here the URL is --to.
            said = said.replace("storage.url", "--to")
        print(f"migrate-data refused: {said}", file=sys.stderr)
        return EXIT_CONFIG
    width = max(len(done.table) for done in copied)
    for done in copied:
        print(f"{done.table:<{width}}  {done.rows:>9}")
    total = sum(done.rows for done in copied)
    print(
        f"{'total':<{width}}  {total:>9} rows in {len(copied)} tables, copied to {target_url.text}"
    )
    return 0


def _database_password_for(settings: Settings) -> str | None:
    password = settings.storage.database_password
    return None if password is None else password.get_secret_value()


class _CopyProgress:
    """Where the copy is, on stderr: each table as it starts, then every PROGRESS_ROWS."""

    def __init__(self) -> None:
        self._shown = 0

    def __call__(self, table: str, done: int, total: int) -> None:
        if done == 0:
            self._shown = 0
            print(f"copying {table} ({total} rows)", file=sys.stderr, flush=True)
        elif done - self._shown >= PROGRESS_ROWS and done < total:
            self._shown = done
            print(f"  {table}: {done} of {total}", file=sys.stderr, flush=True)


def _rotate_key_command(
    config: Path | None, new_key_file: Path, batch_size: int, wait: float
) -> int:
    """Load the settings and the new key, then rotate; one line and a code on a refusal.

    The new key comes from a file, never the environment or the command line: the running
    bot must seal with it during the rotation, and a file's path is what can be handed to it
    (through the database); a key on a command line would show in the process list too.
    """
    try:
        settings = load_settings(config)
        refuse_postgresql(settings, "rotate-key")
        path = new_key_file.resolve()
        new_key = _new_key(path)
        return asyncio.run(_rotate_key(settings, new_key, path, max(1, batch_size), wait))
    except (ConfigError, KeyFileError, rotation.RotationError) as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        print("stopped; run the same command again to go on where it stopped", file=sys.stderr)
        return EXIT_FAILURE


def _new_key(path: Path) -> bytes:
    """The key in `path`, or a new one written there (mode 0600) when it is missing."""
    try:
        key = read_key_file(path)
    except FileNotFoundError:
        key = write_new_key_file(path)
        print(f"made a new key in {path} (mode 0600)")
        return key
    except OSError as error:
        raise KeyFileError(f"cannot read the new key file {path} ({error.strerror})") from None
    if path.stat().st_mode & 0o077:
        print(f"warning: other users can read {path}; narrow it with `chmod 600 {path}`")
    return key


async def _rotate_key(
    settings: Settings, new_key: bytes, path: Path, batch_size: int, wait: float
) -> int:
    db = await Database.open(settings.storage.path, keys=settings.storage.keys)
    try:
        if not db.sealer.has_key:
            raise rotation.RotationError(
                "no encryption key is configured (storage.encrypt = false and no key): "
                "there is nothing to rotate"
            )
        resumed = await rotation.request(db, new_key, path)
        print("resuming the key rotation" if resumed else "key rotation started")
        bot = _running_bot(settings.storage.path)
        if bot is not None and not await _bot_took_up(db, bot, wait):
            print(
                f"the running bot has not taken up the new key within {wait:g} s; check that "
                f"its user can read {path} and look at its log, then run this again",
                file=sys.stderr,
            )
            return EXIT_FAILURE
        resealed = 0
        while not (step := await rotation.reseal_batch(db, batch_size)).finished:
            resealed += step.resealed
        await rotation.finish(db, SystemClock().now())
    finally:
        await db.close()
    print(
        f"done: {resealed + step.resealed} values encrypted again with the new key; "
        "the old key no longer opens the database."
    )
    print(_after_rotation(settings, path))
    return 0


def _running_bot(db_path: Path) -> int | None:
    """The process id of the bot running on this database (0: unknown), None when none is."""
    lock = InstanceLock(db_path)
    try:
        lock.acquire()
    except AlreadyRunning:
        held = lock.path.read_text(encoding="ascii", errors="replace").strip()
        return int(held) if held.isdigit() else 0
    lock.release()
    return None


async def _bot_took_up(db: Database, pid: int, wait: float) -> bool:
    """Wait until the running bot seals with the new key (its next sweep), up to `wait` s."""
    print("waiting for the running bot to take up the new key…")
    deadline = asyncio.get_running_loop().time() + wait
    while not await rotation.adopted(db, pid or None):
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.2)
    return True


def _after_rotation(settings: Settings, path: Path) -> str:
    """What the operator does next: give the bot the new key, then restart it."""
    if settings.storage.key is not None:
        step = f"set PEERCIRCLE_STORAGE__KEY to the line in {path}"
    else:
        key_file = settings.storage.keys.where(settings.storage.path)
        step = f"mv {path} {key_file}  (or point storage.key_file at {path})"
    return (
        f"Next: {step}, then restart the bot (systemctl restart peercircle).\n"
        "Keep the old key until a backup made from now on exists: older backups open only "
        "with it."
    )
