"""What comes back from crisis alerts: the moderators' Take, Take over, Resolved and Not a
crisis, Read the whole message, the member's Reply to Moderator, End conversation for either
side, and the member's answer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.callbacks import Button, Pending


class AlertAction(StrEnum):
    TAKE = "take"  # "I'll reach out"
    TAKE_OVER = "over"  # "Take over", once another moderator has it
    RESOLVED = "done"
    NOT_A_CRISIS = "false"
    REPLY = "reply"  # the member's "Reply to Moderator"
    END = "end"  # "End conversation", from the member or the moderator who took it
    READ = "read"  # "Read the whole message", on an alert whose words were shortened


@dataclass(frozen=True)
class AlertButton(Button, prefix="cr"):
    """cr:<action>:<alert id>."""

    action: AlertAction
    alert_id: int


@dataclass(frozen=True)
class ModeratorAnswerPending(Pending, kind="mod_answer"):
    """After Reply to Moderator: the member's next text goes to whoever took the alert."""

    alert_id: int
