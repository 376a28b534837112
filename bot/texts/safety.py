"""What the safety net says: to a member in a hard moment, and to the moderators."""

from __future__ import annotations

from enum import StrEnum
from html import escape

from bot.i18n import N_, _, ngettext, pgettext
from bot.safety.lexicon import Tier
from bot.safety.places import Place
from bot.safety.rules import MAX_PLAN_PART, SafetyPlan
from bot.texts import fit
from bot.texts.common import clip, help_right_now


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


def button_ask_moderator() -> str:
    # Translators: a button under the crisis reply, for a person in crisis; keep it short.
    return _("Ask a moderator to reach out")


def button_take() -> str:
    # Translators: a button on a crisis alert in the moderators' chat: "I'll take this one".
    # The alerts quote it ("Press "I'll reach out""): use the same words there.
    return _("I'll reach out")


def button_resolved() -> str:
    return pgettext("alert button", "Resolved")


def button_not_a_crisis() -> str:
    return pgettext("alert button", "Not a crisis")


def button_read_whole() -> str:
    # Translators: a button on a crisis alert whose member's words were too long to show
    # whole: it sends every word to the moderators' chat.
    return _("Read the whole message")


def shortened_in_alert(text: str) -> bool:
    """True when an alert shows only an excerpt of `text` (and so offers the whole)."""
    return fit.units(text) > ALERT_TEXT_LIMIT


def button_end_conversation() -> str:
    return _("End conversation")


_ACKNOWLEDGE = {
    # Translators: the first words of the reply to a person whose message sounds like a
    # crisis; keep it warm and short.
    Tier.URGENT: N_(
        "Thank you for telling me. What you wrote sounds really serious, and you deserve "
        "support right now. You don't have to go through this alone."
    ),
    # Translators: the first words of the reply to a person whose message sounds very heavy
    # (a concern, less than a crisis); keep it warm and short.
    Tier.CONCERN: N_(
        "That sounds really heavy. Thank you for saying it: you don't have to carry it alone."
    ),
}

# Translators: the first words of the reply to a person who forwarded a message whose
# words sound like a crisis: they may be theirs or someone else's; keep it warm and short.
# Translators: the first words of the reply when the bot is unsure whether a message is
# about a crisis (it may be everyday talk); keep it warm, short and humble.
_ACKNOWLEDGE_UNSURE = N_(
    "Thank you for writing. I might be reading this wrong, and if so, I'm sorry. But if "
    "things are hard right now, you don't have to carry it alone."
)

_ACKNOWLEDGE_FORWARD = N_(
    "If this is about you, or someone you know, thank you for showing me. Words like these "
    "deserve care, and you don't have to handle them alone: the people below can help, "
    "whoever they are about."
)

# Who was told; for the first two it matters whether the words were private.
_TOLD_PRIVATE = {
    # Translators: in the reply to a person in crisis, after the helplines: who was told.
    Told.MODERATORS: N_(
        "I've let a peer moderator know that you may be struggling. Your private words stay "
        "private: they don't see what you wrote."
    ),
    Told.AGAIN: N_(
        "The peer moderators already know you may be struggling, and I've told them again "
        "(without your private words)."
    ),
}
_TOLD = {
    Told.MODERATORS: N_(
        "I've let a peer moderator know, and they can see this message. They are peers, not "
        "professionals, and may take a little while to answer."
    ),
    Told.AGAIN: N_(
        "The peer moderators already know you may be struggling, and I've passed this message "
        "on to them too."
    ),
    Told.NOBODY: N_(
        "No peer moderator is set up to hear from me here, so nobody else has been told. "
        "Please use the resources above."
    ),
    Told.FAILED: N_(
        "Something went wrong on my side and I couldn't let a peer moderator know just now. "
        "Please use the resources above; they answer straight away."
    ),
    Told.NOT_A_MEMBER: N_(
        "You haven't joined peercircle, so nothing about you is stored and nobody else has "
        "been told: please use the resources above."
    ),
}


