"""Every text of circles: relaying, thanks and reports as members see them, circle
commands and pre-moderation. HTML parse mode.

Each text is a function, rendered through the catalog (bot.i18n) in the language of
whoever reads it; REMOVED_KINDS is a table of words translated where it is used."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.circles.rules import CircleMode
from bot.i18n import N_, _, ngettext, pgettext
from bot.texts.common import member_time


def button_thanks() -> str:
    # Translators: button under a relayed message, thanks its author; keep it short.
    return pgettext("button", "💚 Thanks")


def button_thanked() -> str:
    # Translators: the Thanks button once pressed; keep it short.
    return pgettext("button", "💚 Thanked")


def button_send_encouragement() -> str:
    # Translators: button under a circle message; the next message goes to its author.
    return pgettext("button", "Send encouragement")


def button_tell_circle() -> str:
    # Translators: button on a hard day; the circle is told, without a name.
    return pgettext("button", "Let my circle know")


def button_tell_circle_named() -> str:
    # Translators: button on a hard day; the circle is told under the member's pseudonym.
    return pgettext("button", "Let my circle know it's me")


def hard_day_anonymous() -> str:
    return _("Someone in your circle is having a hard day. A few kind words can help.")


def circle_told() -> str:
    return _("Your circle knows. Encouragement will come to you here. 💚")


def circle_already_told() -> str:
    # After pressing "Let my circle know" a second time under the same message.
    return _(
        "Your circle already knows: it went out when you first pressed this. Encouragement "
        "will come to you here."
    )


def ask_reply() -> str:
    return _(
        "Write your encouragement as one message; it goes only to them, under your "
        "pseudonym. /cancel if you'd rather not."
    )


def ask_usage_sent() -> str:
    return _("Your circle has your message. Their encouragement will come to you here. 💚")


def reply_gone() -> str:
    return _("That member has left the circle, so your words can't reach them. Thank you anyway.")


def ask_for_support() -> str:
    return _(
        "What would you like support with? Write it as one message; your circle sees it "
        "under your pseudonym. /cancel if you'd rather not."
    )


def relayed(pseudonym: str, text: str) -> str:
    return f"<b>{escape(pseudonym)}</b>: {escape(text)}"


def relayed_ask(pseudonym: str, text: str) -> str:
    # Translators: {pseudonym} is a member's two-word nickname; {text} is what they wrote
    # (never translated), on the next line.
    return _("<b>{pseudonym}</b> asks the circle for support:\n{text}").format(
        pseudonym=escape(pseudonym), text=escape(text)
    )


def relayed_reply(pseudonym: str, text: str) -> str:
    # Translators: {pseudonym} is a member's two-word nickname; {text} is what they wrote.
    return _("<b>{pseudonym}</b> sent you encouragement:\n{text}").format(
        pseudonym=escape(pseudonym), text=escape(text)
    )


def hard_day_named(pseudonym: str) -> str:
    # Translators: sent to the circle as plain text; {pseudonym} is a member's nickname.
    return _("{pseudonym} is having a hard day. A few kind words can help.").format(
        pseudonym=pseudonym
    )


def button_report() -> str:
    # Translators: button under a relayed message that reports it to the moderators.
    return pgettext("button", "Report")


FIRST_WORDS = 6
FIRST_WORDS_CHARACTERS = 48


def first_words(text: str) -> str:
    """The opening of someone's message, enough to recognise it: "You've got this, one…"."""
    words = text.split()
    opening = " ".join(words[:FIRST_WORDS])
    if len(opening) > FIRST_WORDS_CHARACTERS:
        return opening[: FIRST_WORDS_CHARACTERS - 1].rstrip() + "…"
    return opening + ("…" if len(words) > FIRST_WORDS else "")


def thanks_received(text: str) -> str:
    # Which message, never who: the thanker stays anonymous.
    # Translators: {words} is the opening of the member's own message, as they wrote it.
    return _(
        "💚 Someone in your circle thanked you for “{words}”: your words landed. Helping "
        "others is part of recovery too."
    ).format(words=escape(first_words(text)))


def thanks_sent() -> str:
    # Translators: a short pop-up after pressing Thanks (plain text).
    return _("Thanks sent. 💚")


def encouragement_reply_sent() -> str:
    # After "Send encouragement": it went to the one member it answers.
    return _("Encouragement sent. 💚")


def thanks_already() -> str:
    # Translators: a short pop-up (plain text).
    return _("You've already thanked them for this one.")


def report_limit_reached() -> str:
    # Translators: a pop-up (plain text, at most 200 characters) when a member has reported
    # many messages in one day; the earlier reports are all kept.
    return _(
        "You've reported a lot today. The moderators have every one of those reports and "
        "will look at each; you can report more tomorrow."
    )


def report_filed() -> str:
    # Translators: a pop-up after pressing Report (plain text, at most 200 characters).
    return _(
        "Thank you. I've taken it out of your chat. A moderator will look at it and I'll let "
        "you know what they decide; nobody will know who reported it."
    )


