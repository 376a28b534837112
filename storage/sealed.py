"""Members' free text sealed at rest: which columns, the key file, and AES-256-GCM."""

from __future__ import annotations

import base64
import binascii
import logging
import os
import sqlite3
from pathlib import Path
from typing import overload

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage.private import OWNER_ONLY

log = logging.getLogger(__name__)

PREFIX = "enc1:"
KEY_BYTES = 32
NONCE_BYTES = 12
DEFAULT_KEY_NAME = "peercircle.key"

# Every sealed column, in one place: what members (and moderators about members) wrote in
# their own words, and the outbox, which holds message texts for up to a week. The
# associated data is "table.column", so a value cannot be moved to another column.
SEALED: dict[str, tuple[str, ...]] = {
    "checkins": ("note",),
    "journeys": ("setback_note",),
    "goals": ("title", "why"),
    "relays": ("text",),
    "crisis_alerts": ("text",),
    "safety_plans": (
        "warning_signs",
        "coping",
        "distractions",
        "helpers",
        "professionals",
        "safe_space",
        "reasons",
    ),
    "sanctions": ("reason",),
    "audit_log": ("reason",),
    "outbox": ("payload",),
}
# Sealed when written, but rows from before sealing stay as they were: the audit log's
# triggers refuse every UPDATE (it is append-only), and unsealing passes plain text through.
NOT_RESEALED = frozenset({"audit_log"})
# How the start-up pass names a row of a table without a rowid.
_ROW_KEY: dict[str, tuple[str, ...]] = {"checkins": ("user_id", "local_date")}
# Recorded when the pass has sealed every older row of these columns, so it runs once (and
# again only when this list changes).
SEALED_COLUMNS = ",".join(f"{t}.{c}" for t, cs in sorted(SEALED.items()) for c in cs)
_CHECK_PLAIN = "peercircle key check"
_CHECK_AD = b"instance.key_check"


class SealError(Exception):
    """A sealed value that does not open: the wrong key, or a changed value."""


class KeyFileError(Exception):
    """The key file cannot be used, or does not open this database; worded for the operator."""


def default_key_file(db_path: Path) -> Path:
    return db_path.with_name(DEFAULT_KEY_NAME)


def load_or_create_key(path: Path) -> bytes:
    """The 32 bytes in `path`; a new random key, readable by its owner only, when missing."""
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = os.urandom(KEY_BYTES)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
        except FileExistsError:  # another process made it meanwhile: use theirs
            return load_or_create_key(path)
        try:
            os.write(fd, key)
            os.fsync(fd)
        finally:
            os.close(fd)
        log.info(
            "created a new encryption key for members' notes at %s; keep a copy safe, "
            "apart from the backups: without it the notes cannot be read",
            path,
        )
        return key
    except OSError as error:
        raise KeyFileError(
            f"cannot read the encryption key file {path} ({error.strerror}); "
            "check storage.key_file and its permissions"
        ) from None
    if path.stat().st_mode & 0o077:
        log.warning(
            "the encryption key file %s can be read by other users; narrow it with `chmod 600 %s`",
            path,
            path,
        )
    if len(key) != KEY_BYTES:
        raise KeyFileError(
            f"the encryption key file {path} holds {len(key)} bytes, not {KEY_BYTES}; "
            "restore the key file that belongs to this database (storage.key_file)"
        )
    return key


class Sealer:
    """Seals and opens the values of the SEALED columns with one key."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)
        self._ad = {(t, c): f"{t}.{c}".encode() for t, cs in SEALED.items() for c in cs}

    @overload
    def seal(self, table: str, column: str, value: str) -> str: ...
    @overload
    def seal(self, table: str, column: str, value: None) -> None: ...
    @overload
    def seal(self, table: str, column: str, value: str | None) -> str | None: ...
    def seal(self, table: str, column: str, value: str | None) -> str | None:
        """ "enc1:" + urlsafe base64 of nonce + ciphertext and tag; NULL stays NULL."""
        if value is None:
            return None
        return self._seal(self._ad[table, column], value)

    @overload
    def unseal(self, table: str, column: str, value: str) -> str: ...
    @overload
    def unseal(self, table: str, column: str, value: None) -> None: ...
    @overload
    def unseal(self, table: str, column: str, value: str | None) -> str | None: ...
    def unseal(self, table: str, column: str, value: str | None) -> str | None:
        """The plain text; a value without the prefix (written before sealing) as it is."""
        if value is None or not value.startswith(PREFIX):
            return value
        return self._open(self._ad[table, column], value)

    def _seal(self, ad: bytes, value: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + self._aead.encrypt(nonce, value.encode(), ad)
        return PREFIX + base64.urlsafe_b64encode(sealed).decode("ascii")

    def _open(self, ad: bytes, value: str) -> str:
        try:
            raw = base64.urlsafe_b64decode(value[len(PREFIX) :])
            return self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], ad).decode()
        except (InvalidTag, ValueError, binascii.Error):
            raise SealError("a sealed value does not open with this key") from None

    def seal_older_rows(self, raw: sqlite3.Connection, key_file: Path) -> None:
        """Check the key against the database, and seal rows written before sealing.

        Runs in the caller's write transaction: the check value, every sealed row and the
        record that the pass ran commit together.
        """
        marks = {
            str(key): str(value)
            for key, value in raw.execute(
                "SELECT key, value FROM instance WHERE key IN ('key_check', 'sealed_columns')"
            ).fetchall()
        }
        if "key_check" in marks:
            try:
                self._open(_CHECK_AD, marks["key_check"])
            except SealError:
                raise KeyFileError(
                    f"the encryption key in {key_file} does not open this database; "
                    "restore the key file that belongs to it (storage.key_file)"
                ) from None
        else:
            raw.execute(
                "INSERT INTO instance (key, value) VALUES ('key_check', ?)",
                (self._seal(_CHECK_AD, _CHECK_PLAIN),),
            )
        if marks.get("sealed_columns") == SEALED_COLUMNS:
            return
        sealed = 0
        for table, columns in SEALED.items():
            if table not in NOT_RESEALED:
                sealed += self._seal_table(raw, table, columns)
        raw.execute(
            "INSERT INTO instance (key, value) VALUES ('sealed_columns', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (SEALED_COLUMNS,),
        )
        if sealed:
            log.info("sealed %d older rows of members' text", sealed)

    def _seal_table(self, raw: sqlite3.Connection, table: str, columns: tuple[str, ...]) -> int:
        keys = _ROW_KEY.get(table, ("rowid",))
        plain = " OR ".join(f"({c} IS NOT NULL AND substr({c}, 1, 5) != ?)" for c in columns)
        rows = raw.execute(
            f"SELECT {', '.join(keys)}, {', '.join(columns)} FROM {table} WHERE {plain}",
            [PREFIX] * len(columns),
        ).fetchall()
        if not rows:
            return 0
        assignments = ", ".join(f"{c} = ?" for c in columns)
        where = " AND ".join(f"{k} = ?" for k in keys)
        updates = []
        for found in rows:
            row = tuple(found)
            values = row[len(keys) :]
            resealed = [
                v if v is None or v.startswith(PREFIX) else self.seal(table, c, v)
                for c, v in zip(columns, values, strict=True)
            ]
            updates.append((*resealed, *row[: len(keys)]))
        raw.executemany(f"UPDATE {table} SET {assignments} WHERE {where}", updates)
        return len(rows)
