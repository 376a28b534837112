"""Members repository: named SQL over the members table, returning frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.db import Row, Session
from storage.timestamps import from_db, to_db


@dataclass(frozen=True)
class MemberRow:
    user_id: int
    pseudonym: str
    timezone: str
    checkin_time: str
    consent_at: datetime
    consent_version: int
    onboarded_at: datetime | None
    awaiting: str | None
    paused: bool
    paused_until: datetime | None
    blocked_at: datetime | None
    pending_invite: str | None
    created_at: datetime
    next_checkin_at: datetime | None = None
    next_weekly_at: datetime | None = None
    weekly_reflection: bool = True
    next_milestone_at: datetime | None = None
    language: str | None = None  # None: the configured default
    region: str | None = None
    last_crisis_at: datetime | None = None  # crisis words: no questionnaire that day


def _member(row: Row) -> MemberRow:
    return MemberRow(
        user_id=row["user_id"],
        pseudonym=row["pseudonym"],
        timezone=row["timezone"],
        checkin_time=row["checkin_time"],
        consent_at=from_db(row["consent_at"]),
        consent_version=row["consent_version"],
        onboarded_at=from_db(row["onboarded_at"]) if row["onboarded_at"] else None,
        awaiting=row["awaiting"],
        paused=bool(row["paused"]),
        paused_until=from_db(row["paused_until"]) if row["paused_until"] else None,
        blocked_at=from_db(row["blocked_at"]) if row["blocked_at"] else None,
        pending_invite=row["pending_invite"],
        created_at=from_db(row["created_at"]),
        next_checkin_at=from_db(row["next_checkin_at"]) if row["next_checkin_at"] else None,
        next_weekly_at=from_db(row["next_weekly_at"]) if row["next_weekly_at"] else None,
        weekly_reflection=bool(row["weekly_reflection"]),
        next_milestone_at=(
            from_db(row["next_milestone_at"]) if row["next_milestone_at"] else None
        ),
        language=row["language"],
        region=row["region"],
        last_crisis_at=from_db(row["last_crisis_at"]) if row["last_crisis_at"] else None,
    )


async def get(session: Session, user_id: int) -> MemberRow | None:
    row = await session.fetch_one("SELECT * FROM members WHERE user_id = ?", (user_id,))
    return _member(row) if row else None


async def get_many(session: Session, user_ids: set[int]) -> dict[int, MemberRow]:
    """Several members in one query, by user id."""
    if not user_ids:
        return {}
    marks = ", ".join("?" for _ in user_ids)
    rows = await session.fetch_all(
        f"SELECT * FROM members WHERE user_id IN ({marks})", tuple(user_ids)
    )
    return {row["user_id"]: _member(row) for row in rows}


async def create(
    session: Session,
    *,
    user_id: int,
    pseudonym: str,
    timezone: str,
    checkin_time: str,
    consent_version: int,
    pending_invite: str | None,
    awaiting: str | None,
    now: datetime,
    notice_version: int = 1,
    language: str | None = None,
) -> None:
    await session.execute(
        """
        INSERT INTO members (user_id, pseudonym, timezone, checkin_time, consent_at,
                             consent_version, awaiting, pending_invite, created_at,
                             notice_version, language)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (
            user_id,
            pseudonym,
            timezone,
            checkin_time,
            to_db(now),
            consent_version,
            awaiting,
            pending_invite,
            to_db(now),
            notice_version,
            language,
        ),
    )


async def notice_version(session: Session, user_id: int) -> int | None:
    """Which version of the notice the member has seen; None for no member."""
    row = await session.fetch_one(
        "SELECT notice_version FROM members WHERE user_id = ?", (user_id,)
    )
    return int(row["notice_version"]) if row is not None else None


_UPDATABLE = frozenset(
    {
        "pseudonym",
        "timezone",
        "checkin_time",
        "onboarded_at",
        "awaiting",
        "paused",
        "paused_until",
        "blocked_at",
        "pending_invite",
        "next_checkin_at",
        "language",
        "region",
        "next_weekly_at",
        "weekly_reflection",
        "notice_version",
        "last_crisis_at",
    }
)


