"""Every text of moderation, in one place to review and translate. HTML parse mode."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.stats.service import Figure, StatsReport
from bot.texts.common import member_time
from storage.moderation import AuditRow

OPERATORS_ONLY = "Only an operator can do this."
PROMOTE_USAGE = "Give the Telegram user id: <code>/promote 123456789</code>"
NO_SUCH_MEMBER = "That member is no longer here."
AUTO_MUTE_REASON = "{count} warnings within the warning window"
REPORT_REASON = "a reported message"
SIZE_BELOW_MEMBERS = (
    " It has more members than that now; nobody is removed, but nobody new can join."
)
ANNOUNCE_USAGE = (
    "Give the circle and the text: <code>/announce Morning Walkers Welcome, everyone!</code> "
    "(up to 1,000 characters)."
)
NOT_HELD = "That message is not waiting for review any more."
REPORT_CLOSED = "That report is already closed."
DISMISSED = "Dismissed. The message stays."
ALREADY_DELETED = "That message has already been deleted."
ALERT_AGAIN = "⏰ <b>Nobody has taken this yet.</b>\n\n"
WARN_USAGE = "Who? <code>/warn Quiet Otter</code>, optionally with a reason after the name."
MUTE_USAGE = (
    "Who, and how long? <code>/mute Quiet Otter 2h</code> (minutes m, hours h, days d or "
    "weeks w, up to a year), optionally with a reason after it."
)
UNMUTE_USAGE = "Who? <code>/unmute Quiet Otter</code>"
BAN_USAGE = "Who? <code>/ban Quiet Otter</code>, optionally with a reason after the name."
UNBAN_USAGE = "Whom? <code>/unban Quiet Otter</code>, or the ban code /ban gave you."
REJECT_USAGE = (
    "Which message, and why? <code>/reject 12 It names another member</code> (the number "
    "is in /queue)."
)
CIRCLESIZE_USAGE = (
    "Which circle, and how many? <code>/circlesize Morning Walkers 10</code> (2 to 200)."
)
QUEUE_EMPTY = "Nothing is waiting for review."
REPORTS_EMPTY = "There are no open reports."
AUDIT_EMPTY = "No moderator actions yet."
STATS_CHART_TITLE = "Weekly means by group"
STATS_CHART_HEADINGS = ("Mean mood, 1 to 5", "Mean confidence, 0 to 10")


def stats_chart_caption(minimum: int) -> str:
    return (
        "Weekly mean mood and confidence, per group, by the Monday each week starts. "
        f"Groups and weeks of fewer than {minimum} members are left out."
    )


UNMUTED_TO_MEMBER = "You can write to your circle again. Welcome back. 💚"
BANNED_FROM_CIRCLES = (
    "The moderators have closed circles to you, so I can't add you to one. Check-ins, "
    "goals and your journey are still here for you, and /crisis has urgent help."
)


# Replies about roles do not repeat the user id: ids never travel in the bot's messages.
PROMOTED = "Done: that user is a moderator now. /modhelp shows them what they can do."
PROMOTED_MENU_LATER = (
    "Done: that user is a moderator now. They haven't started a chat with the bot yet, so "
    "their moderator menu appears once they send /start; /modhelp shows what they can do."
)
ALREADY_MODERATOR = "That user is a moderator already."
DEMOTED = "Done: that user is no longer a moderator."
NOT_MODERATOR = "That user was not a moderator (operators come from the config)."


def no_member_called(name: str) -> str:
    return f"Nobody goes by {escape(name)}. Pseudonyms are two words, like Quiet Otter."


def several_called(name: str, circles: tuple[str, ...]) -> str:
    return (
        f"Several members go by {escape(name)} (in: {escape(', '.join(circles))}). Act on "
        "the right one from /reports or /queue, where each message identifies its author."
    )


def warning_to_member(reason: str | None) -> str:
    why = f"\n\nWhat it was about: {escape(reason)}" if reason else ""
    return (
        "A gentle word from the moderators. 💬 Something you sent to your circle didn't "
        "sit right with our guidelines. Nobody is angry; circles only work when everyone "
        f"feels safe, and we'd like you to stay.{why}"
    )


def warned(pseudonym: str, count: int) -> str:
    return f"Warned {escape(pseudonym)} ({count} in the warning window)."


def warned_and_muted(pseudonym: str, count: int, until: datetime) -> str:
    return (
        f"Warned {escape(pseudonym)}: that is {count} warnings in the window, so they are "
        f"muted until {until:%Y-%m-%d %H:%M} UTC."
    )


def muted(pseudonym: str, until: datetime) -> str:
    return f"Muted {escape(pseudonym)} until {until:%Y-%m-%d %H:%M} UTC."


def muted_to_member(until: datetime, zone: str, reason: str | None) -> str:
    why = f" What it was about: {escape(reason)}." if reason else ""
    return (
        f"The moderators have paused your messages to your circle until "
        f"{member_time(until, zone)} (your time).{why} Everything else (check-ins, goals, "
        "your journey) works as before. If things are hard, /crisis has urgent help."
    )


def not_muted(pseudonym: str) -> str:
    return f"{escape(pseudonym)} is not muted."


def unmuted(pseudonym: str) -> str:
    return f"{escape(pseudonym)} can write to their circle again."


def banned_to_member(reason: str | None) -> str:
    why = f" What it was about: {escape(reason)}." if reason else ""
    return (
        "The moderators have removed you from your circle, and circles are closed to you "
        f"now.{why} Check-ins, goals and your journey are still here for you, and /crisis "
        "has urgent help."
    )


def banned(pseudonym: str, code: str) -> str:
    return (
        f"Banned {escape(pseudonym)}: out of their circle, no messages, no new circle, even "
        f"after /forget. Ban code: <code>{code}</code> (for /unban)."
    )


def already_banned(pseudonym: str) -> str:
    return f"{escape(pseudonym)} is banned already."


def no_ban(text: str) -> str:
    return f"No ban matches {escape(text[:40])}."


def several_bans(codes: list[str]) -> str:
    return "Several bans match; use a ban code: " + ", ".join(f"<code>{c}</code>" for c in codes)


def unbanned(pseudonym: str) -> str:
    return f"Lifted the ban on {escape(pseudonym)}. They can join a circle again."


def no_circle(name: str) -> str:
    return f"There is no circle called {escape(name)}. /circles lists them."


def circle_size(name: str, size: int) -> str:
    return f"{escape(name)} now takes up to {size} members."


def announcement(text: str) -> str:
    return f"📣 <b>Moderators</b>: {escape(text)}"


def announced(name: str, count: int) -> str:
    return f"Announced to {escape(name)}: {count} member{'s' if count != 1 else ''}."


def rejected_to_member(reason: str) -> str:
    why = f"\n\nThe moderator's note: {escape(reason)}" if reason else ""
    return (
        "Your message wasn't shared with your circle this time. That's not a judgement of "
        f"you; you're welcome to write again.{why}"
    )


def rejected(pseudonym: str) -> str:
    return f"Rejected, and {escape(pseudonym)} has been told why."


def deleted(copies: int, reporters: int = 0) -> str:
    """`reporters`: copies already gone, removed from a reporter's chat when they reported."""
    earlier = (
        " (the reporter's own copy went when they reported it)"
        if reporters == 1
        else f" (the {reporters} reporters' own copies went when they reported it)"
        if reporters
        else ""
    )
    plural = "s" if copies != 1 else ""
    return f"Deleted from {copies} chat{plural}{earlier}. The report is closed."


