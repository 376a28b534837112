"""Make a large database for the scale benchmark: members, check-ins, circles and goals.

    .venv/bin/python -m bench.generate PATH [--members 100000] [--checkins 3000000]
                                           [--goals 50000]

Plain sqlite3 and executemany, after the project's migrations have made the schema.
Members' check-ins are spread over the last 120 days; 1,000 circles of 12 hold the first
12,000 members, who write 10 words of encouragement each. Three members in ten took part in
the questionnaires from their first week: the GSE every 30 days and the WHO-5 every 14.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.outcomes.rules import closer, timepoint
from bot.safety.pseudonyms import draw_pseudonym
from storage.db import Database

ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tokyo",
    "UTC",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Europe/London",
)
CIRCLES, CIRCLE_SIZE = 1000, 12
DAYS = 120
CHUNK = 100_000
CONSENTING = 0.3  # the share of members who answer questionnaires
ENCOURAGEMENT_EACH = 10


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _members(count: int, now: datetime, rng: random.Random) -> Iterator[tuple[object, ...]]:
    joined = _stamp(now - timedelta(days=DAYS + 1))
    for user_id in range(1, count + 1):
        minute = rng.randrange(24 * 60)
        due = now.replace(hour=minute // 60, minute=minute % 60, second=0, microsecond=0)
        if due <= now:
            due += timedelta(days=1)
        at = f"{minute // 60:02d}:{minute % 60:02d}"
        yield (
            user_id,
            draw_pseudonym(rng),
            rng.choice(ZONES),
            at,
            joined,
            1,
            joined,
            joined,
            _stamp(due),
        )


def _checkins(
    members: int, total: int, today: date, rng: random.Random
) -> Iterator[tuple[object, ...]]:
    per_member = total // members
    for user_id in range(1, members + 1):
        for back in sorted(rng.sample(range(DAYS), per_member), reverse=True):
            day = today - timedelta(days=back)
            yield (
                user_id,
                day.isoformat(),
                rng.randint(1, 5),
                rng.randint(0, 10),
                f"{day.isoformat()}T20:00:00+00:00",
            )


def _relays(members: int, now: datetime, rng: random.Random) -> Iterator[tuple[object, ...]]:
    for user_id in range(1, min(members, CIRCLES * CIRCLE_SIZE) + 1):
        circle = (user_id - 1) // CIRCLE_SIZE + 1
        for _ in range(ENCOURAGEMENT_EACH):
            moment = now - timedelta(days=DAYS, minutes=-rng.randrange(DAYS * 24 * 60))
            yield (
                circle,
                user_id,
                "encourage",
                "Pseudonym",
                "You've got this",
                "sent",
                _stamp(moment),
            )


def _responses(members: int, now: datetime, rng: random.Random) -> Iterator[tuple[object, ...]]:
    """Completed sittings: from day 7 after joining, every 30 (GSE) and 14 (WHO-5) days,
    each with where it stands for the cohort report, as the service records it."""
    joined = (now - timedelta(days=DAYS + 1)).date()
    for user_id in range(1, members + 1):
        if rng.random() >= CONSENTING:
            continue
        for questionnaire, every, items, values, factor in (
            ("gse", 30, 10, (1, 2, 3, 4), 1),
            ("who5", 14, 5, (0, 1, 2, 3, 4, 5), 4),
        ):
            first: tuple[date, int] | None = None
            counted: dict[int, int] = {}  # time point: gap of the counted score
            for day in range(7, DAYS, every):
                answers = [rng.choice(values) for _ in range(items)]
                score = sum(answers) * factor
                on = joined + timedelta(days=day + rng.randrange(3))
                if first is None:
                    first = (on, score)
                gap = (on - first[0]).days
                point = 0 if gap == 0 else timepoint(gap)
                count = point == 0 or (
                    point is not None
                    and (point not in counted or closer(gap, counted[point], point))
                )
                if count and point is not None:
                    counted[point] = gap
                moment = f"{on.isoformat()}T20:00:00+00:00"
                yield (
                    user_id,
                    questionnaire,
                    1,
                    "en",
                    moment,
                    on.isoformat(),
                    ",".join(map(str, answers)),
                    "complete",
                    score,
                    moment,
                    on.isoformat(),
                    gap,
                    score - first[1],
                    point,
                    int(count),
                )


def _insert(conn: sqlite3.Connection, sql: str, rows: Iterator[tuple[object, ...]]) -> int:
    done = 0
    batch: list[tuple[object, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            conn.executemany(sql, batch)
            done += len(batch)
            batch.clear()
    conn.executemany(sql, batch)
    return done + len(batch)


def generate(path: Path, members: int, checkins: int, goals: int, seed: int = 7) -> None:
    """Fill a database that the migrations have already made (see `migrate`)."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    today = now.date()
    started = time.monotonic()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        _insert(
            conn,
            "INSERT INTO members (user_id, pseudonym, timezone, checkin_time, "
            "consent_at, consent_version, onboarded_at, created_at, next_checkin_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _members(members, now, rng),
        )
        stamp = _stamp(now - timedelta(days=DAYS))
        conn.executemany(
            "INSERT INTO circles (id, name, invite_code, max_members, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(c, f"Circle {c}", f"code{c}", CIRCLE_SIZE, stamp) for c in range(1, CIRCLES + 1)],
        )
        conn.executemany(
            "INSERT INTO circle_members (user_id, circle_id, joined_at) VALUES (?, ?, ?)",
            [
                (u, (u - 1) // CIRCLE_SIZE + 1, stamp)
                for u in range(1, min(members, CIRCLES * CIRCLE_SIZE) + 1)
            ],
        )
        _insert(
            conn,
            "INSERT INTO checkins (user_id, local_date, mood, confidence, "
            "answered_at) VALUES (?, ?, ?, ?, ?)",
            _checkins(members, checkins, today, rng),
        )
        conn.executemany(
            "INSERT INTO goals (id, user_id, number, title, kind, schedule, nudge_time, status, "
            "created_at, next_nudge_at) VALUES (?, ?, 1, 'Walk 20 minutes', 'habit', 'daily', "
            "'18:00', 'active', ?, ?)",
            [
                (g, g, stamp, _stamp(now + timedelta(hours=rng.randrange(1, 24))))
                for g in range(1, goals + 1)
            ],
        )
        _insert(
            conn,
            "INSERT INTO goal_entries (goal_id, local_date, outcome, answered_at) "
            "VALUES (?, ?, ?, ?)",
            (
                (
                    g,
                    (today - timedelta(days=d)).isoformat(),
                    rng.choice(("done", "not_today")),
                    stamp,
                )
                for g in range(1, goals + 1)
                for d in range(10)
            ),
        )
        _insert(
            conn,
            "INSERT INTO relays (circle_id, author_id, kind, pseudonym, text, status, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            _relays(members, now, rng),
        )
        _insert(
            conn,
            "INSERT INTO outcome_responses (user_id, questionnaire, version, language, "
            "started_at, started_on, answers, status, score, completed_at, completed_on, "
            "first_gap, change, timepoint, counted) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _responses(members, now, rng),
        )
        conn.execute(
            "INSERT INTO outcome_members (user_id, consent, answered_at) "
            "SELECT DISTINCT user_id, 1, ? FROM outcome_responses",
            (stamp,),
        )
        conn.commit()
        conn.execute("PRAGMA optimize")
    print(
        f"generated {path} in {time.monotonic() - started:.0f} s: {members:,} members, "
        f"{checkins:,} check-ins, {goals:,} goals"
    )


async def migrate(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--checkins", type=int, default=3_000_000)
    parser.add_argument("--goals", type=int, default=50_000)
    args = parser.parse_args()
    if args.path.exists():
        raise SystemExit(f"{args.path} exists; remove it first")
    asyncio.run(migrate(args.path))
    generate(args.path, args.members, args.checkins, args.goals)


if __name__ == "__main__":
    main()
