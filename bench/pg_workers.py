"""Several webhook workers on one PostgreSQL database: updates per second with 1, 2 and 4
worker processes behind a round-robin proxy, the time another worker takes to lead after
the leader is killed, and the outbox's fan-out rate.

On a throwaway cluster of its own (initdb and pg_ctl in a temporary folder on a loopback
port, as tests/pg.py starts one; as root it runs as `postgres`). Workers
are `python -m bot run` processes against the Bot API emulator on 127.0.0.1.

    .venv/bin/python -m bench.pg_workers [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import aiohttp

from bench.machine import describe, write_section
from bench.pg_fleet import (
    RoundRobinProxy,
    WorkerProcess,
    encouragements,
    fetch,
    leader_among,
    post_each_member_in_order,
    seed_pairs,
    start_worker,
    stopped_at_the_end,
    until_healthy,
    write_config,
)
from bench.seeding import seed_due_members
from bot.emulator import BotApiEmulator
from bot.emulator.server import RateLimits
from storage.db import Database
from storage.sealed import Keys

PASSWORD: str | None = None  # the bench's own cluster trusts loopback connections
KEY = os.urandom(32)
TEMPLATE = "bench_template"
CONNECTIONS = 32
WORKER_COUNTS = (1, 2, 4)
MOOD_QUESTION = "How is your mood today?"
DEFAULT_LEADER_POLL = 5.0  # [runtime] leader_poll_seconds's default
QUIET = '[logging]\nlevel = "WARNING"\n'
# The bot's own capacity, not Telegram's budget: relays per member and the pace are raised so
# neither holds a run back.
UPDATE_SETTINGS = (
    "[circles]\nrelays_per_hour = 1000\n"
    "[delivery]\nmessages_per_second = 1000\nper_chat_per_second = 100\n" + QUIET
)
_databases = itertools.count(1)


@dataclass(frozen=True)
class Cluster:
    port: int
    bindir: Path

    def url(self, database: str) -> str:
        return f"postgresql://peer@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str) -> None:
        psql = shutil.which("psql") or str(self.bindir / "psql")
        subprocess.run([psql, "-X", "-q", "-c", sql, self.url("postgres")], check=True)


def postgres_bindir() -> Path | None:
    """initdb's folder: on the PATH, else Debian's newest /usr/lib/postgresql/N/bin."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts)
    return found[-1].parent if found else None


