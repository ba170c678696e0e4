"""What the current user looks at: the company, the as-of date, and the figures of the customers they see."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from encours.accounts.access import visible_customer_ids
from encours.core import kpi
from encours.core.ageing import DEFAULT_BUCKETS, Bucket, buckets_from_limits
from encours.core.money import cents_to_decimal
from encours.customers.models import Company
from encours.customers.services import get_company
from encours.reporting.positions import current_snapshot, subset_figures

DEFAULT_LIMITS = "30,60,90"


def company_for(request) -> Company:
    return get_company()


def parse_as_of(text: str | None) -> date:
    if text:
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    return timezone.localdate()


def parse_buckets(text: str | None) -> tuple[str, tuple[Bucket, ...]]:
    """The limits as typed (normalised) and the buckets; the default when the text is not valid."""
    if text:
        try:
            limits = [int(part) for part in text.replace(" ", "").split(",") if part]
            return ",".join(str(n) for n in limits), buckets_from_limits(limits)
        except ValueError:
            pass
    return DEFAULT_LIMITS, DEFAULT_BUCKETS


@dataclass
class Figures:
    snapshot: object
    buckets: tuple[Bucket, ...]
    totals: list[int]
    total: int
    overdue: int
    kpis: dict  # Kpis.as_dict()
    customer_ids: QuerySet | None  # a query of the visible ids; None: every customer of the company

    @property
    def overdue_rate(self):
        return kpi.overdue_rate(cents_to_decimal(self.overdue), cents_to_decimal(self.total))


def figures(request, as_of: date, buckets: tuple[Bucket, ...] = DEFAULT_BUCKETS) -> Figures:
    company = company_for(request)
    snapshot = current_snapshot(company, as_of, buckets)
    ids = visible_customer_ids(request.user, company)
    if ids is None:
        return Figures(snapshot, buckets, list(snapshot.totals), snapshot.total, snapshot.overdue, snapshot.kpis,
                       None)
    sub = subset_figures(snapshot, company, ids)
    return Figures(snapshot, buckets, list(sub.totals), sub.total, sub.overdue, sub.kpis, ids)
