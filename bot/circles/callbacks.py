"""What comes back from circle buttons: a relayed message's Thanks, Report and Send
encouragement, a moderator's Approve or Reject on a held one, and the answers a member's
next text gives (encouragement, a request for support, a reply to a relayed message)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.callbacks import Button, Pending


class RelayAction(StrEnum):
    THANKS = "t"
    REPORT = "r"
    ENCOURAGE_BACK = "h"  # "Send encouragement": answer the author, or whoever had a hard day


@dataclass(frozen=True)
class RelayButton(Button, prefix="rl"):
    """Under a relayed message: rl:t:<relay id>, rl:r:<relay id>, rl:h:<relay id>."""

    action: RelayAction
    relay_id: int


class ReviewDecision(StrEnum):
    APPROVE = "ok"
    REJECT = "no"


@dataclass(frozen=True)
class ReviewButton(Button, prefix="pm"):
    """Under a held message in the moderators' chat: pm:ok:<relay id>, pm:no:<relay id>."""

    decision: ReviewDecision
    relay_id: int


@dataclass(frozen=True)
class EncouragementPending(Pending, kind="encourage"):
    """/encourage without words: the next text goes to the circle."""


@dataclass(frozen=True)
class AskPending(Pending, kind="ask"):
    """/ask without words: the next text asks the circle for support."""


@dataclass(frozen=True)
class ReplyPending(Pending, kind="reply"):
    """ "Send encouragement" under a relay: the next text goes to its author only."""

    relay_id: int
