"""What the bot says it can do: /help and the command menu."""

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
