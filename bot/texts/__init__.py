"""Every text the bot sends, in one place to review and translate. HTML parse mode."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.texts.common import member_time

# -- circles -----------------------------------------------------------------------------

BUTTON_THANKS = "💚 Thanks"
BUTTON_THANKED = "💚 Thanked"
BUTTON_SEND_ENCOURAGEMENT = "Send encouragement"
BUTTON_TELL_CIRCLE = "Let my circle know"
BUTTON_TELL_CIRCLE_NAMED = "Let my circle know it's me"
HARD_DAY_ANONYMOUS = "Someone in your circle is having a hard day. A few kind words can help."
CIRCLE_TOLD = "Your circle knows. Encouragement will come to you here. 💚"
ASK_REPLY = (
    "Write your encouragement as one message; it goes only to them, under your pseudonym. "
    "/cancel if you'd rather not."
)
ASK_USAGE_SENT = "Your circle has your message. Their encouragement will come to you here. 💚"
REPLY_GONE = "That member has left the circle, so your words can't reach them. Thank you anyway."
ASK_FOR_SUPPORT = (
    "What would you like support with? Write it as one message; your circle sees it under "
    "your pseudonym. /cancel if you'd rather not."
)


def relayed(pseudonym: str, text: str) -> str:
    return f"<b>{escape(pseudonym)}</b>: {escape(text)}"


def relayed_ask(pseudonym: str, text: str) -> str:
    return f"<b>{escape(pseudonym)}</b> asks the circle for support:\n{escape(text)}"


def relayed_reply(pseudonym: str, text: str) -> str:
    return f"<b>{escape(pseudonym)}</b> sent you encouragement:\n{escape(text)}"


def hard_day_named(pseudonym: str) -> str:
    return f"{pseudonym} is having a hard day. A few kind words can help."


BUTTON_REPORT = "Report"
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
    return (
        f"💚 Someone in your circle thanked you for “{escape(first_words(text))}”: your words "
        "landed. Helping others is part of recovery too."
    )


THANKS_SENT = "Thanks sent. 💚"
THANKS_ALREADY = "You've already thanked them for this one."
REPORT_FILED = (
    "Thank you. I've taken it out of your chat. A moderator will look at it and I'll let you "
    "know what they decide; nobody will know who reported it."
)
BUTTON_DISMISS = "Dismiss"


def relay_muted(until: datetime, zone: str) -> str:
    return (
        f"Your messages to your circle are paused until {member_time(until, zone)} (your "
        "time), so this one wasn't sent. Check-ins, goals and your journey work as before; "
        "/crisis has urgent help."
    )


BUTTON_DELETE = "🗑 Delete everywhere"
BUTTON_WARN = "Warn"
BUTTON_MUTE = "Mute"
BUTTON_BAN = "Ban"
NEWCIRCLE_USAGE = "Name the circle: <code>/newcircle Morning Walkers</code> (up to 40 letters)."
INVITE_USAGE = "Which circle? <code>/invite Morning Walkers</code>"
CIRCLE_NAME_TAKEN = "There is already a circle called {name}."
NO_SUCH_CIRCLE = "There is no circle called {name}. /circles lists them."
NO_CIRCLES = "There are no circles yet. Make one with /newcircle &lt;name&gt;."


def circle_created(name: str, link: str) -> str:
    return (
        f"Circle <b>{escape(name)}</b> is ready. Share this invite link with the people who "
        f"should join:\n{escape(link)}"
    )


def invite(name: str, link: str) -> str:
    return f"Invite link for <b>{escape(name)}</b>:\n{escape(link)}"


def circles_list(rows: list[tuple[str, int, int, str]]) -> str:
    lines = ["<b>Circles</b>"]
    lines += [
        f"• {escape(name)}: {count} of {size} members ({mode}-moderated)"
        for name, count, size, mode in rows
    ]
    return "\n".join(lines)


def joined_circle(name: str, pseudonym: str, members: int) -> str:
    return (
        f"Welcome to the circle <b>{escape(name)}</b>. 🌿 You are <b>{escape(pseudonym)}</b> "
        f"here; {members} member{'s' if members != 1 else ''} so far. Everyone sees only "
        "pseudonyms.\n\n/encourage &lt;words&gt; sends encouragement to the circle, "
        "/circle shows it, /leave leaves it."
    )


CIRCLE_FULL = (
    "That circle is full right now. Ask the person who invited you for another invite, "
    "or try again later."
)
UNKNOWN_INVITE = (
    "That invite link isn't valid (it may be old or mistyped). Ask for a new one; "
    "everything else works as usual."
)
ALREADY_IN_THIS_CIRCLE = "You're already in <b>{name}</b>. /circle shows it."
IN_ANOTHER_CIRCLE = (
    "You're in the circle <b>{name}</b>. A member is in one circle at a time: /leave first, "
    "then open the invite link again."
)
NOT_IN_CIRCLE = (
    "You're not in a circle yet. Circles are joined through an invite link from a moderator."
)


def my_circle(name: str, members: int, pseudonym: str) -> str:
    return (
        f"Your circle: <b>{escape(name)}</b>, {members} member{'s' if members != 1 else ''}. "
        f"You are <b>{escape(pseudonym)}</b> here."
    )


LEFT_CIRCLE = "You've left <b>{name}</b>. Your check-ins and goals stay as they are."
ASK_ENCOURAGEMENT = (
    "Write your encouragement as one message; it goes to everyone else in your circle under "
    "your pseudonym. /cancel if you'd rather not."
)
ENCOURAGEMENT_SENT = "Sent to {count} member{plural} of your circle. 💚"
ALONE_IN_CIRCLE = "You're the only one in your circle so far, so there's nobody to send it to."
RELAY_RATE_LIMITED = (
    "You've sent a lot this hour; thank you for being so generous. Please wait a little "
    "before sending more."
)
RELAY_TOO_LONG = "That's over 1,000 characters. Please shorten it and send it again."
RELAY_EMPTY = "There's nothing left to send once contact details are taken out."
RELAY_MOSTLY_REMOVED = (
    "I didn't send that: most of it was contact details ({removed}). To keep everyone safe "
    "and anonymous, members stay in touch only through the bot."
)


def removed_note(removed: tuple[str, ...]) -> str:
    kinds = ", ".join(f"{kind}s" for kind in removed)
    return (
        f"I took out {kinds} before sending: members stay anonymous and keep in touch only "
        "through the bot."
    )


# -- crisis alerts -----------------------------------------------------------------------

BUTTON_REPLY_MODERATOR = "Reply to Moderator"
ALERT_ALREADY_TAKEN = "{name} has already taken this one."
ALERT_ALREADY_CLOSED = "{name} has already closed this one."
TELL_USAGE = "Write it as <code>/tell &lt;alert number&gt; &lt;message&gt;</code>."
TELL_NOT_YOURS = 'Take that alert first ("I\'ll reach out"); then you can write to them.'
TELL_SENT = 'Sent. They see it from "Moderator".'
ANSWER_MODERATOR = (
    "Write your answer as one message; it goes only to the moderator who wrote to you."
)
ANSWER_SENT = "Sent to the moderator. 💚"


def alert_taken(original: str, name: str, at: str) -> str:
    return f"{original}\n\n🤝 Taken by {escape(name)} at {at} UTC."


def alert_resolved(original: str, name: str, at: str) -> str:
    return f"{original}\n\n✅ Resolved by {escape(name)} at {at} UTC."


def reach_out_instructions(alert_id: int, pseudonym: str) -> str:
    return (
        f"You're reaching out to <b>{escape(pseudonym)}</b> (alert #{alert_id}). Write to "
        f"them with <code>/tell {alert_id} your message</code>; they see it from "
        '"Moderator" and can answer you here. Press Resolved on the alert when done.'
    )


# A member's or moderator's words with a short header must fit one Telegram message.
_THREAD_TEXT_LIMIT = 3900


def clip(text: str, limit: int) -> str:
    """Someone's words cut to `limit` characters (with "…"), to fit beside the bot's own."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def from_moderator(text: str) -> str:
    return f"<b>Moderator</b>: {escape(clip(text, _THREAD_TEXT_LIMIT))}"


