"""Members' free text sealed at rest: which columns, where the key comes from, AES-256-GCM."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, overload

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage.private import OWNER_ONLY

if TYPE_CHECKING:  # storage.db builds on this module
    from storage.db import Session

log = logging.getLogger(__name__)

PREFIX = "enc1:"
KEY_BYTES = 32
NONCE_BYTES = 12
DEFAULT_KEY_NAME = "peercircle.key"
# The key from the environment (storage.key) wins over the key file; it is never logged.
ENV_KEY = "PEERCIRCLE_STORAGE__KEY"

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
# How a row of each table is named (the start-up pass, rotation, retention): its primary
# key, `id` where no other is listed. Never SQLite's rowid, which no other engine has.
ROW_KEY: dict[str, tuple[str, ...]] = {
    "checkins": ("user_id", "local_date"),
    "safety_plans": ("user_id", "draft"),
}
# Recorded when the pass has sealed every older row of these columns, so it runs once (and
# again only when this list changes).
SEALED_COLUMNS = ",".join(f"{t}.{c}" for t, cs in sorted(SEALED.items()) for c in cs)
_CHECK_PLAIN = "peercircle key check"
_CHECK_AD = b"instance.key_check"
# Rows of the instance table about a key rotation (storage.rotation): the request (the new
# key file and a check value sealed with the new key), which processes have taken it up
# (one row per process id), how far re-sealing got, and when the last rotation finished.
ROTATION = "key_rotation"
ROTATION_PROGRESS = "key_rotation_progress"
ROTATION_ADOPTED = "key_rotation_adopted:"
ROTATED_AT = "key_rotated_at"


def row_key(table: str) -> tuple[str, ...]:
    """The columns that name one row of `table`: its primary key."""
    return ROW_KEY.get(table, ("id",))


class SealError(Exception):
    """A sealed value that does not open: the wrong key, or a changed value."""


class KeyFileError(Exception):
    """The key cannot be used, or does not open this database; worded for the operator."""


def default_key_file(db_path: Path) -> Path:
    return db_path.with_name(DEFAULT_KEY_NAME)


# -- keys as text: what `peercircle keygen` prints, key files hold and the environment sets --


def encode_key(key: bytes) -> str:
    """44 characters of URL-safe base64."""
    return base64.urlsafe_b64encode(key).decode("ascii")


def decode_key(text: str) -> bytes:
    """The 32 bytes a base64 line stands for; ValueError (never quoting it) otherwise.

    URL-safe base64 as `peercircle keygen` prints it; the standard alphabet (`openssl rand
    -base64 32`) and a line without its "=" (`secrets.token_urlsafe(32)`) are read too.
    """
    line = text.strip().translate(str.maketrans("+/", "-_"))
    try:
        key = base64.b64decode(line + "=" * (-len(line) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not base64") from None
    if len(key) != KEY_BYTES:
        raise ValueError(f"{len(key)} bytes, not {KEY_BYTES}")
    return key


def read_key_file(path: Path) -> bytes:
    """The key in `path`: a base64 line, or (as files made before it were) 32 raw bytes."""
    held = path.read_bytes()
    if len(held) == KEY_BYTES:
        return held
    try:
        return decode_key(held.decode("ascii"))
    except ValueError:  # UnicodeDecodeError is one
        raise KeyFileError(
            f"the encryption key file {path} holds {len(held)} bytes, not {KEY_BYTES} raw bytes "
            "or a 44-character base64 line; restore the key file that belongs to this "
            "database (storage.key_file)"
        ) from None


def write_new_key_file(path: Path) -> bytes:
    """A new random key in a new file `path`, readable by its owner only, as a base64 line.
    FileExistsError when `path` exists: a key file is never overwritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = os.urandom(KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    try:
        os.write(fd, f"{encode_key(key)}\n".encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return key


def load_or_create_key(path: Path) -> bytes:
    """The key in `path`; a new random key, readable by its owner only, when missing."""
    try:
        key = read_key_file(path)
    except FileNotFoundError:
        try:
            key = write_new_key_file(path)
        except FileExistsError:  # another process made it meanwhile: use theirs
            return load_or_create_key(path)
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
    return key


@dataclass(frozen=True)
class Keys:
    """Where the key comes from, and whether new text is sealed (config [storage])."""

    file: Path | None = None  # None: peercircle.key beside the database
    key: bytes | None = field(default=None, repr=False)  # from the environment: wins
    encrypt: bool = True

    def where(self, db_path: Path) -> str:
        """Where the key is, for the operator: the variable, or the file."""
        return ENV_KEY if self.key is not None else str(self.file or default_key_file(db_path))


def sealer_for(keys: Keys, db_path: Path | None) -> tuple[Sealer, Path | None]:
    """The Sealer these settings give, and the key file made just now (None when none was).

    `db_path` None: a database in memory, which gets a key of its own unless a file is named.
    With encryption off, no key is made; one that is there still opens older text.
    """
    made: Path | None = None
    key: bytes | None
    if keys.key is not None:
        key, source = keys.key, ENV_KEY
    elif db_path is None and keys.file is None:
        key, source = os.urandom(KEY_BYTES), "(in memory)"
    else:
        path = keys.file or default_key_file(db_path or Path("."))
        source = str(path)
        if keys.encrypt:
            made = None if path.exists() else path
            key = load_or_create_key(path)
        else:
            key = load_or_create_key(path) if path.exists() else None
    if not keys.encrypt:
        log.warning(
            "encryption at rest is off (storage.encrypt = false): members' new notes and "
            "messages are stored in plain text%s",
            "; text encrypted before is still read with the key" if key else "",
        )
    return Sealer(key, encrypt=keys.encrypt, source=source), made


def check_opens(key: bytes, check: str) -> bool:
    """Whether `check` (a key check value) was sealed with `key`."""
    try:
        Sealer(key)._open(_CHECK_AD, check)
    except SealError:
        return False
    return True


def rotation_key(request: str) -> bytes:
    """The new key of a rotation request (storage.rotation), read from its file and checked."""
    recorded = json.loads(request)
    path = Path(recorded["file"])
    keep = "keep both key files until `peercircle rotate-key` says it is done"
    try:
        key = read_key_file(path)
    except OSError as error:
        raise KeyFileError(
            f"a key rotation is under way and its new key file {path} cannot be read "
            f"({error.strerror}); put it back, readable by the bot's user, and {keep}"
        ) from None
    if not check_opens(key, recorded["check"]):
        raise KeyFileError(
            f"a key rotation is under way and {path} no longer holds its new key; put that "
            f"key back and {keep}"
        )
    return key


def adoption(request: str) -> tuple[str, tuple[str, str]]:
    """The statement recording that this process seals with the rotation's new key."""
    check = str(json.loads(request)["check"])
    return (
        "INSERT INTO instance (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (f"{ROTATION_ADOPTED}{os.getpid()}", check),
    )


class Sealer:
    """Seals the values of the SEALED columns with one key and opens them with it.

    During a key rotation it holds two keys: it seals with the new one and opens with the
    new one, then the old. With encryption off it stores new values as they are.
    """

    def __init__(
        self, key: bytes | None, *, encrypt: bool = True, source: str = "the key file"
    ) -> None:
        self._keys = [key] if key is not None else []
        self._aeads = [AESGCM(k) for k in self._keys]
        self._encrypt = encrypt and key is not None
        self.source = source
        self._ad = {(t, c): f"{t}.{c}".encode() for t, cs in SEALED.items() for c in cs}

    @property
    def has_key(self) -> bool:
        return bool(self._keys)

    def seals_with(self, key: bytes) -> bool:
        return bool(self._keys) and self._keys[0] == key

    def seals_with_check(self, check: str) -> bool:
        """Whether the newest key is the one `check` (a key check value) was sealed with."""
        return bool(self._keys) and check_opens(self._keys[0], check)

    def adopt(self, key: bytes) -> None:
        """Seal with `key` from now on, and still open what the keys before it sealed."""
        if key in self._keys:
            self._aeads.pop(self._keys.index(key))
            self._keys.remove(key)
        self._keys.insert(0, key)
        self._aeads.insert(0, AESGCM(key))

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
        ad = self._ad[table, column]
        if not self._encrypt:
            return value
        return self._seal(ad, value)

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

    def reseal(self, table: str, column: str, value: str | None) -> str | None:
        """`value` sealed with the newest key, or None when it is already (or not sealed)."""
        if value is None or not value.startswith(PREFIX) or not self._aeads:
            return None
        ad = self._ad[table, column]
        nonce, body = _parts(value)
        try:
            self._aeads[0].decrypt(nonce, body, ad)
            return None
        except (InvalidTag, ValueError):
            pass
        return self._seal(ad, self._open(ad, value))

    def check_value(self) -> str:
        """The instance table's key check, sealed with the newest key."""
        return self._seal(_CHECK_AD, _CHECK_PLAIN)

    def _seal(self, ad: bytes, value: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + self._aeads[0].encrypt(nonce, value.encode(), ad)
        return PREFIX + base64.urlsafe_b64encode(sealed).decode("ascii")

    def _open(self, ad: bytes, value: str) -> str:
        nonce, body = _parts(value)
        for aead in self._aeads:  # one key, but two during a rotation: the newest first
            try:
                return aead.decrypt(nonce, body, ad).decode()
            except InvalidTag:
                continue
            except ValueError:
                break
        raise SealError("a sealed value does not open with this key")

    def _opens(self, ad: bytes, value: str) -> bool:
        try:
            self._open(ad, value)
        except SealError:
            return False
        return True

    async def seal_older_rows(self, session: Session) -> None:
        """Check the key against the database, take up a rotation under way, and seal rows
        written before sealing (or while it was off).

        Runs in the caller's write transaction: the check value, every sealed row and the
        record that the pass ran commit together.
        """
        marks = {
            str(key): str(value)
            for key, value in await session.fetch_all(
                "SELECT key, value FROM instance WHERE key IN (?, ?, ?, ?)",
                ("key_check", "sealed_columns", ROTATION, ROTATED_AT),
            )
        }
        await self._check_key(session, marks)
        if ROTATION in marks:
            self.adopt(rotation_key(marks[ROTATION]))
            await session.execute(*adoption(marks[ROTATION]))
        if not self._encrypt:
            # Rows written now stay plain: the pass runs again once encryption is back on.
            await session.execute("DELETE FROM instance WHERE key = 'sealed_columns'")
            return
        if marks.get("sealed_columns") == SEALED_COLUMNS:
            return
        sealed = 0
        for table, columns in SEALED.items():
            if table not in NOT_RESEALED:
                sealed += await self._seal_table(session, table, columns)
        await session.execute(
            "INSERT INTO instance (key, value) VALUES ('sealed_columns', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (SEALED_COLUMNS,),
        )
        if sealed:
            log.info("sealed %d older rows of members' text", sealed)

    async def _check_key(self, session: Session, marks: dict[str, str]) -> None:
        check = marks.get("key_check")
        if not self._keys:
            if check is not None:
                raise KeyFileError(
                    "this database holds encrypted text and no key is configured; set "
                    f"storage.key_file or {ENV_KEY} to its key (storage.encrypt = false "
                    "stops encrypting new text, not the reading of the old)"
                )
            return
        if check is None:
            if self._encrypt:
                await session.execute(
                    "INSERT INTO instance (key, value) VALUES ('key_check', ?)",
                    (self.check_value(),),
                )
            return
        if self._opens(_CHECK_AD, check):
            return
        request = marks.get(ROTATION)
        if request is not None and self._opens(_CHECK_AD, json.loads(request)["check"]):
            raise KeyFileError(
                f"the encryption key in {self.source} is the new key of a rotation that has "
                "not finished; configure the old key again and run `peercircle rotate-key` "
                "once more to finish it"
            )
        rotated = marks.get(ROTATED_AT, "")
        when = f" (the key was replaced on {rotated[:10]} by `peercircle rotate-key`)"
        raise KeyFileError(
            f"the encryption key in {self.source} does not open this database; "
            f"{self._remedy()}{when if rotated else ''}"
        )

    def _remedy(self) -> str:
        if self.source == ENV_KEY:
            return f"set {ENV_KEY} to the key that belongs to it"
        return "restore the key file that belongs to it (storage.key_file)"

    async def _seal_table(self, session: Session, table: str, columns: tuple[str, ...]) -> int:
        keys = row_key(table)
        plain = " OR ".join(f"({c} IS NOT NULL AND substr({c}, 1, 5) != ?)" for c in columns)
        rows = await session.fetch_all(
            f"SELECT {', '.join(keys)}, {', '.join(columns)} FROM {table} WHERE {plain}",
            [PREFIX] * len(columns),
        )
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
        await session.execute_many(f"UPDATE {table} SET {assignments} WHERE {where}", updates)
        return len(rows)


def _parts(value: str) -> tuple[bytes, bytes]:
    """A sealed value's nonce and ciphertext with its tag."""
    try:
        raw = base64.urlsafe_b64decode(value[len(PREFIX) :])
    except (ValueError, binascii.Error):
        raise SealError("a sealed value does not open with this key") from None
    return raw[:NONCE_BYTES], raw[NONCE_BYTES:]
