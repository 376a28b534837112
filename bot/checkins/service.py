"""Check-ins: recording a day and its note, the reflection after it, and trends.

The rules are in bot/checkins/rules.py and the messages in bot/checkins/messages.py; their
names are imported here too, for the modules that still look for them in the service.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.checkins.messages import (
    checkin_reply,
    confidence_question,
    mood_question,
    note_question,
    support_buttons,
    support_message,
)
from bot.checkins.rules import (
    BACKFILL_DAYS,
    CONFIDENCES,
    MAX_NOTE,
    MOODS,
    STEADY_BELOW,
    TREND_WINDOW,
    CheckinReflection,
    PeriodStats,
    SupportOffer,
    TrendSummary,
    change,
    day_code,
    fillable,
    is_low,
    needs_gentle_support,
    parse_checkin_day,
    parse_day_code,
    period_stats,
    streak,
    trend_window,
    window_before,
)
from bot.clock import Clock
from bot.localtime.today import member_today
from storage import checkins as checkin_rows
from storage.db import Database

__all__ = [
    "BACKFILL_DAYS",
    "CONFIDENCES",
    "MAX_NOTE",
    "MOODS",
    "STEADY_BELOW",
    "TREND_WINDOW",
    "CheckinReflection",
    "CheckinService",
    "PeriodStats",
    "SupportOffer",
    "TrendSummary",
    "change",
    "checkin_reply",
    "confidence_question",
    "day_code",
    "fillable",
    "is_low",
    "mood_question",
    "needs_gentle_support",
    "note_question",
    "parse_checkin_day",
    "parse_day_code",
    "period_stats",
    "streak",
    "support_buttons",
    "support_message",
]


class CheckinService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def today(self, timezone: str) -> date:
        """The member's local calendar day now."""
        return member_today(self._clock, timezone)

    async def record(
        self, user_id: int, day: date, mood: int, confidence: int, timezone: str
    ) -> bool:
        """Store the day's answers; True when they replaced earlier answers for that day.

        A day already over is marked as filled in later; one past BACKFILL_DAYS is refused."""
        if mood not in MOODS or confidence not in CONFIDENCES:
            raise ValueError("answer out of range")
        today = self.today(timezone)
        if not fillable(day, today):
            raise ValueError("day out of range")
        async with self._db.transaction() as session:
            return await checkin_rows.record(
                session, user_id, day, mood, confidence, self._clock.now(), day < today
            )

    async def add_note(self, user_id: int, day: date, note: str) -> bool:
        async with self._db.transaction() as session:
            return await checkin_rows.set_note(session, user_id, day, note[:MAX_NOTE])

    async def reflect(
        self, user_id: int, day: date, today: date | None = None
    ) -> CheckinReflection | None:
        """The reply's content for the check-in of `day`; None when there is none.

        For a day filled in later the streak is today's, which that day may have mended."""
        async with self._db.read() as session:
            history = await checkin_rows.since(session, user_id, day - timedelta(days=60))
            days = await checkin_rows.streak_dates(session, user_id)
        upto = [c for c in history if c.local_date <= day]
        if not upto or upto[-1].local_date != day:
            return None
        week = trend_window(day, TREND_WINDOW)
        this_week = period_stats(upto, week.first, week.last)
        until = today if today is not None and today > day else day  # the streak's last day
        before = window_before(week)
        last_week = period_stats(upto, before.first, before.last)
        return CheckinReflection(
            day=day,
            mood=upto[-1].mood,
            confidence=upto[-1].confidence,
            streak=streak([d for d in days if d <= until], until),
            confidence_change=change(this_week.confidence, last_week.confidence),
            low_today=is_low(upto[-1].mood, upto[-1].confidence),
            hard_days=needs_gentle_support(list(reversed(upto))),
            filled_in_later=upto[-1].filled_in_later,
        )

    async def trend(self, user_id: int, today: date, days: int) -> TrendSummary:
        """Check-ins for the last `days` days and the period before, for charts and summaries."""
        period = trend_window(today, days)
        before = window_before(period)
        async with self._db.read() as session:
            history = await checkin_rows.since(session, user_id, before.first)
            recent_days = await checkin_rows.streak_dates(session, user_id)
        return TrendSummary(
            days=days,
            current=period_stats(history, period.first, period.last),
            previous=period_stats(history, before.first, before.last),
            streak=streak(recent_days, today),
            checkins=[c for c in history if c.local_date >= period.first],
            first_day=period.first,
            last_day=period.last,
        )

    async def has_checked_in(self, user_id: int, day: date) -> bool:
        async with self._db.read() as session:
            return await checkin_rows.exists(session, user_id, day)
