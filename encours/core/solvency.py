"""Solvency analysis of a customer: its financial statements, the derived ratios, and what deteriorates.

One ``Statements`` is one fiscal year of balance-sheet and income-statement aggregates, in one currency
(the customer's accounts, usually euros). ``ratios`` derives, from one year:

- FRNG (fonds de roulement net global) = equity + provisions + long-term debt − net fixed assets: the
  legal reference's simplified "permanent capital − net fixed assets" (section 12);
- BFR (besoin en fonds de roulement) = inventories + trade receivables + other operating receivables
  − (trade payables + tax and social payables);
- net cash (trésorerie nette) = FRNG − BFR, checked against cash − short-term bank debt: the difference is
  exposed (``net_cash_difference``), never refused; it is what the aggregates leave out (non-operating
  receivables and payables, accruals) or a typing error;
- profitability, solidity, liquidity and activity ratios (docs/credit-risk.md has the table).

Rounding (docs/rules.md): amounts are exact (sums of the inputs); percentages and multiples are rounded
once to 0.01, days to 0.1, half up. A ratio whose denominator is zero, negative where it makes no sense, or
missing is None: "not computable", never an exception.

Flow figures (revenue, purchases, EBITDA, net result) are annualised (× 12 / months) wherever they meet a
stock (DSO, DPO, return on equity, debt / EBITDA) or last year's figure (revenue change); a margin divides two
flows of the same period and needs no annualising.

``analyse`` sorts several years, computes each year's ratios and flags what deteriorates against the
previous year, with the thresholds of ``SolvencyThresholds``.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from encours.core.money import CENT, ZERO

TENTH = Decimal("0.1")
HUNDRED = Decimal("100")
TWELVE = Decimal("12")


@dataclass(frozen=True, slots=True)
class SolvencyThresholds:
    """What ``analyse`` flags, and the year length of DSO and DPO. Encours defaults, not sourced: adjust.

    A change is flagged when it is strictly more than the threshold.
    """

    equity_ratio_drop_points: Decimal = Decimal("5")  # equity / total assets down by more than 5 points
    revenue_drop_percent: Decimal = Decimal("10")  # annualised revenue down by more than 10 %
    operating_margin_drop_points: Decimal = Decimal("2")  # operating margin down by more than 2 points
    dso_increase_days: Decimal = Decimal("15")  # customer's DSO up by more than 15 days
    # Legal reference section 12: DSO and DPO over 365 days; the Banque de France's "days of sales" are
    # reportedly on 360 days (UNCONFIRMED). Set 360 to compare with its figures.
    days_in_year: int = 365

    def __post_init__(self) -> None:
        for name in ("equity_ratio_drop_points", "revenue_drop_percent", "operating_margin_drop_points",
                     "dso_increase_days"):
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite() or value < ZERO:
                raise ValueError(f"{name}: must be a Decimal, zero or more, got {value!r}")
        if self.days_in_year not in (360, 365):
            raise ValueError(f"days_in_year: must be 360 or 365, got {self.days_in_year!r}")


DEFAULT_THRESHOLDS = SolvencyThresholds()


class InvalidStatements(ValueError):
    """Statements that cannot be analysed; ``problems`` is ``(field, message)`` pairs, for a form."""

    def __init__(self, problems: Sequence[tuple[str, str]]):
        self.problems = tuple(problems)
        super().__init__("invalid statements: " + "; ".join(f"{name}: {message}" for name, message in problems))


# Amounts that may be negative: equity after losses, and the results.
_SIGNED = frozenset({"equity", "ebitda", "operating_result", "net_result"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Statements:
    """One fiscal year of a customer: balance sheet at ``year_end``, income statement over ``months``.

    Amounts are Decimals in the currency of the accounts. Fixed assets are net of depreciation;
    ``provisions`` are the provisions counted in stable resources; ``short_term_bank_debt`` is overdrafts
    and bank loans due within a year. ``purchases`` (goods and raw materials) is optional; without it there
    is no DPO. Only equity and the three results may be negative. Raises InvalidStatements.
    """

    year_end: date
    months: int = 12
    # balance sheet
    equity: Decimal
    provisions: Decimal = ZERO
    long_term_debt: Decimal
    fixed_assets: Decimal
    inventories: Decimal
    trade_receivables: Decimal
    other_operating_receivables: Decimal = ZERO
    cash: Decimal
    short_term_bank_debt: Decimal = ZERO
    trade_payables: Decimal
    tax_social_payables: Decimal = ZERO
    total_assets: Decimal
    # income statement
    revenue: Decimal
    purchases: Decimal | None = None
    ebitda: Decimal  # excédent brut d'exploitation (EBE)
    operating_result: Decimal
    net_result: Decimal

    def __post_init__(self) -> None:
        problems = []
        if not isinstance(self.year_end, date) or isinstance(self.year_end, datetime):
            problems.append(("year_end", f"must be a date, got {self.year_end!r}"))
        if not isinstance(self.months, int) or isinstance(self.months, bool) or not 1 <= self.months <= 24:
            problems.append(("months", f"must be a whole number of months from 1 to 24, got {self.months!r}"))
        for f in fields(self):
            if f.name in ("year_end", "months"):
                continue
            value = getattr(self, f.name)
            if value is None and f.name == "purchases":
                continue
            if not isinstance(value, Decimal) or not value.is_finite():
                problems.append((f.name, f"must be a Decimal such as Decimal('1234.50'), got {value!r}"))
            elif value < ZERO and f.name not in _SIGNED:
                problems.append((f.name, f"cannot be negative, got {value}"))
        if problems:
            raise InvalidStatements(problems)

    @property
    def financial_debt(self) -> Decimal:
        """Long-term debt + short-term bank debt."""
        return self.long_term_debt + self.short_term_bank_debt

    @property
    def frng(self) -> Decimal:
        """Fonds de roulement net global: equity + provisions + long-term debt − net fixed assets."""
        return self.equity + self.provisions + self.long_term_debt - self.fixed_assets

    @property
    def bfr(self) -> Decimal:
        """Besoin en fonds de roulement: operating assets − operating liabilities."""
        receivables = self.inventories + self.trade_receivables + self.other_operating_receivables
        return receivables - (self.trade_payables + self.tax_social_payables)


@dataclass(frozen=True, slots=True)
class Ratios:
    """One year's derived amounts and ratios. None: not computable (see each field)."""

    frng: Decimal
    bfr: Decimal
    net_cash: Decimal  # FRNG − BFR
    net_cash_from_balances: Decimal  # cash − short-term bank debt
    net_cash_difference: Decimal  # net_cash − net_cash_from_balances; 0 when the aggregates are complete
    annual_revenue: Decimal  # revenue × 12 / months, to the cent
    operating_margin: Decimal | None  # % operating result / revenue; None: no revenue
    net_margin: Decimal | None  # % net result / revenue; None: no revenue
    return_on_equity: Decimal | None  # % annualised net result / equity; None: equity ≤ 0
    equity_ratio: Decimal | None  # % equity / total assets; None: no total assets
    debt_to_ebitda: Decimal | None  # years: financial debt / annualised EBITDA; None: EBITDA ≤ 0
    gearing: Decimal | None  # % financial debt / equity; None: equity ≤ 0
    current_ratio: Decimal | None  # (inventories + receivables + cash) / short-term liabilities; None: none
    quick_ratio: Decimal | None  # the same without inventories
    dso: Decimal | None  # days: trade receivables / annualised revenue × days in year; None: no revenue
    dpo: Decimal | None  # days: trade payables / annualised purchases × days in year; None: no purchases