# The parts of the safety plan: (name in storage, title, question), translated where used.
PLAN_PARTS = (
    (
        "warning_signs",
        # Translators: the safety plan's part titles are headings, in the member's own
        # voice ("My warning signs"); each question below its title is asked when they
        # write their plan.
        N_("My warning signs"),
        N_(
            "What tells you a crisis may be coming? Thoughts, "
            "feelings, situations. (For example: not sleeping, pulling away from people.)"
        ),
    ),
    (
        "coping",
        N_("Things I can do on my own"),
        N_(
            "What can you do on your own to take your mind "
            "off things for a while? (A walk, music, a shower, a prayer.)"
        ),
    ),
    (
        "distractions",
        N_("People and places that help"),
        N_(
            "Which people or places help you feel "
            "a bit better, just by being around them? (A café, a friend's kitchen, a meeting.)"
        ),
    ),
    (
        "helpers",
        N_("People I can ask for help"),
        N_(
            "Who could you ask for help? Names as you like to write them: nobody else ever "
            "sees this."
        ),
    ),
    (
        "professionals",
        N_("Professionals and services"),
        N_(
            "Which professionals or services can "
            "you contact? (Your doctor, a counsellor, a helpline, an emergency number.)"
        ),
    ),
    (
        "safe_space",
        N_("Making my space safer"),
        N_(
            "How can you make your space safer? (Asking "
            "someone to keep medication, putting things out of reach.)"
        ),
    ),
    (
        "reasons",
        N_("My reasons to keep going"),
        N_(
            "What are your reasons to keep going? The "
            "people, hopes, pets or plans that matter to you."
        ),
    ),
)


def plan_text(plan: SafetyPlan) -> str:
    lines = [_("<b>Your safety plan</b>")]
    for name, title, _question in PLAN_PARTS:
        value = plan.part(name)
        if value:
            lines.append(f"\n<b>{escape(_(title))}</b>\n{escape(value)}")
    return "\n".join(lines)


def crisis_reply(
    tier: Tier,
    place: Place,
    told: Told,
    plan: SafetyPlan | None,
    resources: str,
    unsure: bool = False,
) -> tuple[str, ...]:
    """Acknowledgement first (a humble one when the screen is unsure), then their own plan,
    the resources, and who was told: one message, or two when a long plan and long
    resources would pass Telegram's limit."""
    if place is Place.FORWARD:
        acknowledge = _ACKNOWLEDGE_FORWARD
    else:
        acknowledge = _ACKNOWLEDGE_UNSURE if unsure else _ACKNOWLEDGE[tier]
    first = [_(acknowledge)]
    if plan is not None and not plan.empty:
        first.append(plan_text(plan))
    second = [
        help_right_now() + "\n" + escape(resources),
        _((_TOLD_PRIVATE if place.private else _TOLD).get(told, _TOLD[told])),
    ]
    if told is Told.NOT_A_MEMBER:
        second.append(_("Peer support is here too, whenever you feel ready: /start."))
    elif told is not Told.FAILED:
        second.append(_("If you'd like a peer moderator to write to you here, press the button."))
    whole = "\n\n".join(first + second)
    if fit.fits(whole):
        return (whole,)
    return "\n\n".join(first), "\n\n".join(second)


# Room for an alert's own words around a member's text, within one Telegram message.
ALERT_TEXT_LIMIT = 3000


def button_talk() -> str:
    return _("Talk to a moderator")


def talk_requested() -> str:
    return _(
        "I've asked a peer moderator to write to you here. They are peers, not professionals, "
        "and it may take a little while. If you need someone sooner, /crisis has people who "
        "answer straight away."
    )


def contact_requested() -> str:
    return _("A peer moderator has been asked to reach out to you here.")


def no_moderators() -> str:
    return _("No peer moderator is set up here. /crisis has the resources.")


