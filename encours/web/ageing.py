"""The aged balance page: as-of date, buckets, totals, per-customer rows, drill-down to the items, export."""
from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import BigIntegerField, Q
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Cast
from django.shortcuts import render
from django.utils.translation import gettext as _

from encours.accounts.access import user_can, visible_customer_ids
from encours.accounts.roles import Capability
from encours.core.money import cents_to_decimal
from encours.customers.models import Customer
from encours.reporting.ageing import aged_balance, customer_labels
from encours.reporting.items import open_amounts_at, open_items_at
from encours.reporting.models import Position
from encours.web.decorators import requires
from encours.web.labels import bucket_title
from encours.web.remembered import remembered_filters
from encours.web.scope import company_for, figures, parse_as_of, parse_buckets
from encours.web.tables import download

PER_PAGE = 50


def _bucket_index(text, buckets) -> int | None:
    if text is not None and text.isdigit() and int(text) < len(buckets):
        return int(text)
    return None


@requires(Capability.VIEW)
def ageing(request):
    if redirect := remembered_filters(request, "ageing"):
        return redirect
    company = company_for(request)
    as_of = parse_as_of(request.GET.get("as_of"))
    limits, buckets = parse_buckets(request.GET.get("buckets"))
    selected = _bucket_index(request.GET.get("bucket"), buckets)
    export = request.GET.get("export")
    if export in ("xlsx", "csv") and user_can(request.user, Capability.EXPORT):
        return _export(request, export, company, as_of, buckets)
    fig = figures(request, as_of, buckets)
    rows = Position.objects.filter(snapshot=fig.snapshot).select_related("customer")
    if fig.customer_ids is not None:
        rows = rows.filter(customer_id__in=fig.customer_ids)
    if q := request.GET.get("q", "").strip():
        rows = rows.filter(Q(customer__name__icontains=q) | Q(customer__code__istartswith=q))
    if selected is not None:
        amount = Cast(KeyTransform(str(selected), "buckets"), BigIntegerField())
        rows = rows.annotate(selected=amount).exclude(selected=0).order_by("-selected", "customer_id")
    else:
        rows = rows.order_by("-total", "customer_id")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "web/ageing.html", {
        "nav": "ageing",
        "as_of": as_of,
        "limits": limits,
        "currency": company.currency,
        "fig": fig,
        "selected": selected,
        "titles": [bucket_title(b) for b in buckets],
        "totals": [{"index": i, "cents": c, "overdue": b.is_overdue, "title": bucket_title(b)}
                   for i, (c, b) in enumerate(zip(fig.totals, buckets))],
        "page": page,
        "rows": page.object_list,
        "query": query.urlencode(),
        "g": request.GET,
    })


def _export(request, fmt, company, as_of, buckets):
    ids = visible_customer_ids(request.user, company)
    report = aged_balance(company, as_of, buckets, customer_ids=ids)
    labels = customer_labels(company, [r.id for r in report.customers])
    headers = [_("Code"), _("Name"), *[bucket_title(b) for b in buckets], _("Total")]

    def rows():
        for r in report.customers:
            code, name = labels.get(r.id, ("", ""))
            yield [code, name, *[cents_to_decimal(c) for c in r.buckets], cents_to_decimal(r.total)]
        yield ["", _("Total"), *[cents_to_decimal(c) for c in report.totals], cents_to_decimal(report.total)]

    return download(fmt, f"aged-balance-{as_of.isoformat()}", headers, rows())


@requires(Capability.VIEW)
def ageing_items(request):
    """The open items behind a figure: one customer and/or one bucket, at the page's as-of date."""
    company = company_for(request)
    as_of = parse_as_of(request.GET.get("as_of"))
    limits, buckets = parse_buckets(request.GET.get("buckets"))
    selected = _bucket_index(request.GET.get("bucket"), buckets)
    ids = visible_customer_ids(request.user, company)
    customer = None
    if (text := request.GET.get("customer", "")).isdigit():
        wanted = int(text)
        ids = [wanted] if ids is None or ids.filter(id=wanted).exists() else []
        customer = Customer.objects.filter(company=company, pk__in=ids).first()
    qs = open_items_at(company, as_of, buckets[selected] if selected is not None else None, ids)
    page = Paginator(qs.select_related("customer"), PER_PAGE).get_page(request.GET.get("page"))
    docs = list(page.object_list)
    amounts = open_amounts_at(docs, as_of)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "web/ageing_items.html", {
        "nav": "ageing",
        "as_of": as_of,
        "limits": limits,
        "customer": customer,
        "bucket_title": bucket_title(buckets[selected]) if selected is not None else "",
        "currency": company.currency,
        "page": page,
        "items": [
            {"doc": d, "open": amounts[d.id], "amount": d.amount if d.is_debit else -d.amount,
             "days_late": (as_of - d.due_date).days if d.is_debit and d.due_date < as_of else None}
            for d in docs
        ],
        "query": query.urlencode(),
    })
