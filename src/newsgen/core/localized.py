"""Dates, months and numbers in the site's language, through Babel (CLDR data), never the
machine's locale: ``4 de junho de 2025, 18:30``, ``junho de 2025``, ``1 234 artigos``.

Babel costs ~6 µs a call and every list page shows its articles' dates again, so each
value is formatted once per process (the preview's too, across rebuilds).
"""
from __future__ import annotations

import functools
from datetime import date, datetime, tzinfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal


@functools.lru_cache(maxsize=1 << 15)
def datetime_long(dt: datetime, tz: tzinfo, locale: Locale) -> str:
    return format_datetime(dt, "d 'de' MMMM 'de' y, HH:mm", tzinfo=tz, locale=locale)


@functools.lru_cache(maxsize=8192)
def date_long(day: date, locale: Locale) -> str:
    return format_date(day, "long", locale=locale)


@functools.lru_cache(maxsize=8192)
def day_month(day: date, locale: Locale) -> str:
    """``13 de julho``."""
    return format_date(day, "d 'de' MMMM", locale=locale)


@functools.lru_cache(maxsize=1024)
def month_year(year: int, month: int, locale: Locale) -> str:
    return format_date(date(year, month, 1), "LLLL 'de' y", locale=locale)


@functools.lru_cache(maxsize=8192)
def number(n: int, locale: Locale) -> str:
    return format_decimal(n, locale=locale)


@functools.lru_cache(maxsize=8192)
def count(n: int, singular: str, plural: str, locale: Locale) -> str:
    word = singular if locale.plural_form(n) == "one" else plural
    return f"{number(n, locale)} {word}"
