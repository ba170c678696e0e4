"""The customer search shared by the customer list page and the API."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from encours.customers.models import Customer


def search_customers(customers: QuerySet[Customer], *, q: str = "", segment: str | None = None,
                     kind: str | None = None, status: str | None = None, collector: int | str | None = None
                     ) -> QuerySet[Customer]:
    """``q``: part of the name (any case), start of the code, or start of the SIREN (spaces ignored).

    ``collector``: a user id, or "none" for customers without a collector. Empty filters are ignored.
    """
    if q := (q or "").strip():
        customers = customers.filter(
            Q(name__icontains=q) | Q(code__istartswith=q) | Q(siren__startswith=q.replace(" ", ""))
        )
    if segment:
        customers = customers.filter(segment=segment)
    if kind:
        customers = customers.filter(kind=kind)
    if status:
        customers = customers.filter(status=status)
    if collector == "none":
        customers = customers.filter(collector__isnull=True)
    elif isinstance(collector, int) or (isinstance(collector, str) and collector.isdigit()):
        customers = customers.filter(collector_id=int(collector))
    return customers
