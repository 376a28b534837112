"""Member rules: consent, onboarding steps, settings, pause, export and forgetting."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Any

from bot.alerts.service import release_alerts
from bot.callbacks import Pending
from bot.clock import Clock
from bot.config import CheckinSettings, MemberSettings
from bot.goals.service import GoalService
from bot.i18n import current_language, speaking
from bot.i18n.languages import SHIPPED
from bot.journey.service import JourneyService
from bot.localtime.hhmm import parse_hhmm
from bot.localtime.schedule import next_daily, next_weekly_delayed
from bot.localtime.zones import Found, ZoneLookup, find_zone, normalise_timezone, zone_of
from bot.members.messages import forgotten_alert
from bot.members.rules import (
    FORMER_MEMBER,
    Awaiting,
    Member,
    answer_prefixes,
    forget_outbox_keys,
    forgotten_alert_key,
    names_member,
    plain_text,
    pseudonym_first,
    valid_invite_code,
)
from bot.moderation.audit import Moderator, audit
from bot.moderation.sanctions import hash_of
from bot.outcomes.service import OutcomeService
from bot.outgoing import OutgoingMessage, in_every_language
from bot.safety.pseudonyms import unique_pseudonym
from bot.texts import alerts as alert_texts
from bot.texts import moderation as moderation_texts
from storage import alerts as alert_rows
from storage import checkins as checkin_rows
from storage import circles as circle_rows
from storage import goals as goal_rows
from storage import journey as journey_rows
from storage import members as member_rows
from storage import moderation as moderation_rows
from storage import outbox
from storage import outcomes as outcome_rows
from storage import pseudonyms as pseudonym_rows
from storage import safety_plans as plan_rows
from storage import stats as stats_rows
from storage.db import Database, Session
from storage.members import AuditTrace, Traces

log = logging.getLogger(__name__)

# Bump when the consent notice changes in substance; members are asked again then.
CONSENT_VERSION = 1
# Bump when the notice changes in a way members should hear about, without asking again:
# members who saw an older one are told what changed once (texts.onboarding.notice_changed).
# 2: crisis words anywhere, notes included, let a peer moderator know.
NOTICE_VERSION = 2
# "New pseudonym" presses a member gets per local day: enough to find one they like, too
# few to fish for a particular name.
REDRAWS_PER_DAY = 5

# Who the audit row of an erasure names as having acted: the bot, at the member's request.
ERASER = Moderator(0, "peercircle")
ERASED = "member data erased"
# Changing any of these moves the member's due rows.
_SCHEDULE_FIELDS = frozenset(
    {"timezone", "checkin_time", "onboarded_at", "paused", "weekly_reflection", "blocked_at"}
)


@dataclass(frozen=True)
class Erased:
    """What one /forget removed beyond the cascade of the member's row, for the log."""

    outbox_rows: int
    sanctions: int
    audit_rows: int
    notices: int


class NotAMember(Exception):
    """The user has not agreed to the notice (or has been forgotten)."""


@dataclass(frozen=True)
class ZoneAnswer:
    """What a typed answer to "Which time zone are you in?" found, and the member after it."""

    lookup: ZoneLookup
    member: Member


class TimeOutcome(StrEnum):
    """How an answer to "When would you like your daily check-in?" turned out."""

    SET = "set"  # the time changed
    ONBOARDED = "onboarded"  # the time changed, and it finished onboarding
    NOT_A_TIME = "not_a_time"  # nothing changed
    PSEUDONYM_FIRST = "pseudonym_first"  # onboarding asks for the pseudonym first


@dataclass(frozen=True)
class CheckinTimeAnswer:
    """The outcome, the member after it, and the invite to join now that onboarding is done
    (the code from the link they first opened)."""

    outcome: TimeOutcome
    member: Member
    join_invite: str | None = None


@dataclass(frozen=True)
class Redrawn:
    """A "New pseudonym" press: the member after it, and when the daily limit was reached
    instead, the local day they can draw again (nothing changed then)."""

    member: Member
    again_on: date | None = None