def _as_owner(command: list[str]) -> list[str]:
    """As root, run as `postgres` (initdb and postgres refuse root)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def throwaway_cluster(bindir: Path) -> Iterator[Cluster]:
    """A cluster in a temporary folder on a free loopback port, as tests/pg.py starts one
    (fsync off: the bench measures the bot, not the disk); stopped and removed after."""
    folder = Path(tempfile.mkdtemp(prefix="peercircle-bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    data, pg_ctl = str(folder / "data"), str(bindir / "pg_ctl")
    run = [str(bindir / "initdb"), "-D", data, "-U", "peer", "--auth=trust", "-E", "UTF8"]
    subprocess.run(
        _as_owner([*run, "--locale=C.UTF-8", "--no-sync"]),
        check=True,
        cwd=folder,
        stdout=subprocess.DEVNULL,
    )
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c max_connections=200 "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    log = str(folder / "pg.log")
    subprocess.run(
        _as_owner([pg_ctl, "-D", data, "-l", log, "-w", "-o", options, "start"]),
        check=True,
        cwd=folder,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield Cluster(port, bindir)
    finally:
        subprocess.run(
            _as_owner([pg_ctl, "-D", data, "-m", "fast", "-w", "stop"]),
            cwd=folder,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class Run:
    updates_per_second: dict[int, float]  # by worker count
    takeover_seconds: float
    fanout_fast: float  # messages/s at the emulator, the pace raised to 1000/s
    fanout_default: float  # at the default 25/s
    too_many_requests: int
    repeats: int


async def new_database(cluster: Cluster) -> str:
    name = f"bench_{next(_databases)}"
    await asyncio.to_thread(cluster.psql, f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    return cluster.url(name)


@asynccontextmanager
async def fleet(
    emulator: BotApiEmulator,
    url: str,
    folder: Path,
    count: int,
    extra: str,
    leader_poll: float = 1.0,
) -> AsyncIterator[list[WorkerProcess]]:
    """`count` webhook workers on `url`, healthy; killed at the end."""
    config = write_config(folder, emulator, url, extra, leader_poll)
    workers = [
        await start_worker(
            f"web-{n}", config, folder, KEY, password=PASSWORD, log=folder / f"web-{n}.log"
        )
        for n in range(1, count + 1)
    ]
    async with stopped_at_the_end(*workers), aiohttp.ClientSession() as http:
        for worker in workers:
            await until_healthy(http, worker)
        yield workers


async def updates_rate(
    cluster: Cluster, count: int, members: int, each: int
) -> tuple[float, float | None]:
    """Updates answered per second by `count` workers (closed loop: each member's next
    update once the last is answered, CONNECTIONS at a time); with two or more, also the
    seconds another takes to lead after the leader is killed."""
    url = await new_database(cluster)
    async with BotApiEmulator() as emulator:
        users = [emulator.user().user_id for _ in range(members)]
        await seed_pairs(url, KEY, users, PASSWORD)
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            async with (
                fleet(
                    emulator, url, folder, count, UPDATE_SETTINGS, DEFAULT_LEADER_POLL
                ) as workers,
                RoundRobinProxy([w.hook for w in workers]) as proxy,
            ):
                started = time.monotonic()
                await post_each_member_in_order(
                    proxy.url, encouragements(users, each), concurrency=CONNECTIONS
                )
                rate = members * each / (time.monotonic() - started)
                rows = await fetch(url, "SELECT count(*) FROM relays", PASSWORD)
                assert int(rows[0][0]) == members * each, "an update was lost"
                takeover = await time_takeover(workers) if count > 1 else None
    return rate, takeover


async def time_takeover(workers: list[WorkerProcess]) -> float:
    """SIGKILL the leader; seconds until another's /healthz says it leads."""
    async with aiohttp.ClientSession() as http:
        leader = await leader_among(http, workers, 30)
        others = [w for w in workers if w is not leader]
        leader.process.kill()
        killed_at = time.monotonic()
        await leader_among(http, others, 60)
        return time.monotonic() - killed_at


@dataclass(frozen=True)
class Fanout:
    rate: float
    too_many_requests: int
    repeats: int


async def fanout(cluster: Cluster, due: int, pace: float) -> Fanout:
    """`due` members due a prompt at once, two workers; the leader's delivery rate at the
    emulator, whose flood limit is 1.2x the pace (Telegram's 30/s to the default 25/s)."""
    url = await new_database(cluster)
    async with BotApiEmulator() as emulator:
        emulator.limits = RateLimits(enabled=True, global_per_second=int(pace * 1.2))
        users = [emulator.user().user_id for _ in range(due)]
        await seed_due_members(
            url, users, timedelta(seconds=10), keys=Keys(key=KEY), password=PASSWORD
        )
        settings = (
            "[scheduler]\nsweep_interval_seconds = 1\n"
            f"[delivery]\nmessages_per_second = {pace}\n" + QUIET
        )
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            async with fleet(emulator, url, folder, 2, settings):

                def prompts() -> list[float]:
                    return [
                        c.at
                        for c in emulator.calls_of("sendMessage")
                        if c.status == 200 and c.params.get("text") == MOOD_QUESTION
                    ]

                await emulator.wait_until(
                    lambda: len(prompts()) >= due, timeout=due / pace * 3 + 60
                )
        sent = prompts()
    span = sent[-1] - sent[0]
    return Fanout(
        rate=(len(sent) - 1) / span if span > 0 else float("inf"),
        too_many_requests=sum(1 for c in emulator.calls_of("sendMessage") if c.status == 429),
        repeats=len(sent) - due,
    )


async def one_run(cluster: Cluster, members: int, each: int, due: int, slow_due: int) -> Run:
    rates: dict[int, float] = {}
    takeover = float("nan")
    for count in WORKER_COUNTS:
        rates[count], took = await updates_rate(cluster, count, members, each)
        if count == 2 and took is not None:
            takeover = took
    fast = await fanout(cluster, due, 1000.0)
    slow = await fanout(cluster, slow_due, 25.0)
    return Run(
        rates,
        takeover,
        fast.rate,
        slow.rate,
        fast.too_many_requests + slow.too_many_requests,
        fast.repeats + slow.repeats,
    )