def report_text(report_id: int, circle: str, pseudonym: str, text: str) -> str:
    return (
        f"🚩 <b>Report #{report_id}</b> in circle <b>{escape(circle)}</b>\n"
        f"From <b>{escape(pseudonym)}</b>: {escape(text)}"
    )


def report_done(shown: str, outcome: str, by: str) -> str:
    return f"{shown}\n\n<i>{escape(by)}: {outcome}</i>"


def audit_lines(rows: list[AuditRow]) -> str:
    if not rows:
        return AUDIT_EMPTY
    lines = ["<b>Moderator actions</b>, newest first"]
    for row in rows:
        line = f"{row.at:%Y-%m-%d %H:%M} · {escape(row.moderator_name)} · {escape(row.action)}"
        if row.target:
            line += f" · {escape(row.target)}"
        if row.reason:
            line += f" · <i>{escape(row.reason)}</i>"
        lines.append(line)
    return "\n".join(lines)


def _figure(report: StatsReport, figure: Figure, kind: str) -> str:
    if report.hidden(figure):
        return f"fewer than {report.minimum}"
    if figure.value is None:
        return "no data yet"
    if kind == "share":
        return f"{figure.value:.0%}"
    if kind == "signed":
        return f"{figure.value:+.1f} (over {figure.basis} members)"
    if kind == "mean":
        return f"{figure.value:.1f}"
    return str(int(figure.value))


