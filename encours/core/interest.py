"""Late-payment interest (intérêts de retard) and the recovery indemnity (indemnité forfaitaire).

The rates come from a ``RateTables`` given as a parameter: ``encours.core.interest_rates`` ships one,
an administrator's additions can make another. Rates are Decimal fractions (``Decimal("0.1215")``).

Days are calendar days, from the day after the due date up to and including the payment date, over a
365-day year even in leap years: ``interest = base × rate × days / 365`` (legal reference, section 2).
Interest is computed at full precision and rounded once per invoice, to the cent (see ``late_interest``).
The rules, the settings and their sources are in docs/interest.md.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from encours.core.money import ZERO, to_cents
from encours.core.records import CustomerKind

ONE_DAY = timedelta(days=1)
YEAR_DAYS = Decimal(365)  # also in leap years: 360 or actual/actual have no text (legal reference, section 2)
BUSINESS_MARGIN = Decimal("0.10")  # C. com. L441-10 II: ECB rate + 10 points
PUBLIC_MARGIN = Decimal("0.08")  # CCP R2192-31: ECB rate + 8 points
FLOOR_MULTIPLE = 3  # C. com. L441-10 II: a contractual rate is at least 3 × the legal interest rate
RECOVERY_INDEMNITY = Decimal("40.00")  # C. com. D441-5, per late invoice


class RateSeries(StrEnum):
    ECB = "ECB main refinancing rate"
    LEGAL_PRIVATE_INDIVIDUAL = "taux de l'intérêt légal (particuliers)"  # creditor: a person, not professionally
    LEGAL_OTHER = "taux de l'intérêt légal (autres cas)"  # every other creditor, a company included


class RateBasis(StrEnum):
    """Where the rate of an interest period comes from, for a letter to say so."""

    ECB_PLUS_10 = "ECB rate + 10 points (C. com. L441-10 II)"
    ECB_PLUS_8 = "ECB rate + 8 points (CCP R2192-31)"
    CONTRACTUAL = "contractual rate"
    LEGAL_FLOOR = "3 × legal interest rate, the floor of a contractual rate (C. com. L441-10 II)"
    LEGAL_RATE = "legal interest rate (C. civ. 1231-6, 1344-1)"


@dataclass(frozen=True, order=True, slots=True)
class HalfYear:
    """A calendar half-year (semestre): ``half`` 1 is January to June, 2 is July to December."""

    year: int
    half: int

    def __post_init__(self) -> None:
        if self.half not in (1, 2):
            raise ValueError(f"half must be 1 or 2, got {self.half!r}")

    @classmethod
    def of(cls, day: date) -> HalfYear:
        return cls(day.year, 1 if day.month <= 6 else 2)

    @property
    def first_day(self) -> date:
        return date(self.year, 1 if self.half == 1 else 7, 1)

    def next(self) -> HalfYear:
        return HalfYear(self.year, 2) if self.half == 1 else HalfYear(self.year + 1, 1)

    def __str__(self) -> str:
        return f"{self.year} H{self.half}"


class MissingRate(LookupError):
    """A rate the computation needs is not in the tables: ``series`` (a RateSeries) for ``half_year``."""

    def __init__(self, series: RateSeries, half_year: HalfYear, detail: str = ""):
        self.series, self.half_year = series, half_year
        if series is RateSeries.ECB:
            action = (f"add the rate in force on {half_year.first_day.isoformat()} to the rate tables, or confirm"
                      " that it did not change")
        else:
            action = f"add the rate of {half_year} (published by arrêté in the Journal officiel) to the rate tables"
        super().__init__(f"no {series} for {half_year}{detail}: {action}")


def _check_rate(what: str, rate: object) -> None:
    # A rate is a fraction: 12.15 % is Decimal("0.1215"). Refuses floats, and a percent given as 12.15.
    if not isinstance(rate, Decimal) or not rate.is_finite() or abs(rate) >= 1:
        raise ValueError(f"{what}: {rate!r} is not a Decimal fraction such as Decimal('0.1215')")


@dataclass(frozen=True)
class RateTables:
    """The rate series the interest rules read.

    - ``ecb_changes``: ``(effective date, rate)`` of each change of the ECB main refinancing rate, in date
      order; the rate in force on a date is that of the last change on or before it.
    - ``ecb_confirmed_until``: the changes are known complete up to this date; a later date has no known
      rate (the ECB may have changed it), and asking for one raises MissingRate.
    - ``legal_private_individual`` and ``legal_other``: the taux de l'intérêt légal of each half-year,
      "particuliers" and "autres cas" (CMF L313-2, D313-1-A).
    """

    ecb_changes: tuple[tuple[date, Decimal], ...]
    ecb_confirmed_until: date
    legal_private_individual: Mapping[HalfYear, Decimal]
    legal_other: Mapping[HalfYear, Decimal]

    def __post_init__(self) -> None:
        days = [day for day, _ in self.ecb_changes]
        if days != sorted(set(days)):
            raise ValueError("ECB rate changes must be in date order, one per date")
        for _, rate in self.ecb_changes:
            _check_rate(RateSeries.ECB, rate)
        for series, table in ((RateSeries.LEGAL_PRIVATE_INDIVIDUAL, self.legal_private_individual),
                              (RateSeries.LEGAL_OTHER, self.legal_other)):
            for rate in table.values():
                _check_rate(series, rate)
        object.__setattr__(self, "ecb_changes", tuple(self.ecb_changes))
        object.__setattr__(self, "legal_private_individual", MappingProxyType(dict(self.legal_private_individual)))
        object.__setattr__(self, "legal_other", MappingProxyType(dict(self.legal_other)))


def ecb_rate_on(tables: RateTables, day: date) -> Decimal:
    """The ECB main refinancing rate in force on ``day`` (a fraction): the last change on or before it.

    Raises MissingRate when ``day`` is before the first change or after ``tables.ecb_confirmed_until``.
    """
    if day > tables.ecb_confirmed_until:
        raise MissingRate(RateSeries.ECB, HalfYear.of(day),
                          f" (the ECB changes are confirmed up to {tables.ecb_confirmed_until.isoformat()})")
    in_force = [rate for effective, rate in tables.ecb_changes if effective <= day]
    if not in_force:
        raise MissingRate(RateSeries.ECB, HalfYear.of(day), f" (no change on or before {day.isoformat()})")
    return in_force[-1]


def legal_rate(tables: RateTables, half_year: HalfYear, series: RateSeries = RateSeries.LEGAL_OTHER) -> Decimal:
    """The taux de l'intérêt légal of ``half_year`` (a fraction), "autres cas" unless ``series`` says otherwise.

    Fixed per half-year by arrêté (CMF L313-2, D313-1-A). Raises MissingRate when the table lacks it.
    """
    if series is RateSeries.ECB:
        raise ValueError("legal_rate reads a legal interest rate series, not the ECB rate")
    table = tables.legal_other if series is RateSeries.LEGAL_OTHER else tables.legal_private_individual
    if half_year not in table:
        raise MissingRate(series, half_year)
    return table[half_year]


def default_business_rate(tables: RateTables, half_year: HalfYear) -> Decimal:
    """ECB rate in force on 1 January (H1) or 1 July (H2) + 10 points (C. com. L441-10 II)."""
    return ecb_rate_on(tables, half_year.first_day) + BUSINESS_MARGIN


def public_body_rate(tables: RateTables, half_year: HalfYear) -> Decimal:
    """ECB rate in force on the first day of ``half_year`` + 8 points (CCP R2192-31)."""
    return ecb_rate_on(tables, half_year.first_day) + PUBLIC_MARGIN


def contractual_floor(tables: RateTables, half_year: HalfYear) -> Decimal:
    """The lowest contractual rate allowed in ``half_year``: 3 × the legal rate "autres cas" (C. com. L441-10 II)."""
    return FLOOR_MULTIPLE * legal_rate(tables, half_year, RateSeries.LEGAL_OTHER)


@dataclass(frozen=True, slots=True)
class InterestPeriod:
    """Days ``start`` to ``end`` (both included) at one ``rate`` on one ``base``.

    ``rate_half_year`` is the half-year whose rate applies (another one than ``start``'s when frozen).
    ``interest`` is ``base × rate × days / 365`` unrounded: only the invoice total is rounded; rounded
    one by one for a letter, the periods may differ from the total by a cent.
    """

    start: date
    end: date
    days: int
    rate: Decimal
    basis: RateBasis
    rate_half_year: HalfYear
    base: Decimal

    @property
    def interest(self) -> Decimal:
        return self.base * self.rate * self.days / YEAR_DAYS


@dataclass(frozen=True, slots=True)
class LateInterest:
    """``interest``: the total, rounded to the cent; ``periods``: how it is computed, in date order."""

    interest: Decimal
    periods: tuple[InterestPeriod, ...]

    @property
    def days(self) -> int:
        return sum(p.days for p in self.periods)


def late_interest(
    amount: Decimal,
    due: date,
    until: date,
    kind: CustomerKind,
    tables: RateTables,
    *,
    payments: Sequence[tuple[date, Decimal]] = (),
    credited: Decimal = ZERO,
    contractual_rate: Decimal | None = None,
    frozen: bool = False,
    formal_notice: date | None = None,
) -> LateInterest:
    """The late-payment interest of one invoice, simple interest over a 365-day year.

    - ``amount``: the invoice amount including VAT (C. com. L441-10 II: interest on the TTC amount); the
      interest is in the same currency, in practice euros.
    - ``due``: the due date. Interest runs from the next day up to and including ``until``: the payment date
      of the balance, or an as-of date when it is unpaid. ``until`` on or before ``due``: no interest.
    - ``payments``: ``(date, amount)`` partial payments; each lowers the base from the day after its date.
    - ``credited``: the credit notes allocated to the invoice; they lower the base from the first day, the
      debtor never owed what was credited, whenever the note was issued.
      The base is the amount still owed, never below zero (an overpayment earns the debtor nothing).
    - ``kind`` chooses the rule:
      business: ECB rate + 10 points (C. com. L441-10 II), the delay split by half-year, each at the ECB
      rate in force on 1 January or 1 July; ``frozen=True`` keeps the rate of the half-year in which the
      delay began (the day after ``due``) for the whole delay. ``contractual_rate``, when given, replaces
      the ECB rate but is raised to 3 × the legal rate "autres cas" of each half-year when below it
      (L441-10 II; the period's ``basis`` says LEGAL_FLOOR). The default ECB rate is not floored: the
      floor limits what a contract may stipulate.
      public body: ECB rate + 8 points, frozen at the half-year in which interest began (CCP R2192-31).
      consumer: the legal rate "autres cas" of each half-year (the creditor is a business), only from
      the day after ``formal_notice`` (mise en demeure, C. civ. 1231-6, 1344-1); none without it.
    - Rounding: the total of the periods, computed at full precision, rounded once to the cent, half up.

    Raises MissingRate when a rate is not in ``tables``, ValueError on a negative amount or rate, or a
    contractual rate for a customer that is not a business.
    """
    kind = CustomerKind(kind)  # a plain "business" too; ValueError on an unknown kind
    _check_inputs(amount, payments, credited, contractual_rate, kind)
    start = due + ONE_DAY
    if kind is CustomerKind.CONSUMER:
        if formal_notice is None:
            return LateInterest(to_cents(ZERO), ())
        start = max(start, formal_notice + ONE_DAY)
    if until < start:
        return LateInterest(to_cents(ZERO), ())

    freeze = kind is CustomerKind.PUBLIC or (kind is CustomerKind.BUSINESS and frozen)
    starts = {start} | {day + ONE_DAY for day, _ in payments if start < day + ONE_DAY <= until}
    if not freeze:
        half_year = HalfYear.of(start).next()
        while half_year.first_day <= until:
            starts.add(half_year.first_day)
            half_year = half_year.next()
    bounds = sorted(starts)
    periods = []
    for first, next_first in zip(bounds, [*bounds[1:], until + ONE_DAY]):
        half_year = HalfYear.of(start if freeze else first)
        rate, basis = _rate(kind, half_year, tables, contractual_rate)
        paid_before = sum((paid for day, paid in payments if day < first), ZERO)
        base = max(ZERO, amount - credited - paid_before)
        periods.append(InterestPeriod(first, next_first - ONE_DAY, (next_first - first).days, rate, basis,
                                      half_year, base))
    # One division for the whole invoice: the products are exact, so a total ending in exactly half a
    # cent is rounded up as the rule says, not nudged down by period-by-period division.
    total = sum((p.base * p.rate * p.days for p in periods), ZERO) / YEAR_DAYS
    return LateInterest(to_cents(total), tuple(periods))


def _check_inputs(amount: Decimal, payments: Sequence[tuple[date, Decimal]], credited: Decimal,
                  contractual_rate: Decimal | None, kind: CustomerKind) -> None:
    for what, value in (("amount", amount), ("credited", credited), *(("payment", p) for _, p in payments)):
        if not isinstance(value, Decimal) or not value.is_finite() or value < ZERO:
            raise ValueError(f"{what} must be a Decimal, zero or more, got {value!r}")
    if contractual_rate is not None:
        if kind is not CustomerKind.BUSINESS:
            raise ValueError(f"a contractual rate applies to business customers only, not to a {kind} customer")
        _check_rate("contractual rate", contractual_rate)
        if contractual_rate < ZERO:
            raise ValueError(f"a contractual rate cannot be negative, got {contractual_rate}")


def _rate(kind: CustomerKind, half_year: HalfYear, tables: RateTables,
          contractual_rate: Decimal | None) -> tuple[Decimal, RateBasis]:
    if kind is CustomerKind.PUBLIC:
        return public_body_rate(tables, half_year), RateBasis.ECB_PLUS_8
    if kind is CustomerKind.CONSUMER:
        return legal_rate(tables, half_year, RateSeries.LEGAL_OTHER), RateBasis.LEGAL_RATE
    if contractual_rate is None:
        return default_business_rate(tables, half_year), RateBasis.ECB_PLUS_10
    floor = contractual_floor(tables, half_year)
    if contractual_rate < floor:
        return floor, RateBasis.LEGAL_FLOOR
    return contractual_rate, RateBasis.CONTRACTUAL


def recovery_indemnity(kind: CustomerKind, insolvent: bool) -> Decimal:
    """The flat recovery indemnity owed for one late invoice, in euros, outside VAT.

    40.00 for a business or a public body (C. com. L441-10 II, D441-5; CCP for public buyers), 0.00 for a
    consumer, and 0.00 when insolvency proceedings (sauvegarde, redressement, liquidation judiciaire) forbid
    paying the debt at its due date (end of L441-10 II). Costs above 40 EUR, on proof, are not covered here.
    """
    if CustomerKind(kind) is CustomerKind.CONSUMER or insolvent:
        return to_cents(ZERO)
    return RECOVERY_INDEMNITY
