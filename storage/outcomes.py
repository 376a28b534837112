"""Outcomes repository: members' questionnaire choice, schedules and answers (migration 0014)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from storage.db import Row, Session, without
from storage.dialect import Dialect
from storage.ids import fresh_id
from storage.timestamps import from_db, to_db

OPEN, COMPLETE, EXPIRED = "open", "complete", "expired"


@dataclass(frozen=True)
class ChoiceRow:
    user_id: int
    offer_at: datetime | None
    consent: bool | None  # None: not answered
    asked_on: date | None
    asked_what: str | None


def _choice(row: Row) -> ChoiceRow:
    consent = row["consent"]
    return ChoiceRow(
        user_id=row["user_id"],
        offer_at=from_db(row["offer_at"]) if row["offer_at"] else None,
        consent=None if consent is None else bool(consent),
        asked_on=date.fromisoformat(row["asked_on"]) if row["asked_on"] else None,
        asked_what=row["asked_what"],
    )


async def choice(session: Session, user_id: int) -> ChoiceRow | None:
    row = await session.fetch_one("SELECT * FROM outcome_members WHERE user_id = ?", (user_id,))
    return _choice(row) if row else None


async def plan_offer(session: Session, user_id: int, at: datetime) -> None:
    """The one-time offer at `at`, unless the member has a row already (asked, or chose)."""
    await session.execute(
        "INSERT INTO outcome_members (user_id, offer_at) VALUES (?, ?) "
        "ON CONFLICT (user_id) DO NOTHING",
        (user_id, to_db(at)),
    )


async def due_offers(session: Session, now: datetime, limit: int) -> list[ChoiceRow]:
    rows = await session.fetch_all(
        "SELECT * FROM outcome_members WHERE offer_at <= ? ORDER BY offer_at LIMIT ?",
        (to_db(now), limit),
    )
    return [_choice(row) for row in rows]


async def set_offer(session: Session, user_id: int, at: datetime | None) -> None:
    await session.execute(
        "UPDATE outcome_members SET offer_at = ? WHERE user_id = ?",
        (to_db(at) if at else None, user_id),
    )


async def set_consent(session: Session, user_id: int, consent: bool, now: datetime) -> None:
    """The member's answer; the offer is not made again either way."""
    await session.execute(
        """
        INSERT INTO outcome_members (user_id, consent, answered_at) VALUES (?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET consent = excluded.consent,
            answered_at = excluded.answered_at, offer_at = NULL
        """,
        (user_id, int(consent), to_db(now)),
    )


async def mark_asked(session: Session, user_id: int, day: date, questionnaire: str) -> None:
    await session.execute(
        "UPDATE outcome_members SET asked_on = ?, asked_what = ? WHERE user_id = ?",
        (day.isoformat(), questionnaire, user_id),
    )


@dataclass(frozen=True)
class ScheduleRow:
    user_id: int
    questionnaire: str
    anchor: date
    due_at: datetime | None


def _schedule(row: Row) -> ScheduleRow:
    return ScheduleRow(
        user_id=row["user_id"],
        questionnaire=row["questionnaire"],
        anchor=date.fromisoformat(row["anchor"]),
        due_at=from_db(row["due_at"]) if row["due_at"] else None,
    )


async def schedules(session: Session, user_id: int) -> list[ScheduleRow]:
    rows = await session.fetch_all(
        "SELECT * FROM outcome_schedule WHERE user_id = ? ORDER BY questionnaire", (user_id,)
    )
    return [_schedule(row) for row in rows]


async def start_schedule(
    session: Session, user_id: int, questionnaire: str, anchor: date, due_at: datetime | None
) -> None:
    """A questionnaire's cycles from `anchor`; a member who opts in again keeps their first
    anchor (their baseline) and only gets a new due moment."""
    await session.execute(
        """
        INSERT INTO outcome_schedule (user_id, questionnaire, anchor, due_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (user_id, questionnaire) DO UPDATE SET due_at = excluded.due_at
        """,
        (user_id, questionnaire, anchor.isoformat(), to_db(due_at) if due_at else None),
    )


async def due_schedules(session: Session, now: datetime, limit: int) -> list[ScheduleRow]:
    rows = await session.fetch_all(
        "SELECT * FROM outcome_schedule WHERE due_at <= ? ORDER BY due_at LIMIT ?",
        (to_db(now), limit),
    )
    return [_schedule(row) for row in rows]


async def set_due(
    session: Session, user_id: int, questionnaire: str, due_at: datetime | None
) -> None:
    await session.execute(
        "UPDATE outcome_schedule SET due_at = ? WHERE user_id = ? AND questionnaire = ?",
        (to_db(due_at) if due_at else None, user_id, questionnaire),
    )


