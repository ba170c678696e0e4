"""Disputes: the list (sales people see those of their own customers), one dispute and its resolution,
opening one for a customer. The rules are in ``disputes.py``; a refusal from there is a form error."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from encours.accounts.access import user_can, visible_customers
from encours.accounts.roles import Capability
from encours.collections.disputes import DisputeRefused, open_dispute, resolve_dispute
from encours.collections.models import Dispute, DisputeOwner, DisputeReason, DisputeResolution
from encours.collections.views_promises import invoice_rows, open_invoices, refusal_text, scoped
from encours.core.money import ZERO
from encours.ledger.models import Document
from encours.web.decorators import requires
from encours.web.scope import company_for

PER_PAGE = 50
OPEN, RESOLVED, ALL = "open", "resolved", "all"

# The refusals of disputes.py, in the catalog so that they are shown translated (refusal_text).
REFUSALS = (
    gettext_noop("a dispute is about at least one invoice"),
    gettext_noop("a dispute is about invoices of its own customer only"),
    gettext_noop("this dispute is already resolved"),
    gettext_noop("a dispute cannot be resolved before it was opened"),
)

SELLER_AT_FAULT = [("", _("Unknown")), ("yes", _("Yes")), ("no", _("No"))]
SELLER_AT_FAULT_VALUE = {"": None, "yes": True, "no": False}


def _invoices_prefetch() -> Prefetch:
    return Prefetch("documents", queryset=Document.objects.order_by("due_date", "number"))


def _row(dispute: Dispute, today) -> dict:
    invoices = list(dispute.documents.all())
    return {
        "d": dispute,
        "invoices": invoices,
        "amount": sum((doc.open_amount for doc in invoices), ZERO),
        "currency": invoices[0].currency if invoices else "EUR",
        "days_open": ((dispute.resolved_on or today) - dispute.opened_on).days,
    }


# --------------------------------------------------------------------------- the list
@requires(Capability.VIEW)
def disputes(request):
    company = company_for(request)
    g = request.GET
    status = g.get("status") if g.get("status") in (OPEN, RESOLVED, ALL) else OPEN
    qs = scoped(Dispute.objects.filter(company=company), request, company)
    if status == OPEN:
        qs = qs.filter(resolution="")
    elif status == RESOLVED:
        qs = qs.exclude(resolution="")
    if g.get("reason") in DisputeReason.values:
        qs = qs.filter(reason=g["reason"])
    if g.get("owner") in DisputeOwner.values:
        qs = qs.filter(owner=g["owner"])
    qs = qs.select_related("customer").prefetch_related(_invoices_prefetch()).order_by("opened_on", "id")
    page = Paginator(qs, PER_PAGE).get_page(g.get("page"))
    base = g.copy()
    base.pop("page", None)
    today = timezone.localdate()
    return render(request, "collections/dispute_list.html", {
        "nav": "disputes",
        "page": page,
        "rows": [_row(d, today) for d in page.object_list],
        "g": g,
        "status": status,
        "statuses": [(OPEN, _("Open")), (RESOLVED, _("Resolved")), (ALL, _("All disputes"))],
        "reasons": DisputeReason.choices,
        "owners": DisputeOwner.choices,
        "query": base.urlencode(),
    })


# --------------------------------------------------------------------------- one dispute
class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=_("Resolution"), choices=[("", "---------"), *DisputeResolution.choices])
    resolved_on = forms.DateField(label=_("Resolved on"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


@requires(Capability.VIEW)
def dispute_detail(request, pk: int):
    company = company_for(request)
    dispute = get_object_or_404(
        scoped(Dispute.objects.filter(company=company), request, company)
        .select_related("customer", "recorded_by").prefetch_related(_invoices_prefetch()), pk=pk,
    )
    today = timezone.localdate()
    can_resolve = user_can(request.user, Capability.COLLECT)
    form = None
    if request.method == "POST":
        if not can_resolve:
            raise PermissionDenied("resolving a dispute needs the right to collect")
        form = ResolveForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                resolve_dispute(dispute, data["resolution"], resolved_on=data["resolved_on"], user=request.user,
                                notes=data["notes"])
            except DisputeRefused as error:
                form.add_error(None, refusal_text(error))
            else:
                messages.success(request, gettext("Dispute resolved; its invoices resume their reminders."))
                return redirect("dispute", pk=dispute.pk)
    elif can_resolve and dispute.is_open:
        form = ResolveForm(initial={"resolved_on": today})
    return render(request, "collections/dispute_detail.html", {
        "nav": "disputes",
        "dispute": dispute,
        "customer": dispute.customer,
        "row": _row(dispute, today),
        "form": form,  # None on a resolved dispute, unless one just tried to resolve it again
    })


# --------------------------------------------------------------------------- opening one
class DisputeForm(forms.Form):
    # Optional here: disputes.py refuses a dispute without invoices, with its own message.
    documents = forms.ModelMultipleChoiceField(label=_("Invoices"), queryset=Document.objects.none(),
                                               required=False, widget=forms.CheckboxSelectMultiple)
    reason = forms.ChoiceField(label=_("Reason"), choices=DisputeReason.choices)
    owner = forms.ChoiceField(label=_("Owner"), choices=DisputeOwner.choices,
                              help_text=_("Who must act to settle it."))
    seller_at_fault = forms.ChoiceField(label=_("Seller at fault"), choices=SELLER_AT_FAULT, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, invoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = invoices


@requires(Capability.COLLECT)
def dispute_new(request, pk: int):
    company = company_for(request)
    customer = get_object_or_404(visible_customers(request.user, company), pk=pk)
    today = timezone.localdate()
    invoices = open_invoices(customer)
    selected: set[int] = set()
    if request.method == "POST":
        form = DisputeForm(request.POST, invoices=invoices)
        selected = {int(v) for v in request.POST.getlist("documents") if v.isdigit()}
        if form.is_valid():
            data = form.cleaned_data
            try:
                open_dispute(customer, data["documents"], data["reason"], data["owner"], opened_on=today,
                             user=request.user, seller_at_fault=SELLER_AT_FAULT_VALUE[data["seller_at_fault"]],
                             description=data["description"])
            except DisputeRefused as error:
                form.add_error(None, refusal_text(error))
            else:
                messages.success(request, gettext("Dispute opened; its invoices get no reminder until it is "
                                                  "resolved."))
                return redirect(reverse("customer", args=[customer.pk]))
    else:
        form = DisputeForm(invoices=invoices)
    return render(request, "collections/dispute_form.html", {
        "nav": "disputes",
        "customer": customer,
        "form": form,
        "invoices": invoice_rows(list(invoices), selected, today),
    })
