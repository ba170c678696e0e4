"""The credit panel of a customer: exposure against the internal limit and the insurer's, what is not insured,
and where the limit stands (review date, last decision). Shown on the customer page and the credit review page.

The figures are those of the order check (``orders.credit_context``): the same aggregate query, so that
the panel and an order's answer always agree. One more query reads the last limit decision.

- exposure = open receivables (never below zero) + orders accepted and not yet invoiced;
- limit in force = the customer's own limit, else the company's default ("cash on order" when it is 0);
- headroom = limit − exposure; below zero the limit is exceeded by its opposite;
- uninsured part = max(exposure − insurer's limit, 0), for an insured customer (one with an insurer's limit).
"""
from __future__ import annotations

from datetime import date
from decimal import ROUND_FLOOR, Decimal

from encours.core.money import ZERO
from encours.customers.models import Customer, CustomerStatus
from encours.risk.models import LimitDecision
from encours.risk.orders import credit_context

BLOCKING = (CustomerStatus.BLOCKED, CustomerStatus.LITIGATION, CustomerStatus.INSOLVENCY)


def used_percent(exposure: Decimal, limit: Decimal) -> int:
    """Exposure as a whole percentage of the limit for the gauge, 0 to 100 (a limit of 0 with any exposure: 100)."""
    if exposure <= ZERO:
        return 0
    if limit <= ZERO:
        return 100
    return min(int((exposure * 100 / limit).to_integral_value(rounding=ROUND_FLOOR)), 100)


def last_decision(customer: Customer) -> LimitDecision | None:
    return (LimitDecision.objects.filter(customer_id=customer.pk).select_related("decided_by")
            .order_by("-decided_at", "-id").first())


def credit_panel(customer: Customer, today: date) -> dict:
    """What the credit panel shows of ``customer`` on ``today`` (amounts are Decimals in the company's currency)."""
    context = credit_context(customer, today)
    exposure, limit = context.exposure, context.limit
    headroom = limit - exposure
    insured = context.insured_limit is not None
    review_on = customer.credit_limit_review_on
    unblocked = context.unblocked_until if context.unblocked_until and context.unblocked_until >= today else None
    return {
        "currency": customer.company.currency,
        "open_receivables": max(context.open_receivables, ZERO),
        "pending_orders": context.pending_orders,
        "exposure": exposure,
        "limit": limit,
        "own_limit": customer.credit_limit is not None,
        "cash_on_order": limit == ZERO,
        "headroom": headroom,
        "exceeded_by": -headroom if headroom < ZERO else None,
        "used_percent": used_percent(exposure, limit),
        "insurer": customer.insurer,
        "insurer_reference": customer.insurer_reference,
        "insured": insured,
        "insured_limit": context.insured_limit,
        "uninsured": max(exposure - context.insured_limit, ZERO) if insured else None,
        "overdue_beyond_tolerance": context.overdue_beyond_tolerance_days,
        "tolerance_amount": context.tolerance_amount,
        "tolerance_days": context.tolerance_days,
        "over_tolerance": context.overdue_beyond_tolerance_days > context.tolerance_amount,
        "unblocked_until": unblocked,
        "blocked": customer.status in BLOCKING,
        "status_label": customer.get_status_display(),
        "review_on": review_on,
        "review_overdue": review_on is not None and review_on < today,
        "last_decision": last_decision(customer),
    }
