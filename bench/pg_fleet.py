"""Webhook worker processes on one PostgreSQL database, as an operator runs them, and what
plays the parts around them: a round-robin proxy in front (as nginx would be) and Telegram
posting updates through it until each is answered 200.

Shared by bench/pg_workers.py and tests/reliability/test_pg_*.py (here, not in tests/, so
the benchmark imports nothing of the tests but their cluster).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import aiohttp
import asyncpg
from aiohttp import web

from bot.emulator import BotApiEmulator
from bot.members.service import CONSENT_VERSION, NOTICE_VERSION
from bot.runtime.webhook import SECRET_HEADER
from storage import circles, members
from storage.db import Database
from storage.sealed import Keys, Sealer, encode_key

ROOT = Path(__file__).resolve().parents[1]
HOOK = "/telegram/hook"
SECRET = "s" * 20 + "-webhook-secret-0123456789"
TAKEOVER_LIMIT = 15.0  # issue 19: another worker takes over within 15 seconds
# Words, not digits: digit runs would be taken for phone numbers and never relayed.
STEPS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def subprocess_env() -> dict[str, str]:
    """The environment for `python -m bot`: no stray PEERCIRCLE_ variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERCIRCLE_")}
    env["PYTHONPATH"] = str(ROOT)
    return env


