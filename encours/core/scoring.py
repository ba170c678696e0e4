"""The credit score of a customer, 0 to 100 (higher is safer), with its explanation.

The score starts at a base (50) and adds whole points per factor, each from a table of bands
(``ScoreParameters``; docs/credit-risk.md has the tables and a worked example):

- from the latest year of the solvency analysis (when there is one): equity ratio, operating margin,
  current ratio, financial debt / EBITDA, and the flags of that year (each warning −2, serious −5, at most −12);
- from the payment history: average days late, share of invoices paid late, promises broken in the last 12
  months, open disputes, seniority, and what is overdue now (by the days late of the oldest overdue invoice).

The sum is kept within 0–100; when it had to be, a "bounds" contribution says by how much, so that the
contributions always add up exactly to the score minus the base. Points are whole numbers: the score is an
exact integer, nothing is rounded. The grade is A (80 and more), B (65), C (50), D (35), E (below 35).
These points are Encours defaults, not a published method: a company adjusts them in ``ScoreParameters``.

A better payment history never lowers the score: ``ScoreParameters`` refuses history tables that would
give more points to a worse behaviour. Without statements, the score rests on the history alone and says so.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from encours.core.money import ZERO
from encours.core.solvency import Analysis, Severity

ONE = Decimal("1")


@dataclass(frozen=True, slots=True)
class Bands:
    """Points per band of a value: ``steps`` are ``(upper bound, points)``, bounds increasing, each bound
    included in its band; the last bound is None (no upper bound).

    ``Bands.of(("0", -20), ("10", -8), (None, 5))``: up to 0 → −20; above 0 up to 10 → −8; above 10 → +5.
    """

    steps: tuple[tuple[Decimal | None, int], ...]

    @classmethod
    def of(cls, *steps: tuple[str | int | None, int]) -> Bands:
        return cls(tuple((None if bound is None else Decimal(bound), points) for bound, points in steps))

    def __post_init__(self) -> None:
        bounds = [bound for bound, _ in self.steps]
        if not self.steps or bounds[-1] is not None or None in bounds[:-1]:
            raise ValueError("bands need increasing upper bounds and a last band without one (None)")
        if bounds[:-1] != sorted(set(bounds[:-1])):
            raise ValueError(f"band bounds must increase strictly, got {bounds[:-1]}")
        if any(not isinstance(points, int) or isinstance(points, bool) for _, points in self.steps):
            raise ValueError("band points must be whole numbers (int)")

    def band(self, value: Decimal) -> tuple[Decimal | None, Decimal | None, int]:
        """``(lower bound excluded or None, upper bound included or None, points)`` of the band of ``value``."""
        lower = None
        for bound, points in self.steps:
            if bound is None or value <= bound:
                return lower, bound, points
            lower = bound
        raise AssertionError("unreachable: the last band has no upper bound")

    def points(self, value: Decimal) -> int:
        return self.band(value)[2]

    def is_monotone(self, increasing: bool) -> bool:
        points = [p for _, p in self.steps]
        pairs = zip(points, points[1:])
        return all(a <= b for a, b in pairs) if increasing else all(a >= b for a, b in pairs)


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"


class Factor(StrEnum):
    STATEMENTS = "statements"  # 0 points: whether the score rests on the history alone
    EQUITY_RATIO = "equity_ratio"
    OPERATING_MARGIN = "operating_margin"
    CURRENT_RATIO = "current_ratio"
    DEBT_TO_EBITDA = "debt_to_ebitda"
    FLAGS = "flags"
    AVERAGE_DAYS_LATE = "average_days_late"
    SHARE_PAID_LATE = "share_paid_late"
    BROKEN_PROMISES = "broken_promises"
    OPEN_DISPUTES = "open_disputes"
    SENIORITY = "seniority"
    OVERDUE = "overdue"
    BOUNDS = "bounds"  # what keeping the score within 0–100 took away or added
    BASE = "base"  # only in a ScoreChange, when the two scores used different bases


# (field, higher value is better): the direction a history table must respect (see ScoreParameters).
_DIRECTIONS = {
    "equity_ratio": True, "operating_margin": True, "current_ratio": True, "debt_to_ebitda": False,
    "average_days_late": False, "share_paid_late": False, "broken_promises": False, "open_disputes": False,
    "seniority_months": True, "overdue_days": False,
}


@dataclass(frozen=True, slots=True)
class ScoreParameters:
    """Points of each factor. Encours defaults (docs/credit-risk.md); none comes from a published method."""

    base: int = 50
    minimum: int = 0
    maximum: int = 100
    # ratios of the latest year: equity ratio and operating margin in %, the others multiples
    equity_ratio: Bands = Bands.of(("0", -20), ("10", -8), ("20", 0), ("35", 5), (None, 8))
    operating_margin: Bands = Bands.of(("0", -6), ("2", -2), ("5", 0), ("10", 3), (None, 5))
    current_ratio: Bands = Bands.of(("0.8", -6), ("1", -3), ("1.5", 0), ("2", 2), (None, 4))
    debt_to_ebitda: Bands = Bands.of(("1", 4), ("3", 2), ("5", 0), (None, -6))
    ebitda_not_positive: int = -8  # financial debt and an EBITDA of zero or less: debt / EBITDA has no meaning
    flag_points: tuple[tuple[Severity, int], ...] = ((Severity.WARNING, -2), (Severity.SERIOUS, -5))
    flags_floor: int = -12  # all the flags of a year together cost at most this
    # payment history
    average_days_late: Bands = Bands.of(("0", 8), ("5", 4), ("15", 0), ("30", -6), ("60", -12), (None, -18))
    share_paid_late: Bands = Bands.of(("0.10", 4), ("0.30", 0), ("0.60", -4), (None, -8))  # a fraction
    broken_promises: Bands = Bands.of((0, 0), (1, -5), (2, -9), (None, -12))
    open_disputes: Bands = Bands.of((0, 0), (1, -2), (None, -4))
    seniority_months: Bands = Bands.of((5, -4), (23, 0), (59, 3), (None, 5))
    overdue_days: Bands = Bands.of((0, 0), (30, -2), (60, -6), (90, -10), (None, -15))  # oldest overdue item
    # lowest score of grades A, B, C and D; below the last: E
    grade_floors: tuple[int, int, int, int] = (80, 65, 50, 35)

    def __post_init__(self) -> None:
        if not self.minimum <= self.base <= self.maximum:
            raise ValueError(f"base {self.base} must lie between minimum {self.minimum} and maximum {self.maximum}")
        for name, increasing in _DIRECTIONS.items():
            if not getattr(self, name).is_monotone(increasing):
                better = "higher" if increasing else "lower"
                raise ValueError(f"{name}: a {better} value must never get fewer points")
        if any(points > 0 for _, points in self.flag_points) or self.flags_floor > 0:
            raise ValueError("flags can only take points away")
        floors = list(self.grade_floors)
        if len(floors) != 4 or floors != sorted(set(floors), reverse=True):
            raise ValueError(f"grade_floors: four strictly decreasing scores for A, B, C, D, got {floors}")


DEFAULT = ScoreParameters()


@dataclass(frozen=True, slots=True)
class PaymentHistory:
    """What the customer's payments tell, as of the day the score is computed.

    - ``average_days_late``: average days between due date and payment of the invoices paid (weighted as the
      caller computes it; negative when paid early); None: no invoice paid yet.
    - ``share_paid_late``: fraction of those invoices paid after their due date, 0 to 1; None: none paid yet.
    - ``broken_promises_12m``: promises to pay broken in the last 12 months; ``open_disputes``: disputes open.
    - ``seniority_months``: whole months since the first invoice (or the account was opened).
    - ``overdue_amount``: open amount past its due date now; ``overdue_days_max``: days late of the oldest.
    """

    average_days_late: Decimal | None = None
    share_paid_late: Decimal | None = None
    broken_promises_12m: int = 0
    open_disputes: int = 0
    seniority_months: int = 0
    overdue_amount: Decimal = ZERO
    overdue_days_max: int = 0

    def __post_init__(self) -> None:
        problems = []
        for name in ("average_days_late", "share_paid_late", "overdue_amount"):
            value = getattr(self, name)
            if value is None and name != "overdue_amount":
                continue
            if not isinstance(value, Decimal) or not value.is_finite():
                problems.append(f"{name}: must be a Decimal, got {value!r}")
        for name in ("broken_promises_12m", "open_disputes", "seniority_months", "overdue_days_max"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                problems.append(f"{name}: must be a whole number, zero or more, got {value!r}")
        if not problems:
            if self.share_paid_late is not None and not ZERO <= self.share_paid_late <= ONE:
                problems.append(f"share_paid_late: a fraction from 0 to 1, got {self.share_paid_late}")
            if self.overdue_amount < ZERO:
                problems.append(f"overdue_amount: cannot be negative, got {self.overdue_amount}")
        if problems:
            raise ValueError("invalid payment history: " + "; ".join(problems))


@dataclass(frozen=True, slots=True)
class Contribution:
    factor: Factor
    points: int
    why: str


@dataclass(frozen=True, slots=True)
class Score:
    """``value`` = ``base`` + the sum of ``contributions``' points, within 0–100."""

    value: int
    grade: Grade
    base: int
    contributions: tuple[Contribution, ...]
    history_only: bool  # True: no statements, the score rests on the payment history alone

    def points_of(self, factor: Factor) -> int:
        return sum(c.points for c in self.contributions if c.factor is factor)


