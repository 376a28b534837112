"""Crisis alerts: the moderators hear at once, one takes it, and writes to the member as
"Moderator" through the bot; the member can answer. Nobody's identity crosses over."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot import texts
from bot.clock import Clock
from bot.outgoing import OutgoingMessage
from storage import alerts as alert_rows
from storage import circles as circle_rows
from storage import members as member_rows
from storage import outbox
from storage.alerts import AlertRow
from storage.db import Database


@dataclass(frozen=True)
class Taken:
    alert: AlertRow
    first: bool  # False when another moderator had already taken it


class CrisisAlerts:
    def __init__(
        self, db: Database, clock: Clock, moderator_chat_id: int, wake: Callable[[], None]
    ) -> None:
        self._db = db
        self._clock = clock
        self._chat = moderator_chat_id
        self._wake = wake

    async def raise_alert(self, user_id: int, source: str, text: str | None) -> int | None:
        """Alert the moderators' chat; None when no chat is configured."""
        if not self._chat:
            return None
        now = self._clock.now()
        async with self._db.transaction() as session:
            member = await member_rows.get(session, user_id)
            if member is None:
                return None
            circle = await circle_rows.circle_of(session, user_id)
            circle_name = circle.name if circle else None
            alert_id = await alert_rows.create(
                session, user_id=user_id, source=source, circle_name=circle_name,
                pseudonym=member.pseudonym, text=text, now=now,
            )  # fmt: skip
            message = alert_message(alert_id, circle_name, member.pseudonym, source, text)
            await outbox.enqueue_one(
                session,
                outbox.NewMessage(
                    f"alert:{alert_id}", self._chat, None, "alert", message.to_json()
                ),
                now,
            )
        self._wake()
        return alert_id

    async def get(self, alert_id: int) -> AlertRow | None:
        async with self._db.read() as session:
            return await alert_rows.get(session, alert_id)

    async def take(self, alert_id: int, moderator_id: int, name: str) -> Taken | None:
        async with self._db.transaction() as session:
            first = await alert_rows.take(session, alert_id, moderator_id, name, self._clock.now())
            alert = await alert_rows.get(session, alert_id)
        return Taken(alert, first) if alert else None

    async def resolve(self, alert_id: int, name: str) -> AlertRow | None:
        async with self._db.transaction() as session:
            await alert_rows.resolve(session, alert_id, name, self._clock.now())
            return await alert_rows.get(session, alert_id)

    async def tell_member(self, alert_id: int, moderator_id: int, text: str) -> bool:
        """Send the moderator's words to the member as "Moderator"; False when not theirs."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            alert = await alert_rows.get(session, alert_id)
            if alert is None or alert.taken_by != moderator_id:
                return False
            message = OutgoingMessage(
                texts.from_moderator(text),
                (((texts.BUTTON_REPLY_MODERATOR, f"cr:reply:{alert_id}"),),),
                protect_content=True,
            )
            key = f"tell:{alert_id}:{now.isoformat()}:{len(text)}"
            await outbox.enqueue_one(
                session,
                outbox.NewMessage(
                    key, alert.user_id, alert.user_id, "moderator", message.to_json()
                ),
                now,
            )
        self._wake()
        return True

    async def answer_moderator(self, user_id: int, alert_id: int, text: str) -> bool:
        """The member's answer goes to the moderator who took their alert."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            alert = await alert_rows.get(session, alert_id)
            if alert is None or alert.user_id != user_id or alert.taken_by is None:
                return False
            message = OutgoingMessage(texts.member_answered(alert.pseudonym, alert_id, text))
            key = f"answer:{alert_id}:{now.isoformat()}:{len(text)}"
            await outbox.enqueue_one(
                session,
                outbox.NewMessage(key, alert.taken_by, None, "moderator", message.to_json()),
                now,
            )
        self._wake()
        return True


def alert_message(
    alert_id: int, circle: str | None, pseudonym: str, source: str, text: str | None
) -> OutgoingMessage:
    return OutgoingMessage(
        texts.crisis_alert(alert_id, circle, pseudonym, source, text),
        (
            (
                (texts.BUTTON_TAKE_ALERT, f"cr:take:{alert_id}"),
                (texts.BUTTON_RESOLVE_ALERT, f"cr:done:{alert_id}"),
            ),
        ),
    )
