"""Check-in rules: the questions, recording a day, streaks, trends and gentle support."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean

from bot import texts
from bot.clock import Clock
from bot.localtime.zones import zone_of
from bot.outgoing import Buttons, OutgoingMessage, rows
from bot.texts import circles as circle_texts
from storage import checkins as checkin_rows
from storage.checkins import CheckinRow
from storage.db import Database

MOODS = range(1, 6)
CONFIDENCES = range(0, 11)
MAX_NOTE = 4096  # Telegram's own message limit: a note is never cut short
TREND_WINDOW = 7
# A change in mean confidence smaller than this reads as "steady".
STEADY_BELOW = 0.5
# A missed day can be filled in this many days afterwards; older prompts stay closed.
BACKFILL_DAYS = 2


def day_code(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"  # strftime costs 5x as much


def parse_day_code(code: str) -> date | None:
    """The day a YYYYMMDD button code names, or None for anything else."""
    if len(code) != 8 or not (code.isascii() and code.isdigit()):
        return None
    try:
        return date(int(code[:4]), int(code[4:6]), int(code[6:]))
    except ValueError:
        return None


def fillable(day: date, today: date) -> bool:
    """Today, or a day at most BACKFILL_DAYS back: its check-in can still be given."""
    return today - timedelta(days=BACKFILL_DAYS) <= day <= today


def parse_checkin_day(argument: str | None, today: date) -> date | None:
    """The day `/checkin [today|yesterday|YYYY-MM-DD]` names; None when it names none."""
    text = (argument or "today").strip().lower()
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _past(day: date, today: date | None) -> date | None:
    """`day` when it is over (the check-in is filled in later), else None."""
    return day if today is not None and day < today else None


def mood_question(day: date, today: date | None = None) -> OutgoingMessage:
    """The first question; `today` tells a day filled in later from today's."""
    buttons = [(texts.mood_label(m), f"ci:m:{day_code(day)}:{m}") for m in MOODS]
    past = _past(day, today)
    text = texts.ASK_MOOD if past is None else texts.ask_mood_for(past)
    # Three to a row: a digit, a face and a word stay whole at phone width.
    return OutgoingMessage(text, rows(buttons, 3))


def confidence_question(day: date, mood: int, today: date | None = None) -> OutgoingMessage:
    buttons = [(str(c), f"ci:c:{day_code(day)}:{mood}:{c}") for c in CONFIDENCES]
    return OutgoingMessage(texts.ask_confidence(mood, _past(day, today)), rows(buttons, 6))


def note_question(
    day: date, mood: int, confidence: int, replaced: bool, today: date | None = None
) -> OutgoingMessage:
    suffix = f"{day_code(day)}:{'r' if replaced else 'n'}"
    return OutgoingMessage(
        texts.ask_note(mood, confidence, is_low(mood, confidence), _past(day, today)),
        (
            (
                (texts.BUTTON_ADD_NOTE, f"ci:note:{suffix}"),
                (texts.BUTTON_SKIP, f"ci:skip:{suffix}"),
            ),
        ),
    )


def streak(days_newest_first: list[date], today: date) -> int:
    """Consecutive days with a check-in, ending today (or yesterday, if today is still open)."""
    if not days_newest_first:
        return 0
    expected = today if days_newest_first[0] == today else today - timedelta(days=1)
    count = 0
    for day in days_newest_first:
        if day != expected:
            break
        count += 1
        expected -= timedelta(days=1)
    return count


@dataclass(frozen=True)
class PeriodStats:
    count: int
    mood: float | None
    confidence: float | None


def period_stats(checkins: list[CheckinRow], first: date, last: date) -> PeriodStats:
    """Averages over the check-ins from `first` to `last`, both included."""
    inside = [c for c in checkins if first <= c.local_date <= last]
    if not inside:
        return PeriodStats(0, None, None)
    return PeriodStats(
        len(inside), fmean(c.mood for c in inside), fmean(c.confidence for c in inside)
    )


def change(current: float | None, previous: float | None) -> float | None:
    if current is None or previous is None:
        return None
    return round(current - previous, 1)


