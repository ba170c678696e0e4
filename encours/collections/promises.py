"""Promises to pay, checked against the payments received."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum

from encours.collections.models import Promise, PromiseState
from encours.core.records import DocumentKind
from encours.customers.models import Company
from encours.history.services import record
from encours.ledger.models import Document

GRACE_DAYS = 2  # a transfer ordered on the promised date may reach the account a little later


def received_since(promise: Promise, until: date) -> Decimal:
    """Payments of the promise's customer dated from the day the promise was made to ``until``."""
    total = Document.objects.filter(
        company_id=promise.company_id, customer_id=promise.customer_id, kind=DocumentKind.PAYMENT,
        currency=promise.currency, document_date__gte=promise.made_on, document_date__lte=until,
    ).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0")


def check_promises(company: Company, on: date) -> tuple[int, int]:
    """Mark pending promises kept (payments since they were made reach the amount by the promised date plus
    ``GRACE_DAYS``) or broken (that date has passed without them). Returns (kept, broken)."""
    kept = broken = 0
    for promise in Promise.objects.filter(company=company, state=PromiseState.PENDING, made_on__lte=on):
        deadline = promise.promised_on + timedelta(days=GRACE_DAYS)
        if received_since(promise, min(on, deadline)) >= promise.amount:
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
