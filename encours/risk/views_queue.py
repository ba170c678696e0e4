"""The credit manager's queue: orders on hold to release or reject, unblock requests to grant or refuse; one
request with its customer's credit facts; unblocking a customer directly.

Every decision needs a reason, and an unblock an expiry date (``orders.py``, ``unblocks.py``); a refusal
from there is shown as a form error, in the user's language.
"""
from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from encours.accounts.access import visible_customers
from encours.accounts.roles import Capability
from encours.risk.models import CaseState, CommitteeCase, Order, OrderState, RequestState, Unblock, UnblockRequest
from encours.risk.notify import reason_texts
from encours.risk.orders import OrderRefused, reject_order, release_order
from encours.risk.unblocks import grant_unblock, refuse_request
from encours.risk.views_orders import credit_facts, refusal_text
from encours.web.decorators import requires
from encours.web.formatting import short_date
from encours.web.scope import company_for

SHOWN = 200  # rows of each section; the headings count them all
DEFAULT_UNBLOCK_DAYS = 7


def default_expiry(today: date) -> date:
    return today + timedelta(days=DEFAULT_UNBLOCK_DAYS)


def _parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


# --------------------------------------------------------------------------- deciding (shared by the pages)
def decide_order(request, order: Order, action: str, note: str) -> str:
    """Release or reject an order on hold; "" when done (with a message), else the error to show."""
    if order.state != OrderState.ON_HOLD:
        return gettext("This order is no longer on hold (%(state)s): it was decided already.") % {
            "state": order.get_state_display().lower()}
    try:
        if action == "release":
            release_order(order, user=request.user, note=note)
            messages.success(request, gettext("Order %(reference)s released: it is accepted.") % {
                "reference": order.reference})
        else:
            reject_order(order, user=request.user, note=note)
            messages.success(request, gettext("Order %(reference)s rejected.") % {"reference": order.reference})
    except OrderRefused as error:
        return refusal_text(error)
    return ""


def decide_request(request, unblock_request: UnblockRequest, action: str, *, valid_until: date | None, text: str,
                   release: bool) -> str:
    """Grant or refuse an unblock request; "" when done (with messages), else the error to show.

    Granting may also release the request's order on hold, with the same reason."""
    if unblock_request.state != RequestState.PENDING:
        return refusal_text(OrderRefused("this request was already decided"))
    customer = unblock_request.customer
    try:
        if action == "grant":
            if valid_until is None:
                return gettext("Give the date until which the customer is unblocked.")
            grant_unblock(customer, valid_until=valid_until, reason=text, user=request.user, request=unblock_request)
        else:
            refuse_request(unblock_request, user=request.user, note=text)
    except OrderRefused as error:
        return refusal_text(error)
    if action == "refuse":
        messages.success(request, gettext("The request for %(customer)s is refused.") % {"customer": customer.name})
        return ""
    messages.success(request, gettext("%(customer)s is unblocked until %(date)s.") % {
        "customer": customer.name, "date": short_date(valid_until)})
    order = unblock_request.order
    if release and order is not None:
        order.refresh_from_db()
        if order.state == OrderState.ON_HOLD:
            error = decide_order(request, order, "release", text)
            if error:
                messages.error(request, error)
    return ""


# --------------------------------------------------------------------------- the queue
@requires(Capability.MANAGE_CREDIT)
def credit_queue(request):
    company = company_for(request)
    today = timezone.localdate()
    errors, typed = {}, {}
    if request.method == "POST":
        p = request.POST
        action, pk = p.get("action", ""), p.get("pk", "")
        if action in ("release", "reject") and pk.isdigit():
            order = get_object_or_404(Order.objects.filter(company=company).select_related("customer"), pk=int(pk))
            note = p.get("note", "").strip()
            error = decide_order(request, order, action, note)
            if error and order.state != OrderState.ON_HOLD:  # decided meanwhile: its row is gone
                messages.error(request, error)
            if not error or order.state != OrderState.ON_HOLD:
                return redirect("credit_queue")
            errors[("order", order.pk)], typed[("order", order.pk)] = error, {"note": note}
        elif action in ("grant", "refuse") and pk.isdigit():
            unblock_request = get_object_or_404(
                UnblockRequest.objects.filter(customer__company=company).select_related("customer", "order"),
                pk=int(pk))
            text = p.get("reason", "").strip()
            error = decide_request(request, unblock_request, action, valid_until=_parse_day(p.get("valid_until", "")),
                                   text=text, release=p.get("release") == "on")
            gone = unblock_request.state != RequestState.PENDING  # decided meanwhile: its row is gone
            if error and gone:
                messages.error(request, error)
            if not error or gone:
                return redirect("credit_queue")
            errors[("request", unblock_request.pk)] = error
            typed[("request", unblock_request.pk)] = {"reason": text, "valid_until": p.get("valid_until", "")}
    on_hold = Order.objects.filter(company=company, state=OrderState.ON_HOLD)
    pending = UnblockRequest.objects.filter(customer__company=company, state=RequestState.PENDING)
    order_rows = [{
        "order": o, "reasons": reason_texts(o.reasons, o.currency), "exposure_after": o.exposure_before + o.amount,
        "over": o.exposure_before + o.amount - o.limit,
        "error": errors.get(("order", o.pk), ""), "note": typed.get(("order", o.pk), {}).get("note", ""),
    } for o in on_hold.select_related("customer", "checked_by").order_by("checked_at", "id")[:SHOWN]]
    request_rows = [{
        "request": r, "error": errors.get(("request", r.pk), ""),
        "reason": typed.get(("request", r.pk), {}).get("reason", ""),
        "valid_until": typed.get(("request", r.pk), {}).get("valid_until") or default_expiry(today).isoformat(),
    } for r in pending.select_related("customer", "requested_by", "order").order_by("requested_at", "id")[:SHOWN]]
    return render(request, "risk/queue.html", {
        "nav": "credit", "order_rows": order_rows, "request_rows": request_rows,
        "on_hold_count": on_hold.count(), "pending_count": pending.count(), "today": today,
        "open_cases": CommitteeCase.objects.filter(company=company, state=CaseState.OPEN).count(),
    })


