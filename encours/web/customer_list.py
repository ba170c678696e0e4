"""The customer list: search, filters that remember, sort, pagination, export."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import F, FilteredRelation, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from encours.accounts.access import user_can, visible_customers
from encours.accounts.roles import Capability
from encours.core.money import cents_to_decimal
from encours.core.records import CustomerKind
from encours.customers.models import Customer, CustomerStatus
from encours.customers.search import search_customers
from encours.reporting.positions import current_snapshot
from encours.web.decorators import requires
from encours.web.remembered import remembered_filters
from encours.web.scope import company_for
from encours.web.tables import download

PER_PAGE = 50
SORTS = {
    "name": ("name", "id"),
    "code": ("code", "id"),
    "balance": (F("balance").asc(nulls_first=True), "id"),
    "overdue": (F("overdue").asc(nulls_first=True), "id"),
    "days_late": (F("oldest_due").desc(nulls_first=True), "id"),
}


# With only customers that have a position, these orders are read in order from the position indexes
# (snapshot, -overdue, customer) and (snapshot, -total, customer) instead of sorting every row.
INDEXED_SORTS = {
    "balance": (F("balance").asc(), F("pos__customer_id").desc()),
    "overdue": (F("overdue").asc(), F("pos__customer_id").desc()),
}


def _sort(text: str, with_position_only: bool = False):
    key = text.lstrip("-")
    if key not in SORTS:
        return "name", SORTS["name"]
    order = INDEXED_SORTS[key] if with_position_only and key in INDEXED_SORTS else SORTS[key]
    if text.startswith("-"):
        order = tuple(_reversed(o) for o in order)
    return text, order


def _reversed(order):
    if isinstance(order, str):
        return order[1:] if order.startswith("-") else f"-{order}"
    return order.copy().reverse_ordering()


def filtered_customers(request, snapshot):
    """The visible customers matching the request's filters, with their position in ``snapshot``."""
    company = company_for(request)
    qs = visible_customers(request.user, company).annotate(
        pos=FilteredRelation("positions", condition=Q(positions__snapshot=snapshot)),
        balance=F("pos__total"), overdue=F("pos__overdue"), oldest_due=F("pos__oldest_due"),
    ).select_related("collector")
    g = request.GET
    qs = search_customers(qs, q=g.get("q", ""), segment=g.get("segment"), kind=g.get("kind"),
                          status=g.get("status"), collector=g.get("collector"))
    # filtered on the annotations, which read the one join of ``pos`` (``pos__…`` would join again)
    if g.get("overdue") == "1":
        qs = qs.filter(overdue__gt=0)
    elif g.get("balance") == "1":
        qs = qs.exclude(balance=0).filter(balance__isnull=False)
    return qs


def _with_position_only(g) -> bool:
    return g.get("overdue") == "1" or g.get("balance") == "1"


@requires(Capability.VIEW)
def customer_list(request):
    if redirect := remembered_filters(request, "customers"):
        return redirect
    as_of = timezone.localdate()
    company = company_for(request)
    sort_text, order = _sort(request.GET.get("sort", "name"), _with_position_only(request.GET))
    qs = filtered_customers(request, current_snapshot(company, as_of)).order_by(*order)
    export = request.GET.get("export")
    if export in ("xlsx", "csv") and user_can(request.user, Capability.EXPORT):
        return _export(export, qs, as_of)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    base = request.GET.copy()
    base.pop("page", None)
    sort_base = base.copy()
    sort_base.pop("sort", None)
    User = get_user_model()
    return render(request, "web/customer_list.html", {
        "nav": "customers",
        "page": page,
        "rows": [_row(c, as_of) for c in page.object_list],
        "currency": company.currency,
        "g": request.GET,
        "sort": sort_text,
        "query": base.urlencode(),
        "sort_query": sort_base.urlencode(),
        "segments": _segments(company),
        "kinds": [(k.value, _(k.value.title())) for k in CustomerKind],
        "statuses": CustomerStatus.choices,
        "collectors": User.objects.filter(is_active=True, encours_profile__isnull=False).order_by("username"),
    })


def _row(c, as_of):
    return {
        "c": c, "balance": c.balance, "overdue": c.overdue,
        "days_late": (as_of - c.oldest_due).days if c.oldest_due else None,
    }


def _segments(company) -> list[str]:
    # order_by("segment") replaces the model's ordering by name, which would defeat DISTINCT
    return list(
        Customer.objects.filter(company=company).exclude(segment="")
        .order_by("segment").values_list("segment", flat=True).distinct()
    )


def _export(fmt, qs, as_of):
    headers = [_("Code"), _("Name"), "SIREN", _("Kind"), _("Segment"), _("Status"), _("Collector"),
               _("Balance"), _("Overdue"), _("Days late")]

    def rows():
        for c in qs.iterator(chunk_size=2000):
            yield [c.code, c.name, c.siren, c.kind, c.segment, c.status,
                   c.collector.get_username() if c.collector else "",
                   cents_to_decimal(c.balance or 0), cents_to_decimal(c.overdue or 0),
                   (as_of - c.oldest_due).days if c.oldest_due else None]

    return download(fmt, f"customers-{as_of.isoformat()}", headers, rows())
