"""The safety net's rules: what happens when the screen fires, and the safety plan.

One transaction per crisis message: the alert (or the update to the member's open one) and
its message to the moderators' chat are written together, so a crash loses neither.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from bot.alerts.callbacks import AlertAction, AlertButton
from bot.clock import Clock
from bot.outgoing import OutgoingMessage, in_every_language
from bot.runtime.metrics import Metrics
from bot.safety.lexicon import Tier
from bot.safety.places import Place
from bot.safety.rules import MAX_PLAN_PART, PART_NAMES, SafetyPlan
from bot.safety.screen import Screener, Verdict
from bot.texts import safety as texts
from bot.texts.safety import Told
from storage import alerts as alert_rows
from storage import circles as circle_rows
from storage import members as member_rows
from storage import outbox
from storage import safety_plans as plan_rows
from storage.alerts import AlertRow
from storage.db import Database, Session
from storage.safety_plans import PlanRow

# A member's crisis messages within this long update one alert rather than raising many.
ONE_ALERT_FOR = timedelta(hours=24)
# A moderator's thread stays open this long after they last wrote.
THREAD_OPEN_FOR = timedelta(hours=48)


@dataclass(frozen=True)
class Response:
    told: Told
    alert_id: int | None
    plan: SafetyPlan | None


class SafetyNet:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        screener: Screener,
        moderator_chat_id: int,
        wake: Callable[[], None],
        metrics: Metrics,
    ) -> None:
        self._db = db
        self._clock = clock
        self._screener = screener
        self._chat = moderator_chat_id
        self._wake = wake
        self._metrics = metrics

    def screen(self, text: str) -> Verdict | None:
        # Counted once heard (`heard`): where it was typed decides whether the backstop's
        # guess, or its raise of a listed phrase's tier, counts.
        return self._screener.screen(text)

    def heard(self, verdict: Verdict) -> None:
        """A verdict answered where it was typed, at the tier heard there: count it."""
        self._metrics.crisis_screened.labels(verdict.tier.value).inc()

    async def respond(
        self, user_id: int, verdict: Verdict, place: Place, text: str | None
    ) -> Response:
        """Alert the moderators (or update the member's open alert) and find their plan.

        The words go with the alert only from a shared place: a private place's never leave
        the member's chat."""
        shared = None if place.private else text
        now = self._clock.now()
        categories = ",".join(sorted(c.value for c in verdict.categories))
        async with self._db.transaction() as session:
            member = await member_rows.get(session, user_id)
            if member is None:
                return Response(Told.NOT_A_MEMBER, None, None)
            # No questionnaire on a day with crisis words (bot.outcomes.rules).
            await member_rows.update(session, user_id, last_crisis_at=now)
            plan = _plan(await plan_rows.get(session, user_id))
            if not self._chat:
                return Response(Told.NOBODY, None, plan)
            open_alert = await alert_rows.open_for(session, user_id, now - ONE_ALERT_FOR)
            if open_alert is not None:
                tier = open_alert.tier
                # Crisis words outrank a request to talk, as urgent outranks concern.
                if tier == texts.REQUEST_TIER or (
                    verdict.tier is Tier.URGENT and tier != Tier.URGENT
                ):
                    tier = verdict.tier.value
                    # A private place's signs never join an alert that shows shared words,
                    # and a guess (no listed phrase) never wipes the signs a phrase gave.
                    keep = place.private or verdict.unsure
                    shown = open_alert.categories if keep else categories
                    await alert_rows.escalate(session, open_alert.id, tier, shown)
                follow_up = partial(
                    _follow_up,
                    open_alert.id,
                    tier,
                    member.pseudonym,
                    place,
                    shared,
                    verdict.unsure,
                )
                await self._to_moderators(
                    session, f"alert:{open_alert.id}:more:{now.isoformat()}", follow_up
                )
                alert_id, told = open_alert.id, Told.AGAIN
            else:
                circle = await circle_rows.circle_of(session, user_id)
                circle_name = circle.name if circle else None
                alert_id = await alert_rows.create(
                    session,
                    user_id=user_id,
                    source=place.value,
                    circle_name=circle_name,
                    pseudonym=member.pseudonym,
                    text=shared,
                    now=now,
                    tier=verdict.tier.value,
                    categories=categories,
                )
                message = partial(
                    alert_message,
                    alert_id,
                    verdict.tier.value,
                    circle_name,
                    member.pseudonym,
                    place.value,
                    categories,
                    shared,
                )
                await self._to_moderators(session, f"alert:{alert_id}", message)
                told = Told.MODERATORS
        self._metrics.crisis_alerts.labels(verdict.tier.value).inc()
        self._wake()
        return Response(told, alert_id, plan)

    async def request_contact(self, user_id: int, alert_id: int) -> bool:
        """The member asked for a moderator: the alert is repeated until someone takes it.
        Asked again once someone has taken it (they wrote, the member ended the thread, and
        now wants them back), the moderators are told again."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            alert = await alert_rows.get(session, alert_id)
            if alert is None or alert.user_id != user_id or not self._chat:
                return False
            if alert.contact_requested and not alert.resolved and alert.taken_by is None:
                return True  # still waiting for someone: the repeats carry it
            if alert.resolved:
                await alert_rows.reopen(session, alert_id)
            await alert_rows.mark(session, alert_id, "contact_requested_at", now)
            message = partial(_contact_requested, alert_id, alert.pseudonym, alert.tier)
            key = f"alert:{alert_id}:asked:{now.isoformat()}"
            await self._to_moderators(session, key, message)
        self._wake()
        return True

    async def request_talk(self, user_id: int, place: Place = Place.CHECKIN) -> bool:
        """The member asked to talk to a peer moderator, after a hard check-in (CHECKIN) or
        under the reply to a message the bot did not understand (MESSAGE): an alert of its
        own tier, without words, repeated until someone takes it (or their open alert, asked
        about again). False when there is no moderators' chat to hear it."""
        if not self._chat:
            return False
        now = self._clock.now()
        async with self._db.read() as session:
            open_alert = await alert_rows.open_for(session, user_id, now - ONE_ALERT_FOR)
        if open_alert is not None:
            return await self.request_contact(user_id, open_alert.id)
        async with self._db.transaction() as session:
            member = await member_rows.get(session, user_id)
            if member is None:
                return False
            circle = await circle_rows.circle_of(session, user_id)
            circle_name = circle.name if circle else None
            alert_id = await alert_rows.create(
                session,
                user_id=user_id,
                source=place.value,
                circle_name=circle_name,
                pseudonym=member.pseudonym,
                text=None,
                now=now,
                tier=texts.REQUEST_TIER,
            )
            await alert_rows.mark(session, alert_id, "contact_requested_at", now)
            message = partial(
                alert_message,
                alert_id,
                texts.REQUEST_TIER,
                circle_name,
                member.pseudonym,
                place.value,
                "",
                None,
            )
            await self._to_moderators(session, f"alert:{alert_id}", message)
        self._wake()
        return True

    async def _to_moderators(
        self, session: Session, key: str, message: Callable[[], OutgoingMessage]
    ) -> None:
        """Queue a message for the moderators' chat in the caller's transaction (composed
        in every language: the chat reads the operator's, whoever's words raised it)."""
        new = outbox.NewMessage(key, self._chat, None, "alert", in_every_language(message))
        await outbox.enqueue_one(session, new, self._clock.now())

    # -- the moderator's thread --------------------------------------------------------------

    async def open_thread(self, user_id: int) -> AlertRow | None:
        """The alert whose moderator is talking with the member, if the thread is open."""
        async with self._db.read() as session:
            return await alert_rows.open_thread(
                session, user_id, self._clock.now() - THREAD_OPEN_FOR
            )

    async def notice_thread(self, alert_id: int) -> bool:
        """True the first time: the member is told once that plain messages now go on."""
        async with self._db.transaction() as session:
            alert = await alert_rows.get(session, alert_id)
            if alert is None or alert.thread_noticed:
                return False
            await alert_rows.mark(session, alert_id, "thread_noticed_at", self._clock.now())
            return True

    async def end_thread(self, alert_id: int) -> AlertRow | None:
        async with self._db.transaction() as session:
            alert = await alert_rows.get(session, alert_id)
            if alert is None or alert.thread_closed:
                return None
            await alert_rows.mark(session, alert_id, "thread_closed_at", self._clock.now())
            return alert

    # -- the safety plan ---------------------------------------------------------------------

    async def plan(self, user_id: int) -> SafetyPlan | None:
        async with self._db.read() as session:
            return _plan(await plan_rows.get(session, user_id))

    async def start_plan(self, user_id: int) -> SafetyPlan:
        """Begin writing (or editing): a draft starts as a copy of the current plan."""
        async with self._db.transaction() as session:
            current = await plan_rows.get(session, user_id) or PlanRow()
            await plan_rows.save(session, user_id, current, self._clock.now(), draft=True)
            return SafetyPlan(**asdict(current))

    async def draft(self, user_id: int) -> SafetyPlan | None:
        async with self._db.read() as session:
            return _plan(await plan_rows.get(session, user_id, draft=True))

    async def set_part(self, user_id: int, part: str, value: str | None) -> SafetyPlan | None:
        """Write one part of the draft; None when there is no draft (or no such part)."""
        if part not in PART_NAMES:
            return None
        async with self._db.transaction() as session:
            draft = await plan_rows.get(session, user_id, draft=True)
            if draft is None:
                return None
            cleaned = value.strip()[:MAX_PLAN_PART] if value and value.strip() else None
            updated = replace(draft, **{part: cleaned})
            await plan_rows.save(session, user_id, updated, self._clock.now(), draft=True)
            return SafetyPlan(**asdict(updated))

    async def finish_plan(self, user_id: int) -> SafetyPlan | None:
        """The draft becomes the plan."""
        async with self._db.transaction() as session:
            return _plan(await _promote(session, user_id, self._clock.now()))

    async def cancel_plan(self, user_id: int) -> bool:
        async with self._db.transaction() as session:
            had = await plan_rows.get(session, user_id, draft=True) is not None
            await plan_rows.delete(session, user_id, draft=True)
            return had

    async def delete_plan(self, user_id: int) -> None:
        async with self._db.transaction() as session:
            await plan_rows.delete(session, user_id, draft=True)
            await plan_rows.delete(session, user_id, draft=False)


def _plan(row: PlanRow | None) -> SafetyPlan | None:
    """The stored plan as the rest of the bot sees it."""
    return SafetyPlan(**asdict(row)) if row is not None else None


async def _promote(session: Session, user_id: int, now: datetime) -> PlanRow | None:
    draft = await plan_rows.get(session, user_id, draft=True)
    if draft is None:
        return None
    await plan_rows.delete(session, user_id, draft=True)
    if draft.empty:
        await plan_rows.delete(session, user_id, draft=False)
        return draft
    await plan_rows.save(session, user_id, draft, now)
    return draft


def alert_buttons(
    alert_id: int, tier: str, shortened: bool = False
) -> tuple[tuple[tuple[str, str], ...], ...]:
    """Take and Resolved; "Not a crisis" only where the screen raised it (a member's own
    request to talk was no alarm, false or true); "Read the whole message" when the alert
    shows only an excerpt of the member's words."""
    take = (
        (texts.button_take(), AlertButton(AlertAction.TAKE, alert_id).pack()),
        (texts.button_resolved(), AlertButton(AlertAction.RESOLVED, alert_id).pack()),
    )
    rows: list[tuple[tuple[str, str], ...]] = [take]
    if tier != texts.REQUEST_TIER:
        not_a_crisis = AlertButton(AlertAction.NOT_A_CRISIS, alert_id).pack()
        rows.append(((texts.button_not_a_crisis(), not_a_crisis),))
    if shortened:
        rows.append(read_whole_row(alert_id))
    return tuple(rows)


def read_whole_row(alert_id: int) -> tuple[tuple[str, str], ...]:
    """ "Read the whole message", for an alert that shows an excerpt."""
    return ((texts.button_read_whole(), AlertButton(AlertAction.READ, alert_id).pack()),)


def alert_message(
    alert_id: int,
    tier: str,
    circle: str | None,
    pseudonym: str,
    source: str,
    categories: str,
    text: str | None,
) -> OutgoingMessage:
    shortened = text is not None and texts.shortened_in_alert(text)
    return OutgoingMessage(
        texts.alert_text(alert_id, tier, circle, pseudonym, source, categories, text),
        alert_buttons(alert_id, tier, shortened),
    )


def alert_row_message(alert: AlertRow) -> OutgoingMessage:
    """An alert as the moderators' chat shows it, rebuilt from its row."""
    return alert_message(
        alert.id,
        alert.tier,
        alert.circle_name,
        alert.pseudonym,
        alert.source,
        alert.categories,
        alert.text,
    )


def _follow_up(
    alert_id: int,
    tier: str,
    pseudonym: str,
    place: Place,
    shared: str | None,
    guessed: bool = False,
) -> OutgoingMessage:
    """More from a member whose alert is open, for the moderators' chat."""
    return OutgoingMessage(
        texts.follow_up_text(alert_id, tier, pseudonym, place, shared, guessed),
        alert_buttons(alert_id, tier),
    )


def _contact_requested(alert_id: int, pseudonym: str, tier: str) -> OutgoingMessage:
    return OutgoingMessage(
        texts.contact_requested_text(alert_id, pseudonym), alert_buttons(alert_id, tier)
    )
