"""The onboarding sequence as MemberService tells it: which step comes next, and how an
answer to the check-in time turns out (the handler only renders the outcome)."""

from __future__ import annotations

from bot.context import PeerApplication
from bot.members.rules import OnboardingStep, onboarding_step, pseudonym_first
from bot.members.service import TimeOutcome


async def test_the_steps_follow_each_other_and_the_time_finishes_onboarding(
    bot: PeerApplication,
) -> None:
    members = bot.bot_data.services.members
    member, is_new = await members.agree(101, "circleABC123")
    assert is_new and onboarding_step(member) is OnboardingStep.PSEUDONYM
    assert pseudonym_first(member)

    early = await members.answer_checkin_time(101, "08:00")
    assert early.outcome is TimeOutcome.PSEUDONYM_FIRST
    assert early.member.checkin_time == member.checkin_time  # nothing changed

    kept = await members.keep_pseudonym(101)
    assert kept is not None and onboarding_step(kept) is OnboardingStep.TIMEZONE
    zoned = await members.set_timezone(101, "Asia/Tokyo")
    assert zoned is not None and onboarding_step(zoned) is OnboardingStep.CHECKIN_TIME

    wrong = await members.answer_checkin_time(101, "soon")
    assert wrong.outcome is TimeOutcome.NOT_A_TIME and wrong.member.onboarding

    done = await members.answer_checkin_time(101, "8:05")
    assert done.outcome is TimeOutcome.ONBOARDED
    assert done.member.checkin_time == "08:05" and not done.member.onboarding
    assert done.join_invite == "circleABC123"

    later = await members.answer_checkin_time(101, "21:30")
    assert later.outcome is TimeOutcome.SET and later.join_invite is None
    assert later.member.checkin_time == "21:30"