def is_low(mood: int, confidence: int) -> bool:
    """A hard day, from one check-in alone: mood 1-2 or confidence 0-2."""
    return mood <= 2 or confidence <= 2


def needs_gentle_support(recent_newest_first: list[CheckinRow]) -> bool:
    """Two of the last three check-ins were hard days: support even on a better one."""
    low = [c for c in recent_newest_first[:3] if is_low(c.mood, c.confidence)]
    return len(low) >= 2


@dataclass(frozen=True)
class CheckinReflection:
    """What the reply after a check-in reflects back."""

    day: date
    mood: int
    confidence: int
    streak: int
    confidence_change: float | None
    low_today: bool  # this check-in alone is a hard day
    hard_days: bool  # two of the last three were
    filled_in_later: bool = False

    @property
    def support(self) -> bool:
        """Support comes first in the reply, and nothing cheerful follows it."""
        return self.low_today or self.hard_days


@dataclass(frozen=True)
class SupportOffer:
    """What a member can reach for on a hard day."""

    circle: bool  # in a circle and free to write to it
    moderators: bool  # a moderators' chat exists to hear a request
    has_plan: bool  # a safety plan to show (else: an offer to make one)


def support_buttons(offer: SupportOffer) -> Buttons:
    """Their circle if they have one, else a moderator where there are any; always their
    safety plan (or making one) and the crisis resources, so no hard day is a dead end."""
    found: list[tuple[tuple[str, str], ...]] = []
    if offer.circle:
        found += [
            ((circle_texts.BUTTON_TELL_CIRCLE, "ci:circle:anon"),),
            ((circle_texts.BUTTON_TELL_CIRCLE_NAMED, "ci:circle:named"),),
        ]
    elif offer.moderators:
        found.append(((texts.BUTTON_TALK_MODERATOR, "ci:talk"),))
    plan = texts.BUTTON_SHOW_PLAN if offer.has_plan else texts.BUTTON_MAKE_PLAN
    found += [((plan, "ci:plan"),), ((texts.BUTTON_CRISIS, "ci:crisis"),)]
    return tuple(found)


def checkin_reply(
    reflection: CheckinReflection, replaced: bool, offer: SupportOffer | None,
    note_saved: bool = False,
) -> OutgoingMessage:  # fmt: skip
    """The reply after a check-in: on a hard day support first, with its buttons."""
    if not reflection.support or offer is None:
        return OutgoingMessage(texts.checkin_reply(reflection, replaced, note_saved))
    return OutgoingMessage(
        texts.hard_day_reply(reflection, replaced, offer, note_saved), support_buttons(offer)
    )


def support_message(offer: SupportOffer) -> OutgoingMessage:
    """The support block alone, e.g. when the circle can no longer be reached."""
    return OutgoingMessage(texts.support_lines(offer), support_buttons(offer))


@dataclass(frozen=True)
class TrendSummary:
    days: int
    current: PeriodStats
    previous: PeriodStats
    streak: int
    checkins: list[CheckinRow]
    first_day: date
    last_day: date


class CheckinService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def today(self, timezone: str) -> date:
        """The member's local calendar day now."""
        return self._clock.now().astimezone(zone_of(timezone)).date()

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
        this_week = period_stats(upto, day - timedelta(days=TREND_WINDOW - 1), day)
        until = today if today is not None and today > day else day  # the streak's last day
        last_week = period_stats(
            upto, day - timedelta(days=2 * TREND_WINDOW - 1), day - timedelta(days=TREND_WINDOW)
        )
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
        first = today - timedelta(days=days - 1)
        async with self._db.read() as session:
            history = await checkin_rows.since(session, user_id, first - timedelta(days=days))
            recent_days = await checkin_rows.streak_dates(session, user_id)
        return TrendSummary(
            days=days,
            current=period_stats(history, first, today),
            previous=period_stats(history, first - timedelta(days=days), first - timedelta(1)),
            streak=streak(recent_days, today),
            checkins=[c for c in history if c.local_date >= first],
            first_day=first,
            last_day=today,
        )

    async def has_checked_in(self, user_id: int, day: date) -> bool:
        async with self._db.read() as session:
            return await checkin_rows.exists(session, user_id, day)
