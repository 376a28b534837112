"""Every text of /stats: anonymised figures per circle, and the chart's words. HTML parse
mode."""

from __future__ import annotations

from html import escape

from bot.stats.rules import Figure, StatsReport

STATS_CHART_TITLE = "Weekly means by group"
STATS_CHART_HEADINGS = ("Mean mood, 1 to 5", "Mean confidence, 0 to 10")


def stats_chart_caption(minimum: int) -> str:
    return (
        "Weekly mean mood and confidence, per group, by the Monday each week starts. "
        f"Groups and weeks of fewer than {minimum} members are left out."
    )


def _figure(report: StatsReport, figure: Figure, kind: str) -> str:
    if report.hidden(figure):
        return f"fewer than {report.minimum}"
    if figure.value is None:
        return "no data yet"
    if kind == "share":
        return f"{figure.value:.0%}"
    if kind == "signed":
        return f"{figure.value:+.1f} (over {figure.basis} members)"
    if kind == "mean":
        return f"{figure.value:.1f}"
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
            f"… and {left} more message(s) of circles. "
            "<code>peercircle report --out stats.csv</code> writes every figure for every circle."
        )
    return messages


def stats_text(report: StatsReport) -> str:
    lines = [
        f"<b>Statistics</b> for {report.today:%d %b %Y}. Figures over fewer than "
        f"{report.minimum} members read “fewer than {report.minimum}”; no notes, no "
        "messages, no single member."
    ]
    for tier, label in (("urgent", "Urgent crisis alerts"), ("concern", "Concern notices")):
        raised = report.alerts.get((tier, "raised"), 0)
        if raised:
            taken = report.alerts.get((tier, "taken"), 0)
            false = report.alerts.get((tier, "false_alarm"), 0)
            alarms = "false alarm" if false == 1 else "false alarms"
            lines.append(f"{label}: {raised} raised, {taken} taken, {false} {alarms}")
    for group in report.groups:
        lines.append("")
        if group.members < report.minimum:
            lines.append(f"<b>{escape(group.name)}</b>: fewer than {report.minimum} members")
            continue

        def f(figure: Figure, kind: str = "count") -> str:
            return _figure(report, figure, kind)

        lines.append(f"<b>{escape(group.name)}</b> ({group.members} members)")
        lines.append(
            f"Active: {f(group.active_7d)} in the last 7 days, "
            f"{f(group.active_30d)} in the last 30"
        )
        lines.append(f"Check-in adherence, last 7 days: {f(group.adherence_7d, 'share')}")
        if group.weeks:
            week = group.weeks[-1]
            lines.append(
                f"Week of {week.start:%d %b}: mean mood {f(week.mood, 'mean')}, "
                f"confidence {f(week.confidence, 'mean')}"
            )
        lines.append(
            "Confidence, first 14 days to last 14 days: median "
            f"{f(group.confidence_change, 'signed')}"
        )
        lines.append(f"Goals done, last 30 days: {f(group.goal_completion, 'share')} of answers")
        lines.append(
            f"Encouragement, last 7 days: {f(group.encouragement_sent)} sent, "
            f"{f(group.encouragement_thanked)} thanked"
        )
    return "\n".join(lines)