def update_payload(update_id: int, user_id: int, text: str) -> dict[str, object]:
    """A private message's update as Telegram posts it (a command with its entity)."""
    user = {"id": user_id, "is_bot": False, "first_name": "Alex"}
    message: dict[str, object] = {
        "message_id": update_id,
        "date": 1_700_000_000,
        "chat": {"id": user_id, "type": "private"},
        "from": user,
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [
            {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
        ]
    return {"update_id": update_id, "message": message}


def write_config(
    tmp_path: Path, emulator: BotApiEmulator, url: str, extra: str = "", leader_poll: float = 1
) -> Path:
    """The workers' config file; `extra`: more TOML sections (delivery, circles, ...)."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[telegram]\ntoken = "{emulator.token}"\napi_base_url = "{emulator.base_url}"\n'
        f'webhook_url = "https://bot.example.org{HOOK}"\nwebhook_secret = "{SECRET}"\n'
        'webhook_listen = "127.0.0.1"\n'
        f'[storage]\nurl = "{url}"\n[runtime]\nleader_poll_seconds = {leader_poll}\n{extra}',
        encoding="utf-8",
    )
    return config


class WorkerProcess:
    def __init__(
        self,
        name: str,
        process: asyncio.subprocess.Process,
        port: int,
        health: int,
        log: Path | None = None,
    ):
        self.name = name
        self.process = process
        self.hook = f"http://127.0.0.1:{port}{HOOK}"
        self.health = f"http://127.0.0.1:{health}/healthz"
        self.log = log  # its stderr, when written to a file

    async def healthz(self, http: aiohttp.ClientSession) -> dict[str, Any] | None:
        try:
            async with http.get(self.health) as response:
                return dict(await response.json())
        except aiohttp.ClientError:
            return None  # not listening yet, or gone

    def logged(self) -> str:
        """What it wrote to its log file so far."""
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log else ""

    async def stderr_text(self) -> str:
        """Its stderr: the log file's, or (once it exited) the pipe's."""
        if self.log is not None or self.process.stderr is None:
            return self.logged()
        return (await self.process.stderr.read()).decode(errors="replace")


async def start_worker(
    name: str,
    config: Path,
    cwd: Path,
    key: bytes,
    *,
    webhook: bool = True,
    password: str | None = None,
    log: Path | None = None,
) -> WorkerProcess:
    """`python -m bot run` as worker `name`. Its stderr goes to `log` when given (a pipe
    nobody reads would fill and stop a busy worker), else to a pipe for the test to read."""
    port, health = free_port(), free_port()
    env = subprocess_env() | {
        "PEERCIRCLE_STORAGE__KEY": encode_key(key),
        "PEERCIRCLE_RUNTIME__WORKER_NAME": name,
        "PEERCIRCLE_TELEGRAM__WEBHOOK_PORT": str(port),
        "PEERCIRCLE_METRICS__PORT": str(health),
    }
    if password is not None:
        env["PEERCIRCLE_STORAGE__PASSWORD"] = password
    if not webhook:
        env["PEERCIRCLE_TELEGRAM__WEBHOOK_URL"] = ""
    stderr: int | TextIO = asyncio.subprocess.PIPE
    if log is not None:
        stderr = log.open("w", encoding="utf-8")
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(config),
            cwd=cwd,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=stderr,
        )
    finally:
        if not isinstance(stderr, int):
            stderr.close()  # the child has its own copy
    return WorkerProcess(name, process, port, health, log)


async def until_healthy(http: aiohttp.ClientSession, worker: WorkerProcess) -> dict[str, Any]:
    """Its /healthz answer once it answers 'ok' (a start takes a few seconds)."""
    async with asyncio.timeout(60):
        while (said := await worker.healthz(http)) is None or said["status"] != "ok":
            if worker.process.returncode is not None:
                raise AssertionError(
                    f"{worker.name} exited ({worker.process.returncode}): "
                    f"{await worker.stderr_text()}"
                )
            await asyncio.sleep(0.1)
    return said


async def leader_among(
    http: aiohttp.ClientSession, workers: list[WorkerProcess], timeout: float = TAKEOVER_LIMIT
) -> WorkerProcess:
    """The worker whose /healthz says it leads, once one does."""
    async with asyncio.timeout(timeout):
        while True:
            for worker in workers:
                said = await worker.healthz(http)
                if said is not None and said["leader"]:
                    return worker
            await asyncio.sleep(0.1)


@asynccontextmanager
async def stopped_at_the_end(*workers: WorkerProcess) -> AsyncIterator[None]:
    try:
        yield
    finally:
        for worker in workers:
            if worker.process.returncode is None:
                worker.process.kill()
                await worker.process.wait()


class RoundRobinProxy:
    """Hands each POST to the next worker; on a connection error, a timeout, a 502 or a 503
    it tries the others, as nginx's proxy_next_upstream does. Its answer is the last
    worker's (502 when none answered)."""

    def __init__(self, hooks: list[str]) -> None:
        self.hooks = hooks
        self.answered: Counter[int] = Counter()
        self._turn = itertools.count()
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self.url = ""

    async def __aenter__(self) -> RoundRobinProxy:
        self._http = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=30),
            connector=aiohttp.TCPConnector(limit=0),
        )
        server = web.Application()
        server.router.add_post(HOOK, self._forward)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}{HOOK}"
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._http is not None
        body = await request.read()
        headers = {
            SECRET_HEADER: request.headers.get(SECRET_HEADER, ""),
            "Content-Type": "application/json",
        }
        first = next(self._turn)
        status = 502
        for n in range(len(self.hooks)):
            hook = self.hooks[(first + n) % len(self.hooks)]
            try:
                async with self._http.post(hook, data=body, headers=headers) as response:
                    status = response.status
            except (aiohttp.ClientError, TimeoutError):
                status = 502
                continue
            if status not in (502, 503):
                break
        self.answered[status] += 1
        return web.Response(status=status)


async def post_until_ok(http: aiohttp.ClientSession, url: str, payload: dict[str, object]) -> int:
    """Post an update as Telegram does: again, after a short pause, until it is answered 200.
    How many answers were not 200."""
    refused = 0
    async with asyncio.timeout(60):
        while True:
            try:
                async with http.post(url, json=payload, headers={SECRET_HEADER: SECRET}) as r:
                    if r.status == 200:
                        return refused
            except aiohttp.ClientError:
                pass
            refused += 1
            await asyncio.sleep(0.1)  # Telegram's own pause between tries is longer


