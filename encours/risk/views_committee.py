"""The credit committee's pages: the queue of cases (open ones oldest first, or those decided), the "review now"
button, and one case with its facts, the figures now and the decision form.

The rules are in ``committee.py``; a refusal from there is shown as a form error.
"""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from encours.accounts.access import visible_customer_ids
from encours.accounts.roles import Capability
from encours.core.scoring import Factor
from encours.risk.committee import figures_of, headline, review_company
from encours.risk.committee_decisions import CaseRefused, decide_case
from encours.risk.models import CaseDecision, CaseKind, CaseState, CommitteeCase, UnblockRequest
from encours.web.decorators import requires
from encours.web.scope import company_for

PER_PAGE = 50

# The refusals of committee.py and of the services it calls, in the catalog so that they are shown translated.
REFUSALS = (
    gettext_noop("a decision needs a note saying why"),
    gettext_noop("a limit change needs the new limit"),
    gettext_noop("an unblock needs the date it runs until"),
    gettext_noop("this case was already decided"),
    gettext_noop("orders of a customer in litigation or insolvency proceedings are refused whatever the unblock"),
    gettext_noop("the customer is in litigation or insolvency proceedings: its orders are already refused, and "
                 "blocking would replace that status"),
    gettext_noop("the limit must be an amount, zero or more"),
    gettext_noop("the limit has more than two decimal places"),
    gettext_noop("the unblock must run until today at least"),
)

FACTORS = {
    Factor.STATEMENTS: _("Financial statements"), Factor.EQUITY_RATIO: _("Equity ratio"),
    Factor.OPERATING_MARGIN: _("Operating margin"), Factor.CURRENT_RATIO: _("Current ratio"),
    Factor.DEBT_TO_EBITDA: _("Financial debt / EBITDA"), Factor.FLAGS: _("Signs of deterioration"),
    Factor.AVERAGE_DAYS_LATE: _("Average days late"), Factor.SHARE_PAID_LATE: _("Share of invoices paid late"),
    Factor.BROKEN_PROMISES: _("Promises broken in 12 months"), Factor.OPEN_DISPUTES: _("Open disputes"),
    Factor.SENIORITY: _("Seniority"), Factor.OVERDUE: _("Overdue now"), Factor.BOUNDS: _("Kept within 0–100"),
    Factor.BASE: _("Base"),
}


def refusal_text(error: Exception) -> str:
    return capfirst(gettext(str(error)))


def scoped(queryset, request, company):
    ids = visible_customer_ids(request.user, company)
    return queryset if ids is None else queryset.filter(customer_id__in=ids)


def credit_page(customer_pk: int) -> str:
    """The customer's credit page; its plain path while the page is not in the URLs yet."""
    try:
        return reverse("customer_credit", args=[customer_pk])
    except NoReverseMatch:
        return f"/customers/{customer_pk}/credit/"


# --------------------------------------------------------------------------- the queue
@requires(Capability.MANAGE_CREDIT)
def committee(request):
    company = company_for(request)
    today = timezone.localdate()
    if request.method == "POST":
        review = review_company(company, today)
        n = len(review.opened)
        messages.success(request, ngettext("Review done: %(n)d case opened.", "Review done: %(n)d cases opened.",
                                           n) % {"n": n})
        return redirect("committee")
    g = request.GET
    state = g.get("state") if g.get("state") in CaseState.values else CaseState.OPEN
    kind = g.get("kind") if g.get("kind") in CaseKind.values else ""
    cases = scoped(CommitteeCase.objects.filter(company=company, state=state), request, company)
    counts = dict(cases.order_by().values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    if kind:
        cases = cases.filter(kind=kind)
    order = ("opened_at", "id") if state == CaseState.OPEN else ("-decided_at", "-id")
    page = Paginator(cases.select_related("customer", "decided_by").order_by(*order), PER_PAGE).get_page(g.get("page"))
    base = g.copy()
    base.pop("page", None)
    return render(request, "risk/committee.html", {
        "nav": "credit",
        "page": page,
        "rows": [{"case": c, "headline": headline(c.kind, c.facts), "age": (today - c.opened_on).days}
                 for c in page.object_list],
        "state": state,
        "kind": kind,
        "states": CaseState.choices,
        "kinds": [(v, label, counts.get(v, 0)) for v, label in CaseKind.choices],
        "total": sum(counts.values()),
        "query": base.urlencode(),
    })


# --------------------------------------------------------------------------- one case
class DecisionForm(forms.Form):
    # Only the choice is checked here: committee.py refuses what is missing, with its own message.
    decision = forms.ChoiceField(label=_("Decision"), choices=CaseDecision.choices, widget=forms.RadioSelect)
    new_limit = forms.DecimalField(label=_("New limit"), max_digits=16, decimal_places=2, min_value=0,
                                   required=False)
    until = forms.DateField(label=_("Unblocked until (included)"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Note (why)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


FIGURES = (
    ("exposure", _("Exposure")), ("open_receivables", _("Open receivables")),
    ("pending_orders", _("Orders not invoiced")),
    ("limit", _("Limit in force")), ("excess", _("Exposure over the limit")),
    ("overdue", _("Overdue beyond the tolerance")),
)


def figure_rows(columns: list[dict]) -> list[dict]:
    """One row per figure, one cell per moment (at opening, at the decision, now)."""
    rows = [{"label": label, "cells": [c.get(name) for c in columns], "money": True} for name, label in FIGURES]
    rows.append({"label": _("Days late of the oldest of those invoices"),
                 "cells": [c.get("days_late") for c in columns], "money": False})
    return rows


@requires(Capability.MANAGE_CREDIT)
def committee_case(request, pk: int):
    company = company_for(request)
    case = get_object_or_404(scoped(CommitteeCase.objects.filter(company=company), request, company)
                             .select_related("customer", "decided_by", "limit_decision", "unblock"), pk=pk)
    customer = case.customer
    today = timezone.localdate()
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and case.state == CaseState.OPEN and form.is_valid():
        data = form.cleaned_data
        try:
            decide_case(case, decision=data["decision"], note=data["note"], user=request.user,
                        new_limit=data["new_limit"], until=data["until"])
        except CaseRefused as error:
            form.add_error(None, refusal_text(error))
        else:
            messages.success(request, gettext("Decision recorded."))
            return redirect("committee_case", pk=case.pk)
    now = figures_of(customer, today).as_facts(company, today)
    columns = [(_("At opening"), case.facts)]
    if case.decision_facts:
        columns.append((_("At the decision"), case.decision_facts))
    columns.append((_("Now"), now))
    requests = case.facts.get("requests", [])
    states = UnblockRequest.objects.filter(pk__in=[r["id"] for r in requests]).in_bulk()
    return render(request, "risk/committee_case.html", {
        "nav": "credit",
        "case": case,
        "customer": customer,
        "currency": company.currency,
        "headline": headline(case.kind, case.facts),
        "columns": [label for label, _facts in columns],
        "figures": figure_rows([facts for _label, facts in columns]),
        "tolerance": {"amount": case.facts.get("tolerance_amount"), "days": case.facts.get("tolerance_days")},
        "moves": [{**m, "label": FACTORS.get(Factor(m["factor"]), m["factor"])} for m in case.facts.get("moves", [])],
        "requests": [{**r, "request": states.get(r["id"])} for r in requests],
        "credit_url": credit_page(customer.pk),
        "form": form if case.state == CaseState.OPEN else None,
        "age": (today - case.opened_on).days,
    })


urlpatterns = [
    path("credit/committee/", committee, name="committee"),
    path("credit/committee/<int:pk>/", committee_case, name="committee_case"),
]
