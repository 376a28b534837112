"""Circles repository: circles, their members and invites, relays, who received them, thanks
and reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.db import Row, Session
from storage.ids import fresh_id
from storage.timestamps import to_db


@dataclass(frozen=True)
class CircleRow:
    id: int
    name: str
    invite_code: str
    max_members: int
    mode: str
    member_count: int
    invite_revoked: bool = False  # no working invite link until a moderator makes one


@dataclass(frozen=True)
class RelayRow:
    id: int
    circle_id: int
    author_id: int
    pseudonym: str
    text: str
    kind: str = "encourage"
    status: str = "sent"
    reply_to: int | None = None


_CIRCLE = """
    SELECT c.id, c.name, c.invite_code, c.max_members, c.mode,
           (SELECT count(*) FROM circle_members m WHERE m.circle_id = c.id) AS member_count,
           EXISTS (SELECT 1 FROM retired_invites r WHERE r.code = c.invite_code) AS revoked
    FROM circles c
"""


def _circle(r: Row) -> CircleRow:
    return CircleRow(
        r["id"],
        r["name"],
        r["invite_code"],
        r["max_members"],
        r["mode"],
        r["member_count"],
        bool(r["revoked"]),
    )


async def create(
    session: Session, name: str, invite_code: str, max_members: int, now: datetime
) -> int:
    return await session.insert(
        "INSERT INTO circles (name, invite_code, max_members, created_at) VALUES (?, ?, ?, ?)",
        (name, invite_code, max_members, to_db(now)),
    )


async def by_name(session: Session, name: str) -> CircleRow | None:
    row = await session.fetch_one(_CIRCLE + " WHERE c.name = ?", (name,))
    return _circle(row) if row else None


async def by_code(session: Session, code: str) -> CircleRow | None:
    """The circle this invite code lets people join; None for a revoked or unknown code."""
    row = await session.fetch_one(_CIRCLE + " WHERE c.invite_code = ?", (code,))
    return _circle(row) if row and not row["revoked"] else None


async def retired_invite(session: Session, code: str) -> bool:
    """Whether `code` was a circle's invite link before a moderator replaced or revoked it."""
    row = await session.fetch_one("SELECT 1 FROM retired_invites WHERE code = ?", (code,))
    return row is not None


async def replace_invite(
    session: Session, circle: CircleRow, code: str, now: datetime, *, revoked: bool
) -> None:
    """Retire the circle's invite code for `code`: a working one, or (revoked) one retired
    at once and never shown, so the circle has no working link until a moderator makes a
    new one."""
    retired = [circle.invite_code, code] if revoked else [circle.invite_code]
    await session.execute_many(
        "INSERT INTO retired_invites (code, circle_id, retired_at) VALUES (?, ?, ?) "
        "ON CONFLICT (code) DO NOTHING",
        [(old, circle.id, to_db(now)) for old in retired],
    )
    await session.execute("UPDATE circles SET invite_code = ? WHERE id = ?", (code, circle.id))


async def by_id(session: Session, circle_id: int) -> CircleRow | None:
    row = await session.fetch_one(_CIRCLE + " WHERE c.id = ?", (circle_id,))
    return _circle(row) if row else None


async def all_circles(session: Session) -> list[CircleRow]:
    return [_circle(r) for r in await session.fetch_all(_CIRCLE + " ORDER BY c.name")]


async def circle_of(session: Session, user_id: int) -> CircleRow | None:
    row = await session.fetch_one(
        _CIRCLE + " JOIN circle_members cm ON cm.circle_id = c.id WHERE cm.user_id = ?",
        (user_id,),
    )
    return _circle(row) if row else None


async def add_member(session: Session, circle_id: int, user_id: int, now: datetime) -> None:
    await session.execute(
        "INSERT INTO circle_members (user_id, circle_id, joined_at) VALUES (?, ?, ?)",
        (user_id, circle_id, to_db(now)),
    )


async def remove_member(session: Session, user_id: int) -> bool:
    return await session.execute("DELETE FROM circle_members WHERE user_id = ?", (user_id,)) > 0


async def member_ids(session: Session, circle_id: int) -> list[int]:
    rows = await session.fetch_all(
        "SELECT user_id FROM circle_members WHERE circle_id = ? ORDER BY joined_at", (circle_id,)
    )
    return [int(r["user_id"]) for r in rows]


