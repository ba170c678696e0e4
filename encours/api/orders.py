"""Orders: the credit check ("can this order be accepted?"), recording orders (pending exposure until
invoiced or cancelled; blocked ones wait on hold for a credit manager). Sales see only their own customers."""
from __future__ import annotations

from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from encours.accounts.access import visible_customers
from encours.accounts.roles import Capability
from encours.api.auth import require
from encours.api.errors import ApiError, not_found
from encours.customers.services import get_company
from encours.ledger.models import Document
from encours.risk import orders as service
from encours.risk.models import Order

router = Router(tags=["orders"])


class CheckIn(Schema):
    customer: str = Field(description="The customer's account code, or its id.")
    amount: Decimal = Field(description="The order amount including VAT, in the company's currency.")


class ReasonOut(Schema):
    code: str = Field(description="limit_exceeded, insured_limit_exceeded, overdue, litigation, insolvency, "
                                  "blocked_by_hand")
    message: str


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
    customer = _customer(request, body.customer)
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
