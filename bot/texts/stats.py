"""Every text of /stats: anonymised figures per circle, and the chart's words. HTML parse
mode."""

from __future__ import annotations

from html import escape

from bot.i18n import N_, _, ngettext, pgettext
from bot.i18n.formats import fixed, local_date, percent
from bot.stats.rules import Figure, GroupStats, StatsReport


def stats_chart_title() -> str:
    return _("Weekly means by group")


def stats_chart_headings() -> tuple[str, str]:
    """The headings of the chart's two panels: mood, then confidence."""
    return (_("Mean mood, 1 to 5"), _("Mean confidence, 0 to 10"))


def stats_chart_caption(minimum: int, weeks_withheld: bool = False) -> str:
    # Translators: {minimum} is the fewest members a figure may be computed over.
    caption = ngettext(
        "Weekly mean mood and confidence, per group, by the Monday each week starts. "
        "Groups and weeks of fewer than {minimum} member are left out.",
        "Weekly mean mood and confidence, per group, by the Monday each week starts. "
        "Groups and weeks of fewer than {minimum} members are left out.",
        minimum,
    ).format(minimum=minimum)
    if not weeks_withheld:
        return caption
    # Translators: follows the chart's caption when some weeks of all members are left out
    # because, with the circles' figures, they would give away a small group.
    more = _("Weeks hidden so that a small group cannot be worked out are left out too.")
    return f"{caption} {more}"


def fewer_than(minimum: int) -> str:
    """What a figure over too few members reads instead of its value."""
    # Translators: shown in place of a figure computed over too few members to be shown;
    # keep it the same as in the "Statistics for …" line.
    return _("fewer than {minimum}").format(minimum=minimum)


def withheld() -> str:
    """What a figure reads when, with the circles' figures, it would give away a small group
    (everyone minus the circles shown)."""
    # Translators: shown in place of a figure of all members that is not shown because,
    # subtracted from it, the circles' figures would give away a group of too few members.
    return _("hidden so that a small group cannot be worked out")


def all_members() -> str:
    """The group of every member, before each circle's (by its name)."""
    # Translators: the group of every member in /stats, its chart and its CSV file (beside
    # each circle by its name).
    return _("All members")


def csv_columns() -> tuple[str, ...]:
    """The header row of the statistics CSV, in the operator's language: one word each
    (snake_case), so that a spreadsheet or a script can name the columns."""
    return (
        # Translators: the header row of `peercircle report`'s statistics file, for a
        # spreadsheet: keep each name one word (snake_case), as scripts read them.
        pgettext("statistics CSV column", "group"),
        pgettext("statistics CSV column", "row"),
        pgettext("statistics CSV column", "week_start"),
        pgettext("statistics CSV column", "members"),
        pgettext("statistics CSV column", "active_7d"),
        pgettext("statistics CSV column", "active_30d"),
        pgettext("statistics CSV column", "checkin_adherence_7d"),
        pgettext("statistics CSV column", "checkins"),
        pgettext("statistics CSV column", "mean_mood"),
        pgettext("statistics CSV column", "mean_confidence"),
        pgettext("statistics CSV column", "confidence_change_median"),
        pgettext("statistics CSV column", "confidence_change_members"),
        pgettext("statistics CSV column", "goal_completion_30d"),
        pgettext("statistics CSV column", "encouragement_sent_7d"),
        pgettext("statistics CSV column", "encouragement_thanked_7d"),
    )


def csv_row_kinds() -> tuple[str, str]:
    """What the statistics CSV's "row" column says: a group's /stats figures, one week."""
    # Translators: the kind of a row of the statistics CSV: a group's /stats figures.
    summary = pgettext("statistics CSV row", "summary")
    # Translators: the kind of a row of the statistics CSV: one week of a group.
    week = pgettext("statistics CSV row", "week")
    return summary, week


