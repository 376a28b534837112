"""Every text the bot sends, in one place to review and translate. HTML parse mode."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.localtime.cities import Place, normalise_name, zone_city
from bot.localtime.zones import zone_of
from bot.members.service import Member

BUTTON_AGREE = "✅ I agree"
BUTTON_NOT_NOW = "Not now"
BUTTON_KEEP_PSEUDONYM = "Keep “{pseudonym}”"
BUTTON_REDRAW = "🎲 Draw another"
BUTTON_OTHER_ZONE = "Another zone: I'll type it"
BUTTON_SETTINGS_PSEUDONYM = "New pseudonym"
BUTTON_SETTINGS_TIMEZONE = "Time zone"
BUTTON_SETTINGS_TIME = "Check-in time"
BUTTON_PAUSE = "⏸ Pause"
BUTTON_RESUME = "▶️ Resume"
BUTTON_FORGET_YES = "Yes, delete everything"
BUTTON_FORGET_NO = "No, keep everything"
BUTTON_FORGET_COPY = "📦 Get a copy first"


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
ASK_TIMEZONE = (
    "Which time zone are you in? It lets me ask about your day at a time that suits you.\n\n"
    "Tap one below, or type your city or the nearest big one (like <code>Lisbon</code>). "
    "An offset like <code>UTC+5:30</code> works too."
)
TYPE_TIMEZONE = (
    "Type your city, or the nearest big one (like <code>Denver</code>). A zone name like "
    "<code>America/Denver</code> or an offset like <code>UTC+5:30</code> works too."
)


def member_time(moment: datetime, zone: str) -> str:
    """A moment as the member reads it, in their own zone: "Thu 05 Mar 2026 at 18:00"."""
    local = moment.astimezone(zone_of(zone))
    return f"{local:%a %d %b %Y} at {local:%H:%M}"


def zone_button(name: str, zone: str, now: datetime) -> str:
    """A zone's button: the place and its clock, "London (15:57 now)"."""
    return f"{name} ({now.astimezone(zone_of(zone)):%H:%M} now)"


def timezone_set(zone: str, place: str | None, now: datetime) -> str:
    """The zone just chosen, with the place typed when the zone is named after another."""
    other = place is not None and normalise_name(place) != normalise_name(zone_city(zone))
    named = f" ({escape(place)})" if place and other else ""
    return (
        f"Time zone set to <b>{escape(zone)}</b>{named}. "
        f"It's {now.astimezone(zone_of(zone)):%H:%M} there now."
    )


def _typed(text: str) -> str:
    return escape(clip(text.strip(), 40))


def zone_not_found(text: str) -> str:
    return (
        f"I couldn't find “{_typed(text)}” as a place or time zone, so nothing was changed. "
        "Try the nearest big city (like <code>Lisbon</code>) or an offset (like "
        "<code>UTC+5:30</code>), or tap one below."
    )


def zone_did_you_mean(text: str, places: tuple[Place, ...]) -> str:
    question = (
        f"Did you mean <b>{escape(places[0].name)}</b>?"
        if len(places) == 1
        else "Did you mean one of these?"
    )
    return f"I couldn't find “{_typed(text)}”. {question} Tap it, or type the name again."


def zone_which(text: str) -> str:
    return f"“{_typed(text)}” could be more than one time zone. Which one is yours?"


ASK_CHECKIN_TIME = (
    "When would you like your daily check-in? Three quick taps: your mood, your "
    "confidence, and a private note if you want one.\n\nTap a time, or type one as HH:MM "
    "(like <code>21:30</code>)."
)
BAD_CHECKIN_TIME = (
    "That doesn't look like a time, and nothing was changed. Please write it as HH:MM, "
    "for example <code>07:30</code> or <code>20:00</code>."
)


def onboarding_done(member: Member) -> str:
    return (
        f"You're all set, <b>{escape(member.pseudonym)}</b>. 🌿\n\n"
        f"I'll check in with you every day at <b>{escape(member.checkin_time)}</b> "
        f"({escape(member.timezone)}). "
        "/checkin works any time, /settings changes things, /help shows everything, "
        "and /crisis has urgent-help resources.\n\n"
        "When you feel ready, /safetyplan helps you write down what helps on a hard day."
    )


def welcome_back(member: Member, now: datetime) -> str:
    return f"Welcome back, <b>{escape(member.pseudonym)}</b>. 💚\n\n" + settings_summary(
        member, now
    )


