"""What /mydata sends: everything as JSON, a readable summary (HTML) and check-ins as CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any

from bot.i18n.formats import weekday_name
from bot.localtime.zones import zone_of
from bot.texts import export as export_texts
from storage.timestamps import from_db

JSON_NAME = "peercircle-my-data.json"
SUMMARY_NAME = "peercircle-my-data.html"
CSV_NAME = "peercircle-checkins.csv"
# Spreadsheets read a cell that starts with one of these as a formula: "-2 days clean"
# would show as an error. A leading apostrophe keeps it text (and hides itself in Excel).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportFile:
    """One document of the export."""

    filename: str
    content: bytes
    caption: str


def export_files(export: Mapping[str, Any]) -> list[ExportFile]:
    """The documents /mydata sends, the complete JSON first."""
    zone = zone_of(str(export["member"]["timezone"]))
    alerts = [
        {**alert, "outcome": export_texts.alert_outcome(alert)}
        for alert in export["crisis_alerts"]
    ]
    export = {**export, "crisis_alerts": alerts}
    payload = json.dumps(export, indent=2, ensure_ascii=False).encode("utf-8")
    # With a byte-order mark, Excel reads the CSV as UTF-8 (emoji and accents intact).
    # Without check-ins it still comes, with its header only: always the same three files.
    table = checkins_csv(export["checkins"], zone).encode("utf-8-sig")
    return [
        ExportFile(JSON_NAME, payload, export_texts.json_caption()),
        ExportFile(
            SUMMARY_NAME,
            export_texts.summary_html(export, zone).encode("utf-8"),
            export_texts.html_caption(),
        ),
        ExportFile(CSV_NAME, table, export_texts.csv_caption()),
    ]


def checkins_csv(checkins: list[Mapping[str, Any]], zone: tzinfo) -> str:
    """Check-ins as a spreadsheet, newest first with Daylio's kind of columns (their names,
    weekdays and yes/no in the current language)."""
    # Only a store that knows about filling in afterwards has the column (0012 added it).
    later = not checkins or any("filled_in_later" in checkin for checkin in checkins)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(export_texts.checkins_csv_columns(later))
    for checkin in sorted(checkins, key=lambda c: str(c["local_date"]), reverse=True):
        day = date.fromisoformat(str(checkin["local_date"]))
        answered = from_db(str(checkin["answered_at"])).astimezone(zone)
        mood = int(checkin["mood"])
        row = [
            day.isoformat(),
            weekday_name(day),
            f"{answered:%H:%M}",
            export_texts.mood_word(mood),
            mood,
            checkin["confidence"],
            _cell(checkin.get("note") or ""),
        ]
        if later:
            row.append(export_texts.filled_in_later(bool(checkin.get("filled_in_later"))))
        writer.writerow(row)
    return out.getvalue()


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text
