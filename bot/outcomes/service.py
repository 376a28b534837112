"""Questionnaires for one member: opting in and out, starting one, answering it item by item,
and their own scores over time. Each change is one short transaction.

What a member answers is theirs: /measures shows it back, /mydata exports it, /forget deletes
it. It counts in the cohort report (bot/outcomes/report.py) only while they are opted in.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from bot.clock import Clock
from bot.localtime.hhmm import parse_hhmm
from bot.localtime.schedule import local_date
from bot.localtime.zones import zone_of
from bot.members.rules import Member
from bot.outcomes import rules
from bot.outcomes.questionnaire import Questionnaire
from bot.outcomes.rules import NotToday, OutcomeView, Refusal, Result, Sitting, Standing, Step
from storage import members as member_rows
from storage import outcomes as outcome_rows
from storage.db import Database, Session
from storage.members import MemberRow
from storage.outcomes import ResponseRow


async def not_today(
    session: Session, member: MemberRow, questionnaire: str, now: datetime
) -> NotToday | None:
    """Why no questionnaire (or this one) is for the member today (bot.outcomes.rules)."""
    choice = await outcome_rows.choice(session, member.user_id)
    zone = zone_of(member.timezone)
    return rules.not_today(
        today=local_date(now, zone),
        questionnaire=questionnaire,
        paused=Member.from_row(member, now).paused,  # a timed pause ends by itself
        crisis_on=local_date(member.last_crisis_at, zone) if member.last_crisis_at else None,
        asked_on=choice.asked_on if choice else None,
        asked_what=choice.asked_what if choice else None,
    )


async def score_place(
    session: Session, user_id: int, questionnaire: str, score: float, today: date
) -> outcome_rows.ScorePlace:
    """Where a new score stands for the cohort report: the first is the baseline; a later
    one near a time point is counted there when it is the closest so far."""
    first = await outcome_rows.first_score(session, user_id, questionnaire)
    if first is None:
        return outcome_rows.ScorePlace(0, 0.0, 0, True)
    gap = (today - first[0]).days
    point = rules.timepoint(gap)
    counted = False
    if point is not None:
        current = await outcome_rows.counted_at(session, user_id, questionnaire, point)
        counted = current is None or rules.closer(gap, current[1], point)
        if counted and current is not None:
            await outcome_rows.uncount(session, current[0])
    return outcome_rows.ScorePlace(gap, score - first[1], point, counted)


def checkin_clock(member: MemberRow) -> time:
    parsed = parse_hhmm(member.checkin_time)
    assert parsed is not None
    return parsed


def tomorrows_invitation(member: MemberRow, now: datetime) -> datetime:
    """The invitation moment on the member's next local day."""
    zone = zone_of(member.timezone)
    day = local_date(now, zone) + timedelta(days=1)
    return rules.invite_moment(day, checkin_clock(member), zone)


