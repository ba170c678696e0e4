"""The recommended credit limit of a customer: the smallest of several caps, rounded down.

Rules of thumb from the legal reference, section 12 (practice, not law; docs/credit-risk.md has the
sources, what is unconfirmed, and a worked example):

==================  ================================================================================
cap                 amount
==================  ================================================================================
need                monthly sales to the customer × (term in months + 1) × behaviour coefficient,
                    a month being 30 days: ``monthly × (term_days + 30) / 30 × coefficient``
customer equity     10 % of the customer's equity (UNCONFIRMED figure); 0 when the equity is negative
customer FRNG       20 % of the customer's working capital, FRNG (UNCONFIRMED); 0 when it is negative
insurer             the credit insurer's guaranteed limit, when there is one (0 if it refused cover)
concentration       5 % of the company's own annual sales excluding tax (about 5 %, legifiscal.fr)
==================  ================================================================================

A cap that cannot be computed (no expected sales, no statements, no insurer, own sales unknown) is listed
with amount None and the reason, and left out. With no computable cap, the recommendation is the company's
``default_limit``. Caps are rounded to the cent, half up; the limit is the smallest, rounded DOWN to
``step`` (100). Equal caps: the first in the order above is named binding.

The behaviour coefficient (AFDCC: > 1 for a good payer, < 1 for a poor one) comes from the grade of the
score, then is lowered for a customer without payment history, a new customer, or one with an invoice
overdue for long (``behaviour_coefficient``). The review date is "term + 1 month" after the as-of date
(AFDCC: 3 months for 60-day terms), the term in months rounded up.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum

from encours.core.calendar import add_months
from encours.core.money import CENT, ZERO
from encours.core.scoring import Grade, PaymentHistory, Score
from encours.core.solvency import Statements

ONE = Decimal("1")


class CapName(StrEnum):
    NEED = "need"
    CUSTOMER_EQUITY = "customer_equity"
    CUSTOMER_FRNG = "customer_frng"
    INSURER = "insurer"
    CONCENTRATION = "concentration"
    DEFAULT = "default"  # the company's default limit, when no cap is computable


def _share(name: str, value: Decimal | None) -> None:
    if value is not None and (not isinstance(value, Decimal) or not ZERO < value <= ONE):
        raise ValueError(f"{name}: a Decimal fraction above 0 and at most 1 (or None: not used), got {value!r}")


@dataclass(frozen=True, slots=True)
class LimitParameters:
    """The company's credit-limit policy. Defaults: legal reference section 12, and Encours choices."""

    equity_share: Decimal | None = Decimal("0.10")  # of the customer's equity; UNCONFIRMED; None: cap not used
    frng_share: Decimal | None = Decimal("0.20")  # of the customer's FRNG; UNCONFIRMED; None: cap not used
    concentration_share: Decimal | None = Decimal("0.05")  # of own annual sales excl. tax; None: not used
    grade_coefficients: tuple[tuple[Grade, Decimal], ...] = (
        (Grade.A, Decimal("1.20")), (Grade.B, Decimal("1.10")), (Grade.C, Decimal("1.00")),
        (Grade.D, Decimal("0.80")), (Grade.E, Decimal("0.50")))  # Encours choice
    no_history_coefficient: Decimal = Decimal("1.00")  # at most, before any invoice was paid
    new_customer_months: int = 6  # seniority below this: a new customer
    new_customer_coefficient: Decimal = Decimal("0.50")  # at most, for a new customer
    overdue_days_reduction: int = 60  # an invoice overdue for more than this many days now...
    overdue_coefficient: Decimal = Decimal("0.50")  # ...caps the coefficient at this
    default_limit: Decimal = ZERO  # when no cap is computable: the company's policy, set it
    step: Decimal = Decimal("100")  # the limit is rounded down to a multiple of this
    days_per_month: int = 30  # term in months = term days / 30

    def __post_init__(self) -> None:
        _share("equity_share", self.equity_share)
        _share("frng_share", self.frng_share)
        _share("concentration_share", self.concentration_share)
        grades = [g for g, _ in self.grade_coefficients]
        if sorted(grades) != sorted(Grade):
            raise ValueError("grade_coefficients: one coefficient for each grade A to E")
        by_grade = dict(self.grade_coefficients)
        coefficients = [by_grade[g] for g in sorted(Grade)]  # A first
        for c in (*coefficients, self.no_history_coefficient, self.new_customer_coefficient,
                  self.overdue_coefficient):
            if not isinstance(c, Decimal) or not c.is_finite() or c <= ZERO:
                raise ValueError(f"coefficients must be Decimals above 0, got {c!r}")
        if coefficients != sorted(coefficients, reverse=True):
            raise ValueError("grade_coefficients: a better grade must never get a smaller coefficient")
        if not isinstance(self.step, Decimal) or self.step <= ZERO:
            raise ValueError(f"step: a Decimal above 0, got {self.step!r}")
        if not isinstance(self.default_limit, Decimal) or self.default_limit < ZERO:
            raise ValueError(f"default_limit: a Decimal, zero or more, got {self.default_limit!r}")
        if self.new_customer_months < 0 or self.overdue_days_reduction < 0 or self.days_per_month <= 0:
            raise ValueError("new_customer_months and overdue_days_reduction must be zero or more, "
                             "days_per_month above 0")


