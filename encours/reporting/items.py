"""Open items at an as-of date, for the drill-down under an aged-balance figure.

Same rule as ``ageing.aged_balance``: an item dated on or before ``as_of`` is open by its amount less the
allocations dated on or before ``as_of``. Rows are chosen in SQL; the allocations after ``as_of`` are then
added back for the page's rows only, in one query.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Q, QuerySet, Sum

from encours.core.ageing import Bucket
from encours.customers.models import Company
from encours.ledger.models import Allocation, Document


def open_items_at(company: Company, as_of: date, bucket: Bucket | None = None,
                  customer_ids: list[int] | None = None) -> QuerySet[Document]:
    qs = Document.objects.filter(company=company, document_date__lte=as_of).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=as_of)
    )
    if customer_ids is not None:
        qs = qs.filter(customer_id__in=customer_ids)
    if bucket is not None:
        earliest, latest = bucket.due_date_range(as_of)
        if earliest is not None:
            qs = qs.filter(due_date__gte=earliest)
        if latest is not None:
            qs = qs.filter(due_date__lte=latest)
    return qs.order_by("due_date", "id")


def open_amounts_at(documents: list[Document], as_of: date) -> dict[int, object]:
    """id -> signed open amount at ``as_of`` (credits negative) for the given documents."""
    ids = [d.id for d in documents]
    later: dict[int, object] = defaultdict(int)
    if ids:
        after = Allocation.objects.filter(date__gt=as_of)
        for pk, total in after.filter(debit_id__in=ids).values_list("debit_id").annotate(s=Sum("amount")):
            later[pk] += total
        for pk, total in after.filter(credit_id__in=ids).values_list("credit_id").annotate(s=Sum("amount")):
            later[pk] += total
    result = {}
    for d in documents:
        open_now = d.amount - d.allocated + later.get(d.id, 0)
        result[d.id] = open_now if d.is_debit else -open_now
    return result