def step_words(n: int) -> str:
    """0-99 in words, two of them: "zero seven"."""
    return f"{STEPS[n // 10]} {STEPS[n % 10]}"


def step_number(text: str) -> int:
    tens, ones = text.rsplit(" ", 2)[1:]
    return STEPS.index(tens) * 10 + STEPS.index(ones)


def encouragements(user_ids: list[int], each: int) -> dict[int, list[dict[str, object]]]:
    """Each member's `each` (up to 100) /encourage updates, in the order Telegram delivers
    them."""
    return {
        user_id: [
            update_payload(
                m * each + i + 1, user_id, f"/encourage keep going, step {step_words(i)}"
            )
            for i in range(each)
        ]
        for m, user_id in enumerate(user_ids)
    }


async def post_each_member_in_order(
    url: str,
    updates: dict[int, list[dict[str, object]]],
    *,
    concurrency: int | None = None,
    between: Callable[[], Awaitable[None]] | None = None,
) -> int:
    """Members in parallel (at most `concurrency` connections), each member's updates one
    after another, each posted until answered 200. How many answers were not 200."""
    connector = aiohttp.TCPConnector(limit=concurrency or 0)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def member(payloads: list[dict[str, object]]) -> int:
            refused = 0
            for payload in payloads:
                refused += await post_until_ok(http, url, payload)
                if between is not None:
                    await between()
            return refused

        return sum(await asyncio.gather(*(member(p) for p in updates.values())))


async def seed_pairs(
    url: str, key: bytes, user_ids: list[int], password: str | None = None
) -> None:
    """Onboarded members, two to a circle, so each /encourage writes one relay."""
    db = await Database.open(url, keys=Keys(key=key), password=password)
    now = datetime.now(UTC) - timedelta(days=1)
    try:
        async with db.transaction() as session:
            circle = 0
            for n, user_id in enumerate(user_ids):
                await members.create(
                    session,
                    user_id=user_id,
                    pseudonym=f"Calm Otter{n}",
                    timezone="UTC",
                    checkin_time="03:00",
                    consent_version=CONSENT_VERSION,
                    notice_version=NOTICE_VERSION,
                    pending_invite=None,
                    awaiting=None,
                    now=now,
                )
                await members.update(session, user_id, onboarded_at=now)
                if n % 2 == 0:
                    circle = await circles.create(session, f"Pair {n}", f"code{n}", 2, now)
                await circles.add_member(session, circle, user_id, now)
    finally:
        await db.close()


async def fetch(url: str, sql: str, password: str | None = None) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url, password=password)
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


async def relayed(url: str, key: bytes, password: str | None = None) -> list[tuple[int, str]]:
    """(author, text) of every relay, in the order written, the text opened with the key."""
    sealer = Sealer(key)
    rows = await fetch(url, "SELECT author_id, text FROM relays ORDER BY id", password)
    return [(int(r["author_id"]), str(sealer.unseal("relays", "text", r["text"]))) for r in rows]


def assert_each_once_in_order(rows: list[tuple[int, str]], authors: int, each: int) -> None:
    """Every author's `each` encouragements relayed once each, in the order sent."""
    counts = Counter(rows)
    assert set(counts.values()) == {1}, [t for t, n in counts.items() if n > 1]
    assert len(rows) == authors * each, len(rows)
    by_member: dict[int, list[int]] = {}
    for author, text in rows:
        by_member.setdefault(author, []).append(step_number(text))
    assert len(by_member) == authors
    assert all(order == list(range(each)) for order in by_member.values())


async def wait_for(condition: Callable[[], Awaitable[bool]], timeout: float) -> None:
    """Until the (database's) condition holds; asked every 0.1 s."""
    deadline = time.monotonic() + timeout
    while not await condition():
        assert time.monotonic() < deadline, "timed out waiting for the condition"
        await asyncio.sleep(0.1)
