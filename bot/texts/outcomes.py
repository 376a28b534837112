"""Questionnaire words: the offer, invitations, items, results and /measures.

The questionnaires' own texts (items, answers, names) come from their data files
(bot/outcomes/questionnaires); these are the words around them. Never a diagnosis: a score is
a number on a scale, and what it says is the member's own to read.
"""

from __future__ import annotations

from datetime import date
from html import escape

from bot.i18n import _, formats, ngettext, pgettext


def score(value: float) -> str:
    """A score as members read it: whole numbers without decimals."""
    return formats.fixed(value, 0 if float(value).is_integer() else 1)


def offer() -> str:
    # Translators: asked once, a week after joining. Keep it light and without pressure.
    return _(
        "You've been part of peercircle for a week now. 💚\n\n"
        "Would you like to help show whether peer support helps? About a minute, once or "
        "twice a month: a few questions on how you've been feeling and coping, answered "
        "with buttons.\n\n"
        "You see your own answers over time in /measures. In the report, they are only ever "
        "counted together with others', never with your pseudonym. You can stop any time "
        "in /settings."
    )


def measures_offer() -> str:
    # Translators: /measures for a member who has not said yes to the questionnaires.
    return _(
        "With a few short questionnaires, once or twice a month, you can see how your "
        "wellbeing and your confidence in coping move over time, and help show whether "
        "peer support helps. About a minute each, answered with buttons.\n\n"
        "In the report, answers are only ever counted together with others', never with "
        "your pseudonym. You can stop any time in /settings."
    )


def button_opt_in() -> str:
    return pgettext("button", "Yes, count me in")


def button_no_thanks() -> str:
    return pgettext("button", "No, thanks")


def opted_in() -> str:
    return _(
        "Thank you. 💚 You can see your answers any time with /measures, and stop in /settings."
    )


def opted_in_later() -> str:
    return _(
        "Thank you. 💚 The first questions come on another day. You can see your answers "
        "any time with /measures, and stop in /settings."
    )


def declined() -> str:
    return _("That's fine, nothing changes for you. If you change your mind, /measures is there.")


def invitation(name: str, count: int) -> str:
    # Translators: {name} is a questionnaire's name, e.g. "WHO-5 wellbeing".
    return ngettext(
        "📋 <b>{name}</b>: {count} short question, about a minute. There are no right or "
        "wrong answers.",
        "📋 <b>{name}</b>: {count} short questions, about a minute. There are no right or "
        "wrong answers.",
        count,
    ).format(name=escape(name), count=count)


def invitation_continue(name: str, done: int, count: int) -> str:
    # Translators: {done} of {count} questions are answered; the member can go on.
    return _(
        "📋 <b>{name}</b>: you've answered {done} of {count}. Pick up where you left off?"
    ).format(name=escape(name), done=done, count=count)


def button_start() -> str:
    return pgettext("button", "Start")


def button_continue() -> str:
    return pgettext("button", "Continue")


def button_later() -> str:
    return pgettext("button", "Later")


def item(short_name: str, number: int, count: int, recall: str, text: str) -> str:
    # Translators: one question of a questionnaire. {short_name} is e.g. "WHO-5", {number}
    # of {count} the progress, {recall} e.g. "Over the last two weeks…", {text} the item.
    return _("{short_name} · {number} of {count}\n{recall}\n\n<b>{text}</b>").format(
        short_name=escape(short_name),
        number=number,
        count=count,
        recall=escape(recall),
        text=escape(text),
    )


def later() -> str:
    return _("No problem. I'll ask again tomorrow.")


def later_saved(done: int, count: int) -> str:
    return _(
        "Saved: {done} of {count} answered. I'll ask again tomorrow, or pick it up with "
        "/measures. It keeps for 3 days."
    ).format(done=done, count=count)


def result(name: str, value: float, low: float, high: float) -> str:
    # Translators: the end of a questionnaire. {score} is on a scale from {low} to {high}.
    return _(
        "Thank you for answering. 💚\n\n"
        "<b>{name}</b> today: {score} (on a scale from {low} to {high})."
    ).format(name=escape(name), score=score(value), low=score(low), high=score(high))


def result_previous(day: date, value: float) -> str:
    return _("Last time, {date}: {score}.").format(date=formats.day_month(day), score=score(value))


def next_around(day: date) -> str:
    return _("The next one comes around {date}.").format(date=formats.day_month(day))


def band(text: str) -> str:
    return escape(text)