def _ratio(numerator: Decimal, denominator: Decimal, scale: Decimal | int, quantum: Decimal) -> Decimal | None:
    # One division, one rounding: numerator × scale / denominator, half up. None when nothing to divide by.
    if denominator <= ZERO:
        return None
    return (numerator * scale / denominator).quantize(quantum, rounding=ROUND_HALF_UP)


def ratios(s: Statements, thresholds: SolvencyThresholds = DEFAULT_THRESHOLDS) -> Ratios:
    """The derived amounts and ratios of one year; ``thresholds.days_in_year`` is the DSO/DPO year.

    A flow is annualised inside the one division of its ratio (``x / (flow × 12 / months)`` is computed as
    ``x × months / (flow × 12)``), so that each ratio is rounded once.
    """
    days = thresholds.days_in_year
    m = s.months
    current_assets = s.inventories + s.trade_receivables + s.other_operating_receivables + s.cash
    short_term_liabilities = s.trade_payables + s.tax_social_payables + s.short_term_bank_debt
    net_cash = s.frng - s.bfr
    from_balances = s.cash - s.short_term_bank_debt
    dpo = None
    if s.purchases is not None:
        dpo = _ratio(s.trade_payables * m, s.purchases * TWELVE, days, TENTH)
    return Ratios(
        frng=s.frng,
        bfr=s.bfr,
        net_cash=net_cash,
        net_cash_from_balances=from_balances,
        net_cash_difference=net_cash - from_balances,
        annual_revenue=(s.revenue * TWELVE / m).quantize(CENT, rounding=ROUND_HALF_UP),
        operating_margin=_ratio(s.operating_result, s.revenue, HUNDRED, CENT),
        net_margin=_ratio(s.net_result, s.revenue, HUNDRED, CENT),
        return_on_equity=_ratio(s.net_result * TWELVE, s.equity * m, HUNDRED, CENT),
        equity_ratio=_ratio(s.equity, s.total_assets, HUNDRED, CENT),
        debt_to_ebitda=_ratio(s.financial_debt * m, s.ebitda * TWELVE, 1, CENT),
        gearing=_ratio(s.financial_debt, s.equity, HUNDRED, CENT),
        current_ratio=_ratio(current_assets, short_term_liabilities, 1, CENT),
        quick_ratio=_ratio(current_assets - s.inventories, short_term_liabilities, 1, CENT),
        dso=_ratio(s.trade_receivables * m, s.revenue * TWELVE, days, TENTH),
        dpo=dpo,
    )