def _figure(report: StatsReport, figure: Figure, kind: str) -> str:
    if report.hidden(figure):
        return fewer_than(report.minimum)
    if figure.withheld:
        return withheld()
    if figure.value is None:
        # Translators: a /stats figure with nothing to compute it from.
        return _("no data yet")
    if kind == "share":
        return percent(figure.value)
    if kind == "signed":
        # Translators: {change} is a signed number ("+0.5"); {count} how many members it
        # is the median over.
        return ngettext(
            "{change} (over {count} member)", "{change} (over {count} members)", figure.basis
        ).format(change=fixed(figure.value, signed=True), count=figure.basis)
    if kind == "mean":
        return fixed(figure.value)
    return str(int(figure.value))


STATS_MESSAGE_LIMIT = 4000  # Telegram's is 4096
STATS_MOST_MESSAGES = 5


def stats_messages(report: StatsReport) -> list[str]:
    """The /stats text in messages Telegram accepts; a very long one ends with a pointer."""
    messages: list[str] = []
    current = ""
    for block in stats_text(report).split("\n\n"):
        if current and len(current) + 2 + len(block) > STATS_MESSAGE_LIMIT:
            messages.append(current)
            current = ""
        current = f"{current}\n\n{block}" if current else block
    messages.append(current)
    if len(messages) > STATS_MOST_MESSAGES:
        left = len(messages) - STATS_MOST_MESSAGES + 1
        messages = messages[: STATS_MOST_MESSAGES - 1]
        messages.append(
            # Translators: ends a /stats reply too long for Telegram; {count} (2 or more) is
            # how many messages were left out. The command stays as it is.
            ngettext(
                "… and {count} more message of circles. <code>peercircle report --out "
                "stats.csv</code> writes every figure for every circle.",
                "… and {count} more messages of circles. <code>peercircle report --out "
                "stats.csv</code> writes every figure for every circle.",
                left,
            ).format(count=left)
        )
    return messages


_ALERT_KINDS = (
    # Translators: the kind of crisis alert counted in a /stats line ("{label}: …").
    ("urgent", N_("Urgent crisis alerts")),
    # Translators: the kind of crisis alert counted in a /stats line ("{label}: …").
    ("concern", N_("Concern notices")),
)


def _alert_line(label: str, raised: int, taken: int, false: int) -> str:
    # Translators: one line of /stats, "Urgent crisis alerts: 3 raised, 2 taken, 1 false
    # alarm"; {label} is the kind of alert, the others the three counts that follow.
    return _("{label}: {raised}, {taken}, {false_alarms}").format(
        label=_(label),
        # Translators: how many crisis alerts were raised, in the /stats line "{label}: …".
        raised=ngettext("{count} raised", "{count} raised", raised).format(count=raised),
        # Translators: how many of them a moderator took, in the /stats line "{label}: …".
        taken=ngettext("{count} taken", "{count} taken", taken).format(count=taken),
        # Translators: how many were false alarms, in the /stats line "{label}: …".
        false_alarms=ngettext("{count} false alarm", "{count} false alarms", false).format(
            count=false
        ),
    )


def _week_pattern() -> str:
    return pgettext("date pattern (CLDR): the Monday a /stats week starts", "dd MMM")


def stats_text(report: StatsReport) -> str:
    minimum = report.minimum
    today = local_date(
        report.today, pgettext("date pattern (CLDR): the day /stats is for", "dd MMM yyyy")
    )
    lines = [
        # Translators: the first line of /stats; {day} is today's date, {minimum} the fewest
        # members a figure may be computed over. “fewer than {minimum}” quotes what such a
        # figure reads instead.
        ngettext(
            "<b>Statistics</b> for {day}. Figures over fewer than {minimum} member read "
            "“fewer than {minimum}”; no notes, no messages, no single member.",
            "<b>Statistics</b> for {day}. Figures over fewer than {minimum} members read "
            "“fewer than {minimum}”; no notes, no messages, no single member.",
            minimum,
        ).format(day=today, minimum=minimum)
    ]
    for tier, label in _ALERT_KINDS:
        raised = report.alerts.get((tier, "raised"), 0)
        if raised:
            taken = report.alerts.get((tier, "taken"), 0)
            false = report.alerts.get((tier, "false_alarm"), 0)
            lines.append(_alert_line(label, raised, taken, false))
    for group in report.groups:
        lines.append("")
        name = escape(group.name)
        if group.members < minimum:
            lines.append(
                # Translators: {group} is a circle's name (or "All members").
                ngettext(
                    "<b>{group}</b>: fewer than {minimum} member",
                    "<b>{group}</b>: fewer than {minimum} members",
                    minimum,
                ).format(group=name, minimum=minimum)
            )
            continue
        lines.append(
            # Translators: {group} is a circle's name (or "All members").
            ngettext(
                "<b>{group}</b> ({count} member)",
                "<b>{group}</b> ({count} members)",
                group.members,
            ).format(group=name, count=group.members)
        )
        lines += _group_lines(report, group)
    return "\n".join(lines)