# Where an alert's words were written, as the moderators' alert says it ("..., in a command").
_PLACES = {
    # Translators: where a member wrote the words an alert in the moderators' chat is
    # about, with its preposition: "..., Quiet Otter, in a private check-in note."
    Place.NOTE: N_("in a private check-in note"),
    Place.SETBACK_NOTE: N_("in a private setback note"),
    Place.GOAL: N_("in a private goal"),
    Place.SAFETY_PLAN: N_("in their private safety plan"),
    Place.EDIT: N_("in an edited message (kept private)"),
    Place.ENCOURAGE: N_("in encouragement to the circle (held, not sent)"),
    Place.ASK: N_("in a request for support to the circle (held, not sent)"),
    Place.REPLY: N_("in encouragement to a member (held, not sent)"),
    Place.MODERATOR: N_("in an answer to a moderator"),
    Place.ONBOARDING: N_("in a message while joining"),
    Place.MESSAGE: N_("in a message to the bot"),
    Place.CAPTION: N_("in a photo's caption"),
    Place.FORWARD: N_("in a forwarded message (maybe someone else's words)"),
    Place.COMMAND: N_("in a command"),
    Place.CHECKIN: N_("in a hard check-in"),
}
_CATEGORY_WORDS = {
    # Translators: the kinds of crisis signs an alert lists for moderators ("Signs: intent,
    # plan or means.").
    "intent": N_("intent"),
    "plan_means": N_("plan or means"),
    "preparation": N_("preparation"),
    "self_harm": N_("self-harm"),
    "overdose": N_("overdose"),
    "goodbye": N_("goodbye"),
    "passive": N_("passive wish to be dead"),
    "hopelessness": N_("hopelessness or burden"),
}


def in_place(source: str) -> str:
    """Where an alert's words were written, with its preposition: "in a command"."""
    try:
        return _(_PLACES[Place(source)])
    except ValueError:
        # Translators: {place} is the name of a place the bot does not know any more.
        return _("in {place}").format(place=source)


def alert_text(
    alert_id: int,
    tier: str,
    circle: str | None,
    pseudonym: str,
    source: str,
    categories: str,
    text: str | None,
) -> str:
    if tier == REQUEST_TIER:
        return _request_text(alert_id, circle, pseudonym, source)
    if tier == Tier.URGENT:
        # Translators: the title of a crisis alert in the moderators' chat.
        head = _("🆘 <b>Urgent crisis alert #{alert_id}</b>").format(alert_id=alert_id)
    else:
        # Translators: the title of an alert in the moderators' chat for words that sound
        # very heavy (less than a crisis).
        head = _("💛 <b>Concern #{alert_id}</b>").format(alert_id=alert_id)
    where = in_place(source)
    if circle:
        # Translators: {alert} is the alert's title ("🆘 Urgent crisis alert #12"), {circle}
        # the circle's name, {pseudonym} a member's two-word nickname, {place} where they
        # wrote ("in a private check-in note").
        line = _("{alert}: circle <b>{circle}</b>, <b>{pseudonym}</b>, {place}.").format(
            alert=head, circle=escape(circle), pseudonym=escape(pseudonym), place=where
        )
    else:
        # Translators: as above, for a member who is in no circle.
        line = _("{alert}: no circle, <b>{pseudonym}</b>, {place}.").format(
            alert=head, pseudonym=escape(pseudonym), place=where
        )
    sentences = [line]
    signs = ", ".join(
        _(_CATEGORY_WORDS[c]) if c in _CATEGORY_WORDS else c for c in categories.split(",") if c
    )
    # The kind of signs would hint at what a private note says: only with shared words.
    if signs and text is not None:
        sentences.append(_("Signs: {signs}.").format(signs=signs))
    elif text is not None:
        sentences.append(guessed_text())
    sentences.append(_("They got the crisis resources."))
    body = (
        escape(clip(text, ALERT_TEXT_LIMIT))
        if text is not None
        else _("(Their words stay private; reach out and ask how they are.)")
    )
    return " ".join(sentences) + "\n\n" + body


def _request_text(alert_id: int, circle: str | None, pseudonym: str, source: str) -> str:
    """A member's own request to talk: after a hard check-in, or under the reply to a
    message the bot did not understand."""
    if source == Place.MESSAGE:
        return _message_request_text(alert_id, circle, pseudonym)
    if circle:
        # Translators: to the moderators' chat. "I'll reach out" is the alert's button, in
        # your words for it; /tell is a command and stays as it is.
        return _(
            "🙋 <b>Request #{alert_id}</b>: circle <b>{circle}</b>, <b>{pseudonym}</b> had a "
            "hard day at their check-in and asked to talk to a peer moderator. Their "
            'check-in stays private. Press "I\'ll reach out", then /tell {alert_id}.'
        ).format(alert_id=alert_id, circle=escape(circle), pseudonym=escape(pseudonym))
    # Translators: as above, for a member who is in no circle.
    return _(
        "🙋 <b>Request #{alert_id}</b>: no circle, <b>{pseudonym}</b> had a hard day at their "
        "check-in and asked to talk to a peer moderator. Their check-in stays private. "
        'Press "I\'ll reach out", then /tell {alert_id}.'
    ).format(alert_id=alert_id, pseudonym=escape(pseudonym))


