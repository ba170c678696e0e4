"""Orders and their credit check: the figures read from indexed data, the decision from ``core.order_check``.

``place_order`` locks the customer's row for the check and the recording, so two orders checked at the same
time for one customer are decided one after the other: they cannot both be accepted when together they
exceed the limit. (SQLite runs one writing transaction at a time, which gives the same.)
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from encours.core import order_check
from encours.core.money import cents_to_decimal, to_cents
from encours.core.order_check import Answer, OrderContext
from encours.core.records import DocumentKind
from encours.customers.models import Customer
from encours.history.services import record
from encours.ledger.models import Document
from encours.risk.models import Order, OrderState


class OrderRefused(ValueError):
    """A request that cannot be answered as given (bad amount, unknown customer, reference reused)."""


def find_customer(company, ref: str, customers=None) -> Customer:
    """The customer whose account code is ``ref``, else whose id it is; ``customers`` limits the search."""
    queryset = (customers if customers is not None else Customer.objects).filter(company=company)
    ref = str(ref).strip()
    customer = queryset.filter(code=ref).first()
    if customer is None and ref.isascii() and ref.isdigit() and int(ref) < 2**63:  # a number an id can be
        customer = queryset.filter(pk=int(ref)).first()
    if customer is None:
        raise OrderRefused(f"no customer with the code or id {ref!r}")
    return customer


def parse_amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise OrderRefused(f"{value!r} is not an amount") from None
    if not amount.is_finite() or amount <= 0:
        raise OrderRefused(f"the amount must be more than zero, got {value}")
    if amount != amount.quantize(Decimal("0.01")):
        raise OrderRefused(f"the amount has more than two decimal places: {value}")
    return amount


# One statement, on indexes: the open documents of one customer read from the covering `document_ageing` index
# (company, currency, customer, due date, kind, …, closed_on, amount, allocated), its accepted orders from
# `(customer, state)`. Amounts are integer cents. Plain SQL: the check is the API's busiest call, and building
# the two ORM aggregates cost more than running them.
CONTEXT_SQL = """
    SELECT SUM(CASE WHEN d.kind = %(invoice)s THEN d.amount - d.allocated ELSE 0 END),
           SUM(CASE WHEN d.kind <> %(invoice)s THEN d.amount - d.allocated ELSE 0 END),
           SUM(CASE WHEN d.kind = %(invoice)s AND d.due_date < %(overdue_before)s
                    THEN d.amount - d.allocated ELSE 0 END),
           (SELECT SUM(o.amount) FROM risk_order o WHERE o.customer_id = %(customer)s AND o.state = %(accepted)s)
      FROM ledger_document d
     WHERE d.company_id = %(company)s AND d.currency = %(currency)s AND d.customer_id = %(customer)s
       AND d.closed_on IS NULL"""


def credit_context(customer: Customer, today: date) -> OrderContext:
    """The customer's exposure, limits and overdue beyond the tolerance: one query on indexes."""
    company = customer.company
    params = {"invoice": DocumentKind.INVOICE.value, "accepted": OrderState.ACCEPTED.value, "company": company.pk,
              "currency": company.currency, "customer": customer.pk,
              "overdue_before": today - timedelta(days=company.overdue_tolerance_days)}
    with connection.cursor() as cursor:
        cursor.execute(CONTEXT_SQL, params)
        debit, credit, overdue, pending = (cents_to_decimal(v or 0) for v in cursor.fetchone())
    return OrderContext(
        open_receivables=debit - credit,
        pending_orders=pending,
        limit=customer.credit_limit if customer.credit_limit is not None else company.default_credit_limit,
        insured_limit=customer.insured_limit,
        overdue_beyond_tolerance_days=overdue,
        tolerance_amount=company.overdue_tolerance_amount,
        tolerance_days=company.overdue_tolerance_days,
        status=customer.status,
        unblocked_until=customer.unblocked_until,
    )


def check(customer: Customer, amount: Decimal, today: date | None = None) -> Answer:
    """The answer for an order of ``amount``, recording nothing."""
    today = today or timezone.localdate()
    return order_check.check_order(amount, credit_context(customer, today), today)


def answer_dict(answer: Answer) -> dict:
    """The answer as the CLI and the API give it: amounts as decimal strings."""
    return {
        "decision": answer.decision.value,
        "reasons": [{"code": code.value, "message": message,
                     **({"figures": {k: v if isinstance(v, int) else str(to_cents(v))
                                     for k, v in answer.figures[code].items()}} if code in answer.figures else {})}
                    for code, message in answer.reasons],
        "exposure": str(to_cents(answer.exposure)), "exposure_after": str(to_cents(answer.exposure_after)),
        "limit": str(to_cents(answer.limit)),
        "overridden": answer.overridden,
    }


