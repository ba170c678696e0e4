"""Invoices, credit notes and payments: paginated lists with filters, scoped to the customers one may see."""
from __future__ import annotations

from datetime import date

from ninja import Field, Query, Router, Schema

from encours.accounts.access import is_scoped, visible_customers
from encours.accounts.roles import Capability
from encours.api.auth import require
from encours.api.schemas import Amount, CustomerRef, Page, PageParams, page
from encours.core.records import DocumentKind
from encours.customers.services import get_company
from encours.ledger.models import Document

router = Router(tags=["documents"])


class DocumentOut(Schema):
    id: int
    kind: DocumentKind
    number: str
    customer: CustomerRef
    document_date: date
    due_date: date
    amount: Amount
    open_amount: Amount = Field(description="Amount not yet allocated (settled) today.")
    currency: str = Field(description="ISO 4217 code of the amounts.")
    label: str
    payment_method: str
    closed_on: date | None = Field(description="Day it was fully settled; null while open.")


class DocumentPage(Page):
    items: list[DocumentOut]


class DocumentFilters(Schema):
    customer: int | None = Field(None, description="Customer id.")
    open: bool | None = Field(None, description="true: not fully settled; false: fully settled.")
    date_from: date | None = Field(None, description="Document date on or after.")
    date_to: date | None = Field(None, description="Document date on or before.")
    due_before: date | None = Field(None, description="Due date strictly before.")


def documents_of(request, kind: DocumentKind):
    """The documents of ``kind`` of the customers the caller may see, customer fetched in the same query."""
    user = require(request, Capability.VIEW)
    company = get_company()
    documents = Document.objects.filter(company=company, kind=kind).select_related("customer")
    if is_scoped(user):
        documents = documents.filter(customer__in=visible_customers(user, company))
    return documents


def filtered(documents, filters: DocumentFilters):
    if filters.customer is not None:
        documents = documents.filter(customer_id=filters.customer)
    if filters.open is not None:
        documents = documents.filter(closed_on__isnull=filters.open)
    if filters.date_from is not None:
        documents = documents.filter(document_date__gte=filters.date_from)
    if filters.date_to is not None:
        documents = documents.filter(document_date__lte=filters.date_to)
    if filters.due_before is not None:
        documents = documents.filter(due_date__lt=filters.due_before)
    return documents.order_by("document_date", "id")


@router.get("/invoices", response=DocumentPage, summary="List invoices")
def list_invoices(request, filters: Query[DocumentFilters], params: Query[PageParams]):
    return page(filtered(documents_of(request, DocumentKind.INVOICE), filters), params)


@router.get("/credit-notes", response=DocumentPage, summary="List credit notes")
def list_credit_notes(request, filters: Query[DocumentFilters], params: Query[PageParams]):
    return page(filtered(documents_of(request, DocumentKind.CREDIT_NOTE), filters), params)


@router.get("/payments", response=DocumentPage, summary="List payments")
def list_payments(request, filters: Query[DocumentFilters], params: Query[PageParams]):
    return page(filtered(documents_of(request, DocumentKind.PAYMENT), filters), params)