def _signed(points: int) -> str:
    return f"{points:+d}" if points else "0"


def _band_text(bands: Bands, value: Decimal, unit: str = "") -> str:
    lower, upper, points = bands.band(value)
    if lower is None:
        where = f"≤ {upper}{unit}"
    elif upper is None:
        where = f"> {lower}{unit}"
    else:
        where = f"> {lower}{unit} and ≤ {upper}{unit}"
    return f"{value}{unit}, band {where}: {_signed(points)}"


def _financial(analysis: Analysis | None, p: ScoreParameters) -> list[Contribution]:
    latest = analysis.latest if analysis is not None else None
    if latest is None:
        return [Contribution(Factor.STATEMENTS, 0, "No financial statements: the score rests on the payment "
                                                   "history alone.")]
    r, s = latest.ratios, latest.statements
    year = s.year_end.isoformat()
    out = [Contribution(Factor.STATEMENTS, 0, f"Statements of the year ended {year}.")]

    def banded(factor: Factor, bands: Bands, value: Decimal | None, label: str, unit: str, missing: str) -> None:
        if value is None:
            out.append(Contribution(factor, 0, f"{label}: not computable ({missing}): 0"))
        else:
            out.append(Contribution(factor, bands.points(value), f"{label} {_band_text(bands, value, unit)}"))

    banded(Factor.EQUITY_RATIO, p.equity_ratio, r.equity_ratio, "Equity ratio", " %", "no total assets")
    banded(Factor.OPERATING_MARGIN, p.operating_margin, r.operating_margin, "Operating margin", " %", "no revenue")
    banded(Factor.CURRENT_RATIO, p.current_ratio, r.current_ratio, "Current ratio", "", "no short-term liabilities")
    if r.debt_to_ebitda is None and s.financial_debt > ZERO:
        out.append(Contribution(Factor.DEBT_TO_EBITDA, p.ebitda_not_positive,
                                f"Financial debt {s.financial_debt:,.2f} with an EBITDA of zero or less "
                                f"({s.ebitda:,.2f}): {_signed(p.ebitda_not_positive)}"))
    else:
        banded(Factor.DEBT_TO_EBITDA, p.debt_to_ebitda, r.debt_to_ebitda, "Financial debt / EBITDA",
               " years", "no financial debt and no EBITDA")
    per_severity = dict(p.flag_points)
    raw = sum(per_severity[flag.severity] for flag in latest.flags)
    points = max(raw, p.flags_floor)
    if not latest.flags:
        why = "No sign of deterioration: 0"
    else:
        parts = " ".join(_signed(per_severity[flag.severity]) for flag in latest.flags)
        codes = ", ".join(f"{flag.code} ({flag.severity})" for flag in latest.flags)
        floor = f", at most {p.flags_floor}" if raw < p.flags_floor else ""
        why = f"Flags {codes}: {parts} = {_signed(raw)}{floor}"
    out.append(Contribution(Factor.FLAGS, points, why))
    return out