def reach_out(resources: str) -> str:
    # Translators: added to a WHO-5 result under 50. Gentle, never a diagnosis.
    return _(
        "The last two weeks sound heavy. You don't have to carry that alone: talking with "
        "someone you trust, a peer moderator, or one of these lines can help.\n\n{resources}"
    ).format(resources=escape(resources))  # the operator's words, as written: "&" too


def lapsed() -> str:
    return _(
        "This one was started more than 3 days ago, so I've set it aside without a score. "
        "/measures starts a fresh one when one is due."
    )


def not_today_paused() -> str:
    return _("You're taking a break (/resume ends it), so no questionnaires for now.")


def not_today_crisis() -> str:
    return _("Not today. Today is for looking after yourself; the questions can wait.")


def not_today_another() -> str:
    return _("You've answered one questionnaire today already. The next can wait until tomorrow.")


def done_already(day: date) -> str:
    return _("You've answered this one for now. The next comes around {date}.").format(
        date=formats.day_month(day)
    )


def not_opted_in() -> str:
    return _("You're not answering questionnaires at the moment. /measures tells you more.")


def measures_heading() -> str:
    return _("<b>Your measures</b>")


def measure_latest(name: str, value: float, day: date, count: int) -> str:
    # Translators: /measures, one questionnaire: its latest score and how many in all.
    return ngettext(
        "<b>{name}</b>: {score} on {date} ({count} time so far)",
        "<b>{name}</b>: {score} on {date} ({count} times so far)",
        count,
    ).format(name=escape(name), score=score(value), date=formats.day_month(day), count=count)


def measure_first(value: float, day: date) -> str:
    # Translators: /measures: the member's first score of a questionnaire, below the latest.
    return _("your first: {score} on {date}").format(
        score=score(value), date=formats.day_month(day)
    )


def measure_scale(low: float, high: float) -> str:
    return _("on a scale from {low} to {high}").format(low=score(low), high=score(high))


def measure_none(name: str) -> str:
    return _("<b>{name}</b>: not answered yet").format(name=escape(name))


def measure_due(name: str) -> str:
    return _("Your {name} is ready when you are.").format(name=escape(name))


def measure_next(day: date) -> str:
    return _("The next questionnaire comes around {date}.").format(date=formats.day_month(day))


def measures_footer() -> str:
    return _(
        "These numbers are for you, not a verdict: they show how things have moved for you "
        "over time."
    )


def measures_stopped() -> str:
    return _("You've stopped the questionnaires. Your past answers are kept for you here.")


def button_start_again() -> str:
    return pgettext("button", "Start again")


def button_measures_on() -> str:
    # Translators: /settings button; questionnaires are on (pressing it stops them).
    return pgettext("button", "📋 Questionnaires: on")


def button_measures_off() -> str:
    return pgettext("button", "📋 Questionnaires: off")


def stop_question() -> str:
    return _(
        "Stop the questionnaires? Your past answers can stay for you to see in /measures "
        "(they no longer count in the report), or be deleted now."
    )


def button_stop_keep() -> str:
    return pgettext("button", "Stop, keep my answers")


def button_stop_delete() -> str:
    return pgettext("button", "Stop and delete my answers")


def button_carry_on() -> str:
    return pgettext("button", "Carry on")


def stopped_kept() -> str:
    return _("Done: no more questionnaires. Your answers stay for you in /measures.")


def stopped_deleted() -> str:
    return _("Done: no more questionnaires, and your answers are deleted.")


def carried_on() -> str:
    return _("Good, nothing changes.")


def chart_title() -> str:
    # Translators: the title of the chart in /measures.
    return _("Your questionnaires over time")


def chart_caption() -> str:
    return _("Each line is one questionnaire, on its own scale.")


def not_offered() -> str:
    return _("This peercircle does not ask questionnaires.")


def _signed(value: float) -> str:
    return formats.fixed(value, 1, signed=True)


def report_heading(minimum: int) -> str:
    # Translators: /stats, the outcomes part, for moderators.
    return _(
        "<b>Outcomes</b>: members who opted in to questionnaires. Change from each member's "
        "first score, with its 95% confidence interval; figures over fewer than {minimum} "
        "members are not shown."
    ).format(minimum=minimum)


def report_group(name: str) -> str:
    return f"<b>{escape(name)}</b>"


def report_baseline(name: str, members: int) -> str:
    return ngettext(
        "{name}: {count} member with a first score",
        "{name}: {count} members with a first score",
        members,
    ).format(name=escape(name), count=members)


