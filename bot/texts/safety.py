"""What the safety net says: to a member in a hard moment, and to the moderators."""

from __future__ import annotations

from enum import StrEnum
from html import escape

from bot.safety.lexicon import Tier
from bot.safety.places import Place
from bot.safety.rules import MAX_PLAN_PART, SafetyPlan
from bot.texts.common import clip


class Told(StrEnum):
    """Who was let know, so the member's reply can say so honestly."""

    MODERATORS = "moderators"  # a new alert in the moderators' chat
    AGAIN = "again"  # an open alert of theirs was updated
    NOBODY = "nobody"  # no moderators' chat is configured
    NOT_A_MEMBER = "not_a_member"  # nothing stored, nobody told
    FAILED = "failed"  # the database failed: nobody could be let know


# The tier of an alert the member raised themselves, asking to talk after a hard check-in:
# no crisis words were screened. It is repeated until taken, like any request for contact.
REQUEST_TIER = "request"

BUTTON_ASK_MODERATOR = "Ask a moderator to reach out"
BUTTON_TAKE = "I'll reach out"
BUTTON_RESOLVED = "Resolved"
BUTTON_NOT_A_CRISIS = "Not a crisis"
BUTTON_END_CONVERSATION = "End conversation"

_ACKNOWLEDGE = {
    Tier.URGENT: (
        "Thank you for telling me. What you wrote sounds really serious, and you deserve "
        "support right now. You don't have to go through this alone."
    ),
    Tier.CONCERN: (
        "That sounds really heavy. Thank you for saying it: you don't have to carry it alone."
    ),
}

# Who was told; for the first two it matters whether the words were private.
_TOLD_PRIVATE = {
    Told.MODERATORS: (
        "I've let a peer moderator know that you may be struggling. Your private words stay "
        "private: they don't see what you wrote."
    ),
    Told.AGAIN: (
        "The peer moderators already know you may be struggling, and I've told them again "
        "(without your private words)."
    ),
}
_TOLD = {
    Told.MODERATORS: (
        "I've let a peer moderator know, and they can see this message. They are peers, not "
        "professionals, and may take a little while to answer."
    ),
    Told.AGAIN: (
        "The peer moderators already know you may be struggling, and I've passed this message "
        "on to them too."
    ),
    Told.NOBODY: (
        "No peer moderator is set up to hear from me here, so nobody else has been told. "
        "Please use the resources above."
    ),
    Told.FAILED: (
        "Something went wrong on my side and I couldn't let a peer moderator know just now. "
        "Please use the resources above; they answer straight away."
    ),
    Told.NOT_A_MEMBER: (
        "You haven't joined peercircle, so nothing about you is stored and nobody else has "
        "been told: please use the resources above."
    ),
}


PLAN_PARTS = (
    (
        "warning_signs",
        "My warning signs",
        "What tells you a crisis may be coming? Thoughts, "
        "feelings, situations. (For example: not sleeping, pulling away from people.)",
    ),
    (
        "coping",
        "Things I can do on my own",
        "What can you do on your own to take your mind "
        "off things for a while? (A walk, music, a shower, a prayer.)",
    ),
    (
        "distractions",
        "People and places that help",
        "Which people or places help you feel "
        "a bit better, just by being around them? (A café, a friend's kitchen, a meeting.)",
    ),
    (
        "helpers",
        "People I can ask for help",
        "Who could you ask for help? Names as you like to write them: nobody else ever sees this.",
    ),
    (
        "professionals",
        "Professionals and services",
        "Which professionals or services can "
        "you contact? (Your doctor, a counsellor, a helpline, an emergency number.)",
    ),
    (
        "safe_space",
        "Making my space safer",
        "How can you make your space safer? (Asking "
        "someone to keep medication, putting things out of reach.)",
    ),
    (
        "reasons",
        "My reasons to keep going",
        "What are your reasons to keep going? The "
        "people, hopes, pets or plans that matter to you.",
    ),
)


def plan_text(plan: SafetyPlan) -> str:
    lines = ["<b>Your safety plan</b>"]
    for name, title, _ in PLAN_PARTS:
        value = plan.part(name)
        if value:
            lines.append(f"\n<b>{title}</b>\n{escape(value)}")
    return "\n".join(lines)