class Severity(StrEnum):
    WARNING = "warning"
    SERIOUS = "serious"


class FlagCode(StrEnum):
    NEGATIVE_EQUITY = "negative_equity"
    NET_LOSS = "net_loss"
    NEGATIVE_FRNG = "negative_frng"
    NEGATIVE_NET_CASH = "negative_net_cash"
    EQUITY_RATIO_DROP = "equity_ratio_drop"
    REVENUE_DROP = "revenue_drop"
    OPERATING_MARGIN_DROP = "operating_margin_drop"
    DSO_INCREASE = "dso_increase"


@dataclass(frozen=True, slots=True)
class Flag:
    """A sign of deterioration at ``year_end``, with a message that gives the figures."""

    code: FlagCode
    severity: Severity
    year_end: date
    message: str


@dataclass(frozen=True, slots=True)
class YearAnalysis:
    statements: Statements
    ratios: Ratios
    flags: tuple[Flag, ...]  # against the previous year when there is one

    @property
    def year_end(self) -> date:
        return self.statements.year_end


@dataclass(frozen=True, slots=True)
class Analysis:
    """The years analysed, oldest first; ``thresholds`` used for the flags."""

    years: tuple[YearAnalysis, ...]
    thresholds: SolvencyThresholds = field(default=DEFAULT_THRESHOLDS)

    @property
    def latest(self) -> YearAnalysis | None:
        return self.years[-1] if self.years else None

    @property
    def flags(self) -> tuple[Flag, ...]:
        """Every year's flags, oldest year first."""
        return tuple(flag for year in self.years for flag in year.flags)