def relay_muted(until: datetime, zone: str) -> str:
    # Translators: {until} is a date and time, like "Thu 05 Mar 2026 at 18:00".
    return _(
        "Your messages to your circle are paused until {until} (your time), so this one "
        "wasn't sent. Check-ins, goals and your journey work as before; /crisis has urgent "
        "help."
    ).format(until=member_time(until, zone))


def newcircle_usage() -> str:
    # Translators: keep /newcircle; "Morning Walkers" is an example circle name.
    return _("Name the circle: <code>/newcircle Morning Walkers</code> (up to 40 letters).")


def invite_usage() -> str:
    # Translators: keep /invite; "Morning Walkers" is an example circle name.
    return _("Which circle? <code>/invite Morning Walkers</code>")


def circle_name_taken(name: str) -> str:
    return _("There is already a circle called {name}.").format(name=escape(name))


def no_such_circle(name: str) -> str:
    return _("There is no circle called {name}. /circles lists them.").format(name=escape(name))


def no_circles() -> str:
    return _("There are no circles yet. Make one with /newcircle &lt;name&gt;.")


def circle_created(name: str, link: str) -> str:
    # Translators: {link} is the invite link, on a line of its own.
    return _(
        "Circle <b>{name}</b> is ready. Share this invite link with the people who should "
        "join:\n{link}"
    ).format(name=escape(name), link=escape(link))


def invite(name: str, link: str) -> str:
    return _("Invite link for <b>{name}</b>:\n{link}").format(name=escape(name), link=escape(link))


def invite_renewed(name: str, link: str) -> str:
    # Translators: after /invite <circle> new; {link} is the new invite link, on a line of
    # its own.
    return _(
        "New invite link for <b>{name}</b>:\n{link}\nThe old link no longer works; anyone "
        "who opens it is told to ask for a new one."
    ).format(name=escape(name), link=escape(link))


def invite_revoked(name: str) -> str:
    # Translators: after /revoke <circle>; keep /invite and the word "new".
    return _(
        "The invite link for <b>{name}</b> is revoked: nobody can join with it now. "
        "<code>/invite {name} new</code> makes a new one when you want it."
    ).format(name=escape(name))


def invite_is_revoked(name: str) -> str:
    # Translators: /invite for a circle whose link was revoked; keep /invite and "new".
    return _(
        "<b>{name}</b> has no invite link: it was revoked. <code>/invite {name} new</code> "
        "makes a new one."
    ).format(name=escape(name))


def revoke_usage() -> str:
    # Translators: keep /revoke; "Morning Walkers" is an example circle name.
    return _("Which circle? <code>/revoke Morning Walkers</code>")


def _circle_line(name: str, count: int, size: int, mode: str) -> str:
    """A line of /circles; a circle's mode is "pre" or "post" (the schema allows no other)."""
    if mode == CircleMode.PRE:
        # Translators: a line of /circles: {count} members now, of at most {size}.
        line = ngettext(
            "• {name}: {count} of {size} member (pre-moderated)",
            "• {name}: {count} of {size} members (pre-moderated)",
            size,
        )
    else:
        # Translators: a line of /circles: {count} members now, of at most {size}.
        line = ngettext(
            "• {name}: {count} of {size} member (post-moderated)",
            "• {name}: {count} of {size} members (post-moderated)",
            size,
        )
    return line.format(name=escape(name), count=count, size=size)


def circles_list(rows: list[tuple[str, int, int, str]]) -> str:
    lines = [_("<b>Circles</b>")]
    lines += [_circle_line(name, count, size, mode) for name, count, size, mode in rows]
    return "\n".join(lines)


def joined_circle(name: str, pseudonym: str, members: int) -> str:
    # Translators: {pseudonym} is the member's two-word nickname in the circle.
    welcome = ngettext(
        "Welcome to the circle <b>{name}</b>. 🌿 You are <b>{pseudonym}</b> here; {count} "
        "member so far. Everyone sees only pseudonyms.",
        "Welcome to the circle <b>{name}</b>. 🌿 You are <b>{pseudonym}</b> here; {count} "
        "members so far. Everyone sees only pseudonyms.",
        members,
    ).format(name=escape(name), pseudonym=escape(pseudonym), count=members)
    # Translators: keep the commands; &lt;words&gt; shows where the member's words go.
    commands = _(
        "/encourage &lt;words&gt; sends encouragement to the circle, /circle shows it, "
        "/leave leaves it."
    )
    return f"{welcome}\n\n{commands}"


def circle_full() -> str:
    return _(
        "That circle is full right now. Ask the person who invited you for another invite, "
        "or try again later."
    )


def invite_retired() -> str:
    # An invite link a moderator has since replaced or revoked.
    return _(
        "This invite link is no longer valid. Please ask whoever shared it with you for a "
        "new one; everything else works as usual."
    )


def unknown_invite() -> str:
    return _(
        "That invite link isn't valid (it may be old or mistyped). Ask for a new one; "
        "everything else works as usual."
    )


def already_in_this_circle(name: str) -> str:
    return _("You're already in <b>{name}</b>. /circle shows it.").format(name=escape(name))


def in_another_circle(name: str) -> str:
    return _(
        "You're in the circle <b>{name}</b>. A member is in one circle at a time: /leave "
        "first, then open the invite link again."
    ).format(name=escape(name))