def crisis_reply(
    tier: Tier, place: Place, told: Told, plan: SafetyPlan | None, resources: str
) -> tuple[str, ...]:
    """Acknowledgement first, then their own plan, the resources, and who was told: one
    message, or two when a long plan and long resources would pass Telegram's limit."""
    first = [_ACKNOWLEDGE[tier]]
    if plan is not None and not plan.empty:
        first.append(plan_text(plan))
    second = [
        f"<b>If you need help right now</b>\n{escape(resources)}",
        (_TOLD_PRIVATE if place.private else _TOLD).get(told, _TOLD[told]),
    ]
    if told is Told.NOT_A_MEMBER:
        second.append("Peer support is here too, whenever you feel ready: /start.")
    elif told is not Told.FAILED:
        second.append("If you'd like a peer moderator to write to you here, press the button.")
    whole = "\n\n".join(first + second)
    if len(whole) <= MESSAGE_LIMIT:
        return (whole,)
    return "\n\n".join(first), "\n\n".join(second)


MESSAGE_LIMIT = 4096
# Room for an alert's own words around a member's text, within one Telegram message.
ALERT_TEXT_LIMIT = 3000


CONTACT_REQUESTED = "A peer moderator has been asked to reach out to you here."
NO_MODERATORS = "No peer moderator is set up here. /crisis has the resources."

_PLACES = {
    Place.NOTE: "a private check-in note",
    Place.SETBACK_NOTE: "a private setback note",
    Place.GOAL: "a private goal",
    Place.SAFETY_PLAN: "their private safety plan",
    Place.EDIT: "an edited message (kept private)",
    Place.ENCOURAGE: "encouragement to the circle (held, not sent)",
    Place.ASK: "a request for support to the circle (held, not sent)",
    Place.REPLY: "encouragement to a member (held, not sent)",
    Place.MODERATOR: "an answer to a moderator",
    Place.ONBOARDING: "a message while joining",
    Place.MESSAGE: "a message to the bot",
    Place.CAPTION: "a photo's caption",
    Place.COMMAND: "a command",
    Place.CHECKIN: "a hard check-in",
}
_CATEGORY_WORDS = {
    "intent": "intent",
    "plan_means": "plan or means",
    "preparation": "preparation",
    "self_harm": "self-harm",
    "overdose": "overdose",
    "goodbye": "goodbye",
    "passive": "passive wish to be dead",
    "hopelessness": "hopelessness or burden",
}


def place_label(source: str) -> str:
    try:
        return _PLACES[Place(source)]
    except ValueError:
        return source


def alert_text(
    alert_id: int,
    tier: str,
    circle: str | None,
    pseudonym: str,
    source: str,
    categories: str,
    text: str | None,
) -> str:
    where = f"circle <b>{escape(circle)}</b>" if circle else "no circle"
    if tier == REQUEST_TIER:
        return (
            f"🙋 <b>Request #{alert_id}</b>: {where}, <b>{escape(pseudonym)}</b> had a hard day "
            "at their check-in and asked to talk to a peer moderator. Their check-in stays "
            f'private. Press "I\'ll reach out", then /tell {alert_id}.'
        )
    signs = ", ".join(_CATEGORY_WORDS.get(c, c) for c in categories.split(",") if c)
    head = (
        f"🆘 <b>Urgent crisis alert #{alert_id}</b>"
        if tier == Tier.URGENT
        else f"💛 <b>Concern #{alert_id}</b>"
    )
    body = (
        f"\n\n{escape(clip(text, ALERT_TEXT_LIMIT))}"
        if text is not None
        else "\n\n(Their words stay private; reach out and ask how they are.)"
    )
    # The kind of signs would hint at what a private note says: only with shared words.
    what = f" Signs: {signs}." if signs and text is not None else ""
    return (
        f"{head}: {where}, <b>{escape(pseudonym)}</b>, in {place_label(source)}.{what} "
        f"They got the crisis resources.{body}"
    )


