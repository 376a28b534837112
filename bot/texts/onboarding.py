"""The first run: the notice, consent, the pseudonym, and the end of setting up."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.texts.common import member_time

BUTTON_AGREE = "✅ I agree"
BUTTON_NOT_NOW = "Not now"
BUTTON_KEEP_PSEUDONYM = "Keep “{pseudonym}”"
BUTTON_REDRAW = "🎲 Draw another"


def welcome(crisis_resources: str) -> str:
    return (
        "<b>Welcome to peercircle.</b> 🌱\n\n"
        "This is peer support among people in recovery from mental-health or substance-use "
        "problems: a daily check-in of your mood and confidence, your own progress over "
        "time, personal goals, and anonymous encouragement in a small circle of peers.\n\n"
        "<b>What it is not:</b> peercircle is not a medical, therapy or crisis service, and "
        "nobody here is a professional.\n\n"
        f"<b>If you need urgent help:</b>\n{escape(crisis_resources)}\n\n"
        "<b>What is stored:</b> your Telegram user id (so the bot can write to you), a "
        "pseudonym, your time zone and check-in time, and what you choose to give "
        "(check-ins, notes, goals). Other members only ever see your pseudonym, never your "
        "name, username or id. Your notes are seen by nobody but you. You can download "
        "everything with /mydata and delete it for good with /forget.\n\n"
        "<b>If something you write sounds like a crisis</b> (a note included), I answer at "
        "once with support and let a peer moderator know. From a note they never see your "
        "words, only that you may need someone.\n\n"
        "Nothing about you is stored until you agree."
    )


NOT_NOW = (
    "That's completely fine. Nothing about you has been stored. "
    "Whenever you feel ready, send /start."
)
AGREED_STAMP = "\n\n<i>You agreed on {date}.</i>"


def pseudonym_offer(pseudonym: str) -> str:
    return (
        "Thank you for joining. 💚\n\n"
        f"In peercircle you will be <b>{escape(pseudonym)}</b>. Other members see only this "
        "name. Keep it, or draw another."
    )


def pseudonym_redrawn(pseudonym: str) -> str:
    return f"How about <b>{escape(pseudonym)}</b>? Keep it, or draw another."


PSEUDONYM_USE_BUTTONS = "Please use the buttons above to keep your pseudonym or draw another."
CONTINUE_ONBOARDING = "Let's finish setting up first. "
PSEUDONYM_CHANGED = "Your pseudonym is now <b>{pseudonym}</b>."
NOTICE_CHANGED = (
    "<b>A change in how peercircle looks after you</b>\n\n"
    "If something you write here sounds like a crisis, a note included, I now answer at "
    "once with support and let a peer moderator know. From a private note they never see "
    "your words, only that you may need someone. Your notes stay private.\n\n"
    "/safetyplan lets you write down what helps on a hard day; I'll show it to you first "
    "if things get really hard."
)


def onboarding_done(pseudonym: str, checkin_time: str, timezone: str) -> str:
    return (
        f"You're all set, <b>{escape(pseudonym)}</b>. 🌿\n\n"
        f"I'll check in with you every day at <b>{escape(checkin_time)}</b> "
        f"({escape(timezone)}). "
        "/checkin works any time, /settings changes things, /help shows everything, "
        "and /crisis has urgent-help resources.\n\n"
        "When you feel ready, /safetyplan helps you write down what helps on a hard day."
    )


def welcome_back(pseudonym: str, summary: str) -> str:
    """Welcome back, above the member's settings (account.settings_summary)."""
    return f"Welcome back, <b>{escape(pseudonym)}</b>. 💚\n\n" + summary


def agreed_stamp(moment: datetime, zone: str) -> str:
    # Said before the member picks a zone: the default one is named, to be honest about it.
    return AGREED_STAMP.format(date=f"{member_time(moment, zone)} ({escape(zone)})")
