"""Every text of moderation, in one place to review and translate. HTML parse mode.

Each text is a function, rendered through the catalog (bot.i18n) in the language of
whoever reads it. Audit log actions are stored as English keys ("warn", "delete
message") and put in words when /audit shows them (audit_actions)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.i18n import _, ngettext, pgettext
from bot.i18n.formats import clock, numeric_date
from bot.members.rules import FORMER_MEMBER
from bot.moderation.rules import AuditLine, Outcome, Result
from bot.texts.common import member_time


def button_dismiss() -> str:
    # Translators: button under a report: the message stays, the report is closed.
    return pgettext("button", "Dismiss")


def button_delete() -> str:
    # Translators: button under a report: deletes the message from every chat it reached.
    return pgettext("button", "🗑 Delete everywhere")


def button_warn() -> str:
    # Translators: button under a report: a kind private warning to its author.
    return pgettext("button", "Warn")


def button_mute() -> str:
    # Translators: button under a report: pauses its author's messages to the circle.
    return pgettext("button", "Mute")


def button_ban() -> str:
    # Translators: button under a report: closes circles to its author.
    return pgettext("button", "Ban")


def operators_only() -> str:
    return _("Only an operator can do this.")


def promote_usage() -> str:
    return _("Give the Telegram user id: <code>/promote 123456789</code>")


def demote_usage() -> str:
    return _("Give the Telegram user id: <code>/demote 123456789</code>")


def no_such_member() -> str:
    return _("That member is no longer here.")


def auto_mute_reason(count: int) -> str:
    # Translators: why a member was muted, kept in the audit log and told to the member.
    return ngettext(
        "{count} warning within the warning window",
        "{count} warnings within the warning window",
        count,
    ).format(count=count)


def report_reason() -> str:
    # Translators: why a member was warned, muted or banned from a report's buttons; told to
    # the member after "What it was about:".
    return _("a reported message")


def size_below_members() -> str:
    return _("It has more members than that now; nobody is removed, but nobody new can join.")


def announce_usage() -> str:
    # Translators: keep /announce; "Morning Walkers" is an example circle name.
    return _(
        "Give the circle and the text: <code>/announce Morning Walkers Welcome, "
        "everyone!</code> (up to 1,000 characters)."
    )


def not_held() -> str:
    return _("That message is not waiting for review any more.")


def report_closed() -> str:
    return _("That report is already closed.")


def dismissed() -> str:
    return _("Dismissed. The message stays.")


def already_deleted() -> str:
    return _("That message has already been deleted.")


def alert_again() -> str:
    """The heading above a crisis alert sent again, with a blank line after it."""
    # Translators: above a crisis alert no moderator has taken yet, sent to them again.
    return _("⏰ <b>Nobody has taken this yet.</b>") + "\n\n"


def warn_usage() -> str:
    # Translators: keep /warn; "Quiet Otter" is an example pseudonym.
    return _("Who? <code>/warn Quiet Otter</code>, optionally with a reason after the name.")


def mute_usage() -> str:
    # Translators: keep /mute and "2h"; m, h, d and w are what the moderator types.
    return _(
        "Who, and how long? <code>/mute Quiet Otter 2h</code> (minutes m, hours h, days d or "
        "weeks w, up to a year), optionally with a reason after it."
    )


def unmute_usage() -> str:
    return _("Who? <code>/unmute Quiet Otter</code>")


def ban_usage() -> str:
    return _("Who? <code>/ban Quiet Otter</code>, optionally with a reason after the name.")


def unban_usage() -> str:
    return _("Whom? <code>/unban Quiet Otter</code>, or the ban code /ban gave you.")


def reject_usage() -> str:
    return _(
        "Which message, and why? <code>/reject 12 It names another member</code> (the number "
        "is in /queue)."
    )


def circlesize_usage() -> str:
    return _("Which circle, and how many? <code>/circlesize Morning Walkers 10</code> (2 to 200).")


def queue_empty() -> str:
    return _("Nothing is waiting for review.")


def reports_empty() -> str:
    return _("There are no open reports.")


def audit_empty() -> str:
    return _("No moderator actions yet.")


def unmuted_to_member() -> str:
    return _("You can write to your circle again. Welcome back. 💚")


def banned_from_circles() -> str:
    return _(
        "The moderators have closed circles to you, so I can't add you to one. Check-ins, "
        "goals and your journey are still here for you, and /crisis has urgent help."
    )


# Replies about roles do not repeat the user id: ids never travel in the bot's messages.
def promoted() -> str:
    return _("Done: that user is a moderator now. /modhelp shows them what they can do.")


def promoted_menu_later() -> str:
    return _(
        "Done: that user is a moderator now. They haven't started a chat with the bot yet, so "
        "their moderator menu appears once they send /start; /modhelp shows what they can do."
    )


def already_moderator() -> str:
    return _("That user is a moderator already.")


def demoted() -> str:
    return _("Done: that user is no longer a moderator.")


def not_moderator() -> str:
    return _("That user was not a moderator (operators come from the config).")


def no_member_called(name: str) -> str:
    # Translators: "Quiet Otter" is an example pseudonym.
    return _("Nobody goes by {name}. Pseudonyms are two words, like Quiet Otter.").format(
        name=escape(name)
    )


def in_no_circle() -> str:
    # Translators: in a list of circles, for a member who is in none.
    return _("no circle")


def several_called(name: str, circles: tuple[str, ...]) -> str:
    # Translators: {circles} lists the circles they are in, like "Morning Walkers, no circle".
    return _(
        "Several members go by {name} (in: {circles}). Act on the right one from /reports or "
        "/queue, where each message identifies its author."
    ).format(name=escape(name), circles=escape(", ".join(circles)))


def warning_to_member(reason: str | None) -> str:
    warning = _(
        "A gentle word from the moderators. 💬 Something you sent to your circle didn't sit "
        "right with our guidelines. Nobody is angry; circles only work when everyone feels "
        "safe, and we'd like you to stay."
    )
    if not reason:
        return warning
    # Translators: {reason} is the moderator's words, or "a reported message".
    about = _("What it was about: {reason}").format(reason=escape(reason))
    return f"{warning}\n\n{about}"


def _utc(moment: datetime) -> str:
    """ "2026-03-02 14:30": a moment in UTC, as moderators and the audit log read it."""
    return f"{numeric_date(moment.date())} {clock(moment)}"


def warned(pseudonym: str, count: int) -> str:
    # Translators: {count} warnings within the warning window so far.
    return ngettext(
        "Warned {pseudonym} ({count} in the warning window).",
        "Warned {pseudonym} ({count} in the warning window).",
        count,
    ).format(pseudonym=escape(pseudonym), count=count)


def warned_and_muted(pseudonym: str, count: int, until: datetime) -> str:
    # Translators: {until} is a date and time like "2026-03-02 14:30".
    return ngettext(
        "Warned {pseudonym}: that is {count} warning in the window, so they are muted until "
        "{until} UTC.",
        "Warned {pseudonym}: that is {count} warnings in the window, so they are muted until "
        "{until} UTC.",
        count,
    ).format(pseudonym=escape(pseudonym), count=count, until=_utc(until))


def muted(pseudonym: str, until: datetime) -> str:
    # Translators: {until} is a date and time like "2026-03-02 14:30".
    return _("Muted {pseudonym} until {until} UTC.").format(
        pseudonym=escape(pseudonym), until=_utc(until)
    )


def mute_noted(until: datetime, reason: str | None) -> str:
    """A mute as the audit log keeps it (plain text: /audit escapes it when shown)."""
    if reason:
        # Translators: a mute in the audit log; {until} is like "2026-03-02 14:30",
        # {reason} the moderator's words.
        return _("until {until} UTC: {reason}").format(until=_utc(until), reason=reason)
    # Translators: a mute in the audit log; {until} is like "2026-03-02 14:30".
    return _("until {until} UTC").format(until=_utc(until))


def muted_to_member(until: datetime, zone: str, reason: str | None) -> str:
    if reason:
        # Translators: {until} is a date and time like "Thu 05 Mar 2026 at 18:00";
        # {reason} is the moderator's words, or "a reported message".
        text = _(
            "The moderators have paused your messages to your circle until {until} (your "
            "time). What it was about: {reason}. Everything else (check-ins, goals, your "
            "journey) works as before. If things are hard, /crisis has urgent help."
        )
    else:
        # Translators: {until} is a date and time like "Thu 05 Mar 2026 at 18:00".
        text = _(
            "The moderators have paused your messages to your circle until {until} (your "
            "time). Everything else (check-ins, goals, your journey) works as before. If "
            "things are hard, /crisis has urgent help."
        )
    return text.format(until=member_time(until, zone), reason=escape(reason or ""))


def not_muted(pseudonym: str) -> str:
    return _("{pseudonym} is not muted.").format(pseudonym=escape(pseudonym))


def unmuted(pseudonym: str) -> str:
    return _("{pseudonym} can write to their circle again.").format(pseudonym=escape(pseudonym))


def banned_to_member(reason: str | None) -> str:
    if reason:
        # Translators: {reason} is the moderator's words, or "a reported message".
        text = _(
            "The moderators have removed you from your circle, and circles are closed to you "
            "now. What it was about: {reason}. Check-ins, goals and your journey are still "
            "here for you, and /crisis has urgent help."
        )
    else:
        text = _(
            "The moderators have removed you from your circle, and circles are closed to you "
            "now. Check-ins, goals and your journey are still here for you, and /crisis has "
            "urgent help."
        )
    return text.format(reason=escape(reason or ""))


def banned(pseudonym: str, code: str) -> str:
    # Translators: {code} is the ban code a moderator gives /unban; keep /forget and /unban.
    return _(
        "Banned {pseudonym}: out of their circle, no messages, no new circle, even after "
        "/forget. Ban code: <code>{code}</code> (for /unban)."
    ).format(pseudonym=escape(pseudonym), code=code)


def already_banned(pseudonym: str) -> str:
    return _("{pseudonym} is banned already.").format(pseudonym=escape(pseudonym))


def no_ban(text: str) -> str:
    # Translators: {text} is what the moderator typed after /unban.
    return _("No ban matches {text}.").format(text=escape(text[:40]))


def several_bans(codes: list[str]) -> str:
    # Translators: {codes} lists ban codes, like "ab12cd34, ef56ab78".
    return _("Several bans match; use a ban code: {codes}").format(
        codes=", ".join(f"<code>{c}</code>" for c in codes)
    )


def unbanned(pseudonym: str) -> str:
    return _("Lifted the ban on {pseudonym}. They can join a circle again.").format(
        pseudonym=escape(pseudonym)
    )


def no_circle(name: str) -> str:
    return _("There is no circle called {name}. /circles lists them.").format(name=escape(name))


def circle_size(name: str, size: int) -> str:
    # Translators: {name} is a circle's name; {size} the most members it takes from now on.
    return ngettext(
        "{name} now takes up to {size} member.",
        "{name} now takes up to {size} members.",
        size,
    ).format(name=escape(name), size=size)


def announcement(text: str) -> str:
    # Translators: a moderators' message to a whole circle; {text} is their words.
    return _("📣 <b>Moderators</b>: {text}").format(text=escape(text))


def announced(name: str, count: int) -> str:
    # Translators: {name} is a circle's name; {count} the members the announcement goes to.
    return ngettext(
        "Announced to {name}: {count} member.",
        "Announced to {name}: {count} members.",
        count,
    ).format(name=escape(name), count=count)


def rejected_to_member(reason: str) -> str:
    text = _(
        "Your message wasn't shared with your circle this time. That's not a judgement of "
        "you; you're welcome to write again."
    )
    if not reason:
        return text
    # Translators: {reason} is what the moderator wrote, as they wrote it.
    note = _("The moderator's note: {reason}").format(reason=escape(reason))
    return f"{text}\n\n{note}"


def rejected(pseudonym: str) -> str:
    return _("Rejected, and {pseudonym} has been told why.").format(pseudonym=escape(pseudonym))


def deleted(copies: int, reporters: int = 0) -> str:
    """`reporters`: copies already gone, removed from a reporter's chat when they reported."""
    if not reporters:
        return ngettext(
            "Deleted from {count} chat. The report is closed.",
            "Deleted from {count} chats. The report is closed.",
            copies,
        ).format(count=copies)
    if reporters == 1:
        return ngettext(
            "Deleted from {count} chat (the reporter's own copy went when they reported it). "
            "The report is closed.",
            "Deleted from {count} chats (the reporter's own copy went when they reported it). "
            "The report is closed.",
            copies,
        ).format(count=copies)
    # Two numbers in one sentence: each is a plural of its own. Here 2 or more reporters.
    # Translators: put in the parentheses of "Deleted from {count} chats ({earlier}).".
    earlier = ngettext(
        "the {count} reporter's own copy went when they reported it",
        "the {count} reporters' own copies went when they reported it",
        reporters,
    ).format(count=reporters)
    # Translators: {earlier} is "the 2 reporters' own copies went when they reported it".
    return ngettext(
        "Deleted from {count} chat ({earlier}). The report is closed.",
        "Deleted from {count} chats ({earlier}). The report is closed.",
        copies,
    ).format(count=copies, earlier=earlier)


