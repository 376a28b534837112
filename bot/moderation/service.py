"""Moderation rules: who moderates, sanctions, reports, the review queue, announcements and
the audit log. Every action by a moderator writes one audit row in the same transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Any

from bot.alerts.service import release_alerts
from bot.circles.messages import review_message
from bot.circles.rules import RelayKind, valid_circle_size
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import speaking
from bot.moderation import messages
from bot.moderation.audit import Moderator, audit
from bot.moderation.callbacks import ReportAction
from bot.moderation.rules import AuditLine, Outcome, Result, short_reason
from bot.moderation.sanctions import hash_of
from bot.outgoing import OutgoingMessage, in_every_language
from bot.safety.sanitizer import sanitize
from bot.safety.service import alert_row_message
from bot.texts import alerts as alert_texts
from bot.texts import moderation as moderation_texts
from storage import alerts as alert_rows
from storage import circles as circle_rows
from storage import members as member_rows
from storage import moderation as moderation_rows
from storage import outbox
from storage.alerts import AlertRow
from storage.circles import RelayRow
from storage.db import Database, Session
from storage.members import MemberRow
from storage.moderation import SanctionRow

# The bot's own words for a sanction's reason ("a reported message"), said per reader.
Said = Callable[[], str]


class Found(StrEnum):
    ONE = "one"
    NONE = "none"
    SEVERAL = "several"


@dataclass(frozen=True)
class Target:
    found: Found
    user_id: int = 0
    pseudonym: str = ""
    circles: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportView:
    report_id: int
    relay: RelayRow
    circle: str


class ModerationService:
    def __init__(
        self, db: Database, clock: Clock, settings: Settings, wake: Callable[[], None]
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._wake = wake

    # -- roles -----------------------------------------------------------------------------

    def is_operator(self, user_id: int) -> bool:
        return user_id in self._settings.moderation.operators

    async def is_moderator(self, user_id: int) -> bool:
        if self.is_operator(user_id):
            return True
        async with self._db.read() as session:
            return await moderation_rows.is_moderator(session, user_id)

    async def moderator_ids(self) -> list[int]:
        """Everyone with moderator rights: the operators, then those promoted."""
        async with self._db.read() as session:
            promoted = await moderation_rows.moderator_ids(session)
        operators = list(self._settings.moderation.operators)
        return operators + [user_id for user_id in promoted if user_id not in operators]

    async def promote(self, by: Moderator, user_id: int) -> Outcome:
        async with self._db.transaction() as session:
            if not await moderation_rows.add_moderator(session, user_id, by.user_id, self._now):
                return Outcome(Result.ALREADY_MODERATOR)
            target = self._recorded(moderation_texts.audit_moderator, user_id)
            await self._audit(session, by, "promote", target, None)
        return Outcome(Result.PROMOTED)

    async def demote(self, by: Moderator, user_id: int) -> Outcome:
        """No longer a moderator, at once: the alerts and conversations they held go back
        to the moderators (each audited, and counted), and members' answers stop reaching
        them."""
        async with self._db.transaction() as session:
            if not await moderation_rows.remove_moderator(session, user_id):
                return Outcome(Result.NOT_MODERATOR)
            target = self._recorded(moderation_texts.audit_moderator, user_id)
            await self._audit(session, by, "demote", target, None)
            if self.is_operator(user_id):
                return Outcome(Result.DEMOTED)  # still a moderator by the config
            chat = self._settings.moderation.moderator_chat_id
            released = await release_alerts(session, user_id, self._now, chat)
            for alert in released:
                named = self._recorded(alert_texts.audit_alert, alert.id, alert.pseudonym)
                await self._audit(session, by, "release crisis alert", named, None)
        self._wake()
        return Outcome(Result.DEMOTED, count=len(released))

    # -- the audit log ---------------------------------------------------------------------

    @property
    def _now(self) -> datetime:
        return self._clock.now()

    def _recorded(self, render: Callable[..., str], *args: Any) -> str:
        """Words the records keep (the audit log, a sanction's reason), in the operator's
        language (members.default_language), whoever acted: one log, one language, read
        by every moderator. The member reads the bot's reasons in their own (_notice)."""
        with speaking(self._settings.members.default_language):
            return render(*args)

    async def _audit(
        self,
        session: Session,
        by: Moderator,
        action: str,
        target: str | None,
        reason: str | None,
    ) -> None:
        await audit(session, by, action, target, self._now, reason)

    async def audit_log(self, limit: int) -> list[AuditLine]:
        async with self._db.read() as session:
            rows = await moderation_rows.last_audit(session, limit)
        return [
            AuditLine(row.at, row.moderator_name, row.action, row.target, row.reason)
            for row in rows
        ]

    # -- finding a member ------------------------------------------------------------------

    async def find(self, pseudonym: str) -> Target:
        """The one member going by `pseudonym`, preferring those in a circle."""
        async with self._db.read() as session:
            matches = await moderation_rows.members_called(session, pseudonym)
        in_circles = [m for m in matches if m[1] is not None]
        pool = in_circles or matches
        if not pool:
            return Target(Found.NONE)
        if len(pool) > 1:
            nowhere = moderation_texts.in_no_circle()
            return Target(Found.SEVERAL, circles=tuple(sorted(c or nowhere for _, c in pool)))
        async with self._db.read() as session:
            row = await member_rows.get(session, pool[0][0])
        assert row is not None
        return Target(Found.ONE, row.user_id, row.pseudonym)

    # -- sanctions -------------------------------------------------------------------------

    async def warn(
        self, by: Moderator, user_id: int, reason: str | None, said: Said | None = None
    ) -> Outcome:
        """A kind private warning; enough of them in the window mute the member. `said`:
        the bot's own reason instead of a moderator's (see _notice)."""
        rules = self._settings.moderation
        reason = short_reason(reason) if said is None else self._recorded(said)
        async with self._db.transaction() as session:
            member = await member_rows.get(session, user_id)
            if member is None:
                return Outcome(Result.NO_SUCH_MEMBER)
            hashed = await hash_of(session, user_id)
            await moderation_rows.add_sanction(
                session,
                id_hash=hashed,
                kind="warning",
                pseudonym=member.pseudonym,
                reason=reason,
                until=None,
                now=self._now,
            )
            await self._audit(session, by, "warn", member.pseudonym, reason)
            key = f"warn:{hashed[:12]}:{self._now.isoformat()}"
            await self._tell(session, user_id, key, _notice(messages.warning, reason, said))
            since = self._now - timedelta(days=rules.warning_window_days)
            count = await moderation_rows.warnings_since(session, hashed, since)
            if count < rules.warnings_before_mute:
                return Outcome(Result.WARNED, member.pseudonym, count=count)
            until = self._now + timedelta(hours=rules.warning_mute_hours)
            automatic = partial(moderation_texts.auto_mute_reason, count)
            await self._mute(session, by, member, until, self._recorded(automatic), automatic)
        self._wake()
        return Outcome(Result.WARNED_AND_MUTED, member.pseudonym, count=count, until=until)

    async def mute(
        self,
        by: Moderator,
        user_id: int,
        duration: timedelta,
        reason: str | None,
        said: Said | None = None,
    ) -> Outcome:
        async with self._db.transaction() as session:
            member = await member_rows.get(session, user_id)
            if member is None:
                return Outcome(Result.NO_SUCH_MEMBER)
            until = self._now + duration
            recorded = short_reason(reason) if said is None else self._recorded(said)
            await self._mute(session, by, member, until, recorded, said)
        self._wake()
        return Outcome(Result.MUTED, member.pseudonym, until=until)

    async def _mute(
        self,
        session: Session,
        by: Moderator,
        member: MemberRow,
        until: datetime,
        reason: str | None,
        said: Said | None = None,
    ) -> None:
        user_id, pseudonym = member.user_id, member.pseudonym
        hashed = await hash_of(session, user_id)
        await moderation_rows.lift(session, hashed, "mute", self._now)  # the new mute replaces
        await moderation_rows.add_sanction(
            session,
            id_hash=hashed,
            kind="mute",
            pseudonym=pseudonym,
            reason=reason,
            until=until,
            now=self._now,
        )
        noted = self._recorded(moderation_texts.mute_noted, until, reason)
        await self._audit(session, by, "mute", pseudonym, noted)
        key = f"mute:{hashed[:12]}:{self._now.isoformat()}"
        notice = partial(messages.muted_notice, until, member.timezone)
        await self._tell(session, user_id, key, _notice(notice, reason, said))

    async def unmute(self, by: Moderator, user_id: int) -> Outcome:
        async with self._db.transaction() as session:
            member = await member_rows.get(session, user_id)
            if member is None:
                return Outcome(Result.NO_SUCH_MEMBER)
            hashed = await hash_of(session, user_id)
            if not await moderation_rows.active_mute(session, hashed, self._now):
                return Outcome(Result.NOT_MUTED, member.pseudonym)
            await moderation_rows.lift(session, hashed, "mute", self._now)
            await self._audit(session, by, "unmute", member.pseudonym, None)
            key = f"unmute:{hashed[:12]}:{self._now.isoformat()}"
            await self._tell(session, user_id, key, messages.unmuted_notice)
        self._wake()
        return Outcome(Result.UNMUTED, member.pseudonym)

    async def ban(
        self, by: Moderator, user_id: int, reason: str | None, said: Said | None = None
    ) -> Outcome:
        """Out of the circle, no relays, no new circle; survives /forget."""
        reason = short_reason(reason) if said is None else self._recorded(said)
        async with self._db.transaction() as session:
            member = await member_rows.get(session, user_id)
            if member is None:
                return Outcome(Result.NO_SUCH_MEMBER)
            hashed = await hash_of(session, user_id)
            if await moderation_rows.active_ban(session, hashed) is not None:
                return Outcome(Result.ALREADY_BANNED, member.pseudonym)
            await moderation_rows.add_sanction(
                session,
                id_hash=hashed,
                kind="ban",
                pseudonym=member.pseudonym,
                reason=reason,
                until=None,
                now=self._now,
            )
            await circle_rows.remove_member(session, user_id)
            await self._audit(session, by, "ban", member.pseudonym, reason)
            await self._tell(
                session,
                user_id,
                f"ban:{hashed[:12]}",
                _notice(messages.banned_notice, reason, said),
            )
        self._wake()
        return Outcome(Result.BANNED, member.pseudonym, code=hashed[:8])

    async def unban(self, by: Moderator, text: str) -> Outcome:
        """Lift the ban matching a pseudonym or a hash prefix (at least 6 characters)."""
        async with self._db.transaction() as session:
            bans = await moderation_rows.bans_matching(session, text.strip())
            hashes = {ban.id_hash for ban in bans}
            if not hashes:
                return Outcome(Result.NO_BAN, asked=text)
            if len(hashes) > 1:
                codes = tuple(b.id_hash[:8] for b in bans)
                return Outcome(Result.SEVERAL_BANS, codes=codes)
            ban: SanctionRow = bans[0]
            await moderation_rows.lift(session, ban.id_hash, "ban", self._now)
            await self._audit(session, by, "unban", ban.pseudonym, None)
        return Outcome(Result.UNBANNED, ban.pseudonym)

    async def _tell(
        self, session: Session, user_id: int, key: str, message: Callable[[], OutgoingMessage]
    ) -> None:
        """A private message from the moderators to one member, through the outbox, in
        the member's language."""
        payload = in_every_language(message)
        await outbox.enqueue_one(
            session, outbox.NewMessage(key, user_id, user_id, "moderation", payload), self._now
        )

    # -- circles -----------------------------------------------------------------------------

    async def set_circle_size(self, by: Moderator, name: str, size: int) -> Outcome:
        """The most members a circle takes (2 to 200); nobody already in it is removed."""
        if not valid_circle_size(size):
            return Outcome(Result.SIZE_OUT_OF_RANGE)
        async with self._db.transaction() as session:
            circle = await circle_rows.by_name(session, name)
            if circle is None:
                return Outcome(Result.NO_CIRCLE, circle=name)
            await circle_rows.set_max_members(session, circle.id, size)
            await self._audit(session, by, "circlesize", circle.name, str(size))
        return Outcome(
            Result.CIRCLE_SIZE, circle=circle.name, size=size, members=circle.member_count
        )

    async def announce(self, by: Moderator, name: str, text: str) -> Outcome:
        """A message from "Moderators" to everyone in a circle, through the outbox."""
        cleaned = sanitize(text)
        if cleaned.too_long or not cleaned.text.strip():
            return Outcome(Result.NOTHING_TO_ANNOUNCE)
        async with self._db.transaction() as session:
            circle = await circle_rows.by_name(session, name)
            if circle is None:
                return Outcome(Result.NO_CIRCLE, circle=name)
            members = await circle_rows.member_ids(session, circle.id)
            payload = in_every_language(partial(messages.announcement, cleaned.text))
            stamp = self._now.isoformat()
            copies = [
                outbox.NewMessage(f"announce:{circle.id}:{stamp}:{m}", m, m, "announce", payload)
                for m in members
            ]
            await outbox.enqueue_many(session, copies, self._now, self._now)
            await self._audit(session, by, "announce", circle.name, None)
        self._wake()
        return Outcome(Result.ANNOUNCED, circle=circle.name, count=len(members))

    # -- the review queue and reports --------------------------------------------------------

    async def queue(self, limit: int = 20) -> list[OutgoingMessage]:
        """Held relays as review messages with Approve and Reject."""
        async with self._db.read() as session:
            messages = []
            for relay_id in await moderation_rows.held_relay_ids(session, limit):
                relay = await circle_rows.relay(session, relay_id)
                circle = await circle_rows.by_id(session, relay.circle_id) if relay else None
                if relay is not None:
                    name = circle.name if circle else "?"
                    messages.append(review_message(relay.id, name, relay.pseudonym, relay.text))
            return messages

    async def reject_with_reason(self, by: Moderator, relay_id: int, reason: str) -> Outcome:
        """Reject a held relay and tell its author why, kindly."""
        reason = short_reason(reason) or ""
        async with self._db.transaction() as session:
            relay = await circle_rows.relay(session, relay_id)
            if relay is None or not await circle_rows.set_relay_status(
                session, relay_id, "held", "rejected"
            ):
                return Outcome(Result.NOT_HELD)
            notice = partial(messages.rejected_notice, reason)
            await self._tell(session, relay.author_id, f"rejected:{relay_id}", notice)
            await self._audit(session, by, "reject", relay.pseudonym, reason)
        self._wake()
        return Outcome(Result.REJECTED, relay.pseudonym)

    async def reports(self, limit: int = 20) -> list[ReportView]:
        async with self._db.read() as session:
            views = []
            for report in await moderation_rows.open_reports(session, limit):
                relay = await circle_rows.relay(session, report.relay_id)
                if relay is None:
                    continue
                circle = await circle_rows.by_id(session, relay.circle_id)
                views.append(ReportView(report.id, relay, circle.name if circle else "?"))
            return views

    async def report_view(self, report_id: int) -> ReportView | None:
        async with self._db.read() as session:
            report = await moderation_rows.report(session, report_id)
            relay = await circle_rows.relay(session, report.relay_id) if report else None
            if report is None or relay is None:
                return None
            circle = await circle_rows.by_id(session, relay.circle_id)
            return ReportView(report.id, relay, circle.name if circle else "?")

    async def act_on_report(
        self, by: Moderator, view: ReportView, action: ReportAction
    ) -> Outcome:
        """Act on the report the moderator sees (read with `report_view`)."""
        relay = view.relay
        if action is ReportAction.WARN:
            return await self.warn(by, relay.author_id, None, moderation_texts.report_reason)
        if action is ReportAction.MUTE:
            hours = self._settings.moderation.warning_mute_hours
            return await self.mute(
                by, relay.author_id, timedelta(hours=hours), None, moderation_texts.report_reason
            )
        if action is ReportAction.BAN:
            return await self.ban(by, relay.author_id, None, moderation_texts.report_reason)
        async with self._db.transaction() as session:
            if action is ReportAction.DISMISS:
                await self._tell_reporters(session, relay, removed=False)
                closed = await moderation_rows.close_reports(session, relay.id, "dismissed")
                if closed:
                    await self._audit(session, by, "dismiss report", relay.pseudonym, None)
                    self._wake()
                return Outcome(Result.DISMISSED if closed else Result.REPORT_CLOSED)
            if not await circle_rows.set_relay_status(session, relay.id, "sent", "deleted"):
                return Outcome(Result.ALREADY_DELETED)
            await moderation_rows.mark_relay_deleted(session, relay.id, self._now)
            await moderation_rows.drop_pending_copies(session, relay.id, self._now)
            # Reporters lost their copy when they reported it: not counted, not retried.
            reporters = {r for _, r in await moderation_rows.open_reporters(session, relay.id)}
            await self._tell_reporters(session, relay, removed=True)
            await moderation_rows.close_reports(session, relay.id, "acted")
            delivered = await moderation_rows.relay_copies(session, relay.id)
            copies = [copy for copy in delivered if copy[0] not in reporters]
            kind = RelayKind(relay.kind).value
            where = self._recorded(moderation_texts.audit_deleted, kind, view.circle)
            await self._audit(session, by, "delete message", relay.pseudonym, where)
        self._wake()
        gone = len(delivered) - len(copies)
        return Outcome(Result.DELETED, count=len(copies), gone=gone, delete=tuple(copies))

    async def _tell_reporters(self, session: Session, relay: RelayRow, removed: bool) -> None:
        """Whoever reported the message hears what came of it: never who decided."""
        notice = partial(messages.report_outcome_notice, relay.pseudonym, removed)
        for report_id, reporter_id in await moderation_rows.open_reporters(session, relay.id):
            await self._tell(session, reporter_id, f"reported:{report_id}", notice)

    # -- crisis alerts nobody took ------------------------------------------------------------

    async def repeat_untaken_alerts(self) -> int:
        """Send again every crisis alert nobody has taken within the configured minutes."""
        chat = self._settings.moderation.moderator_chat_id
        if not chat:
            return 0
        wait = timedelta(minutes=self._settings.moderation.alert_repeat_minutes)
        async with self._db.read() as session:  # most sweeps find none: no write lock then
            if not await moderation_rows.untaken_alerts(session, self._now - wait):
                return 0
        repeated = 0
        async with self._db.transaction() as session:
            for alert_id in await moderation_rows.untaken_alerts(session, self._now - wait):
                alert = await alert_rows.get(session, alert_id)
                if alert is None:
                    continue
                payload = in_every_language(partial(_repeated, alert))
                key = f"alert:{alert_id}:again:{self._now.isoformat()}"
                await outbox.enqueue_one(
                    session, outbox.NewMessage(key, chat, None, "alert", payload), self._now
                )
                await moderation_rows.mark_alert_repeated(session, alert_id, self._now)
                repeated += 1
        if repeated:
            self._wake()
        return repeated


def _repeated(alert: AlertRow) -> OutgoingMessage:
    """An alert nobody took, as the moderators' chat sees it again."""
    return messages.alert_again(alert_row_message(alert))


def _notice(
    compose: Callable[[str | None], OutgoingMessage], reason: str | None, said: Said | None
) -> Callable[[], OutgoingMessage]:
    """A sanction's notice to the member: a moderator's reason as they wrote it, or the
    bot's own reason in the member's language (the notice is composed in each)."""
    if said is None:
        return partial(compose, reason)
    return lambda: compose(said())
