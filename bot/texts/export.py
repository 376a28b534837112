"""Every text of /mydata and its readable summary, in one place to review and translate."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, tzinfo
from html import escape
from typing import Any

from bot.goals.rules import GoalSchedule, LimitPeriod
from bot.i18n import _, current_language, ngettext, pgettext
from bot.i18n.formats import clock as clock_time
from bot.i18n.formats import local_date
from bot.i18n.languages import LANGUAGE_NAMES
from bot.texts.checkins import mood_word
from bot.texts.goals import REASON_LABELS, describe_limit, describe_schedule
from bot.texts.moderation import audit_actions
from bot.texts.safety import PLAN_PARTS

__all__ = [
    "alert_outcome",
    "checkins_csv_columns",
    "csv_caption",
    "filled_in_later",
    "html_caption",
    "json_caption",
    "mood_word",
    "summary_html",
]


def json_caption() -> str:
    return _(
        "Everything peercircle stores about you, complete, as JSON (for other apps). It is "
        "personal health information: keep it somewhere safe."
    )


def html_caption() -> str:
    return _("The same, to read: open it in a browser.")


def csv_caption() -> str:
    return _("Your check-ins as a spreadsheet (CSV), newest first, like Daylio's export.")


def checkins_csv_columns(filled_in_later: bool) -> list[str]:
    """The header row of the check-ins CSV; the last column only from a store that has it."""
    columns = [
        # Translators: the header row of the member's check-ins spreadsheet (/mydata): keep
        # each name one word (snake_case), as spreadsheets and scripts read them.
        pgettext("check-ins CSV column", "date"),
        pgettext("check-ins CSV column", "weekday"),
        pgettext("check-ins CSV column", "time"),
        pgettext("check-ins CSV column", "mood"),
        pgettext("check-ins CSV column", "mood_number"),
        pgettext("check-ins CSV column", "confidence"),
        pgettext("check-ins CSV column", "note"),
    ]
    if filled_in_later:
        columns.append(pgettext("check-ins CSV column", "filled_in_later"))
    return columns


def filled_in_later(later: bool) -> str:
    """The check-ins CSV's "filled_in_later" cell."""
    if later:
        # Translators: a cell of the check-ins spreadsheet: this day was filled in later.
        return pgettext("filled in later", "yes")
    # Translators: a cell of the check-ins spreadsheet: this day was answered on the day.
    return pgettext("filled in later", "no")


def _tiers() -> dict[str, str]:
    return {
        "urgent": pgettext("crisis alert level", "urgent"),
        "concern": pgettext("crisis alert level", "concern"),
    }


def _categories() -> dict[str, str]:
    """What the crisis screen heard, said gently; never the words it matched."""
    return {
        # Translators: what a crisis alert was about, in the /mydata column "It sounded
        # like"; say it gently.
        "intent": pgettext("crisis alert sounded like", "ending your life"),
        "plan_means": pgettext("crisis alert sounded like", "a plan or the means"),
        "preparation": pgettext("crisis alert sounded like", "getting ready"),
        "self_harm": pgettext("crisis alert sounded like", "hurting yourself"),
        "overdose": pgettext("crisis alert sounded like", "an overdose"),
        "goodbye": pgettext("crisis alert sounded like", "saying goodbye"),
        "passive": pgettext("crisis alert sounded like", "not wanting to be here"),
        "hopelessness": pgettext("crisis alert sounded like", "hopelessness"),
    }


def _places() -> dict[str, str]:
    """Where the crisis screen heard it."""
    return {
        # Translators: where the member wrote what raised a crisis alert, in the /mydata
        # column "Where".
        "note": pgettext("crisis alert where", "a private check-in note"),
        "setback_note": pgettext("crisis alert where", "a private setback note"),
        "goal": pgettext("crisis alert where", "a goal"),
        "safety_plan": pgettext("crisis alert where", "your safety plan"),
        "edit": pgettext("crisis alert where", "an edited message"),
        "encourage": pgettext("crisis alert where", "encouragement to your circle"),
        "ask": pgettext("crisis alert where", "asking your circle"),
        "reply": pgettext("crisis alert where", "an answer in your circle"),
        "moderator": pgettext("crisis alert where", "an answer to a moderator"),
        "onboarding": pgettext("crisis alert where", "while joining"),
        "message": pgettext("crisis alert where", "a message to the bot"),
        "caption": pgettext("crisis alert where", "a caption"),
        "command": pgettext("crisis alert where", "a command"),
    }


