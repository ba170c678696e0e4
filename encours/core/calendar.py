"""Calendar rules: business days (public holidays from the ``holidays`` package) and month arithmetic.

Every other module takes business days and month ends from here.
"""
from __future__ import annotations

import calendar as _stdlib_calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=256)
def _public_holidays(country: str, year: int) -> frozenset[date]:
    # National holidays only (no subdivision): Alsace-Moselle's Good Friday and 26 December are not included.
    return frozenset(holidays.country_holidays(country, years=year))


def is_business_day(d: date, country: str = "FR") -> bool:
    """True when ``d`` is Monday to Friday and not a public holiday of ``country`` (ISO 3166 code).

    For France these are the 11 national holidays of C. trav. L3133-1, Whit Monday included even though
    many firms work it (journée de solidarité).
    """
    return d.weekday() < 5 and d not in _public_holidays(country, d.year)


def add_business_days(d: date, n: int, country: str = "FR") -> date:
    """The date ``n`` business days after ``d`` (before it when ``n`` is negative).

    ``d`` itself is not counted, and need not be a business day: Saturday + 1 is the next business day.
    ``n == 0`` returns ``d`` unchanged, whether or not it is a business day.
    """
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    remaining = abs(n)
    while remaining:
        d += step
        if is_business_day(d, country):
            remaining -= 1
    return d


def end_of_month(d: date) -> date:
    """The last day of ``d``'s month: 15 Feb 2024 -> 29 Feb 2024."""
    return d.replace(day=_stdlib_calendar.monthrange(d.year, d.month)[1])


def add_months(d: date, n: int) -> date:
    """``d`` moved by ``n`` calendar months (back when negative), the day clamped to the month's length.

    31 Jan + 1 month = 28 Feb (29 Feb in a leap year); 31 Mar - 1 month = 28/29 Feb.
    """
    months = d.year * 12 + (d.month - 1) + n
    year, month = divmod(months, 12)
    last_day = _stdlib_calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(d.day, last_day))