def settings_summary(member: Member, now: datetime) -> str:
    if member.paused and member.paused_until:
        status = f"paused until {member_time(member.paused_until, member.timezone)}"
    elif member.paused:
        status = "paused until you /resume"
    else:
        status = "active"
    return (
        f"Pseudonym: <b>{escape(member.pseudonym)}</b>\n"
        f"Time zone: {escape(member.timezone)} "
        f"({now.astimezone(zone_of(member.timezone)):%H:%M} now)\n"
        f"Daily check-in: {escape(member.checkin_time)}\n"
        f"Weekly reflection: {'on' if member.weekly_reflection else 'off'}\n"
        f"Check-ins and nudges: {status}"
    )


SETTINGS_HEADER = "<b>Your settings</b>\n\n"
CONTINUE_ONBOARDING = "Let's finish setting up first. "
CHECKIN_TIME_SET = "Your daily check-in is now at <b>{time}</b> ({zone})."
PSEUDONYM_CHANGED = "Your pseudonym is now <b>{pseudonym}</b>."


def paused(member: Member) -> str:
    if member.paused_until:
        return (
            f"Paused until {member_time(member.paused_until, member.timezone)} (your time). "
            "No check-ins or nudges until then. Rest is part of recovery too. /resume starts "
            "them again sooner."
        )
    return (
        "Paused. No check-ins or nudges until you send /resume. Take the time you need; "
        "you're still part of peercircle."
    )


BAD_PAUSE = "Pause for how many days? Use a number from 1 to 365, like <code>/pause 7</code>."
RESUMED = "Welcome back. Check-ins and nudges are on again. 🌱"
NOT_PAUSED = "You weren't paused, so nothing changed: check-ins and nudges are on."
FORGET_CONFIRM = (
    "This deletes <b>everything</b> peercircle stores about you, for good: your settings, "
    "check-ins, notes, goals, journey and safety plan. It cannot be undone.\n\n"
    "Would you like a copy first? Tap “Get a copy first”, or send /mydata."
)
FORGET_AFTER_COPY = (
    "Your copy is above. Do you still want to delete everything? It cannot be undone."
)
FORGOTTEN = (
    "Done. Everything about you has been deleted. If you ever want to come back, "
    "send /start and you'll begin fresh. Take care of yourself. 💚"
)
FORGET_CANCELLED = "Nothing was deleted. I'm glad you're staying."
NOT_A_MEMBER = "You haven't joined yet. Send /start to begin; it takes a minute."
BUTTON_EXPIRED = "This button has expired. Nothing was changed."
UNKNOWN_COMMAND = "I don't know that command. /help lists everything I can do."
DIDNT_UNDERSTAND = (
    "I'm not sure what to do with that message. /help lists what I can do, "
    "and /crisis has urgent-help resources."
)
MEDIA_NOT_RELAYED = (
    "I can only work with text you write yourself here. Photos, stickers, voice messages, "
    "files and forwarded messages are never passed on to anyone, so that nobody can be "
    "identified. Nothing was sent. /help lists what I can do."
)
CANCELLED = "Okay, cancelled. Nothing was changed."
NOTHING_TO_CANCEL = "There's nothing to cancel right now."
SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on my side. Nothing was lost; please try again in a moment."
)


def crisis(resources: str) -> str:
    return (
        "<b>If you need help right now</b>\n\n"
        f"{escape(resources)}\n\n"
        "peercircle is peer support, not a crisis service. Reaching out is a strong thing "
        "to do."
    )


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


def agreed_stamp(moment: datetime, zone: str) -> str:
    # Said before the member picks a zone: the default one is named, to be honest about it.
    return AGREED_STAMP.format(date=f"{member_time(moment, zone)} ({escape(zone)})")


# -- check-ins ---------------------------------------------------------------------------

BUTTON_WEEKLY_ON = "Weekly reflection: turn on"
BUTTON_WEEKLY_OFF = "Weekly reflection: turn off"
NOTICE_CHANGED = (
    "<b>A change in how peercircle looks after you</b>\n\n"
    "If something you write here sounds like a crisis, a note included, I now answer at "
    "once with support and let a peer moderator know. From a private note they never see "
    "your words, only that you may need someone. Your notes stay private.\n\n"
    "/safetyplan lets you write down what helps on a hard day; I'll show it to you first "
    "if things get really hard."
)


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
FOR_MODERATORS = "This is for moderators."
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