def analyse(statements: Sequence[Statements], thresholds: SolvencyThresholds = DEFAULT_THRESHOLDS) -> Analysis:
    """Each year's ratios and flags, years sorted by year end. No statements: an empty analysis.

    Raises ValueError when two statements have the same year end.
    """
    ordered = sorted(statements, key=lambda s: s.year_end)
    for earlier, later in zip(ordered, ordered[1:]):
        if earlier.year_end == later.year_end:
            raise ValueError(f"two statements with the same year end {later.year_end.isoformat()}: keep one")
    years: list[YearAnalysis] = []
    previous: YearAnalysis | None = None
    for s in ordered:
        r = ratios(s, thresholds)
        year = YearAnalysis(s, r, tuple(_flags(s, r, previous, thresholds)))
        years.append(year)
        previous = year
    return Analysis(tuple(years), thresholds)


def _amount(x: Decimal) -> str:
    return f"{x:,.2f}"


def _flags(s: Statements, r: Ratios, previous: YearAnalysis | None,
           t: SolvencyThresholds) -> list[Flag]:
    at = s.year_end
    flags = []

    def flag(code: FlagCode, severity: Severity, message: str) -> None:
        flags.append(Flag(code, severity, at, message))

    p = previous.ratios if previous else None
    if s.equity < ZERO:
        flag(FlagCode.NEGATIVE_EQUITY, Severity.SERIOUS,
             f"Equity is negative: {_amount(s.equity)} at {at.isoformat()}.")
    if s.net_result < ZERO:
        flag(FlagCode.NET_LOSS, Severity.WARNING, f"Net loss of {_amount(-s.net_result)} for the year ended "
                                                  f"{at.isoformat()}.")
    for code, name, now, before in ((FlagCode.NEGATIVE_FRNG, "Working capital (FRNG)", r.frng,
                                     p.frng if p else None),
                                    (FlagCode.NEGATIVE_NET_CASH, "Net cash", r.net_cash,
                                     p.net_cash if p else None)):
        if now >= ZERO:
            continue
        if before is not None and before >= ZERO:
            flag(code, Severity.SERIOUS, f"{name} turned negative: {_amount(now)} (was {_amount(before)}).")
        else:
            flag(code, Severity.WARNING, f"{name} is negative: {_amount(now)}.")
    if p is None:
        return flags
    if r.equity_ratio is not None and p.equity_ratio is not None:
        fall = p.equity_ratio - r.equity_ratio
        if fall > t.equity_ratio_drop_points:
            flag(FlagCode.EQUITY_RATIO_DROP, Severity.WARNING,
                 f"Equity ratio fell from {p.equity_ratio} % to {r.equity_ratio} % ({fall} points; "
                 f"threshold {t.equity_ratio_drop_points}).")
    ps = previous.statements
    # Annualised revenues compared exactly: 1 − (revenue × 12 / months) / (previous × 12 / previous months).
    drop = _ratio(ps.revenue * s.months - s.revenue * ps.months, ps.revenue * s.months, HUNDRED, CENT)
    if drop is not None and drop > t.revenue_drop_percent:
        flag(FlagCode.REVENUE_DROP, Severity.WARNING,
             f"Revenue fell by {drop} %, from {_amount(p.annual_revenue)} to {_amount(r.annual_revenue)} "
             f"(annualised; threshold {t.revenue_drop_percent} %).")
    if r.operating_margin is not None and p.operating_margin is not None:
        fall = p.operating_margin - r.operating_margin
        if fall > t.operating_margin_drop_points:
            flag(FlagCode.OPERATING_MARGIN_DROP, Severity.WARNING,
                 f"Operating margin fell from {p.operating_margin} % to {r.operating_margin} % ({fall} points; "
                 f"threshold {t.operating_margin_drop_points}).")
    if r.dso is not None and p.dso is not None:
        rise = r.dso - p.dso
        if rise > t.dso_increase_days:
            flag(FlagCode.DSO_INCREASE, Severity.WARNING,
                 f"The customer's DSO rose from {p.dso} to {r.dso} days (+{rise} days; "
                 f"threshold {t.dso_increase_days}): it collects its own customers more slowly.")
    return flags