def report_baseline_hidden(name: str, minimum: int) -> str:
    return _("{name}: fewer than {minimum} members so far").format(
        name=escape(name), minimum=minimum
    )


def report_baseline_withheld(name: str, minimum: int) -> str:
    return _(
        "{name}: members with a first score not shown, as with the circles' figures it would "
        "single out fewer than {minimum} members"
    ).format(name=escape(name), minimum=minimum)


def report_change(
    days: int,
    members: int,
    mean: float,
    low: float | None,
    high: float | None,
    effect: float | None,
    improved: float | None,
    mid: float | None,
) -> str:
    parts = [
        # Translators: one follow-up in /stats: after {days} days, {count} members, the
        # mean change and its confidence interval, e.g. "30 days: 12 members, +6.0 (2.1 to 9.9)".
        _("{days} days: {count} members, {change} ({low} to {high})").format(
            days=days,
            count=members,
            change=_signed(mean),
            low=_signed(low if low is not None else mean),
            high=_signed(high if high is not None else mean),
        )
    ]
    if effect is not None:
        parts.append(_("effect size {effect}").format(effect=formats.fixed(effect, 2)))
    if improved is not None and mid is not None:
        parts.append(
            _("{share} improved by {mid} or more").format(
                share=formats.percent(improved), mid=score(mid)
            )
        )
    return "  " + ", ".join(parts)


def report_hidden(days: int, minimum: int) -> str:
    return "  " + _("{days} days: fewer than {minimum} members").format(days=days, minimum=minimum)


def report_withheld(days: int, minimum: int) -> str:
    return "  " + _(
        "{days} days: not shown, as with the circles' figures it would single out fewer "
        "than {minimum} members"
    ).format(days=days, minimum=minimum)


def report_withheld_cell() -> str:
    # Translators: a cell of the outcomes CSV whose figure is not shown, as it would single
    # out a small group.
    return pgettext("outcomes CSV cell", "withheld")


def report_peer_split_withheld(minimum: int) -> str:
    return "  " + _(
        "not shown: a third of fewer than {minimum} members could be worked out from it"
    ).format(minimum=minimum)


def report_peer_heading(days: int) -> str:
    return _(
        "<b>The peer question</b>: change in daily confidence (0-10) over members' first "
        "{days} days (the last week's mean minus the first week's)"
    ).format(days=days)


def report_peer_hidden(minimum: int) -> str:
    return _("Fewer than {minimum} members have 30 days of check-ins yet.").format(minimum=minimum)


def report_peer_by(received: bool) -> str:
    if received:
        return _("By encouragement received:")
    return _("By encouragement given:")


def _tertile(tertile: int) -> str:
    return (
        pgettext("tertile", "least"),
        pgettext("tertile", "middle"),
        pgettext("tertile", "most"),
    )[tertile]


def report_peer_tertile(
    tertile: int,
    fewest: int,
    most: int,
    members: int,
    mean: float,
    low: float | None,
    high: float | None,
) -> str:
    counts = str(fewest) if fewest == most else f"{fewest}-{most}"
    # Translators: a third of members by how much encouragement they had, e.g.
    # "most (5-12): 20 members, +0.8 (0.2 to 1.4)".
    return "  " + _("{third} ({counts}): {count} members, {change} ({low} to {high})").format(
        third=_tertile(tertile),
        counts=counts,
        count=members,
        change=_signed(mean),
        low=_signed(low if low is not None else mean),
        high=_signed(high if high is not None else mean),
    )


def report_peer_tertile_hidden(tertile: int, minimum: int) -> str:
    return "  " + _("{third}: fewer than {minimum} members").format(
        third=_tertile(tertile), minimum=minimum
    )


def report_association() -> str:
    return _(
        "This is an association, not proof of cause: members who give and receive more "
        "may differ in other ways."
    )


def csv_columns() -> list[str]:
    """The header row of `peercircle report --outcomes`, in the operator's language."""
    return [
        # Translators: the header row of `peercircle report --outcomes`: keep each name
        # one word (snake_case), as scripts read them.
        pgettext("outcomes CSV column", "group"),
        pgettext("outcomes CSV column", "measure"),
        pgettext("outcomes CSV column", "days"),
        pgettext("outcomes CSV column", "members"),
        pgettext("outcomes CSV column", "mean_change"),
        pgettext("outcomes CSV column", "ci95_low"),
        pgettext("outcomes CSV column", "ci95_high"),
        pgettext("outcomes CSV column", "effect_size_dz"),
        pgettext("outcomes CSV column", "improved_share"),
        pgettext("outcomes CSV column", "note"),
    ]