async def migrate_template(cluster: Cluster) -> None:
    await asyncio.to_thread(cluster.psql, f"CREATE DATABASE {TEMPLATE}")
    db = await Database.open(cluster.url(TEMPLATE), keys=Keys(key=KEY), password=PASSWORD)
    await db.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one run")
    args = parser.parse_args()
    bindir = postgres_bindir()
    if bindir is None:
        sys.exit(
            "bench.pg_workers needs PostgreSQL's binaries (initdb, pg_ctl): install postgresql"
        )
    runs = 1 if args.quick else args.runs
    members, each, due, slow_due = (40, 5, 300, 100) if args.quick else (200, 10, 2000, 500)
    results: list[Run] = []
    with throwaway_cluster(bindir) as cluster:
        await migrate_template(cluster)
        for index in range(runs):
            run = await one_run(cluster, members, each, due, slow_due)
            results.append(run)
            print(f"run {index + 1}: {run}", flush=True)

    def med(pick: Callable[[Run], float]) -> float:
        return float(statistics.median(pick(r) for r in results))

    table = [
        "| workers | updates/s (median) | lowest - highest run | vs one worker |",
        "| --- | --- | --- | --- |",
    ]
    one = med(lambda r: r.updates_per_second[1])
    for count in WORKER_COUNTS:
        each_run = [r.updates_per_second[count] for r in results]
        rate = float(statistics.median(each_run))
        table.append(
            f"| {count} | {rate:,.0f} | {min(each_run):,.0f} - {max(each_run):,.0f} | "
            f"{rate / one:.0%} |"
        )

    def spread(pick: Callable[[Run], float], form: str) -> str:
        values = [pick(r) for r in results]
        return f"{min(values):{form}} - {max(values):{form}}"

    lines = [
        "## Several PostgreSQL workers: updates, takeover, fan-out",
        "",
        f"Command: `make bench` (`python -m bench.pg_workers --runs {runs}`).",
        "",
        f"Machine: {describe()}. Median of {runs} run(s). PostgreSQL "
        f"{bindir.parent.name} on a throwaway cluster of the bench's own (fsync off), "
        "on the same machine.",
        "",
        f"Updates: {members} onboarded members in pairs, each posting {each} `/encourage` "
        f"({members * each:,} updates, each writing a relay and a reply) through a round-robin "
        f"proxy to the workers, {CONNECTIONS} connections at a time, closed loop (a member's "
        "next update once the last is answered 200); rate = updates answered per second. "
        "Every run checks that each update wrote its relay once.",
        "",
        *table,
        "",
        f"Takeover: the leader of two workers killed with SIGKILL, another's /healthz says it "
        f"leads after {med(lambda r: r.takeover_seconds):.1f} s (runs: "
        f"{spread(lambda r: r.takeover_seconds, '.1f')} s; default "
        f"`leader_poll_seconds = {DEFAULT_LEADER_POLL:g}`: a follower tries once a poll; the "
        "server frees a dead session's lock at once).",
        "",
        f"Fan-out: two workers, members due a prompt at once, sent by the leader through the "
        "outbox to the emulator with its flood limit on (1.2x the pace); rate between the "
        f"first and the last prompt: {due:,} due with the pace raised to 1000/s (the setting's "
        "maximum, to see what one leader sends at most here): "
        f"{med(lambda r: r.fanout_fast):,.0f} msg/s (runs: "
        f"{spread(lambda r: r.fanout_fast, ',.0f')}); {slow_due:,} due at the "
        f"default 25/s: {med(lambda r: r.fanout_default):.1f} msg/s. 429s over all runs: "
        f"{sum(r.too_many_requests for r in results)}; prompts sent twice: "
        f"{sum(r.repeats for r in results)}.",
        "",
        "What this means on this machine: the workers, PostgreSQL, the emulator, the proxy and "
        f"the posting client all share its {os.cpu_count()} cores, and other jobs shared them "
        "during the run (see the spread between runs), so these rates do not show how workers "
        "scale: on two cores more workers need not be faster. They show that several workers "
        "keep every update exactly once at these rates, and roughly what two cores handle in "
        "all. On bigger hosts each worker brings its own core; relays of different members "
        "still take turns for their id (a per-table lock held to the commit), which caps the "
        "overlap on this command.",
    ]
    report = "\n".join(lines)
    print(report)
    write_section("pg_workers", report)


if __name__ == "__main__":
    asyncio.run(main())