def _history(h: PaymentHistory, p: ScoreParameters) -> list[Contribution]:
    out = []
    if h.average_days_late is None:
        out.append(Contribution(Factor.AVERAGE_DAYS_LATE, 0, "Average days late: no invoice paid yet: 0"))
    else:
        out.append(Contribution(Factor.AVERAGE_DAYS_LATE, p.average_days_late.points(h.average_days_late),
                                "Average days late " + _band_text(p.average_days_late, h.average_days_late)))
    if h.share_paid_late is None:
        out.append(Contribution(Factor.SHARE_PAID_LATE, 0, "Share paid late: no invoice paid yet: 0"))
    else:
        out.append(Contribution(Factor.SHARE_PAID_LATE, p.share_paid_late.points(h.share_paid_late),
                                "Share of invoices paid late " + _band_text(p.share_paid_late, h.share_paid_late)))
    for factor, bands, value, label in (
            (Factor.BROKEN_PROMISES, p.broken_promises, h.broken_promises_12m, "Promises broken in 12 months"),
            (Factor.OPEN_DISPUTES, p.open_disputes, h.open_disputes, "Open disputes"),
            (Factor.SENIORITY, p.seniority_months, h.seniority_months, "Seniority (months)")):
        out.append(Contribution(factor, bands.points(Decimal(value)), f"{label} {_band_text(bands, Decimal(value))}"))
    if h.overdue_amount > ZERO:
        out.append(Contribution(Factor.OVERDUE, p.overdue_days.points(Decimal(h.overdue_days_max)),
                                f"Overdue now {h.overdue_amount:,.2f}, oldest "
                                + _band_text(p.overdue_days, Decimal(h.overdue_days_max), " days")))
    else:
        out.append(Contribution(Factor.OVERDUE, 0, "Nothing overdue now: 0"))
    return out


