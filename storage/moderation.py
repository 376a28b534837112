"""Moderation repository: moderators, sanctions by id hash, the audit log, queues to review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Row, Session
from storage.timestamps import from_db, to_db

# -- moderators -------------------------------------------------------------------------------


async def add_moderator(session: Session, user_id: int, added_by: int, now: datetime) -> bool:
    changed = await session.execute(
        "INSERT INTO moderators (user_id, added_by, added_at) VALUES (?, ?, ?) "
        "ON CONFLICT (user_id) DO NOTHING",
        (user_id, added_by, to_db(now)),
    )
    return changed > 0


async def remove_moderator(session: Session, user_id: int) -> bool:
    return await session.execute("DELETE FROM moderators WHERE user_id = ?", (user_id,)) > 0


async def is_moderator(session: Session, user_id: int) -> bool:
    row = await session.fetch_one("SELECT 1 FROM moderators WHERE user_id = ?", (user_id,))
    return row is not None


async def sanction_salt(session: Session) -> str:
    row = await session.fetch_one("SELECT value FROM instance WHERE key = 'sanction_salt'")
    assert row is not None, "migration 0007 stores the salt"
    return str(row["value"])


# -- sanctions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SanctionRow:
    id: int
    id_hash: str
    kind: str
    pseudonym: str
    reason: str | None
    until: datetime | None
    created_at: datetime


def _sanction(session: Session, r: Row) -> SanctionRow:
    return SanctionRow(
        r["id"],
        r["id_hash"],
        r["kind"],
        r["pseudonym"],
        session.unseal("sanctions", "reason", r["reason"]),
        from_db(r["until"]) if r["until"] else None,
        from_db(r["created_at"]),
    )


async def add_sanction(
    session: Session,
    *,
    id_hash: str,
    kind: str,
    pseudonym: str,
    reason: str | None,
    until: datetime | None,
    now: datetime,
) -> int:
    return await session.insert(
        "INSERT INTO sanctions (id_hash, kind, pseudonym, reason, until, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            id_hash,
            kind,
            pseudonym,
            session.seal("sanctions", "reason", reason),
            to_db(until) if until else None,
            to_db(now),
        ),
    )


async def active_ban(session: Session, id_hash: str) -> SanctionRow | None:
    row = await session.fetch_one(
        "SELECT * FROM sanctions WHERE id_hash = ? AND kind = 'ban' AND lifted_at IS NULL "
        "ORDER BY id DESC LIMIT 1",
        (id_hash,),
    )
    return _sanction(session, row) if row else None


async def active_mute(session: Session, id_hash: str, now: datetime) -> SanctionRow | None:
    row = await session.fetch_one(
        "SELECT * FROM sanctions WHERE id_hash = ? AND kind = 'mute' AND lifted_at IS NULL "
        "AND until > ? ORDER BY until DESC LIMIT 1",
        (id_hash, to_db(now)),
    )
    return _sanction(session, row) if row else None


async def warnings_since(session: Session, id_hash: str, since: datetime) -> int:
    row = await session.fetch_one(
        "SELECT COUNT(*) AS n FROM sanctions WHERE id_hash = ? AND kind = 'warning' "
        "AND created_at >= ?",
        (id_hash, to_db(since)),
    )
    return int(row["n"]) if row else 0


async def lift(session: Session, id_hash: str, kind: str, now: datetime) -> int:
    return await session.execute(
        "UPDATE sanctions SET lifted_at = ? WHERE id_hash = ? AND kind = ? AND lifted_at IS NULL",
        (to_db(now), id_hash, kind),
    )


async def export(session: Session, id_hash: str) -> list[dict[str, object]]:
    """A member's own warnings, mutes and bans, for /mydata."""
    rows = await session.fetch_all(
        "SELECT * FROM sanctions WHERE id_hash = ? ORDER BY id", (id_hash,)
    )
    return [session.exported("sanctions", r, "id") for r in rows]


async def export_role(session: Session, user_id: int) -> dict[str, object] | None:
    """When the member became a moderator (not who promoted them), for /mydata."""
    row = await session.fetch_one("SELECT added_at FROM moderators WHERE user_id = ?", (user_id,))
    return dict(row) if row is not None else None


async def moderator_ids(session: Session) -> list[int]:
    """Everyone promoted to moderator (operators come from the config)."""
    rows = await session.fetch_all("SELECT user_id FROM moderators ORDER BY user_id")
    return [int(r["user_id"]) for r in rows]


async def bans_matching(session: Session, text: str) -> list[SanctionRow]:
    """Active bans whose pseudonym is `text` (any case) or whose hash starts with it."""
    rows = await session.fetch_all(
        "SELECT * FROM sanctions WHERE kind = 'ban' AND lifted_at IS NULL "
        "AND (pseudonym = ? COLLATE NOCASE OR (length(?) >= 6 AND id_hash LIKE ? || '%'))",
        (text, text, text.lower()),
    )
    return [_sanction(session, r) for r in rows]


# -- audit log --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    moderator_name: str
    action: str
    target: str | None
    reason: str | None


