"""What the bot says it can do: /help, /modhelp and the command menus."""

from __future__ import annotations

from bot.i18n import _, pgettext


def help_text(moderator: bool) -> str:
    paragraphs = [
        # Translators: /help. Commands (/checkin) stay as they are: they are what people
        # type. &lt; and &gt; are the angle brackets of "<city>", written so in Telegram's
        # HTML: translate the word between them.
        _(
            "<b>peercircle</b> is peer support for recovery: a daily check-in, your own "
            "progress, and encouragement from peers who know the road."
        ),
        _(
            "<b>Daily</b>\n"
            "/checkin: how today is going, mood and confidence (/checkin yesterday: a day you "
            "missed)\n"
            "/trends: your chart over time"
        )
        + "\n"
        + _("/measures: short questionnaires, and your scores over time"),
        _(
            "<b>Circle</b>\n"
            "/circle: your peer circle; /leave leaves it\n"
            "/encourage: kind words to your circle\n"
            "/ask: ask your circle for support"
        ),
        _(
            "<b>Goals and journey</b>\n"
            "/newgoal, /goals, /done: small goals, with nudges\n"
            "/journey, /setback: your recovery journey and milestones"
        ),
        _(
            "<b>Account</b>\n"
            "/settings: pseudonym, reminders, pause (or /start)\n"
            "/timezone &lt;city&gt;, /checkintime &lt;HH:MM&gt;: your zone and check-in time\n"
            "/pause, /resume: a break from prompts and nudges\n"
            "/mydata: a copy of everything stored about you\n"
            "/forget: delete all of it\n"
            "/cancel: stop what you were typing"
        )
        + "\n"
        + _("/language: the language I use with you"),
        _(
            "<b>Urgent help</b>\n"
            "/crisis: helplines, right now\n"
            "/safetyplan: your own plan for hard moments\n"
            "peercircle is peer support, not a medical or crisis service."
        ),
    ]
    if moderator:
        paragraphs.append(_("<b>Moderators</b>\n/modhelp: your commands, also in the menu"))
    return "\n\n".join(paragraphs)


def member_commands() -> tuple[tuple[str, str], ...]:
    """The command menu registered with set_my_commands (name, description)."""
    return (
        # Translators: the command menus are descriptions of commands in Telegram's menu
        # (plain text, no HTML, at most 256 characters; short is best). The command names
        # are not translated.
        ("start", pgettext("command menu", "Join, or see your settings")),
        ("help", pgettext("command menu", "What I can do")),
        ("crisis", pgettext("command menu", "Urgent-help resources")),
        ("safetyplan", pgettext("command menu", "Your personal safety plan")),
        ("settings", pgettext("command menu", "Pseudonym, time zone, check-in time, pause")),
        ("language", pgettext("command menu", "Change the language I use")),
        ("timezone", pgettext("command menu", "Set your time zone")),
        ("checkintime", pgettext("command menu", "Set your daily check-in time")),
        ("checkin", pgettext("command menu", "Check in now: mood and confidence")),
        ("trends", pgettext("command menu", "Your mood and confidence over time")),
        ("measures", pgettext("command menu", "Questionnaires and your scores over time")),
        ("circle", pgettext("command menu", "Your peer circle")),
        ("encourage", pgettext("command menu", "Send encouragement to your circle")),
        ("ask", pgettext("command menu", "Ask your circle for support")),
        ("leave", pgettext("command menu", "Leave your circle")),
        ("newgoal", pgettext("command menu", "Set a personal goal")),
        ("goals", pgettext("command menu", "Your goals and progress")),
        ("done", pgettext("command menu", "Mark a goal done today")),
        ("journey", pgettext("command menu", "Your recovery journey and milestones")),
        ("setback", pgettext("command menu", "Record a setback, keeping your history")),
        ("pause", pgettext("command menu", "Pause check-ins and nudges")),
        ("resume", pgettext("command menu", "Start them again")),
        ("mydata", pgettext("command menu", "Download your data")),
        ("forget", pgettext("command menu", "Delete everything about you")),
        ("cancel", pgettext("command menu", "Stop what you were typing")),
    )