DEFAULT_PARAMETERS = LimitParameters()


@dataclass(frozen=True, slots=True)
class LimitInputs:
    """What the recommendation reads about a customer.

    - ``as_of``: the day of the recommendation (the review date counts from it).
    - ``score`` and ``history``: the customer's score (``scoring.score``) and the payment history it used.
    - ``term_days``: days from invoice to due date under the customer's terms (60 for ``net:60``; for an
      end-of-month term, the average delay: about 60 for 45 days end of month).
    - ``monthly_sales``: expected sales to the customer per month, including VAT like the receivables it
      will create; None: unknown, no need-based cap.
    - ``statements``: the customer's latest statements; None: no capacity caps.
    - ``insurer_limit``: the credit insurer's guaranteed limit (0 when cover is refused); None: not insured.
    - ``own_annual_sales``: the company's own (budgeted) annual sales excluding tax; None: no concentration cap.
    """

    as_of: date
    score: Score
    history: PaymentHistory
    term_days: int
    monthly_sales: Decimal | None = None
    statements: Statements | None = None
    insurer_limit: Decimal | None = None
    own_annual_sales: Decimal | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.term_days, int) or isinstance(self.term_days, bool) or not 0 <= self.term_days <= 365:
            raise ValueError(f"term_days: whole days from 0 to 365, got {self.term_days!r}")
        for name in ("monthly_sales", "insurer_limit", "own_annual_sales"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, Decimal) or not value.is_finite() or value < ZERO):
                raise ValueError(f"{name}: a Decimal, zero or more (or None), got {value!r}")


@dataclass(frozen=True, slots=True)
class Cap:
    name: CapName
    amount: Decimal | None  # None: not computable
    why: str


@dataclass(frozen=True, slots=True)
class Recommendation:
    limit: Decimal
    binding_cap: CapName
    caps: tuple[Cap, ...]
    coefficient: Decimal
    explanation: tuple[str, ...]
    review_date: date


def behaviour_coefficient(score: Score, history: PaymentHistory,
                          parameters: LimitParameters = DEFAULT_PARAMETERS) -> tuple[Decimal, tuple[str, ...]]:
    """The payment-behaviour coefficient and why: the grade's, then at most the coefficient of each rule
    that applies (no payment history yet; a new customer; an invoice overdue too long now)."""
    p = parameters
    coefficient = dict(p.grade_coefficients)[score.grade]
    reasons = [f"grade {score.grade} (score {score.value}): {coefficient}"]
    rules = (
        (history.average_days_late is None, p.no_history_coefficient, "no invoice paid yet"),
        (history.seniority_months < p.new_customer_months, p.new_customer_coefficient,
         f"new customer ({history.seniority_months} months, under {p.new_customer_months})"),
        (history.overdue_amount > ZERO and history.overdue_days_max > p.overdue_days_reduction,
         p.overdue_coefficient,
         f"an invoice {history.overdue_days_max} days overdue (more than {p.overdue_days_reduction})"),
    )
    for applies, at_most, why in rules:
        if applies and at_most < coefficient:
            coefficient = at_most
            reasons.append(f"{why}: at most {at_most}")
    return coefficient, tuple(reasons)


def _plain(x: Decimal) -> str:
    """A Decimal without trailing zeros nor exponent: 10.00 → "10", 2.50 → "2.5"."""
    text = f"{x:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cents(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def _capacity(name: CapName, share: Decimal | None, base: Decimal | None, label: str) -> Cap:
    if share is None:
        return Cap(name, None, "not used by the company's policy")
    if base is None:
        return Cap(name, None, "no financial statements")
    if base < ZERO:
        return Cap(name, _cents(ZERO), f"the customer's {label} is negative ({base:,.2f})")
    return Cap(name, _cents(base * share), f"{_plain(share * 100)} % of the customer's {label} {base:,.2f}")


