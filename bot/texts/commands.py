"""What the bot says it can do: /help, /modhelp and the command menus."""

from __future__ import annotations

HELP = (
    "<b>peercircle</b> is peer support for recovery: a daily check-in, your own progress, "
    "and encouragement from peers who know the road.\n\n"
    "<b>Daily</b>\n"
    "/checkin: how today is going, mood and confidence (/checkin yesterday: a day you "
    "missed)\n"
    "/trends: your chart over time\n\n"
    "<b>Circle</b>\n"
    "/circle: your peer circle; /leave leaves it\n"
    "/encourage: kind words to your circle\n"
    "/ask: ask your circle for support\n\n"
    "<b>Goals and journey</b>\n"
    "/newgoal, /goals, /done: small goals, with nudges\n"
    "/journey, /setback: your recovery journey and milestones\n\n"
    "<b>Account</b>\n"
    "/settings: pseudonym, reminders, pause (or /start)\n"
    "/timezone &lt;city&gt;, /checkintime &lt;HH:MM&gt;: your zone and check-in time\n"
    "/pause, /resume: a break from prompts and nudges\n"
    "/mydata: a copy of everything stored about you\n"
    "/forget: delete all of it\n"
    "/cancel: stop what you were typing\n\n"
    "<b>Urgent help</b>\n"
    "/crisis: helplines, right now\n"
    "/safetyplan: your own plan for hard moments\n"
    "peercircle is peer support, not a medical or crisis service."
)
HELP_FOR_MODERATORS = "\n\n<b>Moderators</b>\n/modhelp: your commands, also in the menu"


def help_text(moderator: bool) -> str:
    return HELP + HELP_FOR_MODERATORS if moderator else HELP


# The command menu registered with set_my_commands (name, description).
MEMBER_COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Join, or see your settings"),
    ("help", "What I can do"),
    ("crisis", "Urgent-help resources"),
    ("safetyplan", "Your personal safety plan"),
    ("settings", "Pseudonym, time zone, check-in time, pause"),
    ("timezone", "Set your time zone"),
    ("checkintime", "Set your daily check-in time"),
    ("checkin", "Check in now: mood and confidence"),
    ("trends", "Your mood and confidence over time"),
    ("circle", "Your peer circle"),
    ("encourage", "Send encouragement to your circle"),
    ("ask", "Ask your circle for support"),
    ("leave", "Leave your circle"),
    ("newgoal", "Set a personal goal"),
    ("goals", "Your goals and progress"),
    ("done", "Mark a goal done today"),
    ("journey", "Your recovery journey and milestones"),
    ("setback", "Record a setback, keeping your history"),
    ("pause", "Pause check-ins and nudges"),
    ("resume", "Start them again"),
    ("mydata", "Download your data"),
    ("forget", "Delete everything about you"),
    ("cancel", "Stop what you were typing"),
)
MODHELP = (
    "<b>Moderator commands</b> (here or in the moderators' chat)\n\n"
    "<b>Circles</b>\n"
    "/newcircle &lt;name&gt;: make a circle\n"
    "/invite &lt;circle&gt;: its invite link\n"
    "/circles: every circle with its size and mode\n"
    "/circlemode &lt;circle&gt; pre|post: review messages before or after they go out\n"
    "/circlesize &lt;circle&gt; &lt;n&gt;: the most members it takes\n"
    "/announce &lt;circle&gt; &lt;text&gt;: a message from “Moderators” to a circle\n\n"
    "<b>Review</b>\n"
    "/queue: messages waiting for approval\n"
    "/reject &lt;number&gt; &lt;reason&gt;: reject one with a reason for its author\n"
    "/reports: open reports, with dismiss, delete, warn, mute and ban\n\n"
    "<b>Members</b> (by pseudonym, e.g. <code>Quiet Otter</code>)\n"
    "/warn &lt;pseudonym&gt; [reason]: a private, kind warning\n"
    "/mute &lt;pseudonym&gt; &lt;2h|3d|1w&gt; [reason], /unmute &lt;pseudonym&gt;\n"
    "/ban &lt;pseudonym&gt; [reason], /unban &lt;pseudonym or ban code&gt;\n"
    "/tell &lt;alert&gt; &lt;text&gt;: write to the member behind a crisis alert you took\n\n"
    "<b>Oversight</b>\n"
    "/audit [n]: the last moderator actions\n"
    "/stats: anonymised statistics per circle, with a chart\n"
    "/promote &lt;user id&gt;, /demote &lt;user id&gt;: operators only"
)
# Moderators' own command menu (name, description), in their private chat after the member
# commands, and in the moderators' chat without the private-only ones.
MODERATOR_COMMANDS: tuple[tuple[str, str], ...] = (
    ("modhelp", "Moderator commands, explained"),
    ("reports", "Open reports"),
    ("queue", "Messages waiting for approval"),
    ("reject", "Reject a waiting message, with a reason"),
    ("tell", "Write to the member behind an alert you took"),
    ("warn", "A private, kind warning"),
    ("mute", "Pause a member's messages for a while"),
    ("unmute", "Lift a mute"),
    ("ban", "Ban a member"),
    ("unban", "Lift a ban"),
    ("newcircle", "Make a circle"),
    ("invite", "A circle's invite link"),
    ("circles", "Every circle, its size and mode"),
    ("circlemode", "Review a circle's messages before or after"),
    ("circlesize", "The most members a circle takes"),
    ("announce", "A message from Moderators to a circle"),
    ("stats", "Anonymised statistics"),
    ("audit", "The last moderator actions"),
)
# Commands that only work in a private chat with the bot.
PRIVATE_ONLY_COMMANDS = frozenset({"tell"})
OPERATOR_COMMANDS: tuple[tuple[str, str], ...] = (
    ("promote", "Make someone a moderator"),
    ("demote", "Take moderation away"),
)