def grade(value: int, parameters: ScoreParameters = DEFAULT) -> Grade:
    """The grade of a score: A from ``grade_floors[0]`` (80), B, C, D; E below ``grade_floors[3]`` (35)."""
    for floor, g in zip(parameters.grade_floors, (Grade.A, Grade.B, Grade.C, Grade.D)):
        if value >= floor:
            return g
    return Grade.E


def score(analysis: Analysis | None, history: PaymentHistory, parameters: ScoreParameters = DEFAULT) -> Score:
    """The score of a customer from its latest analysed year (None or empty: none) and its payment history.

    Deterministic: the same inputs always give the same score and the same contributions, in the same order.
    """
    p = parameters
    contributions = _financial(analysis, p) + _history(history, p)
    raw = p.base + sum(c.points for c in contributions)
    value = min(max(raw, p.minimum), p.maximum)
    if value != raw:
        contributions.append(Contribution(Factor.BOUNDS, value - raw,
                                          f"{raw} is kept within {p.minimum}–{p.maximum}: {_signed(value - raw)}"))
    history_only = analysis is None or analysis.latest is None
    return Score(value, grade(value, p), p.base, tuple(contributions), history_only)


@dataclass(frozen=True, slots=True)
class Move:
    factor: Factor
    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class ScoreChange:
    """From ``previous`` to ``current``: ``moves`` are the factors whose points changed, largest fall first;
    their changes add up to ``change``. ``alert``: a fall of ``alert_drop`` points or more, or a lower grade,
    a case for the credit committee."""

    previous: Score
    current: Score
    moves: tuple[Move, ...]
    alert: bool

    @property
    def change(self) -> int:
        return self.current.value - self.previous.value


def _points_by_factor(s: Score) -> dict[Factor, int]:
    points = {Factor.BASE: s.base}
    for c in s.contributions:
        points[c.factor] = points.get(c.factor, 0) + c.points
    return points


def score_change(previous: Score, current: Score, *, alert_drop: int = 10) -> ScoreChange:
    """What moved between two scores of a customer, and whether the fall calls for the credit committee."""
    before, after = _points_by_factor(previous), _points_by_factor(current)
    order = list(Factor)
    moves = [Move(f, before.get(f, 0), after.get(f, 0)) for f in order if before.get(f, 0) != after.get(f, 0)]
    moves.sort(key=lambda m: (m.change, order.index(m.factor)))
    grade_fell = current.grade > previous.grade  # "E" > "A": a later letter is a worse grade
    alert = previous.value - current.value >= alert_drop or grade_fell
    return ScoreChange(previous, current, tuple(moves), alert)


def explanation(s: Score) -> Sequence[str]:
    """The score as lines a credit manager can check: base, each factor, total and grade."""
    lines = [f"Base: {s.base}"]
    lines += [f"{c.factor}: {_signed(c.points)} ({c.why})" for c in s.contributions]
    lines.append(f"Score: {s.value} / 100, grade {s.grade}")
    return lines
