"""Every text of crisis alerts after they are raised: taking them, and the private thread
between a moderator and the member. HTML parse mode.

Each text is a function, rendered through the catalog (bot.i18n) in the language of
whoever reads it."""

from __future__ import annotations

from html import escape

from bot.i18n import _, pgettext


def button_reply_moderator() -> str:
    # Translators: button under a moderator's message to a member in crisis.
    return pgettext("button", "Reply to Moderator")


def alert_already_taken(name: str | None) -> str:
    # Translators: a short pop-up (plain text); {name} is a moderator's first name.
    return _("{name} has already taken this one.").format(name=name)


def button_take_over() -> str:
    # Translators: button on a crisis alert another moderator has taken: take it from them.
    return pgettext("button", "Take over")


def take_over_already_yours() -> str:
    # Translators: a short pop-up (plain text), or an answer to /takeover.
    return _("This one is already yours.")


def take_over_closed(alert_id: int) -> str:
    # Translators: answer to /takeover (or its button) for an alert that is closed and
    # whose conversation with the member has ended.
    return _(
        "Alert #{alert_id} is closed and its conversation has ended: there is nothing to "
        "take over."
    ).format(alert_id=alert_id)


def takeover_usage() -> str:
    # Translators: keep /takeover; &lt; and &gt; are < and >.
    return _("Write it as <code>/takeover &lt;alert number&gt;</code>.")


def taken_over_here(alert_id: int, name: str) -> str:
    # Translators: in the moderators' chat after /takeover; {name} is a moderator's first
    # name. The instructions went to their private chat.
    return _("🤝 {name} has taken over alert #{alert_id}.").format(
        name=escape(name), alert_id=alert_id
    )


def taken_over_notice(alert_id: int, pseudonym: str) -> str:
    # Translators: to the moderator who had taken an alert (in their private chat, which
    # never names anyone else); {pseudonym} is the member's nickname.
    return _(
        "Another moderator has taken over alert #{alert_id} ({pseudonym}). Their answers go "
        "to that moderator now; you don't need to do anything more."
    ).format(alert_id=alert_id, pseudonym=escape(pseudonym))


def alert_released(alert_id: int, pseudonym: str) -> str:
    # Translators: to the moderators' chat; keep /takeover. "Take over" is the alert's
    # button: use its translation.
    return _(
        "Alert #{alert_id} ({pseudonym}) is nobody's now: the moderator who had it no longer "
        'moderates. Please take it on with "Take over" on the alert or '
        "<code>/takeover {alert_id}</code>."
    ).format(alert_id=alert_id, pseudonym=escape(pseudonym))


def alert_already_closed(name: str | None) -> str:
    # Translators: a short pop-up (plain text); {name} is a moderator's first name.
    return _("{name} has already closed this one.").format(name=name)


def tell_usage() -> str:
    # Translators: keep /tell; &lt; and &gt; are < and >.
    return _("Write it as <code>/tell &lt;alert number&gt; &lt;message&gt;</code>.")


def tell_not_yours() -> str:
    # Translators: "I'll reach out" is the alert's button: use its translation.
    return _('Take that alert first ("I\'ll reach out"); then you can write to them.')


def tell_sent() -> str:
    # Translators: "Moderator" is how the member sees the sender: as in "<b>Moderator</b>:".
    return _('Sent. They see it from "Moderator".')


def answer_moderator() -> str:
    return _("Write your answer as one message; it goes only to the moderator who wrote to you.")


def answer_sent() -> str:
    return _("Sent to the moderator. 💚")


def alert_taken(original: str, name: str, at: str) -> str:
    # Translators: {name} is a moderator's first name, {at} a time like "18:00".
    taken = _("🤝 Taken by {name} at {at} UTC.").format(name=escape(name), at=at)
    return f"{original}\n\n{taken}"


def alert_resolved(original: str, name: str, at: str) -> str:
    # Translators: {name} is a moderator's first name, {at} a time like "18:00".
    resolved = _("✅ Resolved by {name} at {at} UTC.").format(name=escape(name), at=at)
    return f"{original}\n\n{resolved}"


def reach_out_instructions(alert_id: int, pseudonym: str) -> str:
    # Translators: to the moderator who took an alert; keep /tell. "Moderator" is how the
    # member sees them, "Resolved" the alert's button: use their translations.
    return _(
        "You're reaching out to <b>{pseudonym}</b> (alert #{alert_id}). Write to them with "
        '<code>/tell {alert_id} your message</code>; they see it from "Moderator" and can '
        "answer you here. Press Resolved on the alert when done."
    ).format(pseudonym=escape(pseudonym), alert_id=alert_id)


def audit_alert(alert_id: int, pseudonym: str | None = None) -> str:
    """An alert as the audit log keeps it (plain text: /audit escapes it when shown)."""
    if pseudonym is None:
        # Translators: in the audit log: the crisis alert a moderator acted on.
        return _("alert {alert_id}").format(alert_id=alert_id)
    # Translators: in the audit log: {pseudonym} is the member's two-word nickname.
    return _("alert {alert_id}: {pseudonym}").format(alert_id=alert_id, pseudonym=pseudonym)


def whole_alert(alert_id: int, pseudonym: str, text: str) -> str:
    # Translators: to the moderators' chat after "Read the whole message" on an alert;
    # {pseudonym} is the member's two-word nickname, {text} their words on the next lines.
    head = _("📄 <b>Alert #{alert_id}</b>, <b>{pseudonym}</b>, the whole message:").format(
        alert_id=alert_id, pseudonym=escape(pseudonym)
    )
    # Every word: the last step before Telegram splits it into several messages if needed.
    return f"{head}\n\n{escape(text)}"


# A moderator's or member's words go whole, however long: the last step before Telegram
# (bot.runtime.fitting) splits them into as many messages as it takes.


def from_moderator(text: str) -> str:
    # Translators: a moderator's words to a member; "Moderator" is the sender's name here.
    return _("<b>Moderator</b>: {text}").format(text=escape(text))


def member_answered(pseudonym: str, alert_id: int, text: str) -> str:
    # Translators: to the moderator; {text} is the member's words, on the next line.
    return _("<b>{pseudonym}</b> (alert #{alert_id}) answered:\n{text}").format(
        pseudonym=escape(pseudonym), alert_id=alert_id, text=escape(text)
    )
