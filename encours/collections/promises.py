"""Promises to pay, checked against the payments received."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from encours.collections.models import Promise, PromiseState
from encours.core.records import DocumentKind
from encours.customers.models import Company, Customer
from encours.history.services import record
from encours.ledger.models import Document

GRACE_DAYS = 2  # a transfer ordered on the promised date may reach the account a little later


class PromiseRefused(ValueError):
    """A promise that cannot be recorded as given; the message says why, for the person entering it."""


def make_promise(customer: Customer, documents, amount: Decimal, promised_on: date, channel: str, *,
                 made_on: date, user=None, notes: str = "") -> Promise:
    """Record a promise to pay ``amount`` by ``promised_on`` for ``documents`` (open invoices of ``customer``);
    they are paused until the promise is kept or broken."""
    documents = list(documents)
    if amount <= 0:
        raise PromiseRefused("the amount promised must be more than zero")
    if promised_on < made_on:
        raise PromiseRefused("the promised date cannot be before the day the promise is made")
    if not documents:
        raise PromiseRefused("a promise covers at least one invoice")
    if any(d.customer_id != customer.pk or d.kind != DocumentKind.INVOICE for d in documents):
        raise PromiseRefused("a promise covers invoices of its own customer only")
    with transaction.atomic():
        promise = Promise.objects.create(
            company_id=customer.company_id, customer=customer, amount=amount, currency=documents[0].currency,
            made_on=made_on, promised_on=promised_on, channel=channel, notes=notes,
            recorded_by=user if getattr(user, "is_authenticated", False) else None,
        )
        promise.documents.set(documents)
        record(customer.company, "promise.made",
               f"Promise to pay {amount} {promise.currency} by {promised_on} "
               f"({', '.join(d.number for d in documents)})",
               customer=customer, actor=user, after={"amount": str(amount), "promised_on": str(promised_on)},
               reason=notes)
    return promise


def cancel_promise(promise: Promise, *, on: date, user=None, reason: str = "") -> None:
    """Withdraw a pending promise (entered by mistake, replaced by another): its invoices resume."""
    if promise.state != PromiseState.PENDING:
        raise PromiseRefused("only a pending promise can be cancelled")
    with transaction.atomic():
        promise.state, promise.settled_on = PromiseState.CANCELLED, on
        promise.save(update_fields=["state", "settled_on"])
        record(promise.customer.company, "promise.cancelled",
               f"Promise of {promise.amount} {promise.currency} by {promise.promised_on} cancelled",
               customer=promise.customer, actor=user, before={"state": "pending"}, after={"state": "cancelled"},
               reason=reason)


def received_since(promise: Promise, until: date) -> Decimal:
    """Payments of the promise's customer dated from the day the promise was made to ``until``."""
    total = Document.objects.filter(
        company_id=promise.company_id, customer_id=promise.customer_id, kind=DocumentKind.PAYMENT,
        currency=promise.currency, document_date__gte=promise.made_on, document_date__lte=until,
    ).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0")


def check_promises(company: Company, on: date) -> tuple[int, int]:
    """Mark pending promises kept (payments since they were made reach the amount by the promised date plus
    ``GRACE_DAYS``) or broken (that date has passed without them). Returns (kept, broken).

    Two queries whatever the number of promises: the pending promises, then the payments of their customers
    since the oldest of them; each promise is summed in Python over its own window."""
    pending = list(Promise.objects.filter(company=company, state=PromiseState.PENDING, made_on__lte=on)
                   .select_related("customer"))
    if not pending:
        return 0, 0
    payments: dict[tuple[int, str], list[tuple[date, Decimal]]] = {}
    for customer_id, currency, day, amount in Document.objects.filter(
        company=company, customer_id__in={p.customer_id for p in pending}, kind=DocumentKind.PAYMENT,
        document_date__gte=min(p.made_on for p in pending), document_date__lte=on,
    ).values_list("customer_id", "currency", "document_date", "amount"):
        payments.setdefault((customer_id, currency), []).append((day, amount))
    kept = broken = 0
    for promise in pending:
        deadline = promise.promised_on + timedelta(days=GRACE_DAYS)
        until = min(on, deadline)
        received = sum((amount for day, amount in payments.get((promise.customer_id, promise.currency), ())
                        if promise.made_on <= day <= until), Decimal("0"))
        if received >= promise.amount:
            promise.state, kept = PromiseState.KEPT, kept + 1
        elif on > deadline:
            promise.state, broken = PromiseState.BROKEN, broken + 1
        else:
            continue
        promise.settled_on = on
        promise.save(update_fields=["state", "settled_on"])
        record(company, f"promise.{promise.state}",
               f"Promise of {promise.amount} {promise.currency} by {promise.promised_on}: {promise.state}",
               customer=promise.customer, after={"state": promise.state})
    return kept, broken
