"""The interest rate tables: those shipped in ``core/interest_rates.py``, with the administrator's additions.

An ``InterestRate`` row adds a rate or replaces the shipped one of the same series and date. An ECB row also
confirms the ECB changes up to its date: entering the rate in force on 1 July (even unchanged) is what lets
the second half-year's business and public-body interest be computed.
"""
from __future__ import annotations

from decimal import Decimal

from encours.collections.models import InterestRate, RateSeriesCode
from encours.core import interest_rates as shipped
from encours.core.interest import HalfYear, RateTables


def _fraction(percent) -> Decimal:
    return Decimal(percent) / 100


def rate_tables() -> RateTables:
    """The tables the late interest reads now (one query)."""
    ecb = {day: _fraction(p) for day, p in shipped.ECB_MAIN_REFINANCING_PERCENT}
    confirmed_until = shipped.ECB_CONFIRMED_UNTIL
    private = {h: _fraction(p) for h, (p, _) in shipped.LEGAL_RATES_PERCENT.items()}
    other = {h: _fraction(o) for h, (_, o) in shipped.LEGAL_RATES_PERCENT.items()}
    for row in InterestRate.objects.order_by("starts_on"):
        rate = _fraction(row.percent)
        if row.series == RateSeriesCode.ECB:
            ecb[row.starts_on] = rate
            confirmed_until = max(confirmed_until, row.starts_on)
        elif row.series == RateSeriesCode.LEGAL_PRIVATE:
            private[HalfYear.of(row.starts_on)] = rate
        else:
            other[HalfYear.of(row.starts_on)] = rate
    return RateTables(
        ecb_changes=tuple(sorted(ecb.items())), ecb_confirmed_until=confirmed_until,
        legal_private_individual=private, legal_other=other,
    )
