"""Circle rules: making circles, joining by invite, leaving, and relaying encouragement."""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import partial

from bot.circles.messages import (
    in_reader_words,
    rejected_message,
    relay_message,
    review_message,
    thanks_message,
)
from bot.circles.rules import CircleMode, RelayKind, mode_possible
from bot.clock import Clock
from bot.config import CircleSettings
from bot.journey.service import SHARE_AGAIN_FROM, is_milestone, milestone_after, milestone_label
from bot.localtime.zones import zone_of
from bot.members.rules import valid_invite_code
from bot.moderation.audit import Moderator, audit
from bot.moderation.messages import report_message
from bot.moderation.sanctions import restriction
from bot.outgoing import OutgoingMessage, in_every_language
from bot.safety.pseudonyms import unique_pseudonym
from bot.safety.sanitizer import REMOVED, Sanitized, sanitize
from bot.texts import circles as circle_texts
from bot.texts import journey as journey_texts
from bot.texts import safety as safety_texts
from storage import circles as circle_rows
from storage import journey as journey_rows
from storage import members as member_rows
from storage import outbox
from storage.circles import CircleRow, RelayRow
from storage.db import Database, Session

# Reports one member may file in a day: enough for any circle, not enough to flood the
# moderators' chat. Past it nothing is lost: the reports filed stay with the moderators.
REPORTS_PER_DAY = 10


class JoinOutcome(StrEnum):
    JOINED = "joined"
    ALREADY_HERE = "already_here"
    IN_ANOTHER = "in_another"
    FULL = "full"
    UNKNOWN_CODE = "unknown_code"
    RETIRED_CODE = "retired_code"  # a link a moderator replaced or revoked
    BANNED = "banned"


@dataclass(frozen=True)
class Joined:
    outcome: JoinOutcome
    circle: CircleRow | None
    pseudonym: str | None = None


class RelayOutcome(StrEnum):
    SENT = "sent"
    NOT_IN_CIRCLE = "not_in_circle"
    ALONE = "alone"
    RATE_LIMITED = "rate_limited"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    MOSTLY_REMOVED = "mostly_removed"
    GONE = "gone"  # the message replied to, or its author, is no longer in the circle
    HELD = "held"  # pre-moderated circle: waits for a moderator
    MUTED = "muted"
    BANNED = "banned"
    ALREADY_SENT = "already_sent"  # a hard-day button relays once


class ReportOutcome(StrEnum):
    FILED = "filed"  # or filed before: once is enough
    EXPIRED = "expired"  # not a message this member received, or no longer there
    LIMITED = "limited"  # REPORTS_PER_DAY reached: the moderators have the others


class ModeOutcome(StrEnum):
    SET = "set"
    NO_SUCH_CIRCLE = "no_such_circle"
    NEEDS_CHAT = "needs_chat"  # pre-moderation without a moderators' chat to review in


@dataclass(frozen=True)
class ModeSet:
    outcome: ModeOutcome
    circle: CircleRow | None = None


class ShareOutcome(StrEnum):
    SHARED = "shared"  # queued to the rest of the circle
    NO_CIRCLE = "no_circle"  # no circle, or muted or banned in it: it stays with the member
    STALE = "stale"  # sharing again: not held (any more), or not the latest milestone


@dataclass(frozen=True)
class MilestoneShare:
    outcome: ShareOutcome
    recipients: int = 0  # the members it was queued to


@dataclass(frozen=True)
class Thanked:
    """A Thanks press: the relay thanked (None when it cannot be), and whether it was new."""

    relay: RelayRow | None
    first: bool


@dataclass(frozen=True)
class Relayed:
    outcome: RelayOutcome
    sanitized: Sanitized | None = None
    recipients: int = 0
    until: datetime | None = None  # the end of a mute