async def pseudonyms_in(session: Session, circle_id: int) -> set[str]:
    rows = await session.fetch_all(
        "SELECT m.pseudonym FROM members m JOIN circle_members cm ON cm.user_id = m.user_id "
        "WHERE cm.circle_id = ?",
        (circle_id,),
    )
    return {str(r["pseudonym"]) for r in rows}


async def add_relay(
    session: Session,
    *,
    circle_id: int,
    author_id: int,
    kind: str,
    pseudonym: str,
    text: str,
    status: str,
    now: datetime,
    reply_to: int | None = None,
    button_message_id: int | None = None,
) -> int:
    return await session.insert(
        "INSERT INTO relays (id, circle_id, author_id, kind, pseudonym, text, status, "
        f"reply_to, created_at, button_message_id) VALUES ({fresh_id('relays')}, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            circle_id,
            author_id,
            kind,
            pseudonym,
            session.seal("relays", "text", text),
            status,
            reply_to,
            to_db(now),
            button_message_id,
        ),
    )


async def relayed_from_button(session: Session, author_id: int, message_id: int) -> bool:
    """Whether the hard-day button on this message of the member's chat has relayed."""
    row = await session.fetch_one(
        "SELECT 1 FROM relays WHERE author_id = ? AND button_message_id = ?",
        (author_id, message_id),
    )
    return row is not None


async def add_recipients(session: Session, relay_id: int, user_ids: list[int]) -> None:
    """Who a relay is sent to: only they may thank or report it."""
    await session.execute_many(
        "INSERT INTO relay_recipients (relay_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [(relay_id, user_id) for user_id in user_ids],
    )


async def received(session: Session, relay_id: int, user_id: int) -> bool:
    """Whether the relay was sent to this member."""
    row = await session.fetch_one(
        "SELECT 1 FROM relay_recipients WHERE relay_id = ? AND user_id = ?", (relay_id, user_id)
    )
    return row is not None


async def set_relay_status(session: Session, relay_id: int, old: str, new: str) -> bool:
    """Move a relay from one status to another; False when it was not in `old`."""
    changed = await session.execute(
        "UPDATE relays SET status = ? WHERE id = ? AND status = ?", (new, relay_id, old)
    )
    return changed > 0


async def set_max_members(session: Session, circle_id: int, size: int) -> None:
    await session.execute("UPDATE circles SET max_members = ? WHERE id = ?", (size, circle_id))


async def set_mode(session: Session, circle_id: int, mode: str) -> None:
    await session.execute("UPDATE circles SET mode = ? WHERE id = ?", (mode, circle_id))


async def relays_since(session: Session, author_id: int, since: datetime) -> int:
    row = await session.fetch_one(
        "SELECT count(*) FROM relays WHERE author_id = ? AND created_at >= ?",
        (author_id, to_db(since)),
    )
    return int(row[0]) if row else 0


async def encouragement_counts(
    session: Session, user_id: int, since: datetime, until: datetime
) -> tuple[int, int]:
    """(given, received) encouragement that reached people between the two moments.

    Given: the member's own encouragement and answers. Received: encouragement from others
    in the circle the member is in now (since they joined it), and answers to the member.
    """
    window = (to_db(since), to_db(until))
    given = await session.fetch_one(
        "SELECT count(*) FROM relays WHERE author_id = ? AND kind IN ('encourage', 'reply') "
        "AND status = 'sent' AND created_at >= ? AND created_at < ?",
        (user_id, *window),
    )
    received = await session.fetch_one(
        """
        SELECT
          (SELECT count(*) FROM relays r JOIN circle_members cm ON cm.circle_id = r.circle_id
           WHERE cm.user_id = :user AND r.author_id != :user AND r.kind = 'encourage'
             AND r.status = 'sent' AND r.created_at >= :since AND r.created_at >= cm.joined_at
             AND r.created_at < :until)
        + (SELECT count(*) FROM relays r JOIN relays asked ON asked.id = r.reply_to
           WHERE asked.author_id = :user AND r.author_id != :user AND r.kind = 'reply'
             AND r.status = 'sent' AND r.created_at >= :since AND r.created_at < :until)
        """,
        {"user": user_id, "since": window[0], "until": window[1]},
    )
    return (int(given[0]) if given else 0, int(received[0]) if received else 0)