async def update(session: Session, user_id: int, **fields: Any) -> None:
    """Set the named columns; datetimes are stored as ISO-8601 UTC."""
    unknown = set(fields) - _UPDATABLE
    if unknown:
        raise ValueError(f"not an updatable member column: {sorted(unknown)}")
    values = [to_db(v) if isinstance(v, datetime) else v for v in fields.values()]
    assignments = ", ".join(f"{name} = ?" for name in fields)
    await session.execute(
        f"UPDATE members SET {assignments} WHERE user_id = ?",
        (*values, user_id),
    )


async def delete(session: Session, user_id: int) -> None:
    """Delete the member; tables that refer to members cascade."""
    await session.execute("DELETE FROM members WHERE user_id = ?", (user_id,))


async def export(session: Session, user_id: int) -> dict[str, Any]:
    """Every stored column of the member, as stored."""
    row = await session.fetch_one("SELECT * FROM members WHERE user_id = ?", (user_id,))
    return dict(row) if row else {}


async def due_checkins(session: Session, now: datetime, limit: int) -> list[MemberRow]:
    """Members whose check-in prompt is due, oldest first."""
    rows = await session.fetch_all(
        "SELECT * FROM members WHERE next_checkin_at <= ? ORDER BY next_checkin_at LIMIT ?",
        (to_db(now), limit),
    )
    return [_member(row) for row in rows]


async def due_weekly(session: Session, now: datetime, limit: int) -> list[MemberRow]:
    """Members whose weekly reflection is due, oldest first."""
    rows = await session.fetch_all(
        "SELECT * FROM members WHERE next_weekly_at <= ? ORDER BY next_weekly_at LIMIT ?",
        (to_db(now), limit),
    )
    return [_member(row) for row in rows]


async def mark_blocked(session: Session, chat_id: int, now: datetime) -> None:
    await session.execute(
        "UPDATE members SET blocked_at = ? WHERE user_id = ? AND blocked_at IS NULL",
        (to_db(now), chat_id),
    )


async def set_next_checkins(session: Session, moments: list[tuple[int, datetime]]) -> None:
    """Advance many members' check-in due rows at once: (user_id, next moment)."""
    await session.execute_many(
        "UPDATE members SET next_checkin_at = ? WHERE user_id = ?",
        [(to_db(moment), user_id) for user_id, moment in moments],
    )


async def reading(session: Session, user_id: int) -> tuple[str | None, str | None] | None:
    """The member's (language, region), each None when not chosen; None for no member."""
    row = await session.fetch_one(
        "SELECT language, region FROM members WHERE user_id = ?", (user_id,)
    )
    return (row["language"], row["region"]) if row is not None else None


async def key_of(session: Session, user_id: int) -> str | None:
    """The member's opaque key: how outbox keys name a member in someone else's message."""
    row = await session.fetch_one("SELECT member_key FROM members WHERE user_id = ?", (user_id,))
    return str(row["member_key"]) if row is not None else None


async def export_pseudonyms(session: Session, user_id: int) -> list[str]:
    """Every pseudonym the member has gone by, for /mydata."""
    rows = await session.fetch_all(
        "SELECT pseudonym FROM member_pseudonyms WHERE user_id = ? ORDER BY pseudonym",
        (user_id,),
    )
    return [str(r["pseudonym"]) for r in rows]


# -- what /forget erases beyond the rows that cascade with the member --------------------------


async def pseudonyms_of(session: Session, user_id: int, id_hash: str) -> set[str]:
    """Every pseudonym the records know the member by: kept as they changed, shown with
    their relays and alerts, and given with their sanctions (kept under their id hash)."""
    rows = await session.fetch_all(
        """
        SELECT pseudonym FROM member_pseudonyms WHERE user_id = :user
        UNION SELECT pseudonym FROM members WHERE user_id = :user
        UNION SELECT pseudonym FROM relays WHERE author_id = :user
        UNION SELECT pseudonym FROM crisis_alerts WHERE user_id = :user
        UNION SELECT pseudonym FROM sanctions WHERE id_hash = :hash
        """,
        {"user": user_id, "hash": id_hash},
    )
    return {str(r["pseudonym"]) for r in rows}


