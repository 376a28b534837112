"""What promote and demote, sharing a milestone again and a setback's note come to, as the
services say it: an enum and a small dataclass (bot.moderation.rules Result/Outcome), never
a bare bool the handler has to guess the meaning of."""

from __future__ import annotations

from datetime import date, timedelta

from bot.circles.service import MilestoneShare, ShareOutcome
from bot.clock import ManualClock
from bot.context import PeerApplication
from bot.journey.service import Setback, SetbackRefusal
from bot.moderation.audit import Moderator
from bot.moderation.rules import Result

OPERATOR = Moderator(990001, "Operator")
MEMBER = 101


async def test_promote_and_demote_say_what_they_did(bot: PeerApplication) -> None:
    moderation = bot.bot_data.services.moderation
    promoted = await moderation.promote(OPERATOR, MEMBER)
    assert promoted.result is Result.PROMOTED and promoted.done
    again = await moderation.promote(OPERATOR, MEMBER)
    assert again.result is Result.ALREADY_MODERATOR and not again.done
    demoted = await moderation.demote(OPERATOR, MEMBER)
    assert demoted.result is Result.DEMOTED and demoted.done
    not_one = await moderation.demote(OPERATOR, MEMBER)
    assert not_one.result is Result.NOT_MODERATOR and not not_one.done


async def test_sharing_a_milestone_again_says_whether_and_to_whom(
    bot: PeerApplication, clock: ManualClock
) -> None:
    services = bot.bot_data.services
    circles, journeys = services.circles, services.journeys
    assert await circles.share_milestone_again(MEMBER, 7) == MilestoneShare(ShareOutcome.STALE)
    await services.members.agree(MEMBER, None)
    today = clock.now().date()
    await journeys.set_start(MEMBER, "UTC", today - timedelta(days=30))
    await journeys.setback(MEMBER, "UTC", today)
    await journeys.set_sharing(MEMBER, "UTC", True)  # held until a milestone of 7 days
    clock.advance(timedelta(days=8))  # the new journey started the day after the setback
    assert await circles.share_milestone_again(MEMBER, 30) == MilestoneShare(ShareOutcome.STALE)
    # Said yes, but in no circle: nobody to tell; the button did what it said.
    shared = await circles.share_milestone_again(MEMBER, 7)
    assert shared == MilestoneShare(ShareOutcome.NO_CIRCLE)
    # Answered once: a second press is a stale button.
    assert await circles.share_milestone_again(MEMBER, 7) == MilestoneShare(ShareOutcome.STALE)


async def test_a_setback_note_says_where_it_went(bot: PeerApplication) -> None:
    services = bot.bot_data.services
    await services.members.agree(MEMBER, None)
    await services.journeys.set_start(MEMBER, "UTC", date(2026, 2, 1))
    setback = await services.journeys.setback(MEMBER, "UTC", date(2026, 3, 1))
    assert setback.journey_id is not None
    kept = await services.journeys.add_setback_note(MEMBER, setback.journey_id, "a long day")
    assert kept == Setback(setback.journey_id)
    elsewhere = await services.journeys.add_setback_note(MEMBER + 1, setback.journey_id, "x")
    assert elsewhere == Setback(None, SetbackRefusal.NO_JOURNEY)