def _relay_kinds() -> dict[str, str]:
    return {
        # Translators: the kind of a message the member wrote to their circle (/mydata).
        "encourage": pgettext("message to the circle", "encouragement"),
        "ask": pgettext("message to the circle", "asked for support"),
        "reply": pgettext("message to the circle", "an answer"),
        "hard_day": pgettext("message to the circle", "a hard day"),
    }


def _relay_status() -> dict[str, str]:
    return {
        # Translators: what happened to a message the member wrote to their circle.
        "sent": pgettext("message to the circle", "delivered"),
        "held": pgettext("message to the circle", "waiting for a moderator"),
        "rejected": pgettext("message to the circle", "not sent: a moderator declined it"),
    }


def _report_status() -> dict[str, str]:
    return {
        # Translators: what moderators did about a message the member reported.
        "open": pgettext("reported message", "waiting for a moderator"),
        "dismissed": pgettext("reported message", "looked at and left in place"),
        "acted": pgettext("reported message", "removed"),
    }


def _sanctions() -> dict[str, str]:
    return {
        "warning": pgettext("sanction", "warning"),
        "mute": pgettext("sanction", "mute"),
        "ban": pgettext("sanction", "ban"),
    }


def _goal_statuses() -> dict[str, str]:
    return {
        "draft": pgettext("goal status", "draft"),
        "active": pgettext("goal status", "active"),
        "paused": pgettext("goal status", "paused"),
        "archived": pgettext("goal status", "archived"),
    }


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
        return pgettext("crisis alert outcome", "not a crisis")
    if alert.get("resolved_at"):
        return pgettext("crisis alert outcome", "resolved")
    if alert.get("taken_at"):
        return pgettext("crisis alert outcome", "a moderator reached out")
    return pgettext("crisis alert outcome", "open")


