"""Journey messages with their buttons, as pure functions. Callback data: jr:<action>[:...]."""

from __future__ import annotations

from bot import texts
from bot.journey.service import milestone_label
from bot.outgoing import OutgoingMessage


def milestone(days: int, ask_to_share: bool) -> OutgoingMessage:
    """The member's own celebration; after a setback, with the question whether their
    circle may hear about it again."""
    label = milestone_label(days)
    if not ask_to_share:
        return OutgoingMessage(texts.milestone(label))
    return OutgoingMessage(
        f"{texts.milestone(label)}\n\n{texts.ASK_SHARE_AGAIN}",
        (
            ((texts.BUTTON_SHARE_THIS_ONE, f"jr:ms:y:{days}"),),
            ((texts.BUTTON_KEEP_THIS_PRIVATE, f"jr:ms:n:{days}"),),
        ),
    )