def caps(inputs: LimitInputs, coefficient: Decimal,
         parameters: LimitParameters = DEFAULT_PARAMETERS) -> tuple[Cap, ...]:
    """Each cap, in the binding order: need, customer equity, customer FRNG, insurer, concentration."""
    p, i = parameters, inputs
    if i.monthly_sales is None:
        need = Cap(CapName.NEED, None, "expected monthly sales to the customer unknown")
    else:
        # One division: monthly × (term days + 30) × coefficient / 30, then to the cent.
        amount = _cents(i.monthly_sales * (i.term_days + p.days_per_month) * coefficient / p.days_per_month)
        need = Cap(CapName.NEED, amount, f"{i.monthly_sales:,.2f} a month × ({i.term_days} + {p.days_per_month}) "
                                         f"/ {p.days_per_month} months × coefficient {coefficient}")
    s = i.statements
    equity = _capacity(CapName.CUSTOMER_EQUITY, p.equity_share, s.equity if s else None, "equity")
    frng = _capacity(CapName.CUSTOMER_FRNG, p.frng_share, s.frng if s else None, "working capital (FRNG)")
    if i.insurer_limit is None:
        insurer = Cap(CapName.INSURER, None, "no credit-insurer limit")
    else:
        insurer = Cap(CapName.INSURER, _cents(i.insurer_limit), "the credit insurer's guaranteed limit")
    if p.concentration_share is None:
        concentration = Cap(CapName.CONCENTRATION, None, "not used by the company's policy")
    elif i.own_annual_sales is None:
        concentration = Cap(CapName.CONCENTRATION, None, "the company's own annual sales unknown")
    else:
        concentration = Cap(CapName.CONCENTRATION, _cents(i.own_annual_sales * p.concentration_share),
                            f"{_plain(p.concentration_share * 100)} % of own annual sales excl. tax "
                            f"{i.own_annual_sales:,.2f}")
    return need, equity, frng, insurer, concentration


def round_down(amount: Decimal, step: Decimal) -> Decimal:
    """``amount`` rounded down to a multiple of ``step``, in cents: 29,628.00 with step 100 → 29,600.00."""
    return _cents((amount / step).to_integral_value(rounding=ROUND_FLOOR) * step)


def review_months(term_days: int, days_per_month: int = 30) -> int:
    """AFDCC validity "term + 1 month", the term in months rounded up: 60 days → 3, 45 → 3, 0 → 1."""
    return -(-term_days // days_per_month) + 1


def recommend(inputs: LimitInputs, parameters: LimitParameters = DEFAULT_PARAMETERS) -> Recommendation:
    """The recommended limit: the smallest computable cap (else ``default_limit``), rounded down to ``step``."""
    p = parameters
    coefficient, reasons = behaviour_coefficient(inputs.score, inputs.history, p)
    all_caps = caps(inputs, coefficient, p)
    lines = ["Behaviour coefficient " + str(coefficient) + ": " + "; ".join(reasons) + "."]
    for cap in all_caps:
        if cap.amount is None:
            lines.append(f"{cap.name}: not computable ({cap.why}).")
        else:
            lines.append(f"{cap.name}: {cap.amount:,.2f} ({cap.why}).")
    computable = [cap for cap in all_caps if cap.amount is not None]
    if computable:
        binding = min(computable, key=lambda cap: cap.amount)  # the first of equal caps
        name, smallest = binding.name, binding.amount
        lines.append(f"Recommended limit: the smallest cap, {name} {smallest:,.2f}, rounded down to {_plain(p.step)}.")
    else:
        name, smallest = CapName.DEFAULT, p.default_limit
        lines.append(f"No cap is computable: the company's default limit {smallest:,.2f}, rounded down to "
                     f"{_plain(p.step)}.")
    limit = round_down(smallest, p.step)
    months = review_months(inputs.term_days, p.days_per_month)
    review = add_months(inputs.as_of, months)
    lines.append(f"Review by {review.isoformat()}: the term ({inputs.term_days} days) + 1 month = {months} months.")
    return Recommendation(limit, name, all_caps, coefficient, tuple(lines), review)