@dataclass(frozen=True)
class AlertTrace:
    id: int
    circle_name: str | None
    resolved: bool


@dataclass(frozen=True)
class Traces:
    """Ids of what goes with the member, for the outbox rows that refer to them."""

    relays: list[int]  # the member's relays, and the answers to them (they cascade too)
    reports: list[int]  # reports on those relays, and the reports the member filed
    thanked: list[int]  # relays the member thanked
    reported: list[int]  # relays the member reported
    alerts: list[AlertTrace]  # crisis alerts about the member


async def traces(session: Session, user_id: int) -> Traces:
    relays = await session.fetch_all(
        """
        WITH RECURSIVE gone (id) AS (
            SELECT id FROM relays WHERE author_id = ?
            UNION SELECT r.id FROM relays r JOIN gone ON r.reply_to = gone.id
        )
        SELECT id FROM gone ORDER BY id
        """,
        (user_id,),
    )
    relay_ids = [int(r["id"]) for r in relays]
    marks = ", ".join("?" for _ in relay_ids) or "NULL"
    reports = await session.fetch_all(
        f"SELECT id FROM reports WHERE reporter_id = ? OR relay_id IN ({marks}) ORDER BY id",
        (user_id, *relay_ids),
    )
    thanked = await session.fetch_all(
        "SELECT relay_id FROM relay_thanks WHERE user_id = ? ORDER BY relay_id", (user_id,)
    )
    reported = await session.fetch_all(
        "SELECT relay_id FROM reports WHERE reporter_id = ? ORDER BY relay_id", (user_id,)
    )
    alerts = await session.fetch_all(
        "SELECT id, circle_name, resolved_at FROM crisis_alerts WHERE user_id = ? ORDER BY id",
        (user_id,),
    )
    return Traces(
        relays=relay_ids,
        reports=[int(r["id"]) for r in reports],
        thanked=[int(r["relay_id"]) for r in thanked],
        reported=[int(r["relay_id"]) for r in reported],
        alerts=[
            AlertTrace(int(r["id"]), r["circle_name"], r["resolved_at"] is not None)
            for r in alerts
        ],
    )


async def erase_sanctions(session: Session, id_hash: str, unnamed: str) -> int:
    """Delete the warnings, mutes and lifted bans under `id_hash`; a ban in force stays,
    named `unnamed` instead of a pseudonym. Returns how many rows went."""
    gone = await session.execute(
        "DELETE FROM sanctions WHERE id_hash = ? AND NOT (kind = 'ban' AND lifted_at IS NULL)",
        (id_hash,),
    )
    await session.execute(
        "UPDATE sanctions SET pseudonym = ? WHERE id_hash = ? AND pseudonym != ?",
        (unnamed, id_hash, unnamed),
    )
    return gone


@dataclass(frozen=True)
class AuditTrace:
    id: int
    at: str
    action: str
    target: str
    reason: str | None


async def audit_rows_mentioning(session: Session, needles: set[str]) -> list[AuditTrace]:
    """Audit rows whose target holds any of `needles`, oldest first (the caller decides
    which of them name the member)."""
    if not needles:
        return []
    found = " OR ".join(f"{session.dialect.position('?', 'target')} > 0" for _ in needles)
    rows = await session.fetch_all(
        "SELECT id, at, action, target, reason FROM audit_log "
        f"WHERE target IS NOT NULL AND ({found}) ORDER BY id",
        tuple(needles),
    )
    return [
        AuditTrace(
            int(r["id"]),
            str(r["at"]),
            str(r["action"]),
            str(r["target"]),
            session.unseal("audit_log", "reason", r["reason"]),
        )
        for r in rows
    ]


async def unname_audit_rows(session: Session, row_ids: list[int], unnamed: str) -> int:
    """The one update the audit log allows (migration 0015): the target becomes `unnamed`
    and the reason goes; who acted, what and when stay."""
    if not row_ids:
        return 0
    marks = ", ".join("?" for _ in row_ids)
    return await session.execute(
        f"UPDATE audit_log SET target = ?, reason = NULL WHERE id IN ({marks})",
        (unnamed, *row_ids),
    )