class OutcomeService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        questionnaires: Mapping[str, Questionnaire],
        enabled: bool = True,
        offer_after_days: int = 7,
    ) -> None:
        self._db = db
        self._clock = clock
        self.questionnaires = dict(questionnaires)
        self.enabled = enabled and bool(self.questionnaires)
        self._offer_after = timedelta(days=offer_after_days)

    def find(self, questionnaire_id: str) -> Questionnaire | None:
        return self.questionnaires.get(questionnaire_id)

    async def consent(self, user_id: int) -> bool | None:
        """Yes, no (or stopped), or not answered."""
        async with self._db.read() as session:
            choice = await outcome_rows.choice(session, user_id)
        return choice.consent if choice else None

    async def plan_offer(self, session: Session, member: MemberRow, now: datetime) -> None:
        """A member finished onboarding: the offer comes after their first week."""
        if not self.enabled:
            return
        zone = zone_of(member.timezone)
        day = local_date(now + self._offer_after, zone)
        await outcome_rows.plan_offer(
            session, member.user_id, rules.invite_moment(day, checkin_clock(member), zone)
        )

    async def view(self, user_id: int) -> OutcomeView:
        now = self._clock.now()
        async with self._db.read() as session:
            member = await member_rows.get(session, user_id)
            assert member is not None
            return await self._view(session, member, now)

    async def _view(self, session: Session, member: MemberRow, now: datetime) -> OutcomeView:
        zone = zone_of(member.timezone)
        today = local_date(now, zone)
        choice = await outcome_rows.choice(session, member.user_id)
        consent = choice.consent if choice else None
        scores: dict[str, list[tuple[date, float]]] = {}
        for row in await outcome_rows.completed(session, member.user_id):
            if row.completed_on is not None and row.score is not None:
                scores.setdefault(row.questionnaire, []).append((row.completed_on, row.score))
        schedules = {
            s.questionnaire: s for s in await outcome_rows.schedules(session, member.user_id)
        }
        standings = []
        for questionnaire in self.questionnaires.values():
            own = tuple(scores.get(questionnaire.id, ()))
            schedule = schedules.get(questionnaire.id)
            due, next_on, sitting = False, None, None
            if consent and schedule is not None:
                every = questionnaire.schedule.every_days
                start = rules.cycle_start(schedule.anchor, every, today)
                due = not any(day >= start for day, _ in own)
                next_on = today if due else start + timedelta(days=every)
                response = await outcome_rows.open_response(
                    session, member.user_id, questionnaire.id
                )
                if response is not None and not rules.lapsed(response.started_at, now):
                    sitting = Sitting(response.id, questionnaire, response.answers)
            standings.append(Standing(questionnaire, own, due, sitting, next_on))
        first_due = next((s for s in standings if s.due or s.open), None)
        refusal = (
            await not_today(session, member, first_due.questionnaire.id, now)
            if first_due is not None
            else None
        )
        return OutcomeView(consent, today, tuple(standings), refusal)

    async def opt_in(self, user_id: int) -> Questionnaire | None:
        """Yes to questionnaires: each starts its cycles today; a member coming back keeps
        their first day, and a cycle they answered already is not asked again. The first
        one due is asked now, unless today is not a day for it; the others follow on the
        next days. Saying yes twice changes nothing."""
        if not self.enabled:
            return None
        now = self._clock.now()
        async with self._db.transaction() as session:
            member = await member_rows.get(session, user_id)
            choice = await outcome_rows.choice(session, user_id)
            if member is None or (choice is not None and choice.consent is True):
                return None
            await outcome_rows.set_consent(session, user_id, True, now)
            zone, at = zone_of(member.timezone), checkin_clock(member)
            today = local_date(now, zone)
            anchors = {
                s.questionnaire: s.anchor for s in await outcome_rows.schedules(session, user_id)
            }
            asked: Questionnaire | None = None
            later = 1
            for questionnaire in self.questionnaires.values():
                every = questionnaire.schedule.every_days
                anchor = anchors.get(questionnaire.id, today)
                start = rules.cycle_start(anchor, every, today)
                if await outcome_rows.completed_since(session, user_id, questionnaire.id, start):
                    day = start + timedelta(days=every)
                elif (
                    asked is None
                    and await not_today(session, member, questionnaire.id, now) is None
                ):
                    asked = questionnaire
                    day = rules.next_ask_day(anchor, every, today)
                    await outcome_rows.mark_asked(session, user_id, today, questionnaire.id)
                else:
                    day, later = today + timedelta(days=later), later + 1
                due = rules.invite_moment(day, at, zone)
                await outcome_rows.start_schedule(session, user_id, questionnaire.id, anchor, due)
        return asked

    async def opt_out(self, user_id: int, delete: bool) -> None:
        """No more questionnaires; past answers kept for the member or deleted, as they
        chose. Either way they no longer count in the report, and one half-answered is set
        aside."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            await outcome_rows.set_consent(session, user_id, False, now)
            await outcome_rows.stop_schedules(session, user_id)
            await outcome_rows.expire_open(session, user_id)
            if delete:
                await outcome_rows.delete_answers(session, user_id)

    async def reschedule(self, session: Session, member: MemberRow, now: datetime) -> None:
        """The member's zone or check-in time changed: their offer and invitations keep
        their days and move to the new invitation time (one already past: the next)."""
        zone, at = zone_of(member.timezone), checkin_clock(member)

        def moved(due: datetime) -> datetime:
            moment = rules.invite_moment(local_date(due, zone), at, zone)
            return moment if moment > now else rules.next_invite_moment(now, at, zone)

        choice = await outcome_rows.choice(session, member.user_id)
        if choice is not None and choice.offer_at is not None:
            await outcome_rows.set_offer(session, member.user_id, moved(choice.offer_at))
        for schedule in await outcome_rows.schedules(session, member.user_id):
            if schedule.due_at is not None:
                await outcome_rows.set_due(
                    session, member.user_id, schedule.questionnaire, moved(schedule.due_at)
                )

    async def start(self, user_id: int, questionnaire_id: str, language: str) -> Step:
        """Begin (or pick up) a questionnaire that is due."""
        questionnaire = self.find(questionnaire_id)
        if questionnaire is None or not self.enabled:
            return Step(refusal=Refusal.UNKNOWN)
        now = self._clock.now()
        async with self._db.transaction() as session:
            member = await member_rows.get(session, user_id)
            assert member is not None
            view = await self._view(session, member, now)
            if view.consent is not True:
                return Step(refusal=Refusal.NOT_OPTED_IN)
            standing = next(s for s in view.standings if s.questionnaire.id == questionnaire_id)
            if standing.open is None and not standing.due:
                return Step(refusal=Refusal.DONE, next_on=standing.next_on)
            # A half-answered one, too, waits for a day that is one for questions.
            refusal = await not_today(session, member, questionnaire_id, now)
            if refusal is not None:
                return Step(refusal=Refusal.NOT_TODAY, not_today=refusal)
            if standing.open is not None:
                return Step(sitting=standing.open)
            await outcome_rows.expire_open(session, user_id, now - rules.EXPIRE_AFTER)
            response_id = await outcome_rows.start_response(
                session,
                user_id=user_id,
                questionnaire=questionnaire_id,
                version=questionnaire.version,
                language=language,
                now=now,
                day=view.today,
            )
            await outcome_rows.mark_asked(session, user_id, view.today, questionnaire_id)
        return Step(sitting=Sitting(response_id, questionnaire, ()))

    async def answer(self, user_id: int, response_id: int, position: int, value: int) -> Step:
        """One item's answer; the last one scores the questionnaire."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            response = await outcome_rows.response(session, response_id)
            questionnaire = self.find(response.questionnaire) if response else None
            if (
                response is None
                or response.user_id != user_id
                or questionnaire is None
                or not self.enabled
            ):
                return Step(refusal=Refusal.UNKNOWN)
            sitting = Sitting(response.id, questionnaire, response.answers)
            if response.status != outcome_rows.OPEN:
                # Set aside by the sweep for its age: say so, as a tap before the sweep would.
                if response.status == outcome_rows.EXPIRED and rules.lapsed(
                    response.started_at, now
                ):
                    return Step(refusal=Refusal.LAPSED)
                return Step(refusal=Refusal.STALE)
            member = await member_rows.get(session, user_id)
            assert member is not None
            refusal = await not_today(session, member, questionnaire.id, now)
            if refusal is not None:
                return Step(refusal=Refusal.NOT_TODAY, not_today=refusal)
            if rules.lapsed(response.started_at, now):
                await outcome_rows.expire_open(session, user_id, now - rules.EXPIRE_AFTER)
                return Step(refusal=Refusal.LAPSED)
            if value not in questionnaire.values or not await outcome_rows.record_answer(
                session, response_id, position, value
            ):
                return Step(sitting=sitting, refusal=Refusal.STALE)
            answers = (*response.answers, value)
            if len(answers) < len(questionnaire.items):
                return Step(sitting=Sitting(response.id, questionnaire, answers))
            return Step(result=await self._score(session, response, questionnaire, answers, now))

    async def _score(
        self,
        session: Session,
        response: ResponseRow,
        questionnaire: Questionnaire,
        answers: tuple[int, ...],
        now: datetime,
    ) -> Result:
        member = await member_rows.get(session, response.user_id)
        assert member is not None
        zone = zone_of(member.timezone)
        today = local_date(now, zone)
        score = questionnaire.score(answers)
        assert score is not None  # every item answered with one of its options
        earlier = [
            (row.completed_on, row.score)
            for row in await outcome_rows.completed(session, member.user_id)
            if row.questionnaire == questionnaire.id
            and row.completed_on is not None
            and row.score is not None
        ]
        await outcome_rows.complete(
            session,
            response.id,
            score,
            now,
            today,
            await score_place(session, member.user_id, questionnaire.id, score, today),
        )
        next_on = today + timedelta(days=questionnaire.schedule.every_days)
        for schedule in await outcome_rows.schedules(session, member.user_id):
            if schedule.questionnaire == questionnaire.id:
                every = questionnaire.schedule.every_days
                next_on = rules.next_cycle(schedule.anchor, every, today)
                due = rules.invite_moment(next_on, checkin_clock(member), zone)
                await outcome_rows.set_due(session, member.user_id, questionnaire.id, due)
        return Result(questionnaire, score, earlier[-1] if earlier else None, next_on)

    async def later(self, user_id: int, questionnaire_id: str) -> int:
        """ "Later": ask again tomorrow (within the cycle; after it, the next one comes).
        Returns how many items of a half-answered sitting are answered (0: none)."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            member = await member_rows.get(session, user_id)
            if member is None:
                return 0
            due = tomorrows_invitation(member, now)
            await outcome_rows.set_due(session, user_id, questionnaire_id, due)
            sitting = await outcome_rows.open_response(session, user_id, questionnaire_id)
        if sitting is None or rules.lapsed(sitting.started_at, now):
            return 0
        return len(sitting.answers)
