"""Review of integrate2 (issue 14, lexicon round 6): exceptions that silence crisis messages.

Each message below was screened urgent or concern on main (ca9d340) and is silent on
integrate2: a round-6 exception masks the phrase's words, or any exception anywhere in the
message keeps the backstop's second opinion from being heard.
"""

from __future__ import annotations

import pytest

from bot.safety.lexicon import Tier
from bot.safety.screen import screener_for

URGENT_ON_MAIN = [
    # goodbye silenced by the "knowing you ... see you" exception
    "It was nice knowing you all, see you on the other side",
    "it was nice knowing you all. see you in the next life",
    # overdose silenced by "(took|...) (them|...) (all|) (to|back|out|...|down|...)"
    "I took them all down with a bottle of vodka",
    "I took them all out of the packets and swallowed them",
    # plan/means silenced by the past-tense "(ago|last year) ... had the pills lined up"
    "a week ago i had the pills lined up and they are still lined up tonight",
    # negation silences the urgent tier: "not going to drink" (an exception) turns the
    # backstop off for the whole message
    "I'm not going to drink, I'm going to take all of them tonight",
]

CONCERN_ON_MAIN = [
    # present wish silenced by the past-tense ideation exception
    "A year ago I was sober, now I'm wishing I was dead",
    "gave my cat to my mum while i am gone for good",
]

# Silent on main too, but the new exception makes sure: preparation that names a funeral.
URGENT_NEW = [
    "I set the date for my own funeral, it's friday",
    "I'm going to take all of them tonight",
    "I keep beating myself up about it, I'm going to take all of them tonight",
]


@pytest.mark.parametrize("text", URGENT_ON_MAIN + URGENT_NEW)
def test_urgent_message_is_not_silenced_by_an_exception(text: str) -> None:
    verdict = screener_for().screen(text)
    assert verdict is not None and verdict.tier == Tier.URGENT, text


@pytest.mark.parametrize("text", CONCERN_ON_MAIN)
def test_concern_message_is_not_silenced_by_an_exception(text: str) -> None:
    verdict = screener_for().screen(text)
    assert verdict is not None, text


# Ordinary recovery talk that is silent on main and urgent on integrate2 (round-6 phrases).
EVERYDAY_NEW_ALARMS = [
    "picked my quit date, set the date for january 1st",
    "picked a date for my detox",
    "I timed it again this morning, 5k in 28 minutes, 90 days sober",
    "timed the last train home so I could leave the party before the drinking started",
    "forgot all my passwords to everything lol",
    "went hunting with my dad's rifle last weekend",
    "my dads guns are locked up at my uncles now",
    "our new flat has a balcony without railings, not safe for the kids",
    "took them all in my stride",
]


@pytest.mark.parametrize("text", EVERYDAY_NEW_ALARMS)
def test_everyday_recovery_talk_raises_no_alarm(text: str) -> None:
    assert screener_for().screen(text) is None, text
