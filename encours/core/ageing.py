"""Aged balance (balance âgée): open amounts grouped by days past due at an as-of date.

Days past due = (as_of - due_date).days. An item is not due while that is 0 or less: an invoice due
today is not late yet (C. com. L441-10 II: interest runs from the day after the due date).
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from encours.core.money import ZERO

NOT_DUE = "not_due"


@dataclass(frozen=True)
class Bucket:
    """Items ``min_days`` to ``max_days`` days past due, both inclusive; ``None`` is unbounded."""

    label: str
    min_days: int | None
    max_days: int | None

    @property
    def is_overdue(self) -> bool:
        """True when every item in the bucket is at least one day past due."""
        return self.min_days is not None and self.min_days >= 1

    def contains(self, days_past_due: int) -> bool:
        """True when an item ``days_past_due`` days past due (0 or less: not due) belongs here."""
        return (self.min_days is None or days_past_due >= self.min_days) and (
            self.max_days is None or days_past_due <= self.max_days
        )

    def due_date_range(self, as_of: date) -> tuple[date | None, date | None]:
        """(earliest, latest) due dates, both inclusive, that fall in this bucket at ``as_of``; None: unbounded.

        For SQL: ``due_date >= earliest AND due_date <= latest``. Not due at 2025-03-31:
        (2025-03-31, None); 1-30: (2025-03-01, 2025-03-30).
        """
        earliest = None if self.max_days is None else as_of - timedelta(days=self.max_days)
        latest = None if self.min_days is None else as_of - timedelta(days=self.min_days)
        return earliest, latest


def buckets_from_limits(limits: Sequence[int] = (30, 60, 90)) -> tuple[Bucket, ...]:
    """Buckets ``not_due``, ``1-30``, ``31-60``, ``61-90``, ``over_90`` from the upper limits (30, 60, 90).

    ``limits`` are days past due, strictly increasing positive integers, at least one; ValueError otherwise.
    """
    limits = tuple(limits)
    if not limits:
        raise ValueError("ageing limits: give at least one limit, e.g. (30, 60, 90)")
    for limit in limits:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"ageing limits must be positive whole numbers of days, got {limit!r} in {limits}")
    for lower, upper in zip(limits, limits[1:]):
        if upper <= lower:
            raise ValueError(f"ageing limits must be strictly increasing, got {upper} after {lower} in {limits}")
    buckets = [Bucket(NOT_DUE, None, 0)]
    previous = 0
    for limit in limits:
        buckets.append(Bucket(f"{previous + 1}-{limit}", previous + 1, limit))
        previous = limit
    buckets.append(Bucket(f"over_{previous}", previous + 1, None))
    return tuple(buckets)


DEFAULT_BUCKETS = buckets_from_limits()


def bucket_for(due_date: date, as_of: date, buckets: Sequence[Bucket] = DEFAULT_BUCKETS) -> Bucket:
    """The first bucket holding an item due on ``due_date`` at ``as_of``; ValueError if none does."""
    days_past_due = (as_of - due_date).days
    for bucket in buckets:
        if bucket.contains(days_past_due):
            return bucket
    raise ValueError(f"no ageing bucket for {days_past_due} days past due (due {due_date}, as of {as_of})")


@dataclass(frozen=True)
class AgeingItem:
    """An open amount: positive for what the customer owes, negative for credits (credit notes, payments)."""

    customer: Hashable
    amount: Decimal
    due_date: date

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"AgeingItem needs a Decimal amount, never a float: {self.amount!r}")


@dataclass
class AgedBalance:
    """Amounts per bucket label, in total and per customer; every label is present, at 0 if empty."""

    as_of: date
    buckets: tuple[Bucket, ...]
    totals: dict[str, Decimal]
    by_customer: dict[Hashable, dict[str, Decimal]] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        """Everything open, due or not, credits deducted."""
        return sum(self.totals.values(), ZERO)

    @property
    def overdue(self) -> Decimal:
        """The sum of the buckets past due (all but ``not_due``)."""
        return sum((self.totals[b.label] for b in self.buckets if b.is_overdue), ZERO)

    def customer_total(self, customer: Hashable) -> Decimal:
        """Everything open for ``customer``; 0 for a customer with no item."""
        return sum(self.by_customer.get(customer, {}).values(), ZERO)


def age_items(
    items: Iterable[AgeingItem], as_of: date, buckets: Sequence[Bucket] = DEFAULT_BUCKETS
) -> AgedBalance:
    """Group open amounts by days past due at ``as_of``. Exact sums, no rounding.

    Each item goes to its own bucket, credits too: an unallocated payment is aged by its own date. To age a
    credit with the invoice it settles, allocate it (matching) before ageing.
    """
    buckets = tuple(buckets)
    labels = [b.label for b in buckets]
    if len(set(labels)) != len(labels):
        raise ValueError(f"ageing bucket labels must be unique, got {labels}")
    totals = dict.fromkeys(labels, ZERO)
    by_customer: dict[Hashable, dict[str, Decimal]] = {}
    for item in items:
        label = bucket_for(item.due_date, as_of, buckets).label
        totals[label] += item.amount
        customer = by_customer.setdefault(item.customer, dict.fromkeys(labels, ZERO))
        customer[label] += item.amount
    return AgedBalance(as_of, buckets, totals, by_customer)