def _message_request_text(alert_id: int, circle: str | None, pseudonym: str) -> str:
    if circle:
        # Translators: to the moderators' chat. "I'll reach out" is the alert's button, in
        # your words for it; /tell is a command and stays as it is.
        return _(
            "🙋 <b>Request #{alert_id}</b>: circle <b>{circle}</b>, <b>{pseudonym}</b> wrote "
            "something the bot did not understand and asked to talk to a peer moderator. "
            'Press "I\'ll reach out", then /tell {alert_id}.'
        ).format(alert_id=alert_id, circle=escape(circle), pseudonym=escape(pseudonym))
    # Translators: as above, for a member who is in no circle.
    return _(
        "🙋 <b>Request #{alert_id}</b>: no circle, <b>{pseudonym}</b> wrote something the bot "
        "did not understand and asked to talk to a peer moderator. "
        'Press "I\'ll reach out", then /tell {alert_id}.'
    ).format(alert_id=alert_id, pseudonym=escape(pseudonym))


def guessed_text() -> str:
    # Translators: in an alert whose words matched no listed crisis phrase: the bot's
    # word-count model guessed (bot.safety.backstop), so the moderator reads them.
    return _("No listed phrase: the bot guessed from the words, so read them.")


def follow_up_text(
    alert_id: int,
    tier: str,
    pseudonym: str,
    source: str,
    text: str | None,
    guessed: bool = False,
) -> str:
    # A request is escalated first, so it is urgent or a concern here.
    if tier == Tier.URGENT:
        # Translators: to the moderators' chat, when a member with an open alert writes
        # crisis words again; {place} is where ("in a private check-in note").
        line = _("↪️ <b>Alert #{alert_id}</b> (urgent): <b>{pseudonym}</b> wrote again, {place}.")
    else:
        # Translators: as above, for an alert that is a concern (less than a crisis).
        line = _("↪️ <b>Alert #{alert_id}</b> (concern): <b>{pseudonym}</b> wrote again, {place}.")
    line = line.format(alert_id=alert_id, pseudonym=escape(pseudonym), place=in_place(source))
    if guessed and text is not None:
        line += " " + guessed_text()
    # Every word (nothing stores a follow-up's words for a "Read the whole message" later):
    # the last step before Telegram splits a long one into several messages.
    body = f"\n\n{escape(text)}" if text is not None else ""
    return line + body


def contact_requested_text(alert_id: int, pseudonym: str) -> str:
    # Translators: to the moderators' chat. "I'll reach out" is the alert's button, in your
    # words for it; /tell is a command and stays as it is.
    return _(
        "🙋 <b>{pseudonym}</b> asked for a peer moderator to reach out (alert "
        '#{alert_id}). Press "I\'ll reach out" on the alert, then /tell {alert_id}.'
    ).format(pseudonym=escape(pseudonym), alert_id=alert_id)


def false_alarm_text(original: str, name: str, at: str) -> str:
    # Translators: added under an alert a moderator closed; {name} is the moderator's first
    # name, {time} a time such as "18:00".
    closed = _("☑️ Marked not a crisis by {name} at {time} UTC.").format(name=escape(name), time=at)
    return f"{original}\n\n{closed}"


def thread_notice() -> str:
    return _(
        "Your messages here now go to the moderator who wrote to you, until one of you ends "
        "the conversation."
    )


def thread_ended_member() -> str:
    return _("The conversation with the moderator has ended. /crisis is always here.")


def thread_ended_moderator(alert_id: int) -> str:
    return _("The conversation for alert #{alert_id} has ended.").format(alert_id=alert_id)


