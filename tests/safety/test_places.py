"""Where a text was typed decides whether an alert may carry it."""

from __future__ import annotations

import pytest

from bot.members.rules import Awaiting
from bot.safety.places import Place, place_of


def at(
    awaiting: Awaiting | None = None,
    *,
    onboarding: bool = False,
    command: str | None = None,
    edited: bool = False,
    caption: bool = False,
    thread_open: bool = False,
) -> Place:
    return place_of(
        awaiting=awaiting,
        onboarding=onboarding,
        command=command,
        edited=edited,
        caption=caption,
        thread_open=thread_open,
    )


@pytest.mark.parametrize(
    ("place", "private", "goes_on"),
    [
        (at(Awaiting.NOTE), True, True),
        (at(Awaiting.SETBACK_NOTE), True, True),
        (at(Awaiting.GOAL_WHY), True, True),
        (at(command="newgoal"), True, True),
        (at(Awaiting.SAFETY_PLAN), True, True),
        (at(Awaiting.NOTE, edited=True), True, False),  # an edit may have been a note
        (at(Awaiting.ASK), False, True),
        (at(command="encourage"), False, True),
        (at(Awaiting.MOD_ANSWER), False, True),
        (at(thread_open=True), False, True),
        (at(), False, False),
        (at(Awaiting.TIMEZONE, onboarding=True), False, False),
        (at(caption=True), False, False),
        (at(command="pause"), False, False),  # the crisis answer is the whole answer
    ],
)
def test_places(place: Place, private: bool, goes_on: bool) -> None:
    assert place.private is private
    assert place.feature_goes_on is goes_on