def report_text(report_id: int, circle: str, pseudonym: str, text: str) -> str:
    # Translators: a reported message as the moderators see it; {text} is the member's words.
    return _(
        "🚩 <b>Report #{report_id}</b> in circle <b>{circle}</b>\nFrom <b>{pseudonym}</b>: {text}"
    ).format(
        report_id=report_id, circle=escape(circle), pseudonym=escape(pseudonym), text=escape(text)
    )


def report_done(shown: str, outcome: str, by: str) -> str:
    return f"{shown}\n\n<i>{escape(by)}: {outcome}</i>"


def audit_actions() -> dict[str, str]:
    """Audit log actions (stored as English keys) as the moderator reads them."""
    # Translators: the audit log's names for what a moderator did, as /audit lists them;
    # several are command names (newcircle, circlesize, circlemode): a short phrase or the
    # command itself.
    return {
        "newcircle": pgettext("audit log action", "newcircle"),
        "new invite": pgettext("audit log action", "new invite link"),
        "revoke invite": pgettext("audit log action", "revoke invite link"),
        "circlemode": pgettext("audit log action", "circlemode"),
        "circlesize": pgettext("audit log action", "circlesize"),
        "approve": pgettext("audit log action", "approve"),
        "reject": pgettext("audit log action", "reject"),
        "promote": pgettext("audit log action", "promote"),
        "demote": pgettext("audit log action", "demote"),
        "warn": pgettext("audit log action", "warn"),
        "mute": pgettext("audit log action", "mute"),
        "unmute": pgettext("audit log action", "unmute"),
        "ban": pgettext("audit log action", "ban"),
        "unban": pgettext("audit log action", "unban"),
        "announce": pgettext("audit log action", "announce"),
        "dismiss report": pgettext("audit log action", "dismiss report"),
        "delete message": pgettext("audit log action", "delete message"),
        "take crisis alert": pgettext("audit log action", "take crisis alert"),
        "take over crisis alert": pgettext("audit log action", "take over crisis alert"),
        "release crisis alert": pgettext("audit log action", "release crisis alert"),
        "not a crisis": pgettext("audit log action", "not a crisis"),
        "resolve crisis alert": pgettext("audit log action", "resolve crisis alert"),
        "tell": pgettext("audit log action", "tell"),
        # Translators: the bot's own row in the audit log: a member used /forget, and the
        # rows above that named them now say "a former member".
        "member data erased": pgettext("audit log action", "member data erased"),
    }


