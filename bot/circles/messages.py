"""What circles send, words and buttons: relayed messages as members see them, and a held
message as the moderators review it."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from bot.checkins.callbacks import Naming, TellCircle
from bot.circles.callbacks import RelayAction, RelayButton, ReviewButton, ReviewDecision
from bot.circles.rules import RelayKind
from bot.outgoing import OutgoingMessage
from bot.safety.sanitizer import REMOVED
from bot.texts import circles as circle_texts
from bot.texts import safety as safety_texts


def relay_message(
    relay_id: int, kind: RelayKind, pseudonym: str, text: str, thanked: bool = False
) -> OutgoingMessage:
    """A relayed message: new text built by the bot, protected from forwarding. Once the
    reader has thanked it, the button says so."""
    text = text.replace(REMOVED, circle_texts.removed_marker())
    report = (circle_texts.button_report(), RelayButton(RelayAction.REPORT, relay_id).pack())
    helps = (
        circle_texts.button_send_encouragement(),
        RelayButton(RelayAction.ENCOURAGE_BACK, relay_id).pack(),
    )
    if kind in (RelayKind.HARD_DAY, RelayKind.MILESTONE):
        return OutgoingMessage(escape(text), ((helps,),), protect_content=True)
    if kind is RelayKind.ASK:
        body = circle_texts.relayed_ask(pseudonym, text)
        return OutgoingMessage(body, ((helps,), (report,)), protect_content=True)
    if kind is RelayKind.REPLY:
        body = circle_texts.relayed_reply(pseudonym, text)
    else:
        body = circle_texts.relayed(pseudonym, text)
    label = circle_texts.button_thanked() if thanked else circle_texts.button_thanks()
    thanks = (label, RelayButton(RelayAction.THANKS, relay_id).pack())
    return OutgoingMessage(body, ((thanks, report),), protect_content=True)


def review_message(relay_id: int, circle: str, pseudonym: str, text: str) -> OutgoingMessage:
    """A held relay as the moderators see it, with Approve and Reject."""
    return OutgoingMessage(
        circle_texts.review(circle, pseudonym, text),
        (
            (
                (
                    circle_texts.button_approve(),
                    ReviewButton(ReviewDecision.APPROVE, relay_id).pack(),
                ),
                (
                    circle_texts.button_reject(),
                    ReviewButton(ReviewDecision.REJECT, relay_id).pack(),
                ),
            ),
        ),
    )


def thanks_message(text: str) -> OutgoingMessage:
    """To a relay's author: someone thanked them for it (which message, never who)."""
    return OutgoingMessage(circle_texts.thanks_received(text))


def rejected_message() -> OutgoingMessage:
    """To the author of a held message a moderator rejected with the button."""
    return OutgoingMessage(circle_texts.relay_rejected())


def held_for_care() -> OutgoingMessage:
    """The member's own relay, held because it read as a crisis: the circle was told only
    that someone is struggling; the "it's me" button lets them say who."""
    named = (circle_texts.button_tell_circle_named(), TellCircle(Naming.NAMED).pack())
    return OutgoingMessage(safety_texts.relay_held_for_care(), ((named,),))


def in_reader_words(
    relay_id: int, kind: RelayKind, pseudonym: str, words: Callable[[], str]
) -> OutgoingMessage:
    """A relay of the bot's own words (a hard-day notice, a milestone), said in the
    language of whoever reads it."""
    return relay_message(relay_id, kind, pseudonym, words())
