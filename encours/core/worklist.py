"""The priority of an entry of a collector's worklist: which customer to deal with first today.

A score out of 100, the sum of five components a credit manager can recompute by hand:

============================  ==============================================================  =====
component                     points                                                          most
============================  ==============================================================  =====
overdue amount                10 per tenfold above 100 (100: 0; 1,000: 10; 10,000: 20),       30
                              ``10 x log10(amount / 100)``, nothing below 100
days late (oldest invoice)    1 per 4 days                                                    30
risk                          payer profile: good 0, unknown 4, slow 8, litigious 10,         15
                              insolvent 12; customer under watch: + 3
broken promises (180 days)    none 0, one 12, two 16, three or more 20                        20
awaiting approval             5 (a person must decide before the scenario goes on)            5
============================  ==============================================================  =====

The amount is log-scaled so that a large debt comes first without burying every small one: 10,000 EUR
100 days late scores 20 + 25 = 45, 1,000 EUR 150 days late 10 + 30 = 40. A broken promise is worth 12
points, as much as 48 more days late or a sixteenfold amount: a customer who did not keep their word is
called first.

The total is rounded once, to one decimal place, half up. Entries are ordered by score, highest first;
equal scores by overdue amount (largest first), then days late (most first), then ``key`` (smallest first),
so the order is total and the same on every run (``sort_key``).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

AMOUNT_FLOOR = Decimal("100")  # an overdue amount below this scores nothing for its size
AMOUNT_POINTS_PER_TENFOLD = Decimal("10")
AMOUNT_MAX = Decimal("30")
DAYS_PER_POINT = 4
DAYS_MAX = Decimal("30")
RISK_POINTS = {"good": 0, "unknown": 4, "slow": 8, "litigious": 10, "insolvent": 12}
WATCH_POINTS = 3
BROKEN_PROMISE_POINTS = (0, 12, 16, 20)  # by count; the last applies to any higher count
BROKEN_PROMISE_DAYS = 180  # broken promises counted over this many days
APPROVAL_POINTS = 5
TENTH = Decimal("0.1")
ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class Entry:
    """What the score reads of a worklist entry (an action, or a call to make back)."""

    key: int  # unique among the entries ordered together: the last tie-break
    overdue: Decimal  # open amount of the entry's overdue invoices, in the company's currency
    days_late: int  # days past the due date of its oldest overdue invoice; 0 or less: none is late
    payer_profile: str = "unknown"  # a key of RISK_POINTS
    watch: bool = False  # customer status "under watch"
    broken_promises: int = 0  # promises broken in the last BROKEN_PROMISE_DAYS days
    awaiting_approval: bool = False


@dataclass(frozen=True, slots=True)
class Priority:
    """The score and its components, so that a page can say why an entry comes first."""

    amount: Decimal
    lateness: Decimal
    risk: Decimal
    promises: Decimal
    approval: Decimal

    @property
    def score(self) -> Decimal:
        total = self.amount + self.lateness + self.risk + self.promises + self.approval
        return total.quantize(TENTH, rounding=ROUND_HALF_UP)


def amount_points(overdue: Decimal) -> Decimal:
    """``10 x log10(overdue / 100)`` between 0 and 30 (reached at 100,000), at full precision."""
    if overdue <= AMOUNT_FLOOR:
        return ZERO
    points = AMOUNT_POINTS_PER_TENFOLD * (overdue / AMOUNT_FLOOR).log10()
    return min(points, AMOUNT_MAX)


def lateness_points(days_late: int) -> Decimal:
    """One point per 4 days late, at most 30 (120 days); nothing when no invoice is late."""
    if days_late <= 0:
        return ZERO
    return min(Decimal(days_late) / DAYS_PER_POINT, DAYS_MAX)


def risk_points(payer_profile: str, watch: bool) -> Decimal:
    """Points of the payer profile, plus 3 for a customer under watch."""
    try:
        points = RISK_POINTS[payer_profile]
    except KeyError:
        raise ValueError(f"unknown payer profile {payer_profile!r}: one of {', '.join(RISK_POINTS)}") from None
    return Decimal(points + (WATCH_POINTS if watch else 0))


def promise_points(broken: int) -> Decimal:
    """12 for one broken promise, 16 for two, 20 for three or more."""
    if broken < 0:
        raise ValueError(f"a number of broken promises cannot be negative: {broken}")
    return Decimal(BROKEN_PROMISE_POINTS[min(broken, len(BROKEN_PROMISE_POINTS) - 1)])


def priority(entry: Entry) -> Priority:
    """The priority of ``entry``: see the module docstring for the table and a worked example."""
    return Priority(
        amount=amount_points(entry.overdue),
        lateness=lateness_points(entry.days_late),
        risk=risk_points(entry.payer_profile, entry.watch),
        promises=promise_points(entry.broken_promises),
        approval=Decimal(APPROVAL_POINTS if entry.awaiting_approval else 0),
    )


def sort_key(entry: Entry) -> tuple:
    """Highest score first, then the largest amount, the most days late, the smallest key."""
    return (-priority(entry).score, -entry.overdue, -entry.days_late, entry.key)


def ordered(entries: Iterable[Entry]) -> list[Entry]:
    """``entries`` in worklist order (``sort_key``)."""
    return sorted(entries, key=sort_key)