def shown_name(pseudonym: str) -> str:
    """A pseudonym as records show it: a forgotten member's is "a former member"."""
    # Translators: in the audit log and moderators' replies, in place of the pseudonym of a
    # member who deleted their data with /forget.
    return _("a former member") if pseudonym == FORMER_MEMBER else pseudonym


def audit_moderator(user_id: int) -> str:
    """Who was promoted or demoted, as the audit log keeps it (plain text)."""
    # Translators: in the audit log: the user made (or no longer) a moderator.
    return _("moderator {user_id}").format(user_id=user_id)


def audit_deleted(kind: str, circle: str) -> str:
    """A message deleted from a report, as the audit log keeps it (plain text)."""
    kinds = {
        # Translators: the kinds of circle message, in the audit log ("encourage in Morning
        # Walkers"): encouragement to the circle, a request for support, an answer to one
        # member, a hard day told to the circle, a milestone shared.
        "encourage": pgettext("kind of circle message", "encourage"),
        "ask": pgettext("kind of circle message", "ask"),
        "reply": pgettext("kind of circle message", "reply"),
        "hard_day": pgettext("kind of circle message", "hard_day"),
        "milestone": pgettext("kind of circle message", "milestone"),
    }
    # Translators: in the audit log: {kind} is the kind of message, like "encourage".
    return _("{kind} in {circle}").format(kind=kinds.get(kind, kind), circle=circle)