def summary_html(export: Mapping[str, Any], zone: tzinfo) -> str:
    """A readable copy of the export: one HTML page, no scripts, member text escaped."""
    member = export["member"]
    clock = _Clock(zone, str(member["timezone"]))
    title = _("Your peercircle data")
    weeks = len(export["checkin_summaries"]["weeks"])
    parts = [
        f'<!DOCTYPE html>\n<html lang="{current_language().replace("_", "-")}"><head>'
        '<meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{title}</h1>",
        "<p>"
        # Translators: {moment} is the date and time of the copy, {zone} the member's time
        # zone ("Europe/Berlin").
        + _(
            "Everything peercircle stores about you, on {moment} (times in {zone}). The JSON "
            "file beside this one holds the same, complete, for other apps; the CSV file "
            "holds your check-ins for a spreadsheet. Only you were sent this copy: keep it "
            "somewhere safe."
        ).format(moment=clock.moment(export["exported_at"]), zone=escape(clock.name))
        + "</p>",
        _you(member, clock, export.get("pseudonyms") or []),
        _checkins(export["checkins"], clock),
        _goals(export["goals"], clock),
        _journeys(export["journeys"]),
        _questionnaires(export.get("questionnaires") or {}, clock),
        _safety_plan(export["safety_plan"], export["safety_plan_draft"], clock),
        _circle(export, clock),
        _alerts(export["crisis_alerts"], clock, export.get("answers_to_moderators") or []),
        _moderation(
            export["moderation"],
            export["moderator"],
            clock,
            export.get("moderator_actions") or [],
        ),
        "<p class=quiet>"
        # Translators: {count} is a number of weeks.
        + ngettext(
            "Weekly totals of your check-ins are also kept, for anonymised statistics: "
            "{count} week, in the JSON file.",
            "Weekly totals of your check-ins are also kept, for anonymised statistics: "
            "{count} weeks, in the JSON file.",
            weeks,
        ).format(count=weeks)
        + "</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def _day_pattern() -> str:
    return pgettext("date pattern (CLDR): a day in the /mydata summary", "EEE d MMM yyyy")


class _Clock:
    """Stored UTC moments and local dates, as the member reads them in their own zone."""

    def __init__(self, zone: tzinfo, name: str) -> None:
        self.zone, self.name = zone, name

    def moment(self, text: object) -> str:
        if not text:
            return ""
        moment = datetime.fromisoformat(str(text))  # stored in UTC, as ISO text
        local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(self.zone)
        # Translators: a moment in the /mydata summary: {date} is a day ("Mon 2 Mar 2026"),
        # {time} a time of day ("10:00").
        return pgettext("date and time", "{date}, {time}").format(
            date=local_date(local.date(), _day_pattern()), time=clock_time(local)
        )

    @staticmethod
    def day(text: object) -> str:
        if not text:
            return ""
        return local_date(date.fromisoformat(str(text)), _day_pattern())


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


def _paragraph(text: str, quiet: bool = False) -> str:
    return f"<p class=quiet>{text}</p>" if quiet else f"<p>{text}</p>"


def _on(on: bool) -> str:
    return pgettext("setting is", "on") if on else pgettext("setting is", "off")


def _you(member: Mapping[str, Any], clock: _Clock, pseudonyms: Sequence[str]) -> str:
    if member.get("paused"):
        until = member.get("paused_until")
        paused = (
            # Translators: the state of check-in prompts; {moment} is a date and time.
            pgettext("check-ins are", "paused until {moment}").format(moment=clock.moment(until))
            if until
            else pgettext("check-ins are", "paused until you /resume")
        )
    else:
        paused = pgettext("check-ins are", "on")
    shares = member.get("share_milestones")
    if shares is None:
        # Translators: whether the member's milestones are shared with their circle.
        sharing = pgettext("milestones shared", "not asked yet")
    elif shares:
        sharing = pgettext("milestones shared", "yes")
    else:
        sharing = pgettext("milestones shared", "no")
    items = [
        # Translators: {pseudonym} is the member's two-word nickname.
        _("Pseudonym: <b>{pseudonym}</b>").format(pseudonym=_text(member["pseudonym"])),
        _("Telegram user id: {user_id} (kept so that the bot can write to you)").format(
            user_id=member["user_id"]
        ),
        # Translators: {moment} is when the member agreed to the notice they read at /start,
        # {version} the notice's version number.
        _("Agreed to the notice: {moment} (version {version})").format(
            moment=clock.moment(member["consent_at"]), version=member["consent_version"]
        ),
        # Translators: {zone} is a time zone name ("Europe/Berlin"), {time} an HH:MM time.
        _("Time zone: {zone}; daily check-in at {time}").format(
            zone=_text(member["timezone"]), time=_text(member["checkin_time"])
        ),
        # Translators: {status} is "on", "paused until …" or "paused until you /resume".
        _("Check-in prompts and nudges: {status}").format(status=paused),
        # Translators: {state} is "on" or "off".
        _("Weekly reflection: {state}").format(state=_on(bool(member.get("weekly_reflection")))),
        # Translators: {answer} is "yes", "no" or "not asked yet".
        _("Milestones shared with your circle: {answer}").format(answer=sharing),
        # Translators: {language} is the language's own name ("Español").
        _("Language: {language}").format(language=_language_name(member.get("language"))),
    ]
    if len(pseudonyms) > 1:
        # Translators: {pseudonyms} lists every pseudonym the member has had, like "Quiet
        # Otter, Calm Heron".
        gone_by = _("Pseudonyms you have gone by: {pseudonyms}")
        items.append(gone_by.format(pseudonyms=_text(", ".join(pseudonyms))))
    if member.get("region"):
        # Translators: {region} is a region the operator configured ("Mexico").
        items.append(_("Crisis lines for: {region}").format(region=_text(member["region"])))
    if member.get("next_checkin_at") and not member.get("paused"):
        items.append(
            _("Next check-in prompt: {moment}").format(
                moment=clock.moment(member["next_checkin_at"])
            )
        )
    if member.get("blocked_at"):
        items.append(
            _("Telegram said you blocked the bot on {moment}").format(
                moment=clock.moment(member["blocked_at"])
            )
        )
    body = "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
    # Translators: a heading of the /mydata summary: what is stored about the member.
    return _section(pgettext("/mydata section", "You"), body)


def _checkins(checkins: Sequence[Mapping[str, Any]], clock: _Clock) -> str:
    title = pgettext("/mydata section", "Check-ins")
    if not checkins:
        return _section(title, _paragraph(_("None yet.")))
    rows = [
        (
            # Translators: {day} is a date; the member answered for it on a later day.
            _("{day} (filled in later)").format(day=clock.day(c["local_date"]))
            if c.get("filled_in_later")
            else clock.day(c["local_date"]),
            f"{c['mood']} {mood_word(int(c['mood']))}",
            # Translators: a confidence answer out of 10 ("7/10").
            _("{confidence}/10").format(confidence=c["confidence"]),
            _text(c.get("note")),
        )
        for c in checkins
    ]
    intro = _paragraph(
        ngettext(
            "{count} check-in. Notes are private: only you ever see them.",
            "{count} check-ins. Notes are private: only you ever see them.",
            len(checkins),
        ).format(count=len(checkins))
    )
    header = (
        pgettext("/mydata column", "Day"),
        pgettext("/mydata column", "Mood"),
        pgettext("/mydata column", "Confidence"),
        pgettext("/mydata column", "Note"),
    )
    return _section(title, intro + _table(header, rows))


def _goal_answer(answer: Mapping[str, Any]) -> str:
    outcome = answer.get("outcome")
    if outcome == "done":
        return pgettext("goal answer", "done")
    if outcome == "count":
        amount = answer.get("amount")
        # Translators: {amount} is how many times the member did what a limit goal counts.
        return ngettext("{amount} logged", "{amount} logged", int(amount or 0)).format(
            amount=amount
        )
    reason = answer.get("reason")
    if reason and str(reason) in REASON_LABELS:
        label = _(REASON_LABELS[str(reason)])
    else:
        label = _("no reason given")
    # Translators: a goal's day answered "not today"; {reason} is what got in the way, in
    # lower case ("a craving", "no time").
    return _("not today ({reason})").format(reason=escape(label.lower()))


def _goals(goals: Sequence[Mapping[str, Any]], clock: _Clock) -> str:
    title = pgettext("/mydata section", "Goals")
    if not goals:
        return _section(title, _paragraph(_("None yet.")))
    statuses = _goal_statuses()
    blocks = []
    for goal in goals:
        schedule = GoalSchedule.parse(str(goal["schedule"]))
        when = describe_schedule(schedule, str(goal["nudge_time"])) if schedule else ""
        kind = pgettext("goal kind", "habit")
        if goal["kind"] == "limit" and goal.get("limit_period") in ("day", "week"):
            # Translators: {limit} says the most a limit goal allows ("at most 3 a week").
            kind = _("limit: {limit}").format(
                limit=describe_limit(int(goal["limit_target"]), LimitPeriod(goal["limit_period"]))
            )
        number = f"{goal['number']}. " if goal.get("number") is not None else ""
        status = str(goal["status"])
        details = [
            kind,
            # Translators: {when} says when the goal's nudge comes ("every day at 18:00").
            _("nudged {when}").format(when=when) if when else "",
            # Translators: {status} is "active", "paused", "archived" or "draft".
            _("status: {status}").format(status=statuses.get(status, status)),
            # Translators: {moment} is when the goal was set.
            _("set {moment}").format(moment=clock.moment(goal["created_at"])),
        ]
        why = (
            "<br>"
            # Translators: {why} is the member's own words.
            + _("Why it matters: {why}").format(why=_text(goal["why"]))
            if goal.get("why")
            else ""
        )
        answers = [(clock.day(a["local_date"]), _goal_answer(a)) for a in goal["answers"]]
        header = (pgettext("/mydata column", "Day"), pgettext("/mydata column", "Answer"))
        table = _table(header, answers) if answers else _paragraph(_("No answers yet."))
        blocks.append(
            f"<h3>{number}{_text(goal['title'])}</h3>"
            f"<p>{escape('; '.join(d for d in details if d))}{why}</p>{table}"
        )
    return _section(title, "\n".join(blocks))


def _journeys(journeys: Sequence[Mapping[str, Any]]) -> str:
    title = pgettext("/mydata section", "Recovery journey")
    if not journeys:
        return _section(title, _paragraph(_("Not started.")))
    rows = [
        (
            _Clock.day(j["started_on"]),
            _Clock.day(j.get("ended_on")) or pgettext("recovery journey", "ongoing"),
            _text(j.get("setback_note")),
        )
        for j in journeys
    ]
    header = (
        pgettext("/mydata column", "Started"),
        pgettext("/mydata column", "Setback on"),
        pgettext("/mydata column", "Your private note"),
    )
    return _section(title, _table(header, rows))


def _questionnaires(found: Mapping[str, Any], clock: _Clock) -> str:
    title = pgettext("/mydata section", "Questionnaires")
    choice = found.get("choice") or {}
    consent = choice.get("consent")
    said = {
        None: _("You have not been asked, or have not answered."),
        1: _("You answer the questionnaires."),
        0: _("You do not answer the questionnaires."),
    }[consent]
    answers = found.get("answers") or []
    if not answers:
        return _section(title, _paragraph(said))
    rows = [
        (
            escape(str(a["questionnaire"])),
            clock.moment(a["started_at"]),
            escape(str(a["answers"]).replace(",", ", ")),
            escape(f"{a['score']:g}") if a.get("score") is not None else "",
            _sitting_state(str(a["status"])),
        )
        for a in answers
    ]
    header = (
        pgettext("/mydata column", "Questionnaire"),
        pgettext("/mydata column", "Started"),
        pgettext("/mydata column", "Your answers, item by item"),
        pgettext("/mydata column", "Score"),
        pgettext("/mydata column", "State"),
    )
    return _section(title, _paragraph(said) + _table(header, rows))


def _sitting_state(status: str) -> str:
    return {
        "complete": pgettext("questionnaire is", "complete"),
        "open": pgettext("questionnaire is", "unfinished"),
        "expired": pgettext("questionnaire is", "set aside unscored"),
    }.get(status, escape(status))


def _plan(plan: Mapping[str, Any], clock: _Clock) -> str:
    parts = "".join(
        f"<dt><b>{escape(_(title))}</b></dt><dd>{_text(plan.get(name))}</dd>"
        for name, title, _question in PLAN_PARTS
        if plan.get(name)
    )
    # Translators: {moment} is when the safety plan was last changed.
    changed = _("Last changed {moment}").format(moment=clock.moment(plan["updated_at"]))
    return f"<dl>{parts}</dl>" + _paragraph(changed, quiet=True)


def _safety_plan(
    plan: Mapping[str, Any] | None, draft: Mapping[str, Any] | None, clock: _Clock
) -> str:
    if plan:
        body = _plan(plan, clock)
    else:
        body = _paragraph(_("You haven't written one. /safetyplan starts it."))
    if draft:
        body += "<h3>" + _("An edit you haven't finished") + "</h3>" + _plan(draft, clock)
    return _section(pgettext("/mydata section", "Safety plan"), body)


def _circle(export: Mapping[str, Any], clock: _Clock) -> str:
    membership = export["circle"]
    if membership:
        lines = [
            _paragraph(
                # Translators: {circle} is the name of the member's circle, {moment} when
                # they joined it.
                _(
                    "You're in <b>{circle}</b>, since {moment}. Who else is in it is not "
                    "kept in your copy."
                ).format(
                    circle=_text(membership["circle"]),
                    moment=clock.moment(membership["joined_at"]),
                )
            )
        ]
    else:
        lines = [_paragraph(_("You're not in a circle now."))]
    relays = export["messages_to_circle"]
    if relays:
        kinds, statuses = _relay_kinds(), _relay_status()
        written = [
            (
                clock.moment(r["created_at"]),
                escape(kinds.get(str(r["kind"]), str(r["kind"]))),
                escape(pgettext("message to the circle", "removed by a moderator"))
                if r.get("deleted_at")
                else escape(statuses.get(str(r["status"]), str(r["status"]))),
                r["thanked_by"],
                _text(r["text"]),
            )
            for r in relays
        ]
        lines.append("<h3>" + _("What you wrote to your circle") + "</h3>")
        header = (
            pgettext("/mydata column", "When"),
            pgettext("/mydata column", "Kind"),
            pgettext("/mydata column", "What happened"),
            # Translators: a column: how many thanked the message.
            pgettext("/mydata column", "Thanks"),
            pgettext("/mydata column", "Your words"),
        )
        lines.append(_table(header, written))
    thanks = len(export["thanks_given"])
    lines.append(
        _paragraph(
            ngettext(
                "You thanked {count} message from others.",
                "You thanked {count} messages from others.",
                thanks,
            ).format(count=thanks)
        )
    )
    reports = export["reports_filed"]
    if reports:
        report_statuses = _report_status()
        rows = [
            (
                clock.moment(p["created_at"]),
                clock.moment(p["message_sent_at"]),
                escape(report_statuses.get(str(p["status"]), str(p["status"]))),
            )
            for p in reports
        ]
        lines.append(
            "<h3>"
            + _("Messages you reported")
            + "</h3>"
            + _paragraph(_("Their words and author are not repeated here."), quiet=True)
        )
        columns = (
            pgettext("/mydata column", "Reported"),
            pgettext("/mydata column", "Message sent"),
            pgettext("/mydata column", "Outcome"),
        )
        lines.append(_table(columns, rows))
    return _section(pgettext("/mydata section", "Circle"), "\n".join(lines))


def _alerts(
    alerts: Sequence[Mapping[str, Any]],
    clock: _Clock,
    answers: Sequence[Mapping[str, Any]],
) -> str:
    title = pgettext("/mydata section", "Crisis alerts about you")
    if not alerts:
        return _section(title, _paragraph(_("None.")))
    tiers, categories, places = _tiers(), _categories(), _places()
    private = _("(private: not shown to anyone)")
    rows = [
        (
            clock.moment(a["created_at"]),
            escape(tiers.get(str(a["tier"]), str(a["tier"]))),
            escape(
                ", ".join(
                    categories.get(c, c) for c in str(a.get("categories") or "").split(",") if c
                )
            ),
            escape(places.get(str(a["source"]), str(a["source"]))),
            _text(a.get("text")) or f"<span class=quiet>{private}</span>",
            escape(alert_outcome(a)),
        )
        for a in alerts
    ]
    intro = _paragraph(
        _(
            "When something you wrote sounded like you might be in danger, peer moderators "
            "were let know so that someone could reach out. The words of private notes were "
            "never shown to them. Which moderator took it is not part of your copy."
        )
    )
    header = (
        pgettext("/mydata column", "When"),
        # Translators: a column: how urgent a crisis alert was ("urgent", "concern").
        pgettext("/mydata column", "Level"),
        pgettext("/mydata column", "It sounded like"),
        pgettext("/mydata column", "Where"),
        pgettext("/mydata column", "Your words"),
        pgettext("/mydata column", "Outcome"),
    )
    return _section(title, intro + _table(header, rows) + _answers(answers, clock))


def _answers(answers: Sequence[Mapping[str, Any]], clock: _Clock) -> str:
    """The member's answers to a moderator, kept for a week, as the moderator read them."""
    if not answers:
        return ""
    rows = [(clock.moment(a["sent_at"]), _text(a["text"])) for a in answers]
    header = (
        pgettext("/mydata column", "When"),
        # Translators: a column: the member's answer, with the line the moderator saw above it.
        pgettext("/mydata column", "What the moderator read"),
    )
    # Translators: a heading in /mydata; such answers are kept for a week, then deleted.
    heading = _("Your answers to a moderator, kept for a week")
    return f"<h3>{heading}</h3>" + _table(header, rows)


def _moderation(
    sanctions: Sequence[Mapping[str, Any]],
    role: Mapping[str, Any] | None,
    clock: _Clock,
    actions: Sequence[Mapping[str, Any]],
) -> str:
    body = ""
    if sanctions:
        kinds = _sanctions()
        rows = [
            (
                clock.moment(s["created_at"]),
                escape(kinds.get(str(s["kind"]), str(s["kind"]))),
                _text(s.get("reason")),
                clock.moment(s.get("until")),
                clock.moment(s.get("lifted_at")),
            )
            for s in sanctions
        ]
        header = (
            pgettext("/mydata column", "When"),
            pgettext("/mydata column", "Kind"),
            pgettext("/mydata column", "Reason"),
            pgettext("/mydata column", "Until"),
            pgettext("/mydata column", "Lifted"),
        )
        body += _table(header, rows)
    else:
        body += _paragraph(_("No warnings, mutes or bans."))
    if role:
        body += _paragraph(
            # Translators: {moment} is when the member became a peer moderator.
            _("You have been a moderator since {moment}.").format(
                moment=clock.moment(role["added_at"])
            )
        )
    return _section(pgettext("/mydata section", "Moderation"), body + _audit_rows(actions, clock))


def _audit_rows(actions: Sequence[Mapping[str, Any]], clock: _Clock) -> str:
    """The moderators' audit log rows about the member; not which moderator acted."""
    if not actions:
        return ""
    names = audit_actions()
    rows = [
        (
            clock.moment(a["at"]),
            escape(names.get(str(a["action"]), str(a["action"]))),
            _text(a.get("target")),
            _text(a.get("reason")),
        )
        for a in actions
    ]
    header = (
        pgettext("/mydata column", "When"),
        # Translators: a column: what a moderator did ("warn", "take crisis alert").
        pgettext("/mydata column", "Action"),
        # Translators: a column: whom or what the moderator acted on, as the log keeps it.
        pgettext("/mydata column", "About"),
        pgettext("/mydata column", "Reason"),
    )
    # Translators: a heading in /mydata: rows of the moderators' audit log that name you.
    heading = _("What the moderators' log records about you")
    return f"<h3>{heading}</h3>" + _table(header, rows)


def _language_name(stored: object) -> str:
    """The member's language by its own name; none stored reads the one spoken now."""
    language = stored if isinstance(stored, str) and stored in LANGUAGE_NAMES else None
    return LANGUAGE_NAMES[language or current_language()]