def thread_ended_by_member(pseudonym: str, alert_id: int) -> str:
    """Plain text (sent without HTML)."""
    # Translators: plain text, to a moderator; {pseudonym} is a member's two-word nickname.
    return _("{pseudonym} ended the conversation (alert #{alert_id}).").format(
        pseudonym=pseudonym, alert_id=alert_id
    )


def circle_notice() -> str:
    # Translators: sent to a circle, without a name, when one of its members wrote words
    # that sound like a crisis.
    return _(
        "Someone in your circle is going through a very hard time right now. A few kind "
        "words can mean a lot."
    )


def relay_held_for_care() -> str:
    return _(
        "I haven't passed your words on. Your circle has been told, without your name, that "
        "someone is going through a very hard time; any encouragement they send comes to you "
        "here."
    )


def relay_held_not_sent() -> str:
    return _("I haven't passed your words on to anyone.")


# -- /safetyplan ----------------------------------------------------------------------------


def plan_intro() -> str:
    return "\n\n".join(
        (
            _(
                "A safety plan is a short list, in your own words, of what helps when things "
                "get very hard. It is private: nobody else ever sees it. If something you "
                "write to me ever sounds like a crisis, I'll show you your plan first."
            ),
            _("Seven short questions; skip any of them. /cancel keeps nothing new."),
        )
    )


def plan_empty() -> str:
    return _("Nothing was written, so there's no plan saved. /safetyplan whenever you like.")


def plan_cancelled() -> str:
    return _("Okay, nothing new was kept. Your plan is as it was.")


def plan_delete_confirm() -> str:
    return _("Delete your safety plan for good?")


def plan_deleted() -> str:
    return _("Your safety plan is deleted. /safetyplan to write a new one any time.")


def plan_kept() -> str:
    return _("Your plan is kept as it is.")


def plan_paused() -> str:
    return _(
        "I've kept your safety plan as it was. We can come back to your safety plan whenever "
        "you're ready: /safetyplan."
    )


def button_edit_plan() -> str:
    return _("Edit my plan")


def button_delete_plan() -> str:
    # Translators: a button under the member's safety plan.
    return pgettext("safety plan button", "Delete it")


def button_keep_part() -> str:
    # Translators: a button under a safety-plan question that already has an answer.
    return pgettext("safety plan button", "Keep as it is")


def button_clear_part() -> str:
    # Translators: a button under a safety-plan question: empty this part.
    return pgettext("safety plan button", "Clear it")


def button_skip_part() -> str:
    # Translators: a button under a safety-plan question: go on without answering it.
    return pgettext("safety plan question", "Skip")


def button_confirm_delete_plan() -> str:
    return pgettext("safety plan button", "Yes, delete it")


def button_keep_plan() -> str:
    return pgettext("safety plan button", "No, keep it")


def plan_part_too_long(length: int) -> str:
    # Translators: {count} is the length of what the member wrote, {limit} the most a part
    # of the safety plan holds (450).
    return ngettext(
        "That's {count} character; each part holds up to {limit}, so it stays quick to read "
        "on a hard day. Could you write a shorter version? Your message is still above to "
        "copy from, and the question is still open.",
        "That's {count} characters; each part holds up to {limit}, so it stays quick to read "
        "on a hard day. Could you write a shorter version? Your message is still above to "
        "copy from, and the question is still open.",
        length,
    ).format(count=length, limit=MAX_PLAN_PART)


def plan_question(index: int, current: str | None) -> str:
    """One question of /safetyplan, with what the plan says now when it says something."""
    _name, title, question = PLAN_PARTS[index]
    # Translators: the heading of one safety-plan question: "3/7 · People and places that
    # help".
    heading = _("<b>{number}/{total} · {title}</b>").format(
        number=index + 1, total=len(PLAN_PARTS), title=escape(_(title))
    )
    text = heading + "\n" + _(question)
    if current:
        # Translators: under a safety-plan question, what that part of the plan says now.
        text += "\n\n" + _("<i>Now:</i> {answer}").format(answer=escape(current))
    return text


def plan_saved(plan: SafetyPlan) -> str:
    saved = _(
        "Your safety plan is saved. It's here whenever you need it with /safetyplan, and "
        "I'll show it to you first if things ever get really hard."
    )
    return f"{plan_text(plan)}\n\n{saved}"