STATS_MESSAGE_LIMIT = 4000  # Telegram's is 4096
STATS_MOST_MESSAGES = 5


def stats_messages(report: StatsReport) -> list[str]:
    """The /stats text in messages Telegram accepts; a very long one ends with a pointer."""
    messages: list[str] = []
    current = ""
    for block in stats_text(report).split("\n\n"):
        if current and len(current) + 2 + len(block) > STATS_MESSAGE_LIMIT:
            messages.append(current)
            current = ""
        current = f"{current}\n\n{block}" if current else block
    messages.append(current)
    if len(messages) > STATS_MOST_MESSAGES:
        left = len(messages) - STATS_MOST_MESSAGES + 1
        messages = messages[: STATS_MOST_MESSAGES - 1]
        messages.append(
            f"… and {left} more message(s) of circles. "
            "<code>peercircle report --out stats.csv</code> writes every figure for every circle."
        )
    return messages


def stats_text(report: StatsReport) -> str:
    lines = [
        f"<b>Statistics</b> for {report.today:%d %b %Y}. Figures over fewer than "
        f"{report.minimum} members read “fewer than {report.minimum}”; no notes, no "
        "messages, no single member."
    ]
    for tier, label in (("urgent", "Urgent crisis alerts"), ("concern", "Concern notices")):
        raised = report.alerts.get((tier, "raised"), 0)
        if raised:
            taken = report.alerts.get((tier, "taken"), 0)
            false = report.alerts.get((tier, "false_alarm"), 0)
            alarms = "false alarm" if false == 1 else "false alarms"
            lines.append(f"{label}: {raised} raised, {taken} taken, {false} {alarms}")
    for group in report.groups:
        lines.append("")
        if group.members < report.minimum:
            lines.append(f"<b>{escape(group.name)}</b>: fewer than {report.minimum} members")
            continue

        def f(figure: Figure, kind: str = "count") -> str:
            return _figure(report, figure, kind)

        lines.append(f"<b>{escape(group.name)}</b> ({group.members} members)")
        lines.append(f"Active: {f(group.active_7d)} in the last 7 days, "
                     f"{f(group.active_30d)} in the last 30")  # fmt: skip
        lines.append(f"Check-in adherence, last 7 days: {f(group.adherence_7d, 'share')}")
        if group.weeks:
            week = group.weeks[-1]
            lines.append(f"Week of {week.start:%d %b}: mean mood {f(week.mood, 'mean')}, "
                         f"confidence {f(week.confidence, 'mean')}")  # fmt: skip
        lines.append("Confidence, first 14 days to last 14 days: median "
                     f"{f(group.confidence_change, 'signed')}")  # fmt: skip
        lines.append(f"Goals done, last 30 days: {f(group.goal_completion, 'share')} of answers")
        lines.append(f"Encouragement, last 7 days: {f(group.encouragement_sent)} sent, "
                     f"{f(group.encouragement_thanked)} thanked")  # fmt: skip
    return "\n".join(lines)


def report_outcome(pseudonym: str, removed: bool) -> str:
    """To a member who reported a message, once a moderator has closed the report."""
    about = f"A moderator looked at the message you reported (from {escape(pseudonym)})"
    if removed:
        return (
            f"{about} and removed it, for everyone in the circle. Thank you for looking out "
            "for your circle. 💚"
        )
    return (
        f"{about} and decided to leave it. Thank you for telling us all the same: if anything "
        "in your circle troubles you again, Report is always there."
    )
