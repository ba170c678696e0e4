"""The aged balance (same JSON as `encours ageing --format json`) and the KPIs, over the customers one may see."""
from __future__ import annotations

from datetime import date

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from encours.accounts.access import visible_customer_ids
from encours.accounts.roles import Capability
from encours.api.auth import require
from encours.api.errors import ApiError
from encours.api.schemas import Amount
from encours.core.ageing import buckets_from_limits
from encours.customers.services import get_company
from encours.reporting.ageing import aged_balance, customer_labels
from encours.reporting.exports import ageing_dict
from encours.reporting.kpis import compute_kpis

router = Router(tags=["reports"])


class BucketAmount(Schema):
    label: str = Field(description="not_due, 1-30, ..., over_90")
    amount: Amount


class CustomerAgeingOut(Schema):
    id: int
    code: str
    name: str
    total: Amount
    buckets: list[BucketAmount]


class AgeingOut(Schema):
    as_of: date
    currency: str
    buckets: list[BucketAmount] = Field(description="Totals per bucket over the customers listed.")
    total: Amount
    overdue: Amount
    customers: list[CustomerAgeingOut] = Field(description="Customers with a non-zero balance, by id.")


class KpisOut(Schema):
    as_of: date
    currency: str
    outstanding: Amount
    overdue: Amount
    overdue_rate: str | None = Field(description="Percent of the outstanding that is overdue.")
    dso_accounting: str | None = Field(description="Days; null without sales over the period.")
    dso_countback: str | None = Field(description="Days.")
    top5_share: str | None = Field(description="Percent of the outstanding owed by the 5 largest debtors.")
    top10_share: str | None
    sales: Amount = Field(description="Invoices less credit notes over the DSO period, VAT included.")
    dso_period_days: int


def _buckets(text: str):
    try:
        limits = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ApiError(400, f"buckets: {text!r} is not a list of days such as 30,60,90") from None
    try:
        return buckets_from_limits(limits)
    except ValueError as error:
        raise ApiError(400, f"buckets: {error}") from None


@router.get("/ageing", response=AgeingOut, summary="Aged balance at a date")
def get_ageing(
    request,
    as_of: date | None = Query(None, description="YYYY-MM-DD; default today."),
    buckets: str = Query("30,60,90", description="Upper limits of the overdue buckets, in days past due."),
):
    """Open amounts per customer by days past due at ``as_of`` (default today); ``buckets`` are the upper
    limits of the overdue buckets. A sales person gets their customers only, and totals over them."""
    user = require(request, Capability.VIEW)
    bucket_list = _buckets(buckets)
    company = get_company()
    report = aged_balance(company, as_of or timezone.localdate(), bucket_list,
                          customer_ids=visible_customer_ids(user, company))
    return ageing_dict(report, customer_labels(company, [c.id for c in report.customers]))


@router.get("/kpis", response=KpisOut, summary="Receivables KPIs at a date")
def get_kpis(request, as_of: date | None = Query(None, description="YYYY-MM-DD; default today.")):
    """Outstanding, overdue, overdue rate, DSO (accounting and count-back), concentration at ``as_of``
    (default today). A sales person gets them over their customers only."""
    user = require(request, Capability.VIEW)
    company = get_company()
    customer_ids = visible_customer_ids(user, company)
    return compute_kpis(company, as_of or timezone.localdate(), customer_ids=customer_ids).as_dict()