# --------------------------------------------------------------------------- one request
class GrantForm(forms.Form):
    valid_until = forms.DateField(label=_("Unblocked until"), help_text=_("Included: orders pass until that day."),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


class RequestGrantForm(GrantForm):
    release = forms.BooleanField(label=_("Also release the order on hold"), required=False, initial=True)


class RefuseForm(forms.Form):
    note = forms.CharField(label=_("Why it is refused"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


def last_unblocks(customer):
    return Unblock.objects.filter(customer=customer).select_related("granted_by").order_by("-granted_at", "-id")[:10]


@requires(Capability.MANAGE_CREDIT)
def unblock_request(request, pk: int):
    company = company_for(request)
    unblock_req = get_object_or_404(UnblockRequest.objects.filter(customer__company=company).select_related(
        "customer__company", "order", "requested_by", "decided_by", "unblock"), pk=pk)
    today = timezone.localdate()
    with_order = unblock_req.order is not None and unblock_req.order.state == OrderState.ON_HOLD
    grant_form = RequestGrantForm(initial={"valid_until": default_expiry(today)}, prefix="grant")
    refuse_form = RefuseForm(prefix="refuse")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "grant":
            grant_form = RequestGrantForm(request.POST, prefix="grant")
            if grant_form.is_valid():
                d = grant_form.cleaned_data
                error = decide_request(request, unblock_req, "grant", valid_until=d["valid_until"], text=d["reason"],
                                       release=with_order and d["release"])
                if not error:
                    return redirect("credit_queue")
                grant_form.add_error(None, error)
        elif action == "refuse":
            refuse_form = RefuseForm(request.POST, prefix="refuse")
            if refuse_form.is_valid():
                error = decide_request(request, unblock_req, "refuse", valid_until=None,
                                       text=refuse_form.cleaned_data["note"], release=False)
                if not error:
                    return redirect("credit_queue")
                refuse_form.add_error(None, error)
    if not with_order:
        grant_form.fields.pop("release", None)
    customer = unblock_req.customer
    order = unblock_req.order
    return render(request, "risk/queue_request.html", {
        "nav": "credit", "req": unblock_req, "customer": customer, "order": order,
        "order_reasons": reason_texts(order.reasons, order.currency) if order else [],
        "facts": credit_facts(customer, today), "unblocks": last_unblocks(customer),
        "pending": unblock_req.state == RequestState.PENDING,
        "grant_form": grant_form, "refuse_form": refuse_form,
    })


# --------------------------------------------------------------------------- unblocking a customer directly
@requires(Capability.MANAGE_CREDIT)
def customer_unblock(request, pk: int):
    company = company_for(request)
    customer = get_object_or_404(visible_customers(request.user, company).select_related("company"), pk=pk)
    today = timezone.localdate()
    if request.method == "POST":
        form = GrantForm(request.POST)
        if form.is_valid():
            try:
                grant_unblock(customer, valid_until=form.cleaned_data["valid_until"],
                              reason=form.cleaned_data["reason"], user=request.user)
            except OrderRefused as error:
                form.add_error(None, refusal_text(error))
            else:
                messages.success(request, gettext("%(customer)s is unblocked until %(date)s.") % {
                    "customer": customer.name, "date": short_date(form.cleaned_data["valid_until"])})
                return redirect("customer_unblock", pk=customer.pk)
    else:
        form = GrantForm(initial={"valid_until": default_expiry(today)})
    customer.refresh_from_db(fields=["unblocked_until"])
    return render(request, "risk/unblock_grant.html", {
        "nav": "credit", "customer": customer, "form": form, "facts": credit_facts(customer, today),
        "unblocks": last_unblocks(customer), "today": today,
        "pending": UnblockRequest.objects.filter(customer=customer, state=RequestState.PENDING)
        .select_related("requested_by", "order").order_by("requested_at", "id"),
    })


urlpatterns = [
    path("credit/", credit_queue, name="credit_queue"),
    path("credit/requests/<int:pk>/", unblock_request, name="unblock_request"),
    path("customers/<int:pk>/unblock/", customer_unblock, name="customer_unblock"),
]
