"""The long-lived objects handlers reach: built once at start-up, closed at shutdown."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from datetime import timedelta

from bot.alerts.service import CrisisAlerts
from bot.checkins.due import CheckinAlong, CheckinPrompts, WeeklyReflections
from bot.checkins.reflection import ReflectionService
from bot.checkins.service import CheckinService
from bot.circles.service import CircleService
from bot.clock import Clock
from bot.combined.service import CombinedMessages
from bot.config import Settings
from bot.goals.due import GoalNudges, GoalSnoozes, NudgesAlong
from bot.goals.service import GoalService
from bot.journey.due import Milestones
from bot.journey.service import JourneyService
from bot.members.language import MemberLanguages
from bot.members.service import MemberService
from bot.moderation.service import ModerationService
from bot.outcomes.due import LapsedSittings, OutcomeInvitations, OutcomeOffers
from bot.outcomes.questionnaire import load as load_questionnaires
from bot.outcomes.report import OutcomeReports
from bot.outcomes.service import OutcomeService
from bot.privacy.due import TextRetention
from bot.runtime.metrics import Metrics
from bot.runtime.sweeper import DueSource, DueSweeper, SkipRule
from bot.safety.screen import screener_for
from bot.safety.service import SafetyNet
from bot.stats.service import StatsService
from storage.db import Database, open_configured
from storage.rotation import KeyRotationWatch


@dataclass
class Services:
    settings: Settings
    clock: Clock
    db: Database
    members: MemberService
    checkins: CheckinService
    sweeper: DueSweeper
    circles: CircleService
    alerts: CrisisAlerts
    journeys: JourneyService
    goals: GoalService
    moderation: ModerationService
    stats: StatsService
    safety: SafetyNet
    combined: CombinedMessages
    reflections: ReflectionService
    languages: MemberLanguages
    outcomes: OutcomeService
    outcome_reports: OutcomeReports
    # Set when messages are queued, so the delivery worker need not poll.
    outbox_ready: asyncio.Event = field(default_factory=asyncio.Event)
    metrics: Metrics = field(default_factory=Metrics)

    @classmethod
    async def open(cls, settings: Settings, clock: Clock, rng: random.Random) -> Services:
        screener = screener_for(settings.safety.lexicon_dir, settings.safety.backstop)
        db = await open_configured(settings.storage, now=clock.now)
        outbox_ready = asyncio.Event()
        metrics = Metrics(settings.runtime.worker)
        journeys = JourneyService(db, clock)
        goals = GoalService(db, clock)
        chosen = settings.outcomes
        questionnaires = load_questionnaires(
            chosen.questionnaire_dir,
            settings.members.default_language,
            chosen.questionnaires or None,
        )
        outcomes = OutcomeService(
            db, clock, questionnaires, chosen.enabled, chosen.offer_after_days
        )
        circles = CircleService(
            db,
            clock,
            rng,
            settings.circles,
            settings.moderation.moderator_chat_id,
            outbox_ready.set,
        )
        skip = SkipRule(timedelta(hours=settings.scheduler.grace_hours))
        # The sweep's order, kept from before: it is the order messages due together enter
        # the outbox, and when a prompt and nudges are both due the prompt's batch goes first,
        # so the combined message leads with the check-in (and its key is combined:checkin:...).
        sources: list[DueSource] = [
            CheckinPrompts(skip, NudgesAlong(skip)),
            WeeklyReflections(settings.checkins, skip),
            Milestones(journeys, circles, skip),
            GoalNudges(skip, CheckinAlong(skip)),
            GoalSnoozes(skip),
        ]
        if outcomes.enabled:  # off: nobody is offered or invited, whatever the rows say
            sources += [OutcomeOffers(skip), OutcomeInvitations(outcomes, skip), LapsedSittings()]
        retention = TextRetention(settings.privacy)
        if retention.enabled:  # off by default: members' words are kept until they delete them
            sources.append(retention)
        return cls(
            journeys=journeys,
            goals=goals,
            settings=settings,
            clock=clock,
            db=db,
            members=MemberService(
                db,
                clock,
                rng,
                settings.members,
                settings.checkins,
                journeys,
                goals,
                outcomes,
                settings.moderation.moderator_chat_id,
                outbox_ready.set,
            ),
            checkins=CheckinService(db, clock),
            sweeper=DueSweeper(
                db,
                clock,
                settings.scheduler.batch_size,
                outbox_ready.set,
                sources,
                upkeep=[KeyRotationWatch(db)],
            ),
            circles=circles,
            alerts=CrisisAlerts(
                db,
                clock,
                outbox_ready.set,
                settings.members.default_language,
                operators=frozenset(settings.moderation.operators),
                moderator_chat_id=settings.moderation.moderator_chat_id,
            ),
            moderation=ModerationService(db, clock, settings, outbox_ready.set),
            stats=StatsService(db, clock, settings.moderation.stats_min_members),
            safety=SafetyNet(
                db,
                clock,
                screener,
                settings.moderation.moderator_chat_id,
                outbox_ready.set,
                metrics,
            ),
            combined=CombinedMessages(db),
            reflections=ReflectionService(db, clock, settings.checkins.weekly_weekday),
            languages=MemberLanguages(db, settings.members.default_language),
            outcomes=outcomes,
            outcome_reports=OutcomeReports(
                db, clock, questionnaires, settings.moderation.stats_min_members
            ),
            outbox_ready=outbox_ready,
            metrics=metrics,
        )

    async def close(self) -> None:
        await self.db.close()