def place_order(customer: Customer, reference: str, amount: Decimal, *, user=None, now=None) -> Order:
    """Check and record an order: accepted (pending exposure) or on hold for a credit manager.

    Sending the same order again (same reference, customer and amount) returns it unchanged; a reference
    used for another order is refused."""
    now = now or timezone.now()
    reference = (reference or "").strip()
    if not reference:
        raise OrderRefused("an order needs a reference")
    with transaction.atomic():
        customer = Customer.objects.select_for_update().select_related("company").get(pk=customer.pk)
        existing = Order.objects.filter(company_id=customer.company_id, reference=reference).first()
        if existing is not None:
            if (existing.customer_id, existing.amount) == (customer.pk, amount):
                return existing
            raise OrderRefused(f"the reference {reference!r} is already used by another order")
        answer = order_check.check_order(amount, credit_context(customer, timezone.localdate(now)),
                                         timezone.localdate(now))
        try:
            with transaction.atomic():
                order = Order.objects.create(
                    company_id=customer.company_id, customer=customer, reference=reference, amount=amount,
                    currency=customer.company.currency,
                    state=OrderState.ACCEPTED if answer.accepted else OrderState.ON_HOLD,
                    reasons=answer_dict(answer)["reasons"], exposure_before=answer.exposure, limit=answer.limit,
                    overridden=answer.overridden, checked_at=now,
                    checked_by=user if getattr(user, "is_authenticated", False) else None,
                )
        except IntegrityError:
            raise OrderRefused(f"the reference {reference!r} is already used by another order") from None
        if not answer.accepted or answer.overridden:
            what = "on hold" if not answer.accepted else "accepted under an unblock"
            record(customer.company, "order.on_hold" if not answer.accepted else "order.accepted",
                   f"Order {reference} of {amount} {order.currency} {what}: "
                   + "; ".join(m for _, m in answer.reasons), customer=customer, actor=user, at=now)
        if not answer.accepted:  # the credit managers are e-mailed once the order is saved for good
            from encours.risk.tasks import tell_credit_managers

            transaction.on_commit(lambda: tell_credit_managers.enqueue(order.pk), robust=True)
    return order


def _transition(order: Order, allowed: tuple[str, ...], state: str, *, user, note: str, kind: str, now=None,
                **extra) -> Order:
    now = now or timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("customer__company").get(pk=order.pk)
        if order.state not in allowed:
            raise OrderRefused(f"order {order.reference} is {order.state.replace('_', ' ')}: it cannot be "
                               f"{state.replace('_', ' ')} now")
        before = order.state
        order.state, order.decided_at, order.decision_note = state, now, note
        order.decided_by = user if getattr(user, "is_authenticated", False) else None
        for name, value in extra.items():
            setattr(order, name, value)
        order.save()
        record(order.customer.company, kind, f"Order {order.reference}: {before} -> {state}",
               customer=order.customer, actor=user, before={"state": before}, after={"state": state}, reason=note,
               at=now)
    return order


def invoice_order(order: Order, *, invoice: Document | None = None, user=None) -> Order:
    """The order is invoiced: its amount leaves the pending exposure (the invoice is in the receivables)."""
    return _transition(order, (OrderState.ACCEPTED,), OrderState.INVOICED, user=user, note="",
                       kind="order.invoiced", invoice=invoice)


def cancel_order(order: Order, *, user=None, note: str = "") -> Order:
    return _transition(order, (OrderState.ACCEPTED, OrderState.ON_HOLD), OrderState.CANCELLED, user=user, note=note,
                       kind="order.cancelled")


def release_order(order: Order, *, user, note: str) -> Order:
    """A credit manager accepts an order on hold, with a reason: it becomes pending exposure."""
    if not note.strip():
        raise OrderRefused("say why the order is released")
    return _transition(order, (OrderState.ON_HOLD,), OrderState.ACCEPTED, user=user, note=note, kind="order.released")


def reject_order(order: Order, *, user, note: str) -> Order:
    if not note.strip():
        raise OrderRefused("say why the order is rejected")
    return _transition(order, (OrderState.ON_HOLD,), OrderState.REJECTED, user=user, note=note, kind="order.rejected")
