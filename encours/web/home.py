"""Home: the figures of the day, each linking to the list behind it."""
from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from encours.accounts.roles import Capability
from encours.core.money import cents_to_decimal
from encours.reporting.models import Position
from encours.web import charts, formatting
from encours.web.decorators import requires
from encours.web.labels import bucket_title
from encours.web.scope import company_for, figures

TOP = 10


@requires(Capability.VIEW)
def home(request):
    as_of = timezone.localdate()
    fig = figures(request, as_of)
    company = company_for(request)
    top = Position.objects.filter(snapshot=fig.snapshot, overdue__gt=0).select_related("customer")
    if fig.customer_ids is not None:
        top = top.filter(customer_id__in=fig.customer_ids)
    top = list(top.order_by("-overdue", "customer_id")[:TOP])
    ageing_url = reverse("ageing")
    titles = [bucket_title(b) for b in fig.buckets]
    chart = charts.ageing_bars(
        titles, fig.totals, [f"{ageing_url}?bucket={i}" for i in range(len(fig.buckets))],
        lambda amount: formatting.money(amount, company.currency),
    )
    return render(request, "web/home.html", {
        "nav": "home",
        "as_of": as_of,
        "currency": company.currency,
        "fig": fig,
        "kpis": fig.kpis,
        "buckets": [
            {"title": t, "cents": c, "index": i, "overdue": b.is_overdue}
            for i, (t, c, b) in enumerate(zip(titles, fig.totals, fig.buckets))
        ],
        "chart": mark_safe(chart),  # pygal escapes the labels it is given
        "top": [
            {"customer": p.customer, "overdue": p.overdue, "total": p.total,
             "days_late": (as_of - p.oldest_due).days if p.oldest_due else None}
            for p in top
        ],
        "outstanding": cents_to_decimal(fig.total),
    })
