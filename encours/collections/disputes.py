"""Disputes: opened on invoices of one customer, which get no reminder until the dispute is resolved."""
from __future__ import annotations

from datetime import date

from django.db import transaction

from encours.collections.models import Dispute, DisputeResolution
from encours.core.records import DocumentKind
from encours.customers.models import Customer
from encours.history.services import record


class DisputeRefused(ValueError):
    """A dispute that cannot be recorded or resolved as asked; the message says why."""


def open_dispute(customer: Customer, documents, reason: str, owner: str, *, opened_on: date, user=None,
                 seller_at_fault: bool | None = None, description: str = "") -> Dispute:
    documents = list(documents)
    if not documents:
        raise DisputeRefused("a dispute is about at least one invoice")
    if any(d.customer_id != customer.pk or d.kind != DocumentKind.INVOICE for d in documents):
        raise DisputeRefused("a dispute is about invoices of its own customer only")
    with transaction.atomic():
        dispute = Dispute.objects.create(
            company_id=customer.company_id, customer=customer, reason=reason, owner=owner, opened_on=opened_on,
            seller_at_fault=seller_at_fault, description=description,
            recorded_by=user if getattr(user, "is_authenticated", False) else None,
        )
        dispute.documents.set(documents)
        record(customer.company, "dispute.opened",
               f"Dispute ({reason}) opened on {', '.join(d.number for d in documents)}",
               customer=customer, actor=user, after={"reason": reason, "owner": owner}, reason=description)
    return dispute


def resolve_dispute(dispute: Dispute, resolution: str, *, resolved_on: date, user=None, notes: str = "") -> None:
    """Close a dispute: its invoices resume their scenario (unless settled meanwhile)."""
    if not dispute.is_open:
        raise DisputeRefused("this dispute is already resolved")
    if resolution not in DisputeResolution.values:
        raise DisputeRefused(f"unknown resolution {resolution!r}")
    if resolved_on < dispute.opened_on:
        raise DisputeRefused("a dispute cannot be resolved before it was opened")
    with transaction.atomic():
        dispute.resolution, dispute.resolved_on = resolution, resolved_on
        dispute.save(update_fields=["resolution", "resolved_on"])
        record(dispute.customer.company, "dispute.resolved",
               f"Dispute ({dispute.reason}) resolved: {resolution}", customer=dispute.customer, actor=user,
               before={"resolution": ""}, after={"resolution": resolution}, reason=notes)
