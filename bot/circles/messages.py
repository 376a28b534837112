"""What circles send, words and buttons: relayed messages as members see them, and a held
message as the moderators review it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from html import escape

from bot.checkins.callbacks import Naming, TellCircle
from bot.circles.callbacks import RelayAction, RelayButton, ReviewButton, ReviewDecision
from bot.circles.rules import RelayKind
from bot.i18n import speaking
from bot.i18n.languages import SHIPPED
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
    if kind is RelayKind.HARD_DAY:
        words = hard_day_words(pseudonym, text)
        return OutgoingMessage(escape(words), ((helps,),), protect_content=True)
    if kind is RelayKind.MILESTONE:
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


def _hard_day_variants(pseudonym: str) -> tuple[Callable[[], str], ...]:
    return (
        partial(circle_texts.hard_day_named, pseudonym),
        circle_texts.hard_day_anonymous,
        safety_texts.circle_notice,
    )


def hard_day_words(pseudonym: str, stored: str) -> str:
    """A hard-day relay's words are the bot's own, stored as the sender read them: said
    again in the current reader's language (anything unrecognised is shown as stored)."""
    for variant in _hard_day_variants(pseudonym):
        for language in SHIPPED:
            with speaking(language):
                if variant() == stored:
                    break
        else:
            continue
        return variant()
    return stored


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