class CircleService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        rng: random.Random,
        settings: CircleSettings,
        moderator_chat_id: int,
        wake: Callable[[], None],
    ) -> None:
        self._moderator_chat = moderator_chat_id
        self._db = db
        self._clock = clock
        self._rng = rng
        self._settings = settings
        self._wake = wake

    async def create(self, name: str, by: Moderator) -> CircleRow | None:
        """A new circle with a fresh invite code, audited; None when the name is taken."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            if await circle_rows.by_name(session, name) is not None:
                return None
            circle_id = await circle_rows.create(
                session, name, secrets.token_urlsafe(9), self._settings.max_members, now
            )
            circle = await circle_rows.by_id(session, circle_id)
            await audit(session, by, "newcircle", circle.name if circle else name, now)
            return circle

    async def by_name(self, name: str) -> CircleRow | None:
        async with self._db.read() as session:
            return await circle_rows.by_name(session, name)

    async def new_invite(self, name: str, by: Moderator) -> CircleRow | None:
        """A new invite link for the circle, audited; the old one stops working and says so.
        None when there is no such circle."""
        return await self._replace_invite(name, by, revoked=False)

    async def revoke_invite(self, name: str, by: Moderator) -> CircleRow | None:
        """No working invite link until a moderator makes a new one, audited. None when
        there is no such circle."""
        return await self._replace_invite(name, by, revoked=True)

    async def _replace_invite(
        self, name: str, by: Moderator, *, revoked: bool
    ) -> CircleRow | None:
        now = self._clock.now()
        async with self._db.transaction() as session:
            circle = await circle_rows.by_name(session, name)
            if circle is None:
                return None
            code = secrets.token_urlsafe(9)
            await circle_rows.replace_invite(session, circle, code, now, revoked=revoked)
            action = "revoke invite" if revoked else "new invite"
            await audit(session, by, action, circle.name, now)
            return await circle_rows.by_id(session, circle.id)

    async def all(self) -> list[CircleRow]:
        async with self._db.read() as session:
            return await circle_rows.all_circles(session)

    async def circle_of(self, user_id: int) -> CircleRow | None:
        async with self._db.read() as session:
            return await circle_rows.circle_of(session, user_id)

    async def open_to(self, user_id: int) -> bool:
        """In a circle and free to write to it: only then is "tell my circle" offered."""
        async with self._db.read() as session:
            return await circle_open_to(session, user_id, self._clock.now()) is not None

    async def share_milestone_again(self, user_id: int, days: int) -> MilestoneShare:
        """After a setback the member said yes at a milestone of 7 days or more: the circle
        hears about it now, and about the next ones as before. STALE for a stale button."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            member = await member_rows.get(session, user_id)
            journey = await journey_rows.current(session, user_id)
            if member is None or journey is None:
                return MilestoneShare(ShareOutcome.STALE)
            if await journey_rows.sharing(session, user_id) != journey_rows.HELD:
                return MilestoneShare(ShareOutcome.STALE)
            today = now.astimezone(zone_of(member.timezone)).date()
            if not _latest_milestone(days, journey.started_on, today):
                return MilestoneShare(ShareOutcome.STALE)
            await journey_rows.set_sharing(session, user_id, journey_rows.SHARED)
            shared = await self.share_milestone(session, user_id, member.pseudonym, days)
        self._wake()
        return shared

    async def share_milestone(
        self, session: Session, user_id: int, pseudonym: str, days: int
    ) -> MilestoneShare:
        """Queue "<pseudonym> reached <days>" to the rest of the member's circle, through
        the relay fan-out, inside the caller's transaction; NO_CIRCLE when there is no
        circle to tell (or the member is muted or banned: it stays with them)."""
        now = self._clock.now()
        circle = await circle_open_to(session, user_id, now)
        if circle is None:
            return MilestoneShare(ShareOutcome.NO_CIRCLE)
        text = journey_texts.milestone_shared(pseudonym, milestone_label(days))
        relay_id = await circle_rows.add_relay(
            session,
            circle_id=circle.id,
            author_id=user_id,
            kind=RelayKind.MILESTONE.value,
            pseudonym=pseudonym,
            text=text,
            status="sent",
            now=now,
        )
        others = [m for m in await circle_rows.member_ids(session, circle.id) if m != user_id]

        def shared() -> str:
            return journey_texts.milestone_shared(pseudonym, milestone_label(days))

        said = partial(in_reader_words, relay_id, RelayKind.MILESTONE, pseudonym, shared)
        await self._deliver(session, relay_id, said, others)
        return MilestoneShare(ShareOutcome.SHARED, len(others))

    async def is_invite_code(self, code: str) -> bool:
        """Whether `code` is a circle's invite code, now or before a moderator replaced it
        (as a /start deep link carries it)."""
        if not valid_invite_code(code):
            return False
        async with self._db.read() as session:
            if await circle_rows.by_code(session, code) is not None:
                return True
            return await circle_rows.retired_invite(session, code)

    async def join(self, user_id: int, code: str) -> Joined:
        """Join by invite code; a pseudonym already used in the circle is redrawn."""
        async with self._db.transaction() as session:
            circle = await circle_rows.by_code(session, code)
            if circle is None:
                await member_rows.update(session, user_id, pending_invite=None)
                retired = await circle_rows.retired_invite(session, code)
                outcome = JoinOutcome.RETIRED_CODE if retired else JoinOutcome.UNKNOWN_CODE
                return Joined(outcome, None)
            restricted = await restriction(session, user_id, self._clock.now())
            if restricted is not None and restricted.banned:
                await member_rows.update(session, user_id, pending_invite=None)
                return Joined(JoinOutcome.BANNED, None)
            current = await circle_rows.circle_of(session, user_id)
            if current is not None:
                outcome = (
                    JoinOutcome.ALREADY_HERE if current.id == circle.id else JoinOutcome.IN_ANOTHER
                )
                return Joined(outcome, current)
            if circle.member_count >= circle.max_members:
                return Joined(JoinOutcome.FULL, circle)
            member = await member_rows.get(session, user_id)
            assert member is not None
            taken = await circle_rows.pseudonyms_in(session, circle.id)
            pseudonym = member.pseudonym
            if pseudonym.casefold() in {name.casefold() for name in taken}:
                pseudonym = await unique_pseudonym(
                    session, self._rng, circle_id=circle.id, avoid=pseudonym
                )
            if pseudonym != member.pseudonym:
                await member_rows.update(session, user_id, pseudonym=pseudonym)
            await circle_rows.add_member(session, circle.id, user_id, self._clock.now())
            await member_rows.update(session, user_id, pending_invite=None)
            joined = await circle_rows.by_id(session, circle.id)
        return Joined(JoinOutcome.JOINED, joined, pseudonym)

    async def leave(self, user_id: int) -> CircleRow | None:
        """Leave the circle; returns the circle left, or None when in none."""
        async with self._db.transaction() as session:
            circle = await circle_rows.circle_of(session, user_id)
            if circle is not None:
                await circle_rows.remove_member(session, user_id)
            return circle

    async def notice_hard_time(self, user_id: int) -> Relayed:
        """Crisis words are never relayed: the circle hears, without a name, that someone is
        going through a very hard time, and their encouragement goes back to the member."""
        words = safety_texts.circle_notice
        # Not held for review in a pre-moderated circle: the bot's own words, no name, and
        # the moderators have the crisis alert already.
        return await self.relay(
            user_id, words(), RelayKind.HARD_DAY, words=words, reviewed_first=False
        )

    async def encourage(self, user_id: int, text: str) -> Relayed:
        """Relay encouragement to everyone else in the member's circle."""
        return await self.relay(user_id, text, RelayKind.ENCOURAGE)

    async def relay(
        self,
        user_id: int,
        text: str,
        kind: RelayKind,
        reply_to: int | None = None,
        *,
        words: Callable[[], str] | None = None,
        button_message_id: int | None = None,
        reviewed_first: bool = True,
    ) -> Relayed:
        """Relay a member's words through the outbox: to the circle, or (a reply) to the
        author of `reply_to` only. Contact details and floods stop here; crisis language
        never gets this far (handlers.safety screens first; see notice_hard_time). `words`:
        for the bot's own words (a hard-day notice), how to say `text` in each reader's
        language; the row keeps `text`, as the sender read it. `button_message_id`: the
        message a hard-day button sat on, which relays once. `reviewed_first`: held for a
        moderator in a pre-moderated circle, as every relay is but the crisis notice."""
        if kind is RelayKind.HARD_DAY:
            cleaned = Sanitized(text, (), False, False)  # the bot's own words
        else:
            cleaned = sanitize(text)
            if cleaned.too_long:
                return Relayed(RelayOutcome.TOO_LONG, cleaned)
            if cleaned.mostly_removed:
                return Relayed(RelayOutcome.MOSTLY_REMOVED, cleaned)
            if not cleaned.text.replace(REMOVED, "").strip():
                return Relayed(RelayOutcome.EMPTY, cleaned)
        now = self._clock.now()
        async with self._db.transaction() as session:
            if button_message_id is not None and await circle_rows.relayed_from_button(
                session, user_id, button_message_id
            ):
                return Relayed(RelayOutcome.ALREADY_SENT, cleaned)
            restricted = await restriction(session, user_id, now)
            if restricted is not None:
                outcome = RelayOutcome.BANNED if restricted.banned else RelayOutcome.MUTED
                return Relayed(outcome, cleaned, until=restricted.until)
            circle = await circle_rows.circle_of(session, user_id)
            if circle is None:
                return Relayed(RelayOutcome.NOT_IN_CIRCLE, cleaned)
            recent = await circle_rows.relays_since(session, user_id, now - timedelta(hours=1))
            if recent >= self._settings.relays_per_hour:
                return Relayed(RelayOutcome.RATE_LIMITED, cleaned)
            recipients = await self._recipients(session, circle.id, user_id, reply_to)
            if isinstance(recipients, RelayOutcome):
                return Relayed(recipients, cleaned)
            member = await member_rows.get(session, user_id)
            assert member is not None
            held = circle.mode == CircleMode.PRE and reviewed_first
            relay_id = await circle_rows.add_relay(
                session,
                circle_id=circle.id,
                author_id=user_id,
                kind=kind.value,
                pseudonym=member.pseudonym,
                text=cleaned.text,
                status="held" if held else "sent",
                now=now,
                reply_to=reply_to,
                button_message_id=button_message_id,
            )
            if held:
                review = partial(
                    review_message, relay_id, circle.name, member.pseudonym, cleaned.text
                )
                await self._queue(
                    session, "review", f"review:{relay_id}", self._moderator_chat, None, review
                )
            else:
                relayed = (
                    partial(relay_message, relay_id, kind, member.pseudonym, cleaned.text)
                    if words is None
                    else partial(in_reader_words, relay_id, kind, member.pseudonym, words)
                )
                await self._deliver(session, relay_id, relayed, recipients)
        self._wake()
        outcome = RelayOutcome.HELD if held else RelayOutcome.SENT
        return Relayed(outcome, cleaned, len(recipients))

    async def _recipients(
        self, session: Session, circle_id: int, author_id: int, reply_to: int | None
    ) -> list[int] | RelayOutcome:
        """Who gets a relay: the circle, or for an answer the author of `reply_to` only."""
        members_now = await circle_rows.member_ids(session, circle_id)
        if reply_to is None:
            others = [m for m in members_now if m != author_id]
            return others or RelayOutcome.ALONE
        target = await circle_rows.relay(session, reply_to)
        if (
            target is None
            or target.status != "sent"
            or target.circle_id != circle_id
            or target.author_id == author_id
            or target.author_id not in members_now
            # Only a member the message reached may answer it (a forged rl:h is not one).
            or not await circle_rows.received(session, reply_to, author_id)
        ):
            return RelayOutcome.GONE
        return [target.author_id]

    async def _deliver(
        self,
        session: Session,
        relay_id: int,
        message: Callable[[], OutgoingMessage],
        recipients: list[int],
    ) -> None:
        """The relay to each recipient, composed in every language: the frame is theirs,
        the member's words are as written."""
        payload = in_every_language(message)
        now = self._clock.now()
        copies = [
            outbox.NewMessage(f"relay:{relay_id}:{other}", other, other, "relay", payload)
            for other in recipients
        ]
        await outbox.enqueue_many(session, copies, now, now)
        # Who may thank or report it: those it was sent to, and nobody else.
        await circle_rows.add_recipients(session, relay_id, recipients)

    async def _queue(
        self,
        session: Session,
        kind: str,
        key: str,
        chat_id: int,
        user_id: int | None,
        message: Callable[[], OutgoingMessage],
    ) -> None:
        """One message through the outbox; `kind` is the outbox kind ("review", "rejected")."""
        now = self._clock.now()
        payload = in_every_language(message)
        await outbox.enqueue_one(
            session, outbox.NewMessage(key, chat_id, user_id, kind, payload), now
        )

    async def review(
        self, relay_id: int, approve: bool, by: Moderator
    ) -> tuple[RelayRow, str] | None:
        """A moderator's decision on a held relay, audited; None when it is not (or no
        longer) held."""
        async with self._db.transaction() as session:
            relay = await circle_rows.relay(session, relay_id)
            new_status = "sent" if approve else "rejected"
            if relay is None or not await circle_rows.set_relay_status(
                session, relay_id, "held", new_status
            ):
                return None
            decision = "approve" if approve else "reject"
            await audit(session, by, decision, relay.pseudonym, self._clock.now())
            if not approve:
                await self._queue(
                    session,
                    "rejected",
                    f"rejected:{relay_id}",
                    relay.author_id,
                    relay.author_id,
                    rejected_message,
                )
            else:
                recipients = await self._recipients(
                    session, relay.circle_id, relay.author_id, relay.reply_to
                )
                if not isinstance(recipients, RelayOutcome):
                    await self._deliver(session, relay.id, _approved(relay), recipients)
            circle = await circle_rows.by_id(session, relay.circle_id)
        self._wake()
        return relay, circle.name if circle else "?"

    async def set_mode(self, name: str, mode: CircleMode, by: Moderator) -> ModeSet:
        """Pre- or post-moderation for a circle, audited; pre needs a moderators' chat."""
        if not mode_possible(mode, self._moderator_chat):
            return ModeSet(ModeOutcome.NEEDS_CHAT)
        async with self._db.transaction() as session:
            circle = await circle_rows.by_name(session, name)
            if circle is None:
                return ModeSet(ModeOutcome.NO_SUCH_CIRCLE)
            await circle_rows.set_mode(session, circle.id, mode.value)
            await audit(session, by, "circlemode", circle.name, self._clock.now(), mode.value)
            return ModeSet(ModeOutcome.SET, await circle_rows.by_id(session, circle.id))

    async def thank(self, user_id: int, relay_id: int) -> Thanked:
        """Thank the author once. They hear, through the outbox, which of their messages
        landed (its first words), never who thanked them. Only a member the relay was sent
        to can thank it: any other relay id (guessed, or another circle's) expires."""
        async with self._db.transaction() as session:
            relay = await self._received(session, user_id, relay_id)
            if relay is None:
                return Thanked(None, False)
            if not await circle_rows.add_thanks(session, relay_id, user_id):
                return Thanked(relay, False)
            now = self._clock.now()
            thanker = await member_rows.key_of(session, user_id)  # never the Telegram id
            await outbox.enqueue_one(
                session,
                outbox.NewMessage(
                    f"thanks:{relay_id}:{thanker}",
                    relay.author_id,
                    relay.author_id,
                    "thanks",
                    in_every_language(partial(thanks_message, relay.text)),
                ),
                now,
            )
        self._wake()
        return Thanked(relay, True)

    async def report(self, user_id: int, relay_id: int, moderator_chat_id: int) -> ReportOutcome:
        """File a report and send it to the moderators' chat: only on a relay the member
        received, and at most REPORTS_PER_DAY a day."""
        async with self._db.transaction() as session:
            relay = await self._received(session, user_id, relay_id)
            if relay is None:
                return ReportOutcome.EXPIRED
            if await circle_rows.reported(session, relay_id, user_id):
                return ReportOutcome.FILED  # reported already; once is enough
            now = self._clock.now()
            filed = await circle_rows.reports_since(session, user_id, now - timedelta(days=1))
            if filed >= REPORTS_PER_DAY:
                return ReportOutcome.LIMITED
            report_id = await circle_rows.add_report(session, relay_id, user_id, now)
            if report_id is None:
                return ReportOutcome.FILED
            circle = await circle_rows.by_id(session, relay.circle_id)
            if moderator_chat_id:
                alert = in_every_language(
                    partial(
                        report_message,
                        report_id,
                        circle.name if circle else "?",
                        relay.pseudonym,
                        relay.text,
                    )
                )
                reporter = await member_rows.key_of(session, user_id)  # never the Telegram id
                await outbox.enqueue_one(
                    session,
                    outbox.NewMessage(
                        f"report:{relay_id}:{reporter}",
                        moderator_chat_id,
                        None,
                        "report",
                        alert,
                    ),
                    now,
                )
        self._wake()
        return ReportOutcome.FILED

    async def _received(self, session: Session, user_id: int, relay_id: int) -> RelayRow | None:
        """The relay, when it was sent to this member and is still there to act on."""
        relay = await circle_rows.relay(session, relay_id)
        if relay is None or relay.author_id == user_id or relay.status != "sent":
            return None
        if not await circle_rows.received(session, relay_id, user_id):
            return None
        return relay