def follow_up_text(alert_id: int, tier: str, pseudonym: str, source: str, text: str | None) -> str:
    level = "urgent" if tier == Tier.URGENT else "concern"  # a request is escalated first
    body = f"\n\n{escape(clip(text, ALERT_TEXT_LIMIT))}" if text is not None else ""
    return (
        f"↪️ <b>Alert #{alert_id}</b> ({level}): <b>{escape(pseudonym)}</b> wrote again, in "
        f"{place_label(source)}.{body}"
    )


def contact_requested_text(alert_id: int, pseudonym: str) -> str:
    return (
        f"🙋 <b>{escape(pseudonym)}</b> asked for a peer moderator to reach out (alert "
        f'#{alert_id}). Press "I\'ll reach out" on the alert, then /tell {alert_id}.'
    )


def false_alarm_text(original: str, name: str, at: str) -> str:
    return f"{original}\n\n☑️ Marked not a crisis by {escape(name)} at {at} UTC."


THREAD_NOTICE = (
    "Your messages here now go to the moderator who wrote to you, until one of you ends the "
    "conversation."
)
THREAD_ENDED_MEMBER = "The conversation with the moderator has ended. /crisis is always here."
THREAD_ENDED_MODERATOR = "The conversation for alert #{alert_id} has ended."
THREAD_ENDED_BY_MEMBER = "{pseudonym} ended the conversation (alert #{alert_id})."

CIRCLE_NOTICE = (
    "Someone in your circle is going through a very hard time right now. A few kind words "
    "can mean a lot."
)
RELAY_HELD_FOR_CARE = (
    "I haven't passed your words on. Your circle has been told, without your name, that "
    "someone is going through a very hard time; any encouragement they send comes to you "
    "here."
)
RELAY_HELD_NOT_SENT = "I haven't passed your words on to anyone."


# -- /safetyplan ----------------------------------------------------------------------------

PLAN_INTRO = (
    "A safety plan is a short list, in your own words, of what helps when things get very "
    "hard. It is private: nobody else ever sees it. If something you write to me ever "
    "sounds like a crisis, I'll show you your plan first.\n\nSeven short questions; skip "
    "any of them. /cancel keeps nothing new."
)
PLAN_SAVED = (
    "Your safety plan is saved. It's here whenever you need it with /safetyplan, and I'll "
    "show it to you first if things ever get really hard."
)
PLAN_EMPTY = "Nothing was written, so there's no plan saved. /safetyplan whenever you like."
PLAN_CANCELLED = "Okay, nothing new was kept. Your plan is as it was."
PLAN_DELETE_CONFIRM = "Delete your safety plan for good?"
PLAN_DELETED = "Your safety plan is deleted. /safetyplan to write a new one any time."
PLAN_KEPT = "Your plan is kept as it is."
PLAN_PAUSED = (
    "I've kept your safety plan as it was. We can come back to your safety plan whenever "
    "you're ready: /safetyplan."
)
BUTTON_EDIT_PLAN = "Edit my plan"
BUTTON_DELETE_PLAN = "Delete it"
BUTTON_KEEP_PART = "Keep as it is"
BUTTON_CLEAR_PART = "Clear it"
BUTTON_SKIP_PART = "Skip"
BUTTON_CONFIRM_DELETE_PLAN = "Yes, delete it"
BUTTON_KEEP_PLAN = "No, keep it"


def plan_part_too_long(length: int) -> str:
    return (
        f"That's {length} characters; each part holds up to {MAX_PLAN_PART}, so it stays "
        "quick to read on a hard day. Could you write a shorter version? Your message is "
        "still above to copy from, and the question is still open."
    )


def plan_question(index: int, current: str | None) -> str:
    """One question of /safetyplan, with what the plan says now when it says something."""
    _, title, question = PLAN_PARTS[index]
    text = f"<b>{index + 1}/{len(PLAN_PARTS)} · {title}</b>\n{question}"
    if current:
        text += f"\n\n<i>Now:</i> {escape(current)}"
    return text


def plan_saved(plan: SafetyPlan) -> str:
    return f"{plan_text(plan)}\n\n{PLAN_SAVED}"
