"""Every text of /mydata and its readable summary, in one place to review and translate."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, tzinfo
from html import escape
from typing import Any

from bot.goals.rules import GoalSchedule, LimitPeriod
from bot.texts.checkins import mood_word
from bot.texts.goals import REASON_LABELS, describe_limit, describe_schedule
from bot.texts.safety import PLAN_PARTS

__all__ = [
    "CSV_CAPTION",
    "HTML_CAPTION",
    "JSON_CAPTION",
    "alert_outcome",
    "mood_word",
    "summary_html",
]

JSON_CAPTION = (
    "Everything peercircle stores about you, complete, as JSON (for other apps). It is "
    "personal health information: keep it somewhere safe."
)
HTML_CAPTION = "The same, to read: open it in a browser."
CSV_CAPTION = "Your check-ins as a spreadsheet (CSV), newest first, like Daylio's export."

_TIERS = {"urgent": "urgent", "concern": "concern"}
# What the crisis screen heard, said gently; never the words it matched.
_CATEGORIES = {
    "intent": "ending your life",
    "plan_means": "a plan or the means",
    "preparation": "getting ready",
    "self_harm": "hurting yourself",
    "overdose": "an overdose",
    "goodbye": "saying goodbye",
    "passive": "not wanting to be here",
    "hopelessness": "hopelessness",
}
_PLACES = {
    "note": "a private check-in note",
    "setback_note": "a private setback note",
    "goal": "a goal",
    "safety_plan": "your safety plan",
    "edit": "an edited message",
    "encourage": "encouragement to your circle",
    "ask": "asking your circle",
    "reply": "an answer in your circle",
    "moderator": "an answer to a moderator",
    "onboarding": "while joining",
    "message": "a message to the bot",
    "caption": "a caption",
    "command": "a command",
}
_RELAY_KINDS = {
    "encourage": "encouragement",
    "ask": "asked for support",
    "reply": "an answer",
    "hard_day": "a hard day",
}
_RELAY_STATUS = {
    "sent": "delivered",
    "held": "waiting for a moderator",
    "rejected": "not sent: a moderator declined it",
}
_REPORT_STATUS = {
    "open": "waiting for a moderator",
    "dismissed": "looked at and left in place",
    "acted": "removed",
}
_SANCTIONS = {"warning": "warning", "mute": "mute", "ban": "ban"}
_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:46rem;margin:1rem auto;padding:0 1rem;"
    "line-height:1.45;color:#222}h2{margin-top:2rem;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e4e4e4;"
    "padding:.3rem;text-align:left;vertical-align:top}.quiet{color:#666}"
    ".wide{overflow-x:auto}"
)


def alert_outcome(alert: Mapping[str, Any]) -> str:
    """What became of a crisis alert, in a few words."""
    if alert.get("false_alarm_at"):
        return "not a crisis"
    if alert.get("resolved_at"):
        return "resolved"
    if alert.get("taken_at"):
        return "a moderator reached out"
    return "open"


def summary_html(export: Mapping[str, Any], zone: tzinfo) -> str:
    """A readable copy of the export: one HTML page, no scripts, member text escaped."""
    member = export["member"]
    clock = _Clock(zone, str(member["timezone"]))
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Your peercircle data</title><style>{_STYLE}</style></head><body>",
        "<h1>Your peercircle data</h1>",
        f"<p>Everything peercircle stores about you, on {clock.moment(export['exported_at'])}"
        f" (times in {escape(clock.name)}). The JSON file beside this one holds the same, "
        "complete, for other apps; the CSV file holds your check-ins for a spreadsheet. "
        "Only you were sent this copy: keep it somewhere safe.</p>",
        _you(member, clock),
        _checkins(export["checkins"], clock),
        _goals(export["goals"], clock),
        _journeys(export["journeys"]),
        _safety_plan(export["safety_plan"], export["safety_plan_draft"], clock),
        _circle(export, clock),
        _alerts(export["crisis_alerts"], clock),
        _moderation(export["moderation"], export["moderator"], clock),
        "<p class=quiet>Weekly totals of your check-ins are also kept, for anonymised "
        f"statistics: {len(export['checkin_summaries']['weeks'])} week(s), in the JSON "
        "file.</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


class _Clock:
    """Stored UTC moments and local dates, as the member reads them in their own zone."""

    def __init__(self, zone: tzinfo, name: str) -> None:
        self.zone, self.name = zone, name

    def moment(self, text: object) -> str:
        if not text:
            return ""
        moment = datetime.fromisoformat(str(text))  # stored in UTC, as ISO text
        local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(self.zone)
        return f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M}"

    @staticmethod
    def day(text: object) -> str:
        if not text:
            return ""
        day = date.fromisoformat(str(text))
        return f"{day:%a} {day.day} {day:%b %Y}"


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A table of already-escaped cells."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    # A phone is narrower than five columns: the table scrolls sideways, not the page.
    return f"<div class=wide><table><tr>{head}</tr>{body}</table></div>"


def _text(value: object) -> str:
    return escape(str(value)) if value not in (None, "") else ""


def _section(title: str, body: str) -> str:
    return f"<h2>{title}</h2>\n{body}"


def _you(member: Mapping[str, Any], clock: _Clock) -> str:
    if member.get("paused"):
        until = member.get("paused_until")
        paused = f"paused until {clock.moment(until)}" if until else "paused until you /resume"
    else:
        paused = "on"
    shares = member.get("share_milestones")
    sharing = "not asked yet" if shares is None else ("yes" if shares else "no")
    items = [
        f"Pseudonym: <b>{_text(member['pseudonym'])}</b>",
        f"Telegram user id: {member['user_id']} (kept so that the bot can write to you)",
        f"Agreed to the notice: {clock.moment(member['consent_at'])} "
        f"(version {member['consent_version']})",
        f"Time zone: {_text(member['timezone'])}; daily check-in at "
        f"{_text(member['checkin_time'])}",
        f"Check-in prompts and nudges: {paused}",
        f"Weekly reflection: {'on' if member.get('weekly_reflection') else 'off'}",
        f"Milestones shared with your circle: {sharing}",
    ]
    if member.get("next_checkin_at") and not member.get("paused"):
        items.append(f"Next check-in prompt: {clock.moment(member['next_checkin_at'])}")
    if member.get("blocked_at"):
        items.append(f"Telegram said you blocked the bot on {clock.moment(member['blocked_at'])}")
    return _section("You", "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")


def _checkins(checkins: Sequence[Mapping[str, Any]], clock: _Clock) -> str:
    if not checkins:
        return _section("Check-ins", "<p>None yet.</p>")
    rows = [
        (
            clock.day(c["local_date"])
            + (" (filled in later)" if c.get("filled_in_later") else ""),
            f"{c['mood']} {mood_word(int(c['mood']))}",
            f"{c['confidence']}/10",
            _text(c.get("note")),
        )
        for c in checkins
    ]
    intro = f"<p>{len(checkins)} check-in(s). Notes are private: only you ever see them.</p>"
    return _section("Check-ins", intro + _table(("Day", "Mood", "Confidence", "Note"), rows))


def _goal_answer(answer: Mapping[str, Any]) -> str:
    outcome = answer.get("outcome")
    if outcome == "done":
        return "done"
    if outcome == "count":
        return f"{answer.get('amount')} logged"
    reason = answer.get("reason")
    label = REASON_LABELS.get(str(reason), "no reason given") if reason else "no reason given"
    return f"not today ({escape(label.lower())})"


def _goals(goals: Sequence[Mapping[str, Any]], clock: _Clock) -> str:
    if not goals:
        return _section("Goals", "<p>None yet.</p>")
    blocks = []
    for goal in goals:
        schedule = GoalSchedule.parse(str(goal["schedule"]))
        when = describe_schedule(schedule, str(goal["nudge_time"])) if schedule else ""
        kind = "habit"
        if goal["kind"] == "limit" and goal.get("limit_period") in ("day", "week"):
            kind = "limit: " + describe_limit(
                int(goal["limit_target"]), LimitPeriod(goal["limit_period"])
            )
        number = f"{goal['number']}. " if goal.get("number") is not None else ""
        details = [kind, f"nudged {when}" if when else "", f"status: {goal['status']}"]
        details.append(f"set {clock.moment(goal['created_at'])}")
        why = f"<br>Why it matters: {_text(goal['why'])}" if goal.get("why") else ""
        answers = [(clock.day(a["local_date"]), _goal_answer(a)) for a in goal["answers"]]
        table = _table(("Day", "Answer"), answers) if answers else "<p>No answers yet.</p>"
        blocks.append(
            f"<h3>{number}{_text(goal['title'])}</h3>"
            f"<p>{escape('; '.join(d for d in details if d))}{why}</p>{table}"
        )
    return _section("Goals", "\n".join(blocks))


def _journeys(journeys: Sequence[Mapping[str, Any]]) -> str:
    if not journeys:
        return _section("Recovery journey", "<p>Not started.</p>")
    rows = [
        (
            _Clock.day(j["started_on"]),
            _Clock.day(j.get("ended_on")) or "ongoing",
            _text(j.get("setback_note")),
        )
        for j in journeys
    ]
    table = _table(("Started", "Setback on", "Your private note"), rows)
    return _section("Recovery journey", table)


def _plan(plan: Mapping[str, Any], clock: _Clock) -> str:
    parts = "".join(
        f"<dt><b>{escape(title)}</b></dt><dd>{_text(plan.get(name))}</dd>"
        for name, title, _ in PLAN_PARTS
        if plan.get(name)
    )
    return f"<dl>{parts}</dl><p class=quiet>Last changed {clock.moment(plan['updated_at'])}</p>"


def _safety_plan(
    plan: Mapping[str, Any] | None, draft: Mapping[str, Any] | None, clock: _Clock
) -> str:
    body = _plan(plan, clock) if plan else "<p>You haven't written one. /safetyplan starts it.</p>"
    if draft:
        body += "<h3>An edit you haven't finished</h3>" + _plan(draft, clock)
    return _section("Safety plan", body)


def _circle(export: Mapping[str, Any], clock: _Clock) -> str:
    membership = export["circle"]
    if membership:
        lines = [
            f"<p>You're in <b>{_text(membership['circle'])}</b>, since "
            f"{clock.moment(membership['joined_at'])}. Who else is in it is not kept "
            "in your copy.</p>"
        ]
    else:
        lines = ["<p>You're not in a circle now.</p>"]
    relays = export["messages_to_circle"]
    if relays:
        written = [
            (
                clock.moment(r["created_at"]),
                escape(_RELAY_KINDS.get(str(r["kind"]), str(r["kind"]))),
                "removed by a moderator"
                if r.get("deleted_at")
                else escape(_RELAY_STATUS.get(str(r["status"]), str(r["status"]))),
                r["thanked_by"],
                _text(r["text"]),
            )
            for r in relays
        ]
        lines.append("<h3>What you wrote to your circle</h3>")
        lines.append(_table(("When", "Kind", "What happened", "Thanks", "Your words"), written))
    thanks = export["thanks_given"]
    lines.append(f"<p>You thanked {len(thanks)} message(s) from others.</p>")
    reports = export["reports_filed"]
    if reports:
        rows = [
            (
                clock.moment(p["created_at"]),
                clock.moment(p["message_sent_at"]),
                escape(_REPORT_STATUS.get(str(p["status"]), str(p["status"]))),
            )
            for p in reports
        ]
        lines.append(
            "<h3>Messages you reported</h3><p class=quiet>Their words and author are not "
            "repeated here.</p>"
        )
        lines.append(_table(("Reported", "Message sent", "Outcome"), rows))
    return _section("Circle", "\n".join(lines))


def _alerts(alerts: Sequence[Mapping[str, Any]], clock: _Clock) -> str:
    if not alerts:
        return _section("Crisis alerts about you", "<p>None.</p>")
    rows = [
        (
            clock.moment(a["created_at"]),
            escape(_TIERS.get(str(a["tier"]), str(a["tier"]))),
            escape(
                ", ".join(
                    _CATEGORIES.get(c, c) for c in str(a.get("categories") or "").split(",") if c
                )
            ),
            escape(_PLACES.get(str(a["source"]), str(a["source"]))),
            _text(a.get("text")) or "<span class=quiet>(private: not shown to anyone)</span>",
            escape(alert_outcome(a)),
        )
        for a in alerts
    ]
    intro = (
        "<p>When something you wrote sounded like you might be in danger, peer moderators "
        "were let know so that someone could reach out. The words of private notes were "
        "never shown to them. Which moderator took it is not part of your copy.</p>"
    )
    table = _table(("When", "Level", "It sounded like", "Where", "Your words", "Outcome"), rows)
    return _section("Crisis alerts about you", intro + table)


def _moderation(
    sanctions: Sequence[Mapping[str, Any]], role: Mapping[str, Any] | None, clock: _Clock
) -> str:
    body = ""
    if sanctions:
        rows = [
            (
                clock.moment(s["created_at"]),
                escape(_SANCTIONS.get(str(s["kind"]), str(s["kind"]))),
                _text(s.get("reason")),
                clock.moment(s.get("until")),
                clock.moment(s.get("lifted_at")),
            )
            for s in sanctions
        ]
        body += _table(("When", "Kind", "Reason", "Until", "Lifted"), rows)
    else:
        body += "<p>No warnings, mutes or bans.</p>"
    if role:
        body += f"<p>You have been a moderator since {clock.moment(role['added_at'])}.</p>"
    return _section("Moderation", body)