def _group_lines(report: StatsReport, group: GroupStats) -> list[str]:
    """A shown group's figures, one line each; a line whose figures are withheld says so."""

    def f(figure: Figure, kind: str = "count") -> str:
        return _figure(report, figure, kind)

    lines = []
    if group.active_7d.withheld:
        lines.append(
            # Translators: a /stats line of all members whose figures are not shown because,
            # with the circles' figures, they would give away a group of too few members.
            _("Active, last 7 and 30 days: hidden so that a small group cannot be worked out")
        )
    else:
        lines.append(
            # Translators: {week} and {month} are figures: a number of members, or "fewer than 5".
            _("Active: {week} in the last 7 days, {month} in the last 30").format(
                week=f(group.active_7d), month=f(group.active_30d)
            )
        )
    lines.append(
        # Translators: {share} is a percentage, or "fewer than 5".
        _("Check-in adherence, last 7 days: {share}").format(share=f(group.adherence_7d, "share"))
    )
    if group.weeks:
        week = group.weeks[-1]
        day = local_date(week.start, _week_pattern())
        if week.withheld:
            lines.append(
                # Translators: {day} is the Monday the week starts; a /stats line of all
                # members not shown because, with the circles' figures, it would give away a
                # group of too few members.
                _(
                    "Week of {day}: mean mood and confidence hidden so that a small group "
                    "cannot be worked out"
                ).format(day=day)
            )
        else:
            lines.append(
                # Translators: {day} is the Monday the week starts; {mood} and {confidence}
                # are means ("3.4"), or "fewer than 5".
                _("Week of {day}: mean mood {mood}, confidence {confidence}").format(
                    day=day,
                    mood=f(week.mood, "mean"),
                    confidence=f(week.confidence, "mean"),
                )
            )
    if group.confidence_change.withheld:
        lines.append(
            # Translators: a /stats line of all members not shown because, with the
            # circles' figures, it would give away a group of too few members.
            _(
                "Confidence, first 14 days to last 14 days: hidden so that a small group "
                "cannot be worked out"
            )
        )
    else:
        lines.append(
            # Translators: {change} is a signed number with how many members it is over
            # ("+0.5 (over 12 members)"), or "fewer than 5".
            _("Confidence, first 14 days to last 14 days: median {change}").format(
                change=f(group.confidence_change, "signed")
            )
        )
    if group.goal_completion.withheld:
        lines.append(
            # Translators: a /stats line of all members not shown because, with the
            # circles' figures, it would give away a group of too few members.
            _("Goals done, last 30 days: hidden so that a small group cannot be worked out")
        )
    else:
        lines.append(
            # Translators: {share} is a percentage, or "fewer than 5".
            _("Goals done, last 30 days: {share} of answers").format(
                share=f(group.goal_completion, "share")
            )
        )
    if group.encouragement_sent.withheld:
        lines.append(
            # Translators: a /stats line of all members not shown because, with the
            # circles' figures, it would give away a group of too few members.
            _("Encouragement, last 7 days: hidden so that a small group cannot be worked out")
        )
    else:
        lines.append(
            # Translators: {sent} and {thanked} are counts of messages, or "fewer than 5".
            _("Encouragement, last 7 days: {sent} sent, {thanked} thanked").format(
                sent=f(group.encouragement_sent), thanked=f(group.encouragement_thanked)
            )
        )
    return lines
