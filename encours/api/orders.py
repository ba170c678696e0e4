"""Orders: the credit check ("can this order be accepted?"), recording orders (pending exposure until
invoiced or cancelled; blocked ones wait on hold for a credit manager). Sales see only their own customers."""
from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from encours.accounts.access import is_scoped, visible_customer_ids, visible_customers
from encours.accounts.roles import Capability
from encours.api.auth import require
from encours.api.errors import ApiError, not_found
from encours.customers.models import Company, Customer
from encours.customers.services import get_company
from encours.ledger.models import Document
from encours.risk import orders as service
from encours.risk.models import Order
from encours.sql_rows import RowReader

router = Router(tags=["orders"])


class CheckIn(Schema):
    customer: str = Field(description="The customer's account code, or its id.")
    amount: Decimal = Field(description="The order amount including VAT, in the company's currency.")


class ReasonOut(Schema):
    code: str = Field(description="limit_exceeded, insured_limit_exceeded, overdue, litigation, insolvency, "
                                  "blocked_by_hand")
    message: str = Field(description="In English, with the figures.")
    figures: dict[str, str | int] | None = Field(
        None, description="The amount reasons' figures, to word the reason in another language: exposure_after, "
                          "limit, excess (limits); overdue, tolerance_days, tolerance_amount (overdue).")


class CheckOut(Schema):
    decision: str = Field(description="accept or block")
    reasons: list[ReasonOut]
    exposure: str = Field(description="Open receivables + accepted orders not yet invoiced, before this order.")
    exposure_after: str
    limit: str
    overridden: bool = Field(description="Accepted despite the reasons, thanks to an unblock in force.")


class OrderIn(CheckIn):
    reference: str = Field(description="Your order reference; sending the same order again returns it.")


class OrderOut(Schema):
    id: int
    reference: str
    customer: int
    amount: Decimal
    currency: str
    state: str = Field(description="accepted, on_hold, invoiced, cancelled or rejected")
    decision: str
    reasons: list[ReasonOut]
    exposure_before: Decimal
    limit: Decimal


class InvoiceIn(Schema):
    invoice_number: str | None = Field(None, description="The invoice that billed the order, when known.")


class CancelIn(Schema):
    note: str = ""


def _customer(request, ref: str):
    company = get_company()
    try:
        return service.find_customer(company, ref, visible_customers(request.auth, company))
    except service.OrderRefused:
        raise not_found("customer") from None


# What the credit check reads (``service.credit_context``) of the customer and of its company; the other fields
# load on access if ever needed.
CHECKED = RowReader(Customer, ["id", "company_id", "credit_limit", "insured_limit", "status", "unblocked_until"], "cu")
COMPANY = RowReader(Company, ["id", "currency", "default_credit_limit", "overdue_tolerance_amount",
                              "overdue_tolerance_days"], "co")
CHECKED_SQL = (
    "SELECT " + ", ".join(CHECKED.columns + COMPANY.columns)
    + " FROM customers_customer cu JOIN customers_company co ON co.id = cu.company_id"
    # the company get_company() gives without an identifier: the first one by id
    + " WHERE co.id = (SELECT MIN(id) FROM customers_company) AND {condition}{scope}"
)


def _checked_customer(request, ref: str) -> Customer:
    """The customer to check and its company, as ``_customer`` finds them (the customer by account code, else
    by id, of ``get_company()``, among those the user may see), in one plain SQL statement: the check is the
    API's busiest call, and building the ORM queries cost more than running them. Who sees which customer stays
    ``visible_customers``' rule, compiled as a subquery for the users it restricts (sales)."""
    ref = str(ref).strip()
    scope, scope_params = "", []
    if is_scoped(request.auth):
        subquery, scope_params = visible_customer_ids(request.auth, get_company()).query.sql_with_params()
        scope = f" AND cu.id IN ({subquery})"
    by_id = int(ref) if ref.isascii() and ref.isdigit() and int(ref) < 2**63 else None  # a number an id can be
    row = None
    with connection.cursor() as cursor:
        for condition, value in (("cu.code = %s", ref), ("cu.id = %s", by_id)):
            if value is not None and row is None:
                cursor.execute(CHECKED_SQL.format(condition=condition, scope=scope), [value, *scope_params])
                row = cursor.fetchone()
    if row is None:
        raise not_found("customer")
    customer = CHECKED.instance(row[:len(CHECKED)])
    customer.company = COMPANY.instance(row[len(CHECKED):])
    return customer


def _amount(value) -> Decimal:
    try:
        return service.parse_amount(value)
    except service.OrderRefused as error:
        raise ApiError(422, str(error)) from None


def _out(order: Order) -> dict:
    return {"id": order.pk, "reference": order.reference, "customer": order.customer_id, "amount": order.amount,
            "currency": order.currency, "state": order.state,
            "decision": "accept" if order.state != "on_hold" and order.state != "rejected" else "block",
            "reasons": order.reasons, "exposure_before": order.exposure_before, "limit": order.limit}


def _order(request, order_id: int) -> Order:
    company = get_company()
    return get_object_or_404(Order.objects.filter(company=company,
                                                  customer__in=visible_customers(request.auth, company)),
                             pk=order_id)


@router.post("/orders/check", response=CheckOut, summary="Can this order be accepted? (records nothing)")
def check_order(request, body: CheckIn):
    require(request, Capability.CHECK_ORDERS)
    customer = _checked_customer(request, body.customer)
    return service.answer_dict(service.check(customer, _amount(body.amount)))


@router.post("/orders", response={201: OrderOut}, summary="Check and record an order")
def create_order(request, body: OrderIn):
    user = require(request, Capability.CHECK_ORDERS)
    customer = _customer(request, body.customer)
    try:
        order = service.place_order(customer, body.reference, _amount(body.amount), user=user)
    except service.OrderRefused as error:
        raise ApiError(409 if "already used" in str(error) else 422, str(error)) from None
    return Status(201, _out(order))


@router.get("/orders/{order_id}", response=OrderOut, summary="One order and its credit decision")
def get_order(request, order_id: int):
    require(request, Capability.CHECK_ORDERS)
    return _out(_order(request, order_id))


@router.post("/orders/{order_id}/invoice", response=OrderOut, summary="The order was invoiced")
def invoice_order(request, order_id: int, body: InvoiceIn):
    user = require(request, Capability.CHECK_ORDERS)
    order = _order(request, order_id)
    invoice = None
    if body.invoice_number:
        invoice = Document.objects.filter(company_id=order.company_id, kind="invoice",
                                          number=body.invoice_number).first()
        if invoice is None:
            raise ApiError(422, f"no invoice numbered {body.invoice_number!r}")
    try:
        return _out(service.invoice_order(order, invoice=invoice, user=user))
    except service.OrderRefused as error:
        raise ApiError(409, str(error)) from None


@router.post("/orders/{order_id}/cancel", response=OrderOut, summary="Cancel an order")
def cancel_order(request, order_id: int, body: CancelIn):
    user = require(request, Capability.CHECK_ORDERS)
    try:
        return _out(service.cancel_order(_order(request, order_id), user=user, note=body.note))
    except service.OrderRefused as error:
        raise ApiError(409, str(error)) from None