async def relay(session: Session, relay_id: int) -> RelayRow | None:
    row = await session.fetch_one(
        "SELECT id, circle_id, author_id, pseudonym, text, kind, status, reply_to FROM relays "
        "WHERE id = ?",
        (relay_id,),
    )
    if row is None:
        return None
    return RelayRow(
        row["id"],
        row["circle_id"],
        row["author_id"],
        row["pseudonym"],
        session.unseal("relays", "text", row["text"]),
        row["kind"],
        row["status"],
        row["reply_to"],
    )


async def add_thanks(session: Session, relay_id: int, user_id: int) -> bool:
    """Record a thanks; False when this member had already thanked for this relay."""
    changed = await session.execute(
        "INSERT INTO relay_thanks (relay_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (relay_id, user_id),
    )
    return changed > 0


async def reports_since(session: Session, reporter_id: int, since: datetime) -> int:
    """How many reports the member filed since `since`."""
    row = await session.fetch_one(
        "SELECT count(*) FROM reports WHERE reporter_id = ? AND created_at >= ?",
        (reporter_id, to_db(since)),
    )
    return int(row[0]) if row else 0


async def reported(session: Session, relay_id: int, reporter_id: int) -> bool:
    row = await session.fetch_one(
        "SELECT 1 FROM reports WHERE relay_id = ? AND reporter_id = ?", (relay_id, reporter_id)
    )
    return row is not None


async def add_report(
    session: Session, relay_id: int, reporter_id: int, now: datetime
) -> int | None:
    """File a report; its id, or None when this member had already reported this relay."""
    changed = await session.execute(
        "INSERT INTO reports (relay_id, reporter_id, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (relay_id, reporter_id, to_db(now)),
    )
    if not changed:
        return None
    row = await session.fetch_one(
        "SELECT id FROM reports WHERE relay_id = ? AND reporter_id = ?", (relay_id, reporter_id)
    )
    return int(row["id"]) if row else None


# -- /mydata: what the member did in their circle, never another member's words or ids ---


async def export_membership(session: Session, user_id: int) -> dict[str, Any] | None:
    row = await session.fetch_one(
        "SELECT c.name AS circle, cm.joined_at FROM circle_members cm "
        "JOIN circles c ON c.id = cm.circle_id WHERE cm.user_id = ?",
        (user_id,),
    )
    return dict(row) if row is not None else None


async def export_relays(session: Session, user_id: int) -> list[dict[str, Any]]:
    """What the member wrote to their circle, with how many thanked them (not who)."""
    rows = await session.fetch_all(
        """
        SELECT r.*, c.name AS circle,
               (SELECT count(*) FROM relay_thanks t WHERE t.relay_id = r.id) AS thanked_by
        FROM relays r JOIN circles c ON c.id = r.circle_id
        WHERE r.author_id = ? ORDER BY r.id
        """,
        (user_id,),
    )
    # Row keys, and the message an answer went to (another member's), stay out.
    hidden = ("id", "circle_id", "author_id", "reply_to")
    return [session.exported("relays", r, *hidden) for r in rows]


async def export_thanks_given(session: Session, user_id: int) -> list[dict[str, Any]]:
    """The messages the member thanked: when they were sent and their kind, not their
    author or words."""
    rows = await session.fetch_all(
        "SELECT r.kind AS message_kind, r.created_at AS message_sent_at FROM relay_thanks t "
        "JOIN relays r ON r.id = t.relay_id WHERE t.user_id = ? ORDER BY r.id",
        (user_id,),
    )
    return [dict(r) for r in rows]


async def export_reports_filed(session: Session, user_id: int) -> list[dict[str, Any]]:
    """Reports the member filed and what became of them; not the reported words or author."""
    rows = await session.fetch_all(
        "SELECT p.created_at, p.status, r.kind AS message_kind, r.created_at AS message_sent_at "
        "FROM reports p JOIN relays r ON r.id = p.relay_id WHERE p.reporter_id = ? "
        "ORDER BY p.id",
        (user_id,),
    )
    return [dict(r) for r in rows]