def not_in_circle() -> str:
    return _(
        "You're not in a circle yet. Circles are joined through an invite link from a moderator."
    )


def my_circle(name: str, members: int, pseudonym: str) -> str:
    return ngettext(
        "Your circle: <b>{name}</b>, {count} member. You are <b>{pseudonym}</b> here.",
        "Your circle: <b>{name}</b>, {count} members. You are <b>{pseudonym}</b> here.",
        members,
    ).format(name=escape(name), count=members, pseudonym=escape(pseudonym))


def left_circle(name: str) -> str:
    return _("You've left <b>{name}</b>. Your check-ins and goals stay as they are.").format(
        name=escape(name)
    )


def ask_encouragement() -> str:
    return _(
        "Write your encouragement as one message; it goes to everyone else in your circle "
        "under your pseudonym. /cancel if you'd rather not."
    )


def encouragement_sent(count: int) -> str:
    return ngettext(
        "Sent to {count} member of your circle. 💚",
        "Sent to {count} members of your circle. 💚",
        count,
    ).format(count=count)


def alone_in_circle() -> str:
    return _("You're the only one in your circle so far, so there's nobody to send it to.")


def relay_rate_limited() -> str:
    return _(
        "You've sent a lot this hour; thank you for being so generous. Please wait a little "
        "before sending more."
    )


def relay_too_long() -> str:
    return _("That's over 1,000 characters. Please shorten it and send it again.")


def relay_empty() -> str:
    return _("There's nothing left to send once contact details are taken out.")


# The kinds of contact detail bot.safety.sanitizer takes out, as the sender is told.
REMOVED_KINDS = {
    "link": N_("links"),
    "e-mail address": N_("e-mail addresses"),
    "username": N_("usernames"),
    "phone number": N_("phone numbers"),
}


def _removed_kinds(removed: tuple[str, ...]) -> str:
    return ", ".join(_(REMOVED_KINDS[kind]) if kind in REMOVED_KINDS else kind for kind in removed)


def relay_mostly_removed(removed: tuple[str, ...]) -> str:
    # Translators: {kinds} lists what was taken out, like "links, phone numbers".
    return _(
        "I didn't send that: most of it was contact details ({kinds}). To keep everyone safe "
        "and anonymous, members stay in touch only through the bot."
    ).format(kinds=_removed_kinds(removed))


def removed_note(removed: tuple[str, ...]) -> str:
    # Translators: {kinds} lists what was taken out, like "links, phone numbers".
    return _(
        "I took out {kinds} before sending: members stay anonymous and keep in touch only "
        "through the bot."
    ).format(kinds=_removed_kinds(removed))


# -- pre-moderation ---------------------------------------------------------------------


def button_approve() -> str:
    # Translators: button under a held message in the moderators' chat.
    return pgettext("button", "Approve")


def button_reject() -> str:
    # Translators: button under a held message in the moderators' chat.
    return pgettext("button", "Reject")


def relay_held() -> str:
    return _(
        "Thank you. Messages in your circle are read by a moderator first; yours will go out "
        "as soon as one has looked at it."
    )


def relay_rejected() -> str:
    return _(
        "A moderator didn't pass on your last message to the circle this time. It's nothing "
        "personal: circles keep a gentle tone for everyone. You're welcome to write again."
    )


def circlemode_usage() -> str:
    # Translators: keep the command and the words "pre" and "post" (what the moderator types).
    return _("Write it as <code>/circlemode &lt;circle&gt; pre</code> or <code>post</code>.")


def circlemode_needs_chat() -> str:
    # Translators: moderation.moderator_chat_id is a config key; keep it as it is.
    return _(
        "Pre-moderation needs a moderators' chat to review messages in: set "
        "moderation.moderator_chat_id first."
    )


def circlemode_set(name: str, mode: CircleMode) -> str:
    if mode is CircleMode.PRE:
        # Translators: {name} is a circle's name; a moderator reads its messages before they go.
        text = _("{name} is now pre-moderated.")
    else:
        # Translators: {name} is a circle's name; a moderator reads its messages after they go.
        text = _("{name} is now post-moderated.")
    return text.format(name=escape(name))


def review(circle: str, pseudonym: str, text: str) -> str:
    # Translators: a held message as the moderators see it; {text} is the member's words.
    return _(
        "📝 <b>Awaiting approval</b> in circle <b>{circle}</b>\nFrom <b>{pseudonym}</b>: {text}"
    ).format(circle=escape(circle), pseudonym=escape(pseudonym), text=escape(text))


def reviewed(original: str, approved: bool, name: str) -> str:
    if approved:
        # Translators: under a held message; {name} is the moderator's Telegram first name.
        return f"{original}\n\n" + _("✅ Approved by {name}.").format(name=escape(name))
    # Translators: under a held message; {name} is the moderator's Telegram first name.
    return f"{original}\n\n" + _("❌ Rejected by {name}.").format(name=escape(name))


def removed_marker() -> str:
    # Translators: stands in a relayed message where a link, e-mail address, username or
    # phone number was taken out; keep the square brackets.
    return _("[removed]")