class MemberService:
    """Everything that changes a member, each change one short transaction."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        rng: random.Random,
        defaults: MemberSettings,
        checkins: CheckinSettings,
        journeys: JourneyService,
        goals: GoalService,
        outcomes: OutcomeService,
        moderator_chat_id: int,
        wake: Callable[[], None],
    ) -> None:
        self._moderator_chat = moderator_chat_id
        # The moderators' chat and the audit log read the operator's language.
        self._records_language = defaults.default_language
        self._wake = wake
        self._outcomes = outcomes
        self._journeys = journeys
        self._goals = goals
        self._db = db
        self._clock = clock
        self._rng = rng
        self._defaults = defaults
        self._checkins = checkins

    async def get(self, user_id: int) -> Member | None:
        async with self._db.read() as session:
            row = await member_rows.get(session, user_id)
        return Member.from_row(row, self._clock.now()) if row else None

    async def require(self, user_id: int) -> Member:
        member = await self.get(user_id)
        if member is None:
            raise NotAMember(user_id)
        return member

    async def agree(self, user_id: int, invite_code: str | None) -> tuple[Member, bool]:
        """Record consent and start onboarding; (member, False) if they had agreed already."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            existing = await member_rows.get(session, user_id)
            if existing is not None:
                return Member.from_row(existing, now), False
            await member_rows.create(
                session,
                user_id=user_id,
                pseudonym=await unique_pseudonym(session, self._rng, circle_id=None),
                timezone=self._defaults.default_timezone,
                checkin_time=self._defaults.default_checkin_time,
                consent_version=CONSENT_VERSION,
                pending_invite=valid_invite_code(invite_code),
                awaiting=Awaiting.PSEUDONYM,
                now=now,
                notice_version=NOTICE_VERSION,
                # Whatever the person reads now: their Telegram language, when shipped.
                language=current_language(),
            )
            # Warnings and mutes under their hash are from a membership they deleted (kept by
            # a version before /forget erased them): they must not come back with them.
            await member_rows.erase_sanctions(
                session, await hash_of(session, user_id), FORMER_MEMBER
            )
            row = await member_rows.get(session, user_id)
        assert row is not None
        return Member.from_row(row, now), True

    async def notice_changed(self, user_id: int) -> bool:
        """True once for a member who agreed to an older notice: tell them what changed.

        A read first: nearly everyone has seen the current notice, and a write transaction
        per member after every restart would queue behind the writer for nothing."""
        async with self._db.read() as session:
            seen = await member_rows.notice_version(session, user_id)
        if seen is None or seen >= NOTICE_VERSION:
            return False
        async with self._db.transaction() as session:
            seen = await member_rows.notice_version(session, user_id)
            if seen is None or seen >= NOTICE_VERSION:
                return False  # another update of theirs got here first
            await member_rows.update(session, user_id, notice_version=NOTICE_VERSION)
            return True

    async def _change(self, user_id: int, **fields: Any) -> Member:
        now = self._clock.now()
        async with self._db.transaction() as session:
            if await member_rows.get(session, user_id) is None:
                raise NotAMember(user_id)
            if fields:
                await member_rows.update(session, user_id, **fields)
            if _SCHEDULE_FIELDS & fields.keys():
                await self._reschedule(session, user_id, now)
            if "timezone" in fields:
                await self._journeys.reschedule(session, user_id, fields["timezone"])
                await self._goals.reschedule_all(session, user_id)
            row = await member_rows.get(session, user_id)
            assert row is not None
            if fields.get("onboarded_at") is not None:
                await self._outcomes.plan_offer(session, row, now)
            elif {"timezone", "checkin_time"} & fields.keys():
                await self._outcomes.reschedule(session, row, now)
        assert row is not None
        return Member.from_row(row, now)

    async def _reschedule(self, session: Session, user_id: int, now: datetime) -> None:
        """Point the member's due rows at their next check-in and weekly reflection."""
        row = await member_rows.get(session, user_id)
        if row is None:
            return
        if row.onboarded_at is None:
            await member_rows.update(session, user_id, next_checkin_at=None, next_weekly_at=None)
            return
        zone = zone_of(row.timezone)
        at = parse_hhmm(row.checkin_time)
        assert at is not None
        # The reflection's latest moment; finishing that day's check-in brings it forward.
        weekly = (
            next_weekly_delayed(
                now, self._checkins.weekly_weekday, at, zone, self._checkins.weekly_reflection_wait
            )
            if row.weekly_reflection
            else None
        )
        await member_rows.update(
            session,
            user_id,
            next_checkin_at=next_daily(now, at, zone),
            next_weekly_at=weekly,
        )

    async def redraw_pseudonym(self, user_id: int) -> Redrawn:
        """A new pseudonym nobody in the member's circle has (nor, while the words last, any
        member), at most REDRAWS_PER_DAY on the member's local day."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            row = await member_rows.get(session, user_id)
            if row is None:
                raise NotAMember(user_id)
            today = now.astimezone(zone_of(row.timezone)).date()
            if await pseudonym_rows.redraws_on(session, user_id, today.isoformat()) >= (
                REDRAWS_PER_DAY
            ):
                return Redrawn(Member.from_row(row, now), today + timedelta(days=1))
            circle = await circle_rows.circle_of(session, user_id)
            drawn = await unique_pseudonym(
                session, self._rng, circle_id=circle.id if circle else None, avoid=row.pseudonym
            )
            await member_rows.update(session, user_id, pseudonym=drawn)
            await pseudonym_rows.count_redraw(session, user_id, today.isoformat())
            row = await member_rows.get(session, user_id)
        assert row is not None
        return Redrawn(Member.from_row(row, now))

    async def keep_pseudonym(self, user_id: int) -> Member | None:
        """Confirm the pseudonym during onboarding; None when that step is already past."""
        member = await self.require(user_id)
        if not member.onboarding or member.awaiting is not Awaiting.PSEUDONYM:
            return None
        return await self._change(user_id, awaiting=Awaiting.TIMEZONE.value)

    async def set_timezone(self, user_id: int, text: str) -> Member | None:
        """Set the zone from a name or offset; None (nothing changed) when it is not one."""
        zone = normalise_timezone(text)
        if zone is None:
            return None
        member = await self.require(user_id)
        if member.onboarding:
            return await self._change(user_id, timezone=zone, awaiting=Awaiting.CHECKIN_TIME.value)
        return await self._change(user_id, timezone=zone, awaiting=None)

    async def answer_timezone(self, user_id: int, text: str) -> ZoneAnswer:
        """Set the zone a typed city, zone name or offset names; otherwise change nothing
        but wait for the next try, so a near miss or a choice can be answered by typing."""
        lookup = find_zone(text)
        if lookup.found is Found.ONE:
            member = await self.set_timezone(user_id, lookup.places[0].zone)
            assert member is not None  # find_zone only names zones that exist
            return ZoneAnswer(lookup, member)
        member = await self.require(user_id)
        # Onboarding keeps its own step; elsewhere (/timezone Atlantis) the next text answers.
        if not member.onboarding and member.awaiting is not Awaiting.TIMEZONE:
            member = await self._change(user_id, awaiting=Awaiting.TIMEZONE.value)
        return ZoneAnswer(lookup, member)

    async def set_checkin_time(self, user_id: int, text: str) -> Member | None:
        """Set the daily check-in time; finishes onboarding. None when `text` is not a time."""
        parsed = parse_hhmm(text)
        if parsed is None:
            return None
        member = await self.require(user_id)
        fields: dict[str, Any] = {"checkin_time": parsed.strftime("%H:%M"), "awaiting": None}
        if member.onboarding:
            if member.awaiting is Awaiting.PSEUDONYM:
                return None  # out of order: the pseudonym step comes first
            fields["onboarded_at"] = self._clock.now()
        return await self._change(user_id, **fields)

    async def answer_checkin_time(self, user_id: int, text: str) -> CheckinTimeAnswer:
        """Set the check-in time from a typed answer or a picker button; during onboarding
        it is the last step, and the member's pending invite is the next thing to do."""
        member = await self.require(user_id)
        if pseudonym_first(member):
            return CheckinTimeAnswer(TimeOutcome.PSEUDONYM_FIRST, member)
        updated = await self.set_checkin_time(user_id, text)
        if updated is None:
            return CheckinTimeAnswer(TimeOutcome.NOT_A_TIME, member)
        if member.onboarding:
            return CheckinTimeAnswer(TimeOutcome.ONBOARDED, updated, updated.pending_invite)
        return CheckinTimeAnswer(TimeOutcome.SET, updated)

    async def wait_for(self, user_id: int, pending: Pending | None) -> Member:
        """Remember what the member's next free text answers, typed (None: nothing)."""
        return await self._change(user_id, awaiting=pending.pack() if pending else None)

    async def set_weekly_reflection(self, user_id: int, enabled: bool) -> Member:
        return await self._change(user_id, weekly_reflection=int(enabled))

    async def reactivate(self, user_id: int) -> Member:
        """The member came back after blocking the bot: deliver to them again."""
        return await self._change(user_id, blocked_at=None)

    async def pause(self, user_id: int, days: int | None) -> Member:
        """Stop prompts and nudges, for `days` days or until /resume."""
        until = self._clock.now() + timedelta(days=days) if days else None
        return await self._change(user_id, paused=1, paused_until=until)

    async def resume(self, user_id: int) -> Member:
        return await self._change(user_id, paused=0, paused_until=None)

    async def export(self, user_id: int) -> dict[str, Any]:
        """Everything stored about the member, table by table: their own words and choices,
        never another member's words or ids, nor which moderator acted."""
        async with self._db.read() as session:
            member = await member_rows.export(session, user_id)
            if not member:
                raise NotAMember(user_id)
            id_hash = await hash_of(session, user_id)
            export = {
                "exported_at": self._clock.now().isoformat(timespec="seconds"),
                "consent_version_current": CONSENT_VERSION,
                "member": member,
                "checkins": await checkin_rows.export(session, user_id),
                "checkin_summaries": await stats_rows.export_summaries(session, user_id),
                "goals": await goal_rows.export(session, user_id),
                "journeys": await journey_rows.export(session, user_id),
                "safety_plan": await plan_rows.export(session, user_id),
                "safety_plan_draft": await plan_rows.export(session, user_id, draft=True),
                "circle": await circle_rows.export_membership(session, user_id),
                "messages_to_circle": await circle_rows.export_relays(session, user_id),
                "thanks_given": await circle_rows.export_thanks_given(session, user_id),
                "reports_filed": await circle_rows.export_reports_filed(session, user_id),
                "crisis_alerts": await alert_rows.export(session, user_id),
                "moderation": await moderation_rows.export(session, id_hash),
                "moderator": await moderation_rows.export_role(session, user_id),
                "questionnaires": await outcome_rows.export(session, user_id),
                "pseudonyms": await member_rows.export_pseudonyms(session, user_id),
                "answers_to_moderators": await self._answers(session, user_id),
                "moderator_actions": await self._audit_rows(session, user_id, id_hash),
            }
        return export

    async def _answers(self, session: Session, user_id: int) -> list[dict[str, Any]]:
        """The member's answers to a moderator, which wait in the outbox for up to a week,
        as the moderator read them (in the operator's language)."""
        traces = await member_rows.traces(session, user_id)
        prefixes = answer_prefixes([alert.id for alert in traces.alerts])
        return [
            {
                "sent_at": message.created_at,
                "status": message.status,
                "text": plain_text(
                    OutgoingMessage.from_json(message.payload, self._records_language).text
                ),
            }
            for message in await outbox.messages_under(session, prefixes)
        ]

    async def _audit_rows(
        self, session: Session, user_id: int, id_hash: str
    ) -> list[dict[str, Any]]:
        """What moderators did about the member, as the audit log keeps it; not who did it."""
        traces = await member_rows.traces(session, user_id)
        return [
            {"at": row.at, "action": row.action, "target": row.target, "reason": row.reason}
            for row in await _audit_rows_about(session, user_id, id_hash, traces)
        ]

    async def forget(self, user_id: int) -> bool:
        """Delete everything about the member, then wipe the write-ahead log's copies of it;
        False when there was nothing."""
        async with self._db.transaction() as session:
            if await member_rows.get(session, user_id) is None:
                return False
            erased = await self._erase_traces(session, user_id, self._clock.now())
            await member_rows.delete(session, user_id)  # the rest cascades
        wiped = await self._db.checkpoint()
        if erased.notices:
            self._wake()
        # No id or name: the log outlives the member.
        log.info(
            "member forgotten: outbox_rows=%d sanctions=%d audit_rows=%d alert_notices=%d "
            "log_truncated=%s",
            erased.outbox_rows,
            erased.sanctions,
            erased.audit_rows,
            erased.notices,
            wiped,
        )
        return True

    async def _erase_traces(self, session: Session, user_id: int, now: datetime) -> Erased:
        """What the cascade of the member's row does not reach (bot.members.rules): outbox
        rows go, sanctions but a ban go, audit rows lose the member's name, in one recorded
        redaction; the moderator role goes (what they did as a moderator stays).

        An open crisis alert goes with the member, but the moderators' chat hears that it
        closed and why (without words or pseudonym): a crisis-line supervisor would want the
        team to stop trying to reach someone the bot can no longer reach, and to know why the
        alert's buttons stopped working, rather than meet a silence."""
        id_hash = await hash_of(session, user_id)
        traces = await member_rows.traces(session, user_id)
        key = await member_rows.key_of(session, user_id)
        dropped = await outbox.delete_keys(session, *forget_outbox_keys(traces, key))
        notices = await self._tell_open_alerts_closed(session, traces, now)
        sanctions = await member_rows.erase_sanctions(session, id_hash, FORMER_MEMBER)
        about = await _audit_rows_about(session, user_id, id_hash, traces)
        unnamed = await member_rows.unname_audit_rows(
            session, [row.id for row in about], FORMER_MEMBER
        )
        if unnamed:
            await audit(session, ERASER, ERASED, None, now)
        if await moderation_rows.remove_moderator(session, user_id):
            # As at /demote: what they held goes back to the other moderators at once.
            for alert in await release_alerts(session, user_id, now, self._moderator_chat):
                with speaking(self._records_language):
                    target = alert_texts.audit_alert(alert.id, alert.pseudonym)
                await audit(session, ERASER, "release crisis alert", target, now)
        return Erased(dropped, sanctions, unnamed, notices)

    async def _tell_open_alerts_closed(
        self, session: Session, traces: Traces, now: datetime
    ) -> int:
        """One message per crisis alert still open: it closed, and why."""
        if not self._moderator_chat:
            return 0
        still_open = [alert for alert in traces.alerts if not alert.resolved]
        for alert in still_open:
            notice = partial(forgotten_alert, alert.id, alert.circle_name)
            await outbox.enqueue_one(
                session,
                outbox.NewMessage(
                    forgotten_alert_key(alert.id),
                    self._moderator_chat,
                    None,
                    "alert",
                    in_every_language(notice),
                ),
                now,
            )
        return len(still_open)


async def _audit_rows_about(
    session: Session, user_id: int, id_hash: str, traces: Traces
) -> list[AuditTrace]:
    """The audit rows that name the member (bot.members.rules.names_member), oldest first."""
    pseudonyms = await member_rows.pseudonyms_of(session, user_id, id_hash) - {FORMER_MEMBER}
    forms = _recorded_forms(user_id, [alert.id for alert in traces.alerts])
    rows = await member_rows.audit_rows_mentioning(session, pseudonyms | forms)
    return [
        row
        for row in rows
        if row.target != FORMER_MEMBER and names_member(row.target, pseudonyms, forms)
    ]


def _recorded_forms(user_id: int, alert_ids: list[int]) -> set[str]:
    """The audit targets that name the member without a pseudonym, in every language the log
    may have been kept in: their alerts ("alert 12") and their role ("moderator <id>")."""
    forms: set[str] = set()
    for language in SHIPPED:
        with speaking(language):
            forms.add(moderation_texts.audit_moderator(user_id))
            forms |= {alert_texts.audit_alert(alert_id) for alert_id in alert_ids}
    return forms
