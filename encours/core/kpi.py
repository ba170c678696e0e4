"""Receivables indicators: overdue rate, DSO (accounting and count-back), concentration.

All results are Decimals rounded once, half up, at the end; None when the denominator is zero.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from encours.core.calendar import add_months
from encours.core.money import CENT, ZERO

TENTH = Decimal("0.1")
HUNDRED = Decimal("100")


def overdue_rate(overdue: Decimal, outstanding: Decimal) -> Decimal | None:
    """Taux d'échu: overdue / outstanding × 100, in percent rounded to 0.01 half up; None if outstanding is 0."""
    if outstanding == 0:
        return None
    return (overdue * HUNDRED / outstanding).quantize(CENT, rounding=ROUND_HALF_UP)


def dso_accounting(receivables: Decimal, sales: Decimal, period_days: int) -> Decimal | None:
    """Accounting DSO: receivables / sales × period_days, in days rounded to 0.1 half up; None if sales is 0.

    Receivables and sales both including VAT (TTC), sales over the ``period_days`` days ending on the
    receivables' date: 365 for a year. The formula of the legal reference, section 12.
    """
    if period_days <= 0:
        raise ValueError(f"period_days must be positive, got {period_days}")
    if sales == 0:
        return None
    return (receivables * period_days / sales).quantize(TENTH, rounding=ROUND_HALF_UP)


def countback_periods(as_of: date, months: int) -> list[tuple[date, date]]:
    """The ``months`` monthly periods ending on ``as_of``, newest first, as (first day, last day), inclusive.

    Period k (1 = newest) runs from add_months(as_of, -k) exclusive to add_months(as_of, -(k - 1))
    inclusive, so they are contiguous: as of 31 March, (1 Mar, 31 Mar), (1 Feb, 28 Feb), (1 Jan, 31 Jan).
    Its length in days is (last - first).days + 1.
    """
    if months < 0:
        raise ValueError(f"months must not be negative, got {months}")
    return [
        (add_months(as_of, -k) + timedelta(days=1), add_months(as_of, -(k - 1)))
        for k in range(1, months + 1)
    ]


def dso_countback(receivables: Decimal, periods: Sequence[tuple[int, Decimal]]) -> Decimal | None:
    """Count-back DSO, in days rounded to 0.1 half up.

    ``periods`` are (days in period, sales in period), newest first (see :func:`countback_periods`).
    Whole periods are counted while the receivables left exceed the period's sales; the next one counts
    for its fraction: remaining / sales × days. A period with no (or negative) sales counts whole and
    absorbs nothing.

    - receivables of 0 or less: 0 days;
    - receivables above all the periods' sales: the sum of all their days, a floor (the true DSO is
      longer; give more periods to measure it);
    - no period with positive sales: None.
    """
    for days, _ in periods:
        if days <= 0:
            raise ValueError(f"days in period must be positive, got {days}")
    if receivables <= 0:
        return ZERO.quantize(TENTH)
    if not any(sales > 0 for _, sales in periods):
        return None
    remaining = receivables
    total_days = ZERO
    for days, sales in periods:
        if sales <= 0 or remaining > sales:
            total_days += days
            remaining -= max(sales, ZERO)
            continue
        total_days += remaining * days / sales
        break
    return total_days.quantize(TENTH, rounding=ROUND_HALF_UP)


def concentration(balances: Iterable[Decimal], top: int) -> Decimal | None:
    """Share of the ``top`` largest positive balances in the sum of positive balances, in percent, 0.01 half up.

    Credit balances (0 or less) are left out of both sums. None when no balance is positive.
    """
    if top < 0:
        raise ValueError(f"top must not be negative, got {top}")
    positive = sorted((b for b in balances if b > 0), reverse=True)
    whole = sum(positive, ZERO)
    if whole == 0:
        return None
    return (sum(positive[:top], ZERO) * HUNDRED / whole).quantize(CENT, rounding=ROUND_HALF_UP)
