"""Where a piece of text was typed, which decides what a crisis alert may carry.

Private places (notes, goals, the safety plan) never send their words to anyone: the alert
says only the kind of place and the tier. Text meant for others or for the bot goes to the
moderators with the alert, so they know what they are answering.
"""

from __future__ import annotations

from enum import StrEnum

from bot.members.rules import Awaiting


class Place(StrEnum):
    NOTE = "note"  # a private check-in note
    SETBACK_NOTE = "setback_note"
    GOAL = "goal"  # a goal's title or "why"
    SAFETY_PLAN = "safety_plan"
    EDIT = "edit"  # an edited message: it may have been a note, so it stays private
    ENCOURAGE = "encourage"
    ASK = "ask"
    REPLY = "reply"
    MODERATOR = "moderator"  # an answer to a moderator
    ONBOARDING = "onboarding"
    MESSAGE = "message"  # typed to the bot with nothing pending
    CAPTION = "caption"
    FORWARD = "forward"  # a forwarded message: maybe someone else's words, never a command
    COMMAND = "command"  # a command's argument
    CHECKIN = "checkin"  # a hard check-in, where the member asked to talk: no words at all

    @property
    def private(self) -> bool:
        return self in _PRIVATE

    @property
    def feature_goes_on(self) -> bool:
        """After the crisis answer, the feature still keeps or passes on the words: a note is
        saved, a moderator gets the answer, the circle gets a softened notice. Elsewhere the
        crisis answer is the whole answer ("I'm not sure what to do with that" never is)."""
        return self not in _ANSWERED_BY_SCREEN


# Where the backstop's guess is heard: a message typed to the bot with nothing pending,
# which would otherwise get "I may not have understood that", and a photo's caption, which
# would get "photos are never passed on". Elsewhere a guess would cost too much when wrong
# (encouragement withheld from a circle, a private note raising a notice about "thirty
# days today, I never thought I'd get here", a command's argument such as a /report
# reason swallowed): only listed phrases speak there.
BACKSTOP_PLACES = frozenset({Place.MESSAGE, Place.CAPTION})

_PRIVATE = frozenset(
    {Place.NOTE, Place.SETBACK_NOTE, Place.GOAL, Place.SAFETY_PLAN, Place.EDIT, Place.CHECKIN}
)
# A command with crisis words in it is answered by the crisis answer alone: "I don't know
# that command" or a date error must never follow it. /encourage, /ask and /newgoal map to
# places of their own, whose words are kept.
_ANSWERED_BY_SCREEN = frozenset(
    {Place.EDIT, Place.ONBOARDING, Place.MESSAGE, Place.CAPTION, Place.COMMAND, Place.FORWARD}
)
_BY_AWAITING = {
    Awaiting.NOTE: Place.NOTE,
    Awaiting.SETBACK_NOTE: Place.SETBACK_NOTE,
    Awaiting.GOAL_TITLE: Place.GOAL,
    Awaiting.GOAL_WHY: Place.GOAL,
    Awaiting.GOAL_TARGET: Place.GOAL,
    Awaiting.GOAL_TIME: Place.GOAL,
    Awaiting.GOAL_COUNT: Place.GOAL,
    Awaiting.GOAL_STEP: Place.GOAL,
    Awaiting.SAFETY_PLAN: Place.SAFETY_PLAN,
    Awaiting.ENCOURAGE: Place.ENCOURAGE,
    Awaiting.ASK: Place.ASK,
    Awaiting.REPLY: Place.REPLY,
    Awaiting.MOD_ANSWER: Place.MODERATOR,
    Awaiting.PSEUDONYM: Place.ONBOARDING,
}
_BY_COMMAND = {"encourage": Place.ENCOURAGE, "ask": Place.ASK, "newgoal": Place.GOAL}


def place_of(
    *,
    awaiting: Awaiting | None,
    onboarding: bool,
    command: str | None,
    edited: bool,
    caption: bool,
    thread_open: bool,
    forwarded: bool = False,
) -> Place:
    """The place of one text, from what the member was doing when they typed it."""
    if edited:
        return Place.EDIT
    if forwarded:
        return Place.FORWARD
    if caption:
        return Place.CAPTION
    if command is not None:
        return _BY_COMMAND.get(command, Place.COMMAND)
    if onboarding:
        return Place.ONBOARDING
    if awaiting is not None:
        return _BY_AWAITING.get(awaiting, Place.MESSAGE)
    return Place.MODERATOR if thread_open else Place.MESSAGE