def modhelp() -> str:
    paragraphs = (
        # Translators: /modhelp, for moderators. Commands (/newcircle) and the words "pre",
        # "post" and "new" stay as they are: they are what moderators type. "&lt;name&gt;" is
        # "<name>" written in Telegram's HTML: translate the word between them.
        _("<b>Moderator commands</b> (here or in the moderators' chat)"),
        _(
            "<b>Circles</b>\n"
            "/newcircle &lt;name&gt;: make a circle\n"
            "/invite &lt;circle&gt;: its invite link; /invite &lt;circle&gt; new replaces it\n"
            "/revoke &lt;circle&gt;: revoke its invite link, with no new one\n"
            "/circles: every circle with its size and mode\n"
            "/circlemode &lt;circle&gt; pre|post: review messages before or after they go out\n"
            "/circlesize &lt;circle&gt; &lt;n&gt;: the most members it takes\n"
            "/announce &lt;circle&gt; &lt;text&gt;: a message from “Moderators” to a circle"
        ),
        _(
            "<b>Review</b>\n"
            "/queue: messages waiting for approval\n"
            "/reject &lt;number&gt; &lt;reason&gt;: reject one with a reason for its author\n"
            "/reports: open reports, with dismiss, delete, warn, mute and ban"
        ),
        # Translators: "Quiet Otter" is an example pseudonym: use one in your language.
        # "2h|3d|1w" are durations moderators type (hours, days, weeks) and stay as they are.
        _(
            "<b>Members</b> (by pseudonym, e.g. <code>Quiet Otter</code>)\n"
            "/warn &lt;pseudonym&gt; [reason]: a private, kind warning\n"
            "/mute &lt;pseudonym&gt; &lt;2h|3d|1w&gt; [reason], /unmute &lt;pseudonym&gt;\n"
            "/ban &lt;pseudonym&gt; [reason], /unban &lt;pseudonym or ban code&gt;\n"
            "/tell &lt;alert&gt; &lt;text&gt;: write to the member behind a crisis alert you took"
        ),
        _(
            "<b>Crisis alerts</b>\n"
            "/takeover &lt;alert&gt;: take an alert, or its conversation, from another "
            "moderator (or “Take over” on the alert)"
        ),
        _(
            "<b>Oversight</b>\n"
            "/audit [n]: the last moderator actions\n"
            "/stats: anonymised statistics per circle, with a chart\n"
            "/promote &lt;user id&gt;, /demote &lt;user id&gt;: operators only"
        ),
    )
    return "\n\n".join(paragraphs)


def moderator_commands() -> tuple[tuple[str, str], ...]:
    """Moderators' own command menu (name, description), in their private chat after the
    member commands, and in the moderators' chat without the private-only ones."""
    return (
        ("modhelp", pgettext("command menu", "Moderator commands, explained")),
        ("reports", pgettext("command menu", "Open reports")),
        ("queue", pgettext("command menu", "Messages waiting for approval")),
        ("reject", pgettext("command menu", "Reject a waiting message, with a reason")),
        ("tell", pgettext("command menu", "Write to the member behind an alert you took")),
        ("takeover", pgettext("command menu", "Take over an alert from another moderator")),
        ("warn", pgettext("command menu", "A private, kind warning")),
        ("mute", pgettext("command menu", "Pause a member's messages for a while")),
        ("unmute", pgettext("command menu", "Lift a mute")),
        ("ban", pgettext("command menu", "Ban a member")),
        ("unban", pgettext("command menu", "Lift a ban")),
        ("newcircle", pgettext("command menu", "Make a circle")),
        ("invite", pgettext("command menu", "A circle's invite link")),
        ("revoke", pgettext("command menu", "Revoke a circle's invite link")),
        ("circles", pgettext("command menu", "Every circle, its size and mode")),
        ("circlemode", pgettext("command menu", "Review a circle's messages before or after")),
        ("circlesize", pgettext("command menu", "The most members a circle takes")),
        ("announce", pgettext("command menu", "A message from Moderators to a circle")),
        ("stats", pgettext("command menu", "Anonymised statistics")),
        ("audit", pgettext("command menu", "The last moderator actions")),
    )


# Commands that only work in a private chat with the bot.
PRIVATE_ONLY_COMMANDS = frozenset({"tell"})


def operator_commands() -> tuple[tuple[str, str], ...]:
    return (
        ("promote", pgettext("command menu", "Make someone a moderator")),
        ("demote", pgettext("command menu", "Take moderation away")),
    )
