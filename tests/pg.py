"""A throwaway PostgreSQL cluster for tests: initdb and pg_ctl in a temporary folder, on a
loopback port, and a fresh database per test.

tests/conftest.py offers the fixtures to every test; the cluster starts only when a test
first asks for it. Without PostgreSQL's binaries (Debian's postgresql package) the tests that ask
for them are skipped, saying why. As root the cluster runs as the `postgres` user (initdb
refuses root), in a folder made with mktemp and given to that user: pytest's own temporary
folders are private to root.
"""

from __future__ import annotations

import contextlib
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
    # The superuser's password, on a cluster that asks for one (private_cluster).
    password: str | None = None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@{self.host}:{self.port}/{database}"

    def stop(self) -> None:
        """Stop the server as an operator would for maintenance (fast: sessions cut)."""
        self._pg_ctl("-m", "fast", "-w", "stop")

    def start(self) -> None:
        """Start it again (a private_cluster's: its settings are in postgresql.conf)."""
        self._pg_ctl("-l", str(self.folder / "pg.log"), "-w", "start")

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every session cut, the server back when this returns."""
        self._pg_ctl("-l", str(self.folder / "pg.log"), "-m", "fast", "-w", "restart")

    def restart_as_standby(self) -> None:
        """Start it again as a hot standby (read-only, in recovery), as a replica is, with
        no primary to follow."""
        self.stop()
        signal = self.folder / "data" / "standby.signal"
        signal.touch()
        if os.geteuid() == 0:
            shutil.chown(signal, "postgres", "postgres")
        self.start()

    def promote(self) -> None:
        """A standby becomes a primary again, taking writes."""
        self._pg_ctl("-w", "promote")

    def _pg_ctl(self, *arguments: str) -> None:
        _run(
            [str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), *arguments], self.folder
        )

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run `sql` with psql as the cluster's superuser; its output, trimmed."""
        psql = shutil.which("psql") or str(self.bindir / "psql")
        done = subprocess.run(
            [psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql, self.url(database)],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            env={**os.environ, "PGPASSWORD": self.password} if self.password else None,
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


@contextlib.contextmanager
def _throwaway_database(cluster: Cluster, template: str | None = None) -> Iterator[str]:
    """A new database (empty, or a copy of `template`); its URL. Dropped after, connections
    or not."""
    name = f"t_{os.getpid()}_{next(_numbers)}"
    copied = f" TEMPLATE {template}" if template else ""
    cluster.psql(f"CREATE DATABASE {name}{copied}")
    try:
        yield cluster.url(name)
    finally:
        cluster.psql(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def pg_database(pg_cluster: Cluster) -> Iterator[str]:
    """A new, empty database for one test; its URL."""
    with _throwaway_database(pg_cluster) as url:
        yield url


@contextlib.contextmanager
def private_cluster(password: str) -> Iterator[Cluster]:
    """A cluster of one test's own, which it may stop and restart without disturbing the
    session's; it asks for `password` (SCRAM), as a production server would."""
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip(f"PostgreSQL's binaries (initdb, pg_ctl) were not found in {_SEARCHED}")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: the cluster cannot run as postgres")
    folder = Path(tempfile.mkdtemp(prefix="peercircle-pg-private-"))
    password_file = folder / "password"
    password_file.write_text(password + "\n", encoding="utf-8")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        shutil.chown(password_file, "postgres", "postgres")
    password_file.chmod(0o600)
    data, port = folder / "data", _free_port()
    initdb = [str(bindir / "initdb"), "-D", str(data), "-U", USER, "--auth=scram-sha-256"]
    _run(
        [*initdb, f"--pwfile={password_file}", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
        folder,
    )
    password_file.unlink()
    # In its configuration file, not on pg_ctl's command line, so a plain start after a
    # stop listens where it did.
    with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write(
            f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = "
            f"'{folder}'\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
        )
    cluster = Cluster("127.0.0.1", port, bindir, folder, password)
    cluster.start()
    try:
        yield cluster
    finally:
        with contextlib.suppress(RuntimeError):  # already stopped by the test
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


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
    with _throwaway_database(pg_cluster, pg_template) as url:
        yield url
