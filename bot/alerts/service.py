"""Crisis alerts after they are raised (bot.safety raises them): one moderator takes it and
writes to the member as "Moderator" through the bot; the member can answer; a moderator can
read the whole of words the alert showed only in part. Nobody's identity crosses over."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import partial

from bot.alerts import messages
from bot.alerts.callbacks import AlertAction, AlertButton
from bot.clock import Clock
from bot.i18n import speaking
from bot.i18n.formats import clock
from bot.i18n.languages import SOURCE_LANGUAGE
from bot.moderation.audit import Moderator, audit
from bot.outgoing import OutgoingMessage, in_every_language
from bot.safety.service import THREAD_OPEN_FOR, alert_row_message, read_whole_row
from bot.texts import alerts as alert_texts
from bot.texts import safety as safety_texts
from storage import alerts as alert_rows
from storage import moderation as moderation_rows
from storage import outbox
from storage.alerts import AlertRow
from storage.db import Database, Session

log = logging.getLogger("peercircle.alerts")


@dataclass(frozen=True)
class Taken:
    alert: AlertRow
    # False when another moderator had already taken it, or it was closed (a stale copy
    # of the alert still had its buttons): nothing changed, nothing to audit.
    first: bool


class TakeOver(StrEnum):
    TAKEN = "taken"  # from another moderator, or from nobody
    ALREADY_YOURS = "already_yours"
    CLOSED = "closed"  # resolved and its conversation over, or no such alert


@dataclass(frozen=True)
class TakenOver:
    outcome: TakeOver
    alert: AlertRow | None = None
    previous: int | None = None  # the moderator who held it


class CrisisAlerts:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        wake: Callable[[], None],
        records_language: str = SOURCE_LANGUAGE,
        *,
        operators: frozenset[int] = frozenset(),
        moderator_chat_id: int = 0,
    ) -> None:
        self._db = db
        self._clock = clock
        self._wake = wake
        self._operators = operators
        self._moderator_chat = moderator_chat_id
        # The audit log's language: the operator's, whoever acted (one log, one language).
        self._records_language = records_language

    def _recorded(self, alert_id: int, pseudonym: str | None = None) -> str:
        with speaking(self._records_language):
            return alert_texts.audit_alert(alert_id, pseudonym)

    async def get(self, alert_id: int) -> AlertRow | None:
        async with self._db.read() as session:
            return await alert_rows.get(session, alert_id)

    async def take(self, alert_id: int, by: Moderator) -> Taken | None:
        now = self._clock.now()
        async with self._db.transaction() as session:
            first = await alert_rows.take(session, alert_id, by.user_id, by.name, now)
            alert = await alert_rows.get(session, alert_id)
            if alert is not None and first:
                await alert_rows.count_outcome(session, alert.tier, "taken")
                target = self._recorded(alert_id, alert.pseudonym)
                await audit(session, by, "take crisis alert", target, now)
        return Taken(alert, first) if alert else None

    async def take_over(self, alert_id: int, by: Moderator) -> TakenOver:
        """Take an alert, or its conversation, from whichever moderator holds it, audited:
        the member's next answer goes to `by` only, and the one who held it is told."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            alert = await alert_rows.get(session, alert_id)
            if alert is None:
                return TakenOver(TakeOver.CLOSED)
            thread_since = now - THREAD_OPEN_FOR
            if not await alert_rows.take_over(
                session, alert_id, by.user_id, by.name, now, thread_since
            ):
                mine = alert.taken_by == by.user_id
                return TakenOver(TakeOver.ALREADY_YOURS if mine else TakeOver.CLOSED, alert)
            previous = alert.taken_by
            target = self._recorded(alert_id, alert.pseudonym)
            if previous is None:
                await alert_rows.count_outcome(session, alert.tier, "taken")
                await audit(session, by, "take crisis alert", target, now)
            else:
                await audit(session, by, "take over crisis alert", target, now)
                await alert_rows.redirect_answers(session, alert_id, previous, by.user_id)
                if await self._moderates(session, previous):  # else they hear nothing more
                    told = partial(messages.taken_over_notice, alert_id, alert.pseudonym)
                    key = f"takenover:{alert_id}:{now.isoformat()}"
                    payload = in_every_language(told)
                    await outbox.enqueue_one(
                        session,
                        outbox.NewMessage(key, previous, None, "moderator", payload),
                        now,
                    )
            alert = await alert_rows.get(session, alert_id)
        self._wake()
        return TakenOver(TakeOver.TAKEN, alert, previous)

    async def false_alarm(self, alert_id: int, by: Moderator) -> Taken | None:
        """ "Not a crisis": resolved, and counted (per tier) for /stats and Prometheus;
        `first` is False when the alert was already closed."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            alert = await alert_rows.get(session, alert_id)
            if alert is None:
                return None
            first = await alert_rows.mark_false_alarm(session, alert_id, by.name, now)
            if first:
                await alert_rows.count_outcome(session, alert.tier, "false_alarm")
                target = self._recorded(alert_id, alert.pseudonym)
                await audit(session, by, "not a crisis", target, now)
            alert = await alert_rows.get(session, alert_id)
        return Taken(alert, first) if alert else None

    async def resolve(self, alert_id: int, by: Moderator) -> Taken | None:
        """Resolved; `first` is False when the alert was already closed."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            first = await alert_rows.resolve(session, alert_id, by.name, now)
            alert = await alert_rows.get(session, alert_id)
            if alert is not None and first:
                target = self._recorded(alert_id, alert.pseudonym)
                await audit(session, by, "resolve crisis alert", target, now)
        return Taken(alert, first) if alert else None

    async def read_whole(self, alert_id: int, by: Moderator) -> AlertRow | None:
        """The alert whose whole words a moderator asked to read, audited (who, which alert,
        never the words); None when it has no words to read or is gone (its member used
        /forget, or the number was never an alert's)."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            alert = await alert_rows.get(session, alert_id)
            if alert is None or alert.text is None:
                return None
            target = self._recorded(alert_id, alert.pseudonym)
            await audit(session, by, "read whole alert", target, now)
        return alert

    async def tell_member(self, alert_id: int, by: Moderator, text: str) -> bool:
        """Send the moderator's words to the member as "Moderator"; False when not theirs."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            alert = await alert_rows.get(session, alert_id)
            if alert is None or alert.taken_by != by.user_id:
                return False
            await audit(session, by, "tell", self._recorded(alert_id), now)
            message = in_every_language(partial(messages.from_moderator, alert_id, text))
            # The thread is open: for 48 hours the member's plain messages come back here.
            await alert_rows.told(session, alert_id, now)
            key = f"tell:{alert_id}:{now.isoformat()}:{len(text)}"
            await outbox.enqueue_one(
                session,
                outbox.NewMessage(key, alert.user_id, alert.user_id, "moderator", message),
                now,
            )
        self._wake()
        return True

    async def answer_moderator(self, user_id: int, alert_id: int, text: str) -> bool:
        """The member's answer goes to the moderator who took their alert, while they are
        one; someone who no longer moderates gets nothing, and the alert goes back to the
        moderators."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            alert = await alert_rows.get(session, alert_id)
            if alert is None or alert.user_id != user_id or alert.taken_by is None:
                return False
            if not await self._moderates(session, alert.taken_by):
                log.warning("alert %s: its moderator no longer moderates; released", alert_id)
                await release_alerts(session, alert.taken_by, now, self._moderator_chat)
                self._wake()
                return False
            message = in_every_language(
                partial(messages.member_answered, alert.pseudonym, alert_id, text)
            )
            key = f"answer:{alert_id}:{now.isoformat()}:{len(text)}"
            await outbox.enqueue_one(
                session,
                outbox.NewMessage(key, alert.taken_by, None, "moderator", message),
                now,
            )
        self._wake()
        return True

    async def _moderates(self, session: Session, user_id: int) -> bool:
        """A moderator now: an operator (the config), or promoted and not demoted since."""
        return user_id in self._operators or await moderation_rows.is_moderator(session, user_id)


async def release_alerts(
    session: Session, moderator_id: int, now: datetime, moderator_chat_id: int
) -> list[AlertRow]:
    """Every alert and conversation a moderator holds goes back to the moderators: nobody's,
    open, the chat told which (by number and pseudonym, never the member's words), and
    answers still waiting to go to that moderator never sent."""
    held = await alert_rows.held_by(session, moderator_id, now - THREAD_OPEN_FOR)
    for alert in held:
        await alert_rows.release(session, alert.id, now)
        if moderator_chat_id:
            notice = in_every_language(partial(messages.alert_released, alert.id, alert.pseudonym))
            key = f"released:{alert.id}:{now.isoformat()}"
            await outbox.enqueue_one(
                session, outbox.NewMessage(key, moderator_chat_id, None, "alert", notice), now
            )
    await alert_rows.drop_answers_to(session, moderator_id, now)
    return held


def taken_alert_message(alert: AlertRow) -> OutgoingMessage:
    """An alert someone has taken, as the moderators' chat shows it: "Take over" where
    "I'll reach out" was, so another moderator can take it on."""
    shown = alert_row_message(alert)
    take = AlertButton(AlertAction.TAKE, alert.id).pack()
    over = (alert_texts.button_take_over(), AlertButton(AlertAction.TAKE_OVER, alert.id).pack())
    rows = tuple(
        tuple(over if data == take else (label, data) for label, data in row)
        for row in shown.buttons
    )
    return OutgoingMessage(shown.text, rows)


def closed_alert_message(alert: AlertRow) -> OutgoingMessage:
    """A closed alert: its text, and no buttons but "Read the whole message" where it
    shows an excerpt (a moderator may still need every word after closing it)."""
    shortened = alert.text is not None and safety_texts.shortened_in_alert(alert.text)
    return OutgoingMessage(
        closed_alert_text(alert), (read_whole_row(alert.id),) if shortened else ()
    )


def closed_alert_text(alert: AlertRow) -> str:
    """The alert as it reads once closed: who took it, who closed it and how."""
    shown = alert_row_message(alert).text
    closed_at = clock(alert.resolved_at) if alert.resolved_at else ""
    name = alert.resolved_by_name or ""
    if alert.false_alarm:
        return safety_texts.false_alarm_text(shown, name, closed_at)
    if alert.taken_by_name and alert.taken_at is not None:
        taken_at = clock(alert.taken_at)
        shown = alert_texts.alert_taken(shown, alert.taken_by_name, taken_at)
    return alert_texts.alert_resolved(shown, name, closed_at)