async def stop_schedules(session: Session, user_id: int) -> None:
    """No more invitations (the anchors stay: a member who comes back keeps their baseline)."""
    await session.execute(
        "UPDATE outcome_schedule SET due_at = NULL WHERE user_id = ?", (user_id,)
    )


@dataclass(frozen=True)
class ResponseRow:
    id: int
    user_id: int
    questionnaire: str
    version: int
    language: str
    started_at: datetime
    started_on: date
    answers: tuple[int, ...]
    status: str
    score: float | None
    completed_on: date | None


def _response(row: Row) -> ResponseRow:
    answers = row["answers"]
    return ResponseRow(
        id=row["id"],
        user_id=row["user_id"],
        questionnaire=row["questionnaire"],
        version=row["version"],
        language=row["language"],
        started_at=from_db(row["started_at"]),
        started_on=date.fromisoformat(row["started_on"]),
        answers=tuple(int(a) for a in answers.split(",")) if answers else (),
        status=row["status"],
        score=row["score"],
        completed_on=date.fromisoformat(row["completed_on"]) if row["completed_on"] else None,
    )


async def start_response(
    session: Session,
    *,
    user_id: int,
    questionnaire: str,
    version: int,
    language: str,
    now: datetime,
    day: date,
) -> int:
    return await session.insert(
        "INSERT INTO outcome_responses (id, user_id, questionnaire, version, language, "
        f"started_at, started_on) VALUES ({fresh_id('outcome_responses')}, ?, ?, ?, ?, ?, ?)",
        (user_id, questionnaire, version, language, to_db(now), day.isoformat()),
    )


async def response(session: Session, response_id: int) -> ResponseRow | None:
    row = await session.fetch_one("SELECT * FROM outcome_responses WHERE id = ?", (response_id,))
    return _response(row) if row else None


async def open_response(session: Session, user_id: int, questionnaire: str) -> ResponseRow | None:
    """The member's latest unfinished sitting of `questionnaire`, if any."""
    row = await session.fetch_one(
        "SELECT * FROM outcome_responses WHERE user_id = ? AND questionnaire = ? "
        "AND status = 'open' ORDER BY id DESC LIMIT 1",
        (user_id, questionnaire),
    )
    return _response(row) if row else None


async def expire_open(
    session: Session, user_id: int, started_before: datetime | None = None
) -> int:
    """The member's open sittings end unscored: those started before the moment, or all."""
    if started_before is None:
        return await session.execute(
            "UPDATE outcome_responses SET status = 'expired' "
            "WHERE user_id = ? AND status = 'open'",
            (user_id,),
        )
    return await session.execute(
        "UPDATE outcome_responses SET status = 'expired' "
        "WHERE user_id = ? AND status = 'open' AND started_at < ?",
        (user_id, to_db(started_before)),
    )


async def expire_lapsed(session: Session, started_before: datetime, limit: int) -> int:
    """Everyone's open sittings started before the moment end unscored, at most `limit`."""
    return await session.execute(
        "UPDATE outcome_responses SET status = 'expired' WHERE id IN (SELECT id FROM "
        "outcome_responses WHERE status = 'open' AND started_at < ? LIMIT ?)",
        (to_db(started_before), limit),
    )


async def record_answer(session: Session, response_id: int, position: int, value: int) -> bool:
    """Add the answer to item `position` (0-based); False when that item is not the next
    one of an open sitting (a second tap, or a stale message)."""
    row = await response(session, response_id)
    if row is None or row.status != OPEN or len(row.answers) != position:
        return False
    answers = ",".join(str(a) for a in (*row.answers, value))
    changed = await session.execute(
        "UPDATE outcome_responses SET answers = ? WHERE id = ? AND answers = ? "
        "AND status = 'open'",
        (answers, response_id, ",".join(str(a) for a in row.answers)),
    )
    return changed > 0


@dataclass(frozen=True)
class ScorePlace:
    """Where a score stands for the cohort report (migration 0014)."""

    first_gap: int
    change: float
    timepoint: int | None
    counted: bool


async def complete(
    session: Session,
    response_id: int,
    score: float,
    now: datetime,
    day: date,
    place: ScorePlace,
) -> None:
    await session.execute(
        "UPDATE outcome_responses SET status = 'complete', score = ?, completed_at = ?, "
        "completed_on = ?, first_gap = ?, change = ?, timepoint = ?, counted = ? WHERE id = ?",
        (
            score,
            to_db(now),
            day.isoformat(),
            place.first_gap,
            place.change,
            place.timepoint,
            int(place.counted),
            response_id,
        ),
    )


async def first_score(
    session: Session, user_id: int, questionnaire: str
) -> tuple[date, float] | None:
    """The day and score of the member's first scored `questionnaire` (their baseline)."""
    row = await session.fetch_one(
        "SELECT completed_on, score FROM outcome_responses WHERE user_id = ? "
        "AND questionnaire = ? AND counted = 1 AND timepoint = 0",
        (user_id, questionnaire),
    )
    return (date.fromisoformat(row[0]), float(row[1])) if row else None


