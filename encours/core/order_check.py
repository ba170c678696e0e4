"""Can this order be accepted? The credit decision on one order, from the customer's exposure and limits.

Pure: the caller reads the figures (``OrderContext``) from indexed data and passes them in.

Exposure = open receivables + orders accepted but not yet invoiced. The order is **blocked** when any of
these holds (every reason is listed, not only the first):
- the exposure with the order would exceed the limit in force: the internal limit, or the company's default
  for customers without one (a customer "cash on order" has a limit of zero); the insurer's limit, when the
  customer is insured, is checked apart: beyond it the excess is uninsured, which blocks too;
- the overdue part of the receivables is beyond the tolerance: more than ``tolerance_amount`` overdue for more
  than ``tolerance_days`` (an amount and a number of days, never a count of invoices);
- the customer is in litigation or insolvency proceedings, or blocked by hand.
An unblock granted by a credit manager (with an expiry date) lets the order through despite the limit and
the overdue reasons until that date, never past a litigation or insolvency status.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from encours.core.money import ZERO


class Decision(StrEnum):
    ACCEPT = "accept"
    BLOCK = "block"


class Reason(StrEnum):
    LIMIT_EXCEEDED = "limit_exceeded"
    INSURED_LIMIT_EXCEEDED = "insured_limit_exceeded"
    OVERDUE = "overdue"
    LITIGATION = "litigation"
    INSOLVENCY = "insolvency"
    BLOCKED_BY_HAND = "blocked_by_hand"


@dataclass(frozen=True)
class OrderContext:
    """What is known of the customer when the order arrives (amounts in the company's currency)."""

    open_receivables: Decimal  # open invoices less unallocated credits, never below zero for the exposure
    pending_orders: Decimal  # accepted, not invoiced nor cancelled
    limit: Decimal  # the internal limit in force (the company default when the customer has none)
    insured_limit: Decimal | None = None  # the credit insurer's guaranteed limit, when insured
    overdue_beyond_tolerance_days: Decimal = ZERO  # open amount overdue by more than the tolerance in days
    tolerance_amount: Decimal = ZERO
    tolerance_days: int = 0
    status: str = "open"  # customers.CustomerStatus value
    unblocked_until: date | None = None  # an unblock in force until this date (included)

    @property
    def exposure(self) -> Decimal:
        return max(self.open_receivables, ZERO) + self.pending_orders


@dataclass(frozen=True)
class Answer:
    decision: Decision
    reasons: list[tuple[Reason, str]] = field(default_factory=list)  # (code, message for a person)
    # (accepted with reasons: only thanks to an unblock in force, ``overridden``)
    exposure: Decimal = ZERO  # before the order
    exposure_after: Decimal = ZERO
    limit: Decimal = ZERO
    overridden: bool = False
    # the figures behind each amount reason, to say it in another language: limit_exceeded and
    # insured_limit_exceeded {exposure_after, limit, excess}; overdue {overdue, tolerance_days, tolerance_amount}
    figures: dict[Reason, dict[str, Decimal | int]] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return self.decision is Decision.ACCEPT


def check_order(amount: Decimal, context: OrderContext, today: date) -> Answer:
    """Accept or block an order of ``amount`` (a positive Decimal), with every reason."""
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= ZERO:
        raise ValueError(f"the order amount must be a positive amount, got {amount!r}")
    exposure = context.exposure
    after = exposure + amount
    reasons: list[tuple[Reason, str]] = []
    figures: dict[Reason, dict[str, Decimal | int]] = {}
    if after > context.limit:
        reasons.append((Reason.LIMIT_EXCEEDED, f"exposure {after} with this order exceeds the limit "
                                               f"{context.limit} by {after - context.limit}"))
        figures[Reason.LIMIT_EXCEEDED] = {"exposure_after": after, "limit": context.limit,
                                          "excess": after - context.limit}
    if context.insured_limit is not None and after > context.insured_limit:
        reasons.append((Reason.INSURED_LIMIT_EXCEEDED,
                        f"exposure {after} exceeds the insurer's limit {context.insured_limit} by "
                        f"{after - context.insured_limit}: that part is not insured"))
        figures[Reason.INSURED_LIMIT_EXCEEDED] = {"exposure_after": after, "limit": context.insured_limit,
                                                  "excess": after - context.insured_limit}
    if context.overdue_beyond_tolerance_days > context.tolerance_amount:
        reasons.append((Reason.OVERDUE,
                        f"{context.overdue_beyond_tolerance_days} overdue by more than {context.tolerance_days} days "
                        f"(tolerance {context.tolerance_amount})"))
        figures[Reason.OVERDUE] = {"overdue": context.overdue_beyond_tolerance_days,
                                   "tolerance_days": context.tolerance_days,
                                   "tolerance_amount": context.tolerance_amount}
    if context.status == "blocked":
        reasons.append((Reason.BLOCKED_BY_HAND, "the account is blocked"))
    firm = []  # no unblock lets an order through these
    if context.status == "litigation":
        firm.append((Reason.LITIGATION, "the customer is in litigation"))
    if context.status == "insolvency":
        firm.append((Reason.INSOLVENCY, "the customer is in insolvency proceedings"))
    if not reasons and not firm:
        return Answer(Decision.ACCEPT, [], exposure, after, context.limit)
    if not firm and context.unblocked_until is not None and today <= context.unblocked_until:
        # accepted, the reasons kept: the person who granted the unblock answers for them
        return Answer(Decision.ACCEPT, reasons, exposure, after, context.limit, overridden=True, figures=figures)
    return Answer(Decision.BLOCK, firm + reasons, exposure, after, context.limit, figures=figures)
