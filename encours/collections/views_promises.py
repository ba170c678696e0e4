"""Promises to pay: the list collectors follow, one promise (and cancelling it), recording one for a customer.

The rules (what a promise may cover, when it is kept or broken) are in ``promises.py``; a refusal from there
is shown as a form error.
"""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from encours.accounts.access import visible_customer_ids, visible_customers
from encours.accounts.roles import Capability
from encours.collections.models import CHANNEL_CHOICES, Promise, PromiseState
from encours.collections.promises import PromiseRefused, cancel_promise, make_promise, received_since
from encours.core.dunning import Channel
from encours.core.money import ZERO
from encours.core.records import DocumentKind
from encours.ledger.models import Document
from encours.web.decorators import requires
from encours.web.scope import company_for

PER_PAGE = 50
ALL = "all"
# A promise is given on the phone, by e-mail or by letter.
PROMISE_CHANNELS = [(v, label) for v, label in CHANNEL_CHOICES
                    if v in (Channel.PHONE.value, Channel.EMAIL.value, Channel.LETTER.value)]

# The refusals of promises.py, in the catalog so that they are shown translated (refusal_text).
REFUSALS = (
    gettext_noop("the amount promised must be more than zero"),
    gettext_noop("the promised date cannot be before the day the promise is made"),
    gettext_noop("a promise covers at least one invoice"),
    gettext_noop("a promise covers invoices of its own customer only"),
    gettext_noop("only a pending promise can be cancelled"),
)


def refusal_text(error: Exception) -> str:
    return capfirst(gettext(str(error)))


def scoped(queryset, request, company):
    """``queryset`` (of objects with a customer) kept to the customers the user may see."""
    ids = visible_customer_ids(request.user, company)
    return queryset if ids is None else queryset.filter(customer_id__in=ids)


def _invoices_prefetch() -> Prefetch:
    return Prefetch("documents", queryset=Document.objects.order_by("due_date", "number"))


# --------------------------------------------------------------------------- the list
@requires(Capability.COLLECT)
def promises(request):
    company = company_for(request)
    g = request.GET
    state = g.get("state") or PromiseState.PENDING
    qs = scoped(Promise.objects.filter(company=company), request, company)
    if state != ALL:
        state = state if state in PromiseState.values else PromiseState.PENDING
        qs = qs.filter(state=state)
    if q := g.get("q", "").strip():
        qs = qs.filter(Q(customer__name__icontains=q) | Q(customer__code__istartswith=q))
    if g.get("channel") in dict(CHANNEL_CHOICES):
        qs = qs.filter(channel=g["channel"])
    if g.get("recorded_by", "").isdigit():
        qs = qs.filter(recorded_by_id=int(g["recorded_by"]))
    qs = qs.select_related("customer", "recorded_by").prefetch_related(_invoices_prefetch())
    page = Paginator(qs.order_by("promised_on", "id"), PER_PAGE).get_page(g.get("page"))
    base = g.copy()
    base.pop("page", None)
    return render(request, "collections/promise_list.html", {
        "nav": "promises",
        "page": page,
        "promises": page.object_list,
        "today": timezone.localdate(),
        "g": g,
        "state": state,
        "states": [*PromiseState.choices, (ALL, _("All promises"))],
        "channels": PROMISE_CHANNELS,
        "recorders": get_user_model().objects.filter(is_active=True, encours_profile__isnull=False)
        .order_by("username"),
        "query": base.urlencode(),
    })


# --------------------------------------------------------------------------- one promise
@requires(Capability.COLLECT)
def promise_detail(request, pk: int):
    company = company_for(request)
    promise = get_object_or_404(
        scoped(Promise.objects.filter(company=company), request, company)
        .select_related("customer", "recorded_by").prefetch_related(_invoices_prefetch()), pk=pk,
    )
    today = timezone.localdate()
    if request.method == "POST" and request.POST.get("action") == "cancel":
        reason = request.POST.get("reason", "").strip()
        if not reason:
            messages.error(request, gettext("Give the reason for cancelling the promise."))
        else:
            try:
                cancel_promise(promise, on=today, user=request.user, reason=reason)
            except PromiseRefused as error:
                messages.error(request, refusal_text(error))
            else:
                messages.success(request, gettext("The promise is cancelled; its invoices resume their reminders."))
        return redirect("promise", pk=promise.pk)
    invoices = list(promise.documents.all())
    received = received_since(promise, today)
    return render(request, "collections/promise_detail.html", {
        "nav": "promises",
        "promise": promise,
        "customer": promise.customer,
        "invoices": invoices,
        "open_total": sum((d.open_amount for d in invoices), ZERO),
        "received": received,
        "still_expected": max(promise.amount - received, ZERO),
        "today": today,
        "can_cancel": promise.state == PromiseState.PENDING,
    })


# --------------------------------------------------------------------------- recording one
class PromiseForm(forms.Form):
    # Optional here: promises.py refuses a promise without invoices, with its own message.
    documents = forms.ModelMultipleChoiceField(label=_("Invoices"), queryset=Document.objects.none(),
                                               required=False, widget=forms.CheckboxSelectMultiple)
    amount = forms.DecimalField(label=_("Amount promised"), max_digits=16, decimal_places=2)
    promised_on = forms.DateField(label=_("Promised payment date"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    channel = forms.ChoiceField(label=_("Given by"), choices=PROMISE_CHANNELS, initial=Channel.PHONE.value)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, invoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = invoices


def open_invoices(customer):
    return Document.objects.filter(customer=customer, kind=DocumentKind.INVOICE, closed_on__isnull=True) \
        .order_by("due_date", "id")


def invoice_rows(invoices, selected: set[int], today) -> list[dict]:
    rows = []
    for d in invoices:
        late = (today - d.due_date).days
        rows.append({"doc": d, "checked": d.pk in selected, "days_late": late if late > 0 else None})
    return rows


@requires(Capability.COLLECT)
def promise_new(request, pk: int):
    company = company_for(request)
    customer = get_object_or_404(visible_customers(request.user, company), pk=pk)
    today = timezone.localdate()
    invoices = open_invoices(customer)
    if request.method == "POST":
        form = PromiseForm(request.POST, invoices=invoices)
        selected = {int(v) for v in request.POST.getlist("documents") if v.isdigit()}
        if form.is_valid():
            data = form.cleaned_data
            try:
                make_promise(customer, data["documents"], data["amount"], data["promised_on"], data["channel"],
                             made_on=today, user=request.user, notes=data["notes"])
            except PromiseRefused as error:
                form.add_error(None, refusal_text(error))
            else:
                messages.success(request, gettext("Promise to pay recorded."))
                return redirect(reverse("customer", args=[customer.pk]))
        listed = list(invoices)
    else:
        listed = list(invoices)
        overdue = [d for d in listed if d.due_date < today]
        selected = {d.pk for d in overdue}
        total = sum((d.open_amount for d in overdue), ZERO)
        form = PromiseForm(invoices=invoices, initial={"amount": total or None, "channel": Channel.PHONE.value})
    return render(request, "collections/promise_form.html", {
        "nav": "promises",
        "customer": customer,
        "form": form,
        "invoices": invoice_rows(listed, selected, today),
        "today": today,
    })