async def counted_at(
    session: Session, user_id: int, questionnaire: str, point: int
) -> tuple[int, int] | None:
    """(id, days after the first) of the score counted at time point `point`, if any."""
    row = await session.fetch_one(
        "SELECT id, first_gap FROM outcome_responses WHERE user_id = ? AND questionnaire = ? "
        "AND counted = 1 AND timepoint = ?",
        (user_id, questionnaire, point),
    )
    return (int(row[0]), int(row[1])) if row else None


async def uncount(session: Session, response_id: int) -> None:
    """A closer score took this one's place at its time point."""
    await session.execute("UPDATE outcome_responses SET counted = 0 WHERE id = ?", (response_id,))


async def completed_since(session: Session, user_id: int, questionnaire: str, since: date) -> bool:
    """Whether the member completed `questionnaire` on or after the local day `since`."""
    row = await session.fetch_one(
        "SELECT 1 FROM outcome_responses WHERE user_id = ? AND questionnaire = ? "
        "AND status = 'complete' AND completed_on >= ? LIMIT 1",
        (user_id, questionnaire, since.isoformat()),
    )
    return row is not None


async def completed(session: Session, user_id: int) -> list[ResponseRow]:
    """The member's scored sittings, oldest first."""
    rows = await session.fetch_all(
        "SELECT * FROM outcome_responses WHERE user_id = ? AND status = 'complete' "
        "ORDER BY completed_on, id",
        (user_id,),
    )
    return [_response(row) for row in rows]


async def delete_answers(session: Session, user_id: int) -> None:
    """Every sitting and schedule of the member (they chose to delete them)."""
    await session.execute("DELETE FROM outcome_responses WHERE user_id = ?", (user_id,))
    await session.execute("DELETE FROM outcome_schedule WHERE user_id = ?", (user_id,))


async def export(session: Session, user_id: int) -> dict[str, Any]:
    """The member's choice, schedules and every sitting, for /mydata."""
    member = await session.fetch_one("SELECT * FROM outcome_members WHERE user_id = ?", (user_id,))
    schedule = await session.fetch_all(
        "SELECT * FROM outcome_schedule WHERE user_id = ? ORDER BY questionnaire", (user_id,)
    )
    responses = await session.fetch_all(
        "SELECT * FROM outcome_responses WHERE user_id = ? ORDER BY id", (user_id,)
    )
    return {
        "choice": without(member, "user_id") if member else None,
        "schedule": [without(row, "user_id") for row in schedule],
        "answers": [without(row, "user_id") for row in responses],
    }


@dataclass(frozen=True)
class ScoreRow:
    """A scored sitting for the cohort report: whose, in which circle now, when."""

    user_id: int
    circle_id: int | None
    questionnaire: str
    completed_on: date
    score: float
    answers: tuple[int, ...]
    joined_at: datetime  # when the member finished onboarding
    timezone: str


