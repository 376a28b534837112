"""Dates, times and numbers as the current language writes them (Babel's CLDR data).

Patterns are words in the catalog: a translator chooses "d MMM" or "MMM d" for their
language, Babel supplies the month and weekday names ("lun 07 dic", "7 дек."); numbers take
the language's decimal sign ("1,5").
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import (
    format_decimal,
    format_percent,
    get_minus_sign_symbol,
    get_plus_sign_symbol,
)

from bot.i18n import current_language, pgettext


@lru_cache(maxsize=64)
def _locale(language: str) -> Locale:
    return Locale.parse(language)


@lru_cache(maxsize=4096)
def _date(day: date, pattern: str, language: str) -> str:
    return format_date(day, pattern, locale=_locale(language))


def local_date(day: date, pattern: str) -> str:
    """`day` by a CLDR pattern the caller takes from the catalog, so that each language
    orders and abbreviates as it should: local_date(d, pgettext("date pattern (CLDR): …",
    "EEE dd MMM"))."""
    return _date(day, pattern, current_language())


def weekday_day_month(day: date) -> str:
    """ "Tue 01 Dec": a day within a few weeks of today."""
    return local_date(day, pgettext("date pattern: weekday, day, month (CLDR)", "EEE dd MMM"))


def day_month(day: date) -> str:
    """ "1 Dec": a short chart label."""
    return local_date(day, pgettext("date pattern: day, month (CLDR)", "d MMM"))


def weekday_day_month_year(day: date) -> str:
    """ "Thu 05 Mar 2026"."""
    return local_date(
        day, pgettext("date pattern: weekday, day, month, year (CLDR)", "EEE dd MMM yyyy")
    )


def short_day_month_year(day: date) -> str:
    """ "05 Mar 2026" (the old `%d %b %Y`)."""
    return local_date(day, pgettext("date pattern: day, short month, year (CLDR)", "dd MMM yyyy"))


def numeric_date(day: date) -> str:
    """ "2026-03-05": a date in a log or beside a UTC time, as moderators read it."""
    return local_date(
        day, pgettext("date pattern: year, month, day in digits (CLDR)", "yyyy-MM-dd")
    )


def weekday_name(day: date) -> str:
    """ "Monday"."""
    return local_date(day, "EEEE")


def weekday_short(day: date) -> str:
    """ "Mon": a weekday picker's button."""
    return local_date(day, "EEE")


def clock(moment: datetime) -> str:
    """ "18:00": times are 24-hour in every shipped language."""
    return f"{moment:%H:%M}"


def fixed(value: float, digits: int = 1, *, signed: bool = False) -> str:
    """ "3.0" / "3,0": always `digits` decimals, rounded as f"{value:.1f}" rounds; `signed`
    puts "+" before a positive value as f"{value:+.1f}" does."""
    text = f"{value:.{digits}f}"
    locale = _locale(current_language())
    pattern = "0." + "0" * digits if digits else "0"
    shown = format_decimal(abs(Decimal(text)), pattern, locale=locale)
    if text.startswith("-"):
        return get_minus_sign_symbol(locale) + shown
    return get_plus_sign_symbol(locale) + shown if signed else shown


def percent(share: float) -> str:
    """ "43%" / "43 %" for a share of 0.43, rounded as f"{share:.0%}" rounds."""
    whole = Decimal(f"{share * 100:.0f}")
    return format_percent(whole / 100, locale=_locale(current_language()))
