"""Customers: a filtered list, one customer with its balance, its open items. Sales see only their own."""
from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from encours.accounts.access import visible_customers
from encours.accounts.roles import Capability
from encours.api.auth import require
from encours.api.documents import DocumentPage
from encours.api.errors import not_found
from encours.api.schemas import Amount, Page, PageParams, UserRef, page
from encours.core.money import cents_to_decimal
from encours.core.records import CustomerKind, DocumentKind
from encours.customers.models import CustomerStatus
from encours.customers.search import search_customers
from encours.customers.services import get_company
from encours.ledger.models import Document
from encours.reporting.ageing import aged_balance

router = Router(tags=["customers"])


class CustomerOut(Schema):
    id: int
    code: str
    name: str
    kind: CustomerKind
    siren: str
    siret: str
    vat_number: str
    country: str
    segment: str
    payer_profile: str
    payment_terms: str = Field(description="Empty: the company's default terms apply.")
    payment_method: str
    status: CustomerStatus
    account_manager: UserRef | None
    collector: UserRef | None
    email: str
    phone: str


class CustomerPage(Page):
    items: list[CustomerOut]


class ContactOut(Schema):
    role: str
    name: str
    email: str
    phone: str


class CustomerDetail(CustomerOut):
    contacts: list[ContactOut]
    as_of: date
    currency: str
    outstanding: Amount = Field(description="Balance of the open items in the company's currency today.")
    overdue: Amount = Field(description="Part of the outstanding at least one day past due.")


class CustomerFilters(Schema):
    q: str | None = Field(None, description="Part of the name, code or SIREN.")
    segment: str | None = None
    kind: CustomerKind | None = None
    status: CustomerStatus | None = None
    collector: int | None = Field(None, description="User id of the collector.")
    overdue: bool | None = Field(None, description="true: has an open invoice past its due date today.")


def _visible(request):
    user = require(request, Capability.VIEW)
    company = get_company()
    return company, visible_customers(user, company).select_related("account_manager", "collector")


def _visible_customer(request, customer_id: int):
    """The customer if the caller may see it; 404 otherwise, so that its existence is not revealed."""
    company, customers = _visible(request)
    customer = customers.filter(pk=customer_id).first()
    if customer is None:
        raise not_found("customer")
    return company, customer


@router.get("/customers", response=CustomerPage, summary="List customers")
def list_customers(request, filters: Query[CustomerFilters], params: Query[PageParams]):
    _, customers = _visible(request)
    customers = search_customers(customers, q=filters.q or "", segment=filters.segment, kind=filters.kind,
                                 status=filters.status, collector=filters.collector)
    if filters.overdue is not None:
        late = Document.objects.filter(
            customer=OuterRef("pk"), kind=DocumentKind.INVOICE, closed_on__isnull=True,
            due_date__lt=timezone.localdate(),
        )
        customers = customers.filter(Exists(late) if filters.overdue else ~Exists(late))
    return page(customers.order_by("name", "id"), params)


@router.get("/customers/{customer_id}", response=CustomerDetail, summary="One customer, its contacts and balance")
def get_customer(request, customer_id: int):
    company, customer = _visible_customer(request, customer_id)
    today = timezone.localdate()
    report = aged_balance(company, today, customer_ids=[customer.id])
    return {
        **CustomerOut.from_orm(customer).model_dump(),
        "contacts": list(customer.contacts.all()),
        "as_of": today,
        "currency": report.currency,
        "outstanding": cents_to_decimal(report.total),
        "overdue": cents_to_decimal(report.overdue),
    }


@router.get("/customers/{customer_id}/open-items", response=DocumentPage,
            summary="A customer's open items (invoices, credits not fully settled)")
def list_open_items(request, customer_id: int, params: Query[PageParams]):
    _, customer = _visible_customer(request, customer_id)
    items = (
        Document.objects.filter(customer=customer, closed_on__isnull=True)
        .select_related("customer").order_by("due_date", "id")
    )
    return page(items, params)