def _approved(relay: RelayRow) -> Callable[[], OutgoingMessage]:
    """A held relay a moderator approved, as each reader will see it: a hard day in the
    reader's own words (named when the member chose to be), anything else as written."""
    kind = RelayKind(relay.kind)
    if kind is not RelayKind.HARD_DAY:
        return partial(relay_message, relay.id, kind, relay.pseudonym, relay.text)
    named = relay.pseudonym in relay.text  # only the named words hold it
    words: Callable[[], str] = (
        partial(circle_texts.hard_day_named, relay.pseudonym)
        if named
        else circle_texts.hard_day_anonymous
    )
    return partial(in_reader_words, relay.id, kind, relay.pseudonym, words)


async def circle_open_to(session: Session, user_id: int, now: datetime) -> CircleRow | None:
    """The member's circle, if they may write to it (neither muted nor banned)."""
    if await restriction(session, user_id, now) is not None:
        return None
    return await circle_rows.circle_of(session, user_id)


def _latest_milestone(days: int, started_on: date, today: date) -> bool:
    """`days` is a milestone to share again, reached and not yet passed by the next one."""
    so_far = (today - started_on).days
    return (
        is_milestone(days) and days >= SHARE_AGAIN_FROM and days <= so_far < milestone_after(days)
    )
