"""A throwaway PostgreSQL cluster for tests: initdb and pg_ctl in a temporary folder, on a
loopback port, and a fresh database per test.

tests/conftest.py offers the fixtures to every test; the cluster starts only when a test
first asks for it. Without PostgreSQL's binaries (Debian's postgresql package) the tests that ask
for them are skipped, saying why. As root the cluster runs as the `postgres` user (initdb
refuses root), in a folder made with mktemp and given to that user: pytest's own temporary
folders are private to root.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

USER = "peer"
_SEARCHED = "/usr/lib/postgresql/*/bin"
_numbers = itertools.count(1)


@dataclass(frozen=True)
class Cluster:
    """A running cluster: where it listens, and its binaries' folder."""

    host: str
    port: int
    bindir: Path
    folder: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@{self.host}:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run `sql` with psql as the cluster's superuser; its output, trimmed."""
        psql = shutil.which("psql") or str(self.bindir / "psql")
        done = subprocess.run(
            [psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql, self.url(database)],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return done.stdout.strip()


def postgres_bindir() -> Path | None:
    """The folder with initdb and pg_ctl: on the PATH, else Debian's, newest version first."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for bindir in versions:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_cluster_owner(command: list[str]) -> list[str]:
    """As root, the command runs as `postgres` (initdb and postgres refuse root)."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _run(command: list[str], folder: Path) -> None:
    done = subprocess.run(
        _as_cluster_owner(command), capture_output=True, text=True, timeout=120, cwd=folder
    )
    if done.returncode != 0:
        log = folder / "pg.log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"{command[0]} failed: {done.stderr.strip()}\n{tail}")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One cluster per test session, started when a test first asks for it."""
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip(
            "PostgreSQL's binaries (initdb, pg_ctl) were not found on the PATH or in "
            f"{_SEARCHED}: install Debian's postgresql package to run the PostgreSQL tests"
        )
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: the cluster cannot run as postgres")
    folder = Path(tempfile.mkdtemp(prefix="peercircle-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", _free_port()
    _run(
        [
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            USER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
        folder,
    )
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    pg_ctl = str(bindir / "pg_ctl")
    _run(
        [pg_ctl, "-D", str(data), "-l", str(folder / "pg.log"), "-w", "-o", options, "start"],
        folder,
    )
    try:
        yield Cluster("127.0.0.1", port, bindir, folder)
    finally:
        _run([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], folder)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_database(pg_cluster: Cluster) -> Iterator[str]:
    """A new, empty database for one test; its URL. Dropped after, connections or not."""
    name = f"t_{os.getpid()}_{next(_numbers)}"
    pg_cluster.psql(f"CREATE DATABASE {name}")
    try:
        yield pg_cluster.url(name)
    finally:
        pg_cluster.psql(f"DROP DATABASE {name} WITH (FORCE)")


TEMPLATE = "peercircle_template"


@pytest.fixture(scope="session")
def pg_template(pg_cluster: Cluster) -> str:
    """A database migrated once per session by the real migration code, for each test to
    clone. Its key check is taken out, so each clone takes the key its test gives it."""
    from storage.db import Database
    from storage.sealed import Keys
    from tests.engines import in_a_thread

    pg_cluster.psql(f"CREATE DATABASE {TEMPLATE}")

    async def migrate() -> None:
        db = await Database.open(pg_cluster.url(TEMPLATE), keys=Keys(key=os.urandom(32)))
        await db.close()

    in_a_thread(migrate())
    pg_cluster.psql("DELETE FROM instance WHERE key = 'key_check'", TEMPLATE)
    return TEMPLATE


@pytest.fixture
def pg_migrated_database(pg_cluster: Cluster, pg_template: str) -> Iterator[str]:
    """A database at the latest schema version, cloned from the template; its URL."""
    name = f"t_{os.getpid()}_{next(_numbers)}"
    pg_cluster.psql(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    try:
        yield pg_cluster.url(name)
    finally:
        pg_cluster.psql(f"DROP DATABASE {name} WITH (FORCE)")
