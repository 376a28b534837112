"""Database files readable by their owner only: they hold health data (DESIGN: 0600)."""

from __future__ import annotations

import os
from pathlib import Path

OWNER_ONLY = 0o600


def private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 if missing, or narrow an existing one to 0600.

    SQLite gives the -wal and -shm files it creates the database file's mode, so making
    the database private first keeps its log private too.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, OWNER_ONLY)
    try:
        os.fchmod(fd, OWNER_ONLY)
    finally:
        os.close(fd)
    for companion in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if companion.exists():
            os.chmod(companion, OWNER_ONLY)
