"""The first run: the notice, consent, the pseudonym, and the end of setting up."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.i18n import _, pgettext
from bot.texts.common import member_time


def button_agree() -> str:
    # Translators: the button that gives consent under the notice.
    return _("✅ I agree")


def button_not_now() -> str:
    # Translators: the button under the notice for someone not ready to join.
    return pgettext("consent button", "Not now")


def button_keep_pseudonym(pseudonym: str) -> str:
    # Translators: a button; {pseudonym} is the member's two-word nickname ("Quiet Otter").
    return _("Keep “{pseudonym}”").format(pseudonym=pseudonym)


def button_redraw() -> str:
    # Translators: a button that draws another random pseudonym.
    return _("🎲 Draw another")


def welcome(crisis_resources: str) -> str:
    return "\n\n".join(
        (
            _("<b>Welcome to peercircle.</b> 🌱"),
            _(
                "This is peer support among people in recovery from mental-health or "
                "substance-use problems: a daily check-in of your mood and confidence, your "
                "own progress over time, personal goals, and anonymous encouragement in a "
                "small circle of peers."
            ),
            _(
                "<b>What it is not:</b> peercircle is not a medical, therapy or crisis "
                "service, and nobody here is a professional."
            ),
            # Translators: {resources} are the helplines the operator configured.
            _("<b>If you need urgent help:</b>\n{resources}").format(
                resources=escape(crisis_resources)
            ),
            _(
                "<b>What is stored:</b> your Telegram user id (so the bot can write to you), a "
                "pseudonym, your time zone and check-in time, and what you choose to give "
                "(check-ins, notes, goals). Other members only ever see your pseudonym, never "
                "your name, username or id. Your notes are seen by nobody but you. You can "
                "download everything with /mydata and delete it for good with /forget."
            ),
            _(
                "<b>If something you write sounds like a crisis</b> (a note included), I "
                "answer at once with support and let a peer moderator know. From a note they "
                "never see your words, only that you may need someone."
            ),
            _("Nothing about you is stored until you agree."),
        )
    )


def not_now() -> str:
    return _(
        "That's completely fine. Nothing about you has been stored. "
        "Whenever you feel ready, send /start."
    )


def pseudonym_offer(pseudonym: str) -> str:
    offer = _(
        "In peercircle you will be <b>{pseudonym}</b>. Other members see only this name. "
        "Keep it, or draw another."
    ).format(pseudonym=escape(pseudonym))
    return _("Thank you for joining. 💚") + "\n\n" + offer


def pseudonym_redrawn(pseudonym: str) -> str:
    # Translators: {pseudonym} is a newly drawn two-word nickname ("Quiet Otter").
    return _("How about <b>{pseudonym}</b>? Keep it, or draw another.").format(
        pseudonym=escape(pseudonym)
    )


def pseudonym_use_buttons() -> str:
    return _("Please use the buttons above to keep your pseudonym or draw another.")


def continue_onboarding() -> str:
    return _("Let's finish setting up first.") + " "


def pseudonym_changed(pseudonym: str) -> str:
    return _("Your pseudonym is now <b>{pseudonym}</b>.").format(pseudonym=escape(pseudonym))


def notice_changed() -> str:
    """Once, to a member who agreed to an older notice: what changed."""
    return "\n\n".join(
        (
            _("<b>A change in how peercircle looks after you</b>"),
            _(
                "If something you write here sounds like a crisis, a note included, I now "
                "answer at once with support and let a peer moderator know. From a private "
                "note they never see your words, only that you may need someone. Your notes "
                "stay private."
            ),
            _(
                "/safetyplan lets you write down what helps on a hard day; I'll show it to you "
                "first if things get really hard."
            ),
        )
    )


def onboarding_done(pseudonym: str, checkin_time: str, timezone: str) -> str:
    return "\n\n".join(
        (
            _("You're all set, <b>{pseudonym}</b>. 🌿").format(pseudonym=escape(pseudonym)),
            # Translators: {time} is the daily check-in time ("18:00"), {timezone} the
            # member's time zone ("Europe/Madrid").
            _(
                "I'll check in with you every day at <b>{time}</b> ({timezone}). /checkin "
                "works any time, /settings changes things, /help shows everything, and "
                "/crisis has urgent-help resources."
            ).format(time=escape(checkin_time), timezone=escape(timezone)),
            _("When you feel ready, /safetyplan helps you write down what helps on a hard day."),
        )
    )


def welcome_back(pseudonym: str, summary: str) -> str:
    """Welcome back, above the member's settings (account.settings_summary)."""
    greeting = _("Welcome back, <b>{pseudonym}</b>. 💚").format(pseudonym=escape(pseudonym))
    return greeting + "\n\n" + summary


def agreed_stamp(moment: datetime, zone: str) -> str:
    """Under the notice once agreed; said before the member picks a zone, so the default
    one is named, to be honest about it."""
    # Translators: {date} is a day and time ("Thu 05 Mar 2026 at 18:00"), {zone} a time
    # zone ("Europe/London").
    stamp = _("<i>You agreed on {date} ({zone}).</i>").format(
        date=member_time(moment, zone), zone=escape(zone)
    )
    return "\n\n" + stamp