async def consenting_scores(session: Session) -> list[ScoreRow]:
    """Every scored sitting of members who are still opted in, oldest first per member."""
    rows = await session.fetch_all(
        """
        SELECT r.user_id AS user_id, cm.circle_id AS circle_id, r.questionnaire AS q,
               r.completed_on AS day, r.score AS score, r.answers AS answers,
               m.onboarded_at AS joined, m.timezone AS timezone
        FROM outcome_responses r
        JOIN outcome_members o ON o.user_id = r.user_id AND o.consent = 1
        JOIN members m ON m.user_id = r.user_id
        LEFT JOIN circle_members cm ON cm.user_id = r.user_id
        WHERE r.status = 'complete' AND m.onboarded_at IS NOT NULL
        ORDER BY r.user_id, r.completed_on, r.id
        """
    )
    return [
        ScoreRow(
            r["user_id"],
            r["circle_id"],
            r["q"],
            date.fromisoformat(r["day"]),
            float(r["score"]),
            tuple(int(a) for a in r["answers"].split(",")) if r["answers"] else (),
            from_db(r["joined"]),
            r["timezone"],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class PeerRow:
    """A consenting member's first 30 days: mean daily confidence in the first and the last
    week, and the encouragement they gave and received in those days."""

    user_id: int
    first_week: float
    last_week: float
    given: int
    received: int


# Consenting members who joined at least 30 days before `cutoff`, with their first 30
# days' bounds (local dates compared as text; `until`, a day's start, compares with stored
# moments too): found from the opted-in, not by scanning every member, and only once (a
# CROSS JOIN keeps SQLite's loop on outcome_members; the condition is in WHERE for PostgreSQL).
@cache
def _peer(dialect: Dialect) -> str:
    """The query below in the engine's spelling of day arithmetic."""
    return _PEER.format(
        first_week_end=dialect.day_after("day_number", 7),
        last_week_start=dialect.day_after("day_number", 23),
        until=dialect.day_after("day_number", 30),
        day_number=dialect.day_number("substr(m.onboarded_at, 1, 10)"),
    )


_PEER = """
WITH cohort AS MATERIALIZED (
    SELECT user_id, since, first_day,
           {first_week_end} AS first_week_end,
           {last_week_start} AS last_week_start,
           {until} AS until
    FROM (
        SELECT m.user_id AS user_id, m.onboarded_at AS since,
               substr(m.onboarded_at, 1, 10) AS first_day,
               {day_number} AS day_number
        FROM outcome_members o CROSS JOIN members m
        WHERE m.user_id = o.user_id AND o.consent = 1
          AND m.onboarded_at IS NOT NULL AND m.onboarded_at <= :cutoff
    ) AS joined
),
weeks AS (
    SELECT k.*,
        (SELECT AVG(c.confidence) FROM checkins c WHERE c.user_id = k.user_id
            AND c.local_date >= k.first_day AND c.local_date < k.first_week_end) AS first_week,
        (SELECT AVG(c.confidence) FROM checkins c WHERE c.user_id = k.user_id
            AND c.local_date >= k.last_week_start AND c.local_date < k.until) AS last_week
    FROM cohort k
)
SELECT w.user_id AS user_id, w.first_week AS first_week, w.last_week AS last_week,
    (SELECT COUNT(*) FROM relays r WHERE r.author_id = w.user_id
        AND r.created_at >= w.since AND r.created_at < w.until
        AND r.kind IN ('encourage', 'reply') AND r.status = 'sent') AS given,
    (SELECT COUNT(*) FROM circle_members cm JOIN relays r ON r.circle_id = cm.circle_id
        WHERE cm.user_id = w.user_id AND r.author_id != w.user_id
        AND r.created_at >= w.since AND r.created_at >= cm.joined_at
        AND r.created_at < w.until
        AND r.kind = 'encourage' AND r.status = 'sent')
    + (SELECT COUNT(*) FROM relays asked JOIN relays r ON r.reply_to = asked.id
        WHERE asked.author_id = w.user_id AND r.author_id != w.user_id
        AND r.created_at >= w.since AND r.created_at < w.until
        AND r.kind = 'reply' AND r.status = 'sent') AS received
FROM weeks w WHERE w.first_week IS NOT NULL AND w.last_week IS NOT NULL
"""


async def peer_rows(session: Session, cutoff: datetime) -> list[PeerRow]:
    """Every consenting member who joined by `cutoff` (30 days before now) and checked in
    during both their first week (days 0-6) and the last week of their first 30 (23-29),
    with the encouragement they gave and received in those 30 days."""
    rows = await session.fetch_all(_peer(session.dialect), {"cutoff": to_db(cutoff)})
    return [
        PeerRow(
            int(r["user_id"]),
            float(r["first_week"]),
            float(r["last_week"]),
            int(r["given"]),
            int(r["received"]),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class CountedRow:
    """How many opted-in members' counted scores at a time point had this change."""

    circle_id: int | None
    questionnaire: str
    timepoint: int  # 0: the first score itself (change 0)
    change: float
    members: int


async def counted_changes(session: Session) -> list[CountedRow]:
    """The counted scores of members still opted in, per circle and (circle None) for
    everyone, by questionnaire, time point and change: a few thousand rows for 100,000
    members, since changes come in whole steps. Everyone's pass reads one index in its
    grouping order; circles start from their members (as storage/stats.py does)."""
    rows = await session.fetch_all(
        f"""
        SELECT NULL AS circle_id, r.questionnaire AS q, r.timepoint AS point,
               r.change AS change, COUNT(*) AS n
        FROM outcome_responses r {session.dialect.indexed_by("outcome_responses_report")}
        JOIN outcome_members o ON o.user_id = r.user_id AND o.consent = 1
        WHERE r.counted = 1 GROUP BY r.questionnaire, r.timepoint, r.change
        """
    )
    rows += await session.fetch_all(
        f"""
        SELECT cm.circle_id AS circle_id, r.questionnaire AS q, r.timepoint AS point,
               r.change AS change, COUNT(*) AS n
        FROM circle_members cm
        JOIN outcome_members o ON o.user_id = cm.user_id AND o.consent = 1
        JOIN outcome_responses r {session.dialect.indexed_by("outcome_responses_counted")}
             ON r.user_id = cm.user_id AND r.counted = 1
        GROUP BY 1, 2, 3, 4
        """
    )
    return [
        CountedRow(r["circle_id"], str(r["q"]), int(r["point"]), float(r["change"]), int(r["n"]))
        for r in rows
    ]
