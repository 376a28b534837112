"""What comes back from a report in the moderators' chat: what a moderator does about it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.callbacks import Button


class ReportAction(StrEnum):
    DISMISS = "dismiss"
    DELETE = "delete"
    WARN = "warn"
    MUTE = "mute"
    BAN = "ban"


@dataclass(frozen=True)
class ReportButton(Button, prefix="mr"):
    """Under a report: mr:<action>:<report id>."""

    action: ReportAction
    report_id: int