async def audit(
    session: Session,
    *,
    moderator_id: int,
    moderator_name: str,
    action: str,
    target: str | None,
    reason: str | None,
    now: datetime,
) -> None:
    await session.execute(
        "INSERT INTO audit_log (at, moderator_id, moderator_name, action, target, reason) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            to_db(now),
            moderator_id,
            moderator_name,
            action,
            target,
            session.seal("audit_log", "reason", reason),
        ),
    )


async def last_audit(session: Session, limit: int) -> list[AuditRow]:
    rows = await session.fetch_all(
        "SELECT at, moderator_name, action, target, reason FROM audit_log "
        "ORDER BY id DESC LIMIT ?",
        (limit,),
    )
    return [
        AuditRow(
            from_db(r["at"]),
            r["moderator_name"],
            r["action"],
            r["target"],
            session.unseal("audit_log", "reason", r["reason"]),
        )
        for r in rows
    ]


# -- what waits for moderators ----------------------------------------------------------------


async def held_relay_ids(session: Session, limit: int) -> list[int]:
    rows = await session.fetch_all(
        "SELECT id FROM relays WHERE status = 'held' ORDER BY id LIMIT ?", (limit,)
    )
    return [int(r["id"]) for r in rows]


@dataclass(frozen=True)
class ReportRow:
    id: int
    relay_id: int
    status: str


async def open_reports(session: Session, limit: int) -> list[ReportRow]:
    """One open report per reported relay, oldest first."""
    rows = await session.fetch_all(
        "SELECT min(id) AS id, relay_id, 'open' AS status FROM reports WHERE status = 'open' "
        "GROUP BY relay_id ORDER BY min(id) LIMIT ?",
        (limit,),
    )
    return [ReportRow(int(r["id"]), int(r["relay_id"]), str(r["status"])) for r in rows]


async def report(session: Session, report_id: int) -> ReportRow | None:
    row = await session.fetch_one(
        "SELECT id, relay_id, status FROM reports WHERE id = ?", (report_id,)
    )
    return ReportRow(int(row["id"]), int(row["relay_id"]), str(row["status"])) if row else None


async def open_reporters(session: Session, relay_id: int) -> list[tuple[int, int]]:
    """(report id, reporter id) of every open report on a relay."""
    rows = await session.fetch_all(
        "SELECT id, reporter_id FROM reports WHERE relay_id = ? AND status = 'open' ORDER BY id",
        (relay_id,),
    )
    return [(int(r["id"]), int(r["reporter_id"])) for r in rows]


async def close_reports(session: Session, relay_id: int, status: str) -> int:
    """Close every open report on a relay: dismissed or acted on."""
    return await session.execute(
        "UPDATE reports SET status = ? WHERE relay_id = ? AND status = 'open'",
        (status, relay_id),
    )


async def mark_relay_deleted(session: Session, relay_id: int, now: datetime) -> None:
    await session.execute(
        "UPDATE relays SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
        (to_db(now), relay_id),
    )


async def relay_copies(session: Session, relay_id: int) -> list[tuple[int, int]]:
    """(chat id, message id) of every delivered copy of a relay."""
    rows = await session.fetch_all(
        "SELECT chat_id, telegram_message_id FROM outbox WHERE idempotency_key LIKE ? "
        "AND status = 'sent' AND telegram_message_id IS NOT NULL",
        (f"relay:{relay_id}:%",),
    )
    return [(int(r["chat_id"]), int(r["telegram_message_id"])) for r in rows]


async def drop_pending_copies(session: Session, relay_id: int, now: datetime) -> int:
    """Copies not yet sent are never sent."""
    return await session.execute(
        "UPDATE outbox SET status = 'dropped', finished_at = ? WHERE idempotency_key LIKE ? "
        "AND status = 'pending'",
        (to_db(now), f"relay:{relay_id}:%"),
    )


async def members_called(session: Session, pseudonym: str) -> list[tuple[int, str | None]]:
    """(user id, circle name or None) of members going by `pseudonym`, any case."""
    rows = await session.fetch_all(
        "SELECT m.user_id, c.name AS circle FROM members m "
        "LEFT JOIN circle_members cm ON cm.user_id = m.user_id "
        "LEFT JOIN circles c ON c.id = cm.circle_id "
        "WHERE m.pseudonym = ? COLLATE NOCASE",
        (pseudonym,),
    )
    return [(int(r["user_id"]), r["circle"]) for r in rows]


async def untaken_alerts(session: Session, older_than: datetime) -> list[int]:
    """Urgent crisis alerts (or ones the member asked about) nobody took, last sent before
    `older_than`. A concern notice is sent once."""
    rows = await session.fetch_all(
        "SELECT id FROM crisis_alerts WHERE taken_by IS NULL AND resolved_at IS NULL "
        "AND (tier = 'urgent' OR contact_requested_at IS NOT NULL) "
        "AND coalesce(repeated_at, created_at) <= ? ORDER BY id",
        (to_db(older_than),),
    )
    return [int(r["id"]) for r in rows]


async def mark_alert_repeated(session: Session, alert_id: int, now: datetime) -> None:
    await session.execute(
        "UPDATE crisis_alerts SET repeated_at = ? WHERE id = ?", (to_db(now), alert_id)
    )