def member_answered(pseudonym: str, alert_id: int, text: str) -> str:
    words = escape(clip(text, _THREAD_TEXT_LIMIT))
    return f"<b>{escape(pseudonym)}</b> (alert #{alert_id}) answered:\n{words}"


# -- pre-moderation ----------------------------------------------------------------------

BUTTON_APPROVE = "Approve"
BUTTON_REJECT = "Reject"
RELAY_HELD = (
    "Thank you. Messages in your circle are read by a moderator first; yours will go out "
    "as soon as one has looked at it."
)
RELAY_REJECTED = (
    "A moderator didn't pass on your last message to the circle this time. It's nothing "
    "personal: circles keep a gentle tone for everyone. You're welcome to write again."
)
CIRCLEMODE_USAGE = "Write it as <code>/circlemode &lt;circle&gt; pre</code> or <code>post</code>."
CIRCLEMODE_NEEDS_CHAT = (
    "Pre-moderation needs a moderators' chat to review messages in: set "
    "moderation.moderator_chat_id first."
)
CIRCLEMODE_SET = "{name} is now {mode}-moderated."


def review(circle: str, pseudonym: str, text: str) -> str:
    return (
        f"📝 <b>Awaiting approval</b> in circle <b>{escape(circle)}</b>\n"
        f"From <b>{escape(pseudonym)}</b>: {escape(text)}"
    )


def reviewed(original: str, approved: bool, name: str) -> str:
    verdict = "✅ Approved" if approved else "❌ Rejected"
    return f"{original}\n\n{verdict} by {escape(name)}."