def audit_lines(rows: list[AuditLine]) -> str:
    if not rows:
        return audit_empty()
    actions = audit_actions()
    lines = [_("<b>Moderator actions</b>, newest first")]
    for row in rows:
        action = actions.get(row.action, row.action)
        line = f"{_utc(row.at)} · {escape(row.moderator_name)} · {escape(action)}"
        if row.target:
            line += f" · {escape(shown_name(row.target))}"
        if row.reason:
            line += f" · <i>{escape(row.reason)}</i>"
        lines.append(line)
    return "\n".join(lines)


def outcome_text(outcome: Outcome) -> str:
    """A moderator action's result, as the moderator reads it."""
    result, pseudonym = outcome.result, shown_name(outcome.pseudonym)
    if result is Result.PROMOTED:
        return promoted()
    if result is Result.ALREADY_MODERATOR:
        return already_moderator()
    if result is Result.DEMOTED:
        return demoted()
    if result is Result.NOT_MODERATOR:
        return not_moderator()
    if result is Result.NO_SUCH_MEMBER:
        return no_such_member()
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
        return circlesize_usage()
    if result is Result.CIRCLE_SIZE:
        size = circle_size(outcome.circle, outcome.size)
        return f"{size} {size_below_members()}" if outcome.size < outcome.members else size
    if result is Result.NOTHING_TO_ANNOUNCE:
        return announce_usage()
    if result is Result.ANNOUNCED:
        return announced(outcome.circle, outcome.count)
    if result is Result.NOT_HELD:
        return not_held()
    if result is Result.REJECTED:
        return rejected(pseudonym)
    if result is Result.DISMISSED:
        return dismissed()
    if result is Result.REPORT_CLOSED:
        return report_closed()
    if result is Result.ALREADY_DELETED:
        return already_deleted()
    if result is Result.DELETED:
        return deleted(outcome.count, outcome.gone)
    raise ValueError(f"no words for {result}")


def report_outcome(pseudonym: str, removed: bool) -> str:
    """To a member who reported a message, once a moderator has closed the report."""
    if removed:
        # Translators: {pseudonym} is the nickname of who wrote the reported message.
        text = _(
            "A moderator looked at the message you reported (from {pseudonym}) and removed "
            "it, for everyone in the circle. Thank you for looking out for your circle. 💚"
        )
    else:
        # Translators: {pseudonym} is the nickname of who wrote the reported message;
        # "Report" is the button under circle messages: use its translation.
        text = _(
            "A moderator looked at the message you reported (from {pseudonym}) and decided to "
            "leave it. Thank you for telling us all the same: if anything in your circle "
            "troubles you again, Report is always there."
        )
    return text.format(pseudonym=escape(pseudonym))
