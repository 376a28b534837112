"""Every text of moderation, in one place to review and translate. HTML parse mode."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.moderation.rules import AuditLine, Outcome, Result
from bot.texts.common import member_time

BUTTON_DISMISS = "Dismiss"
BUTTON_DELETE = "🗑 Delete everywhere"
BUTTON_WARN = "Warn"
BUTTON_MUTE = "Mute"
BUTTON_BAN = "Ban"
OPERATORS_ONLY = "Only an operator can do this."
PROMOTE_USAGE = "Give the Telegram user id: <code>/promote 123456789</code>"
DEMOTE_USAGE = "Give the Telegram user id: <code>/demote 123456789</code>"
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


def audit_lines(rows: list[AuditLine]) -> str:
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


def outcome_text(outcome: Outcome) -> str:
    """A moderator action's result, as the moderator reads it."""
    result, pseudonym = outcome.result, outcome.pseudonym
    if result is Result.NO_SUCH_MEMBER:
        return NO_SUCH_MEMBER
    if result is Result.WARNED:
        return warned(pseudonym, outcome.count)
    if result is Result.WARNED_AND_MUTED and outcome.until is not None:
        return warned_and_muted(pseudonym, outcome.count, outcome.until)
    if result is Result.MUTED and outcome.until is not None:
        return muted(pseudonym, outcome.until)
    if result is Result.NOT_MUTED:
        return not_muted(pseudonym)
    if result is Result.UNMUTED:
        return unmuted(pseudonym)
    if result is Result.ALREADY_BANNED:
        return already_banned(pseudonym)
    if result is Result.BANNED:
        return banned(pseudonym, outcome.code)
    if result is Result.NO_BAN:
        return no_ban(outcome.asked)
    if result is Result.SEVERAL_BANS:
        return several_bans(list(outcome.codes))
    if result is Result.UNBANNED:
        return unbanned(pseudonym)
    if result is Result.NO_CIRCLE:
        return no_circle(outcome.circle)
    if result is Result.SIZE_OUT_OF_RANGE:
        return CIRCLESIZE_USAGE
    if result is Result.CIRCLE_SIZE:
        below = SIZE_BELOW_MEMBERS if outcome.size < outcome.members else ""
        return circle_size(outcome.circle, outcome.size) + below
    if result is Result.NOTHING_TO_ANNOUNCE:
        return ANNOUNCE_USAGE
    if result is Result.ANNOUNCED:
        return announced(outcome.circle, outcome.count)
    if result is Result.NOT_HELD:
        return NOT_HELD
    if result is Result.REJECTED:
        return rejected(pseudonym)
    if result is Result.DISMISSED:
        return DISMISSED
    if result is Result.REPORT_CLOSED:
        return REPORT_CLOSED
    if result is Result.ALREADY_DELETED:
        return ALREADY_DELETED
    if result is Result.DELETED:
        return deleted(outcome.count, outcome.gone)
    raise ValueError(f"no words for {result}")


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
