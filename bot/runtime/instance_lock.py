"""One running bot per database: exclusive locks, held while running, that every path to the
database meets."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class AlreadyRunning(Exception):
    """Another process holds the database's lock."""


class InstanceLock:
    """Two flocks, as one database can be reached by more than one path.

    One on a lock file beside the database's resolved path (os.path.realpath), so a symlink
    leads to the same lock file; one on the database file itself, which keys the lock on
    the file's identity (st_dev, st_ino), so a hard link or a bind mount meets it too. A
    database not made yet has no identity: `hold_database_file()` takes it once made.

    On Linux, flock and SQLite's own (fcntl) locks do not interact. But closing any
    descriptor of a file drops every fcntl lock the process holds on it: the database's
    descriptor stays open until `release()`, after the database is closed.
    """

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.real_path = Path(os.path.realpath(db_path))
        self.path = self.real_path.with_name(self.real_path.name + ".lock")
        self._lock_fd: int | None = None
        self._db_fd: int | None = None

    def acquire(self) -> None:
        """Raises AlreadyRunning, or OSError when the lock file cannot be made."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        self._lock_fd = _flocked(fd, str(self.path))
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            self.hold_database_file()
        except BaseException:
            self.release()
            raise

    def hold_database_file(self) -> None:
        """Lock the database file itself, if it exists and is not locked by us yet."""
        if self._db_fd is not None:
            return
        try:
            fd = os.open(self.real_path, os.O_RDONLY)
        except FileNotFoundError:
            return  # the first start makes it, under the lock file's lock
        self._db_fd = _flocked(fd, f"{self.real_path} itself")

    def release(self) -> None:
        for fd in (self._db_fd, self._lock_fd):
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
        self._db_fd = self._lock_fd = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _flocked(fd: int, what: str) -> int:
    """`fd`, exclusively flocked; closed and AlreadyRunning(`what`) when another holds it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise AlreadyRunning(what) from None
    except BaseException:
        os.close(fd)
        raise
    return fd
