"""Orders, for sales: "can this order be accepted?", recording an order, one order, asking for an unblock.

A sales person sees only the customers they manage and their orders; another customer or order is "not
found". The rules are in ``orders.py``, ``unblocks.py`` and ``core/order_check.py``; a refusal from there is
shown as a form error, in the user's language.
"""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from encours.accounts.access import is_scoped, user_can, visible_customer_ids, visible_customers
from encours.accounts.roles import Capability
from encours.risk.models import Order, OrderState, RequestState, UnblockRequest
from encours.risk.notify import reason_texts
from encours.risk.orders import OrderRefused, answer_dict, cancel_order, check, credit_context, place_order
from encours.risk.unblocks import request_unblock
from encours.web.decorators import requires
from encours.web.scope import company_for

PER_PAGE = 50
ALL = "all"
MAX_CHOICES = 500  # customers offered in the list of the customer field; any other is typed

# The refusals of orders.py and unblocks.py with a fixed text, in the catalog so that they are shown translated.
# The others (naming a reference or a state) are prevented by the checks of the views before they can happen.
REFUSALS = (
    gettext_noop("an order needs a reference"),
    gettext_noop("say why the order is released"),
    gettext_noop("say why the order is rejected"),
    gettext_noop("say why the customer is unblocked"),
    gettext_noop("the unblock must run until today at least"),
    gettext_noop("say why the customer should be unblocked"),
    gettext_noop("say why the request is refused"),
    gettext_noop("this request was already decided"),
)


def refusal_text(error: Exception) -> str:
    return capfirst(gettext(str(error)))


def scoped(queryset, user, company):
    """``queryset`` (of objects with a customer) kept to the customers the user may see."""
    ids = visible_customer_ids(user, company)
    return queryset if ids is None else queryset.filter(customer_id__in=ids)


def credit_facts(customer, today) -> dict:
    """The customer's exposure, limits and unblock today, for the pages."""
    context = credit_context(customer, today)
    return {
        "exposure": context.exposure, "open_receivables": context.open_receivables,
        "pending_orders": context.pending_orders, "limit": context.limit, "insured_limit": context.insured_limit,
        "overdue": context.overdue_beyond_tolerance_days, "tolerance_days": context.tolerance_days,
        "unblocked_until": customer.unblocked_until if customer.unblocked_until and
        customer.unblocked_until >= today else None,
        "currency": customer.company.currency,
    }


# --------------------------------------------------------------------------- checking and recording
class OrderForm(forms.Form):
    customer = forms.CharField(label=_("Customer"), max_length=60,
                               help_text=_("The customer's account code; start typing to pick one."),
                               widget=forms.TextInput(attrs={"list": "customer-choices", "autocomplete": "off"}))
    amount = forms.DecimalField(label=_("Amount"), max_digits=16, decimal_places=2, min_value=Decimal("0.01"),
                                help_text=_("Including VAT, in the company's currency."))
    reference = forms.CharField(label=_("Order reference"), max_length=60, required=False,
                                help_text=_("Needed to record the order, not to check it."))

    def __init__(self, *args, customers, **kwargs):
        super().__init__(*args, **kwargs)
        self.customers = customers

    def clean_customer(self):
        ref = self.cleaned_data["customer"].strip()
        # by code, else by id, among the customers the user may see: another one is "unknown", not "forbidden"
        customer = self.customers.filter(code=ref).first()
        if customer is None and ref.isascii() and ref.isdigit() and int(ref) < 2**63:
            customer = self.customers.filter(pk=int(ref)).first()
        if customer is None:
            raise forms.ValidationError(gettext("No customer of yours has the code %(code)s.") % {"code": ref})
        return customer


def answer_context(answer, customer, amount: Decimal) -> dict:
    currency = customer.company.currency
    return {
        "accepted": answer.accepted, "overridden": answer.overridden,
        "reasons": reason_texts(answer_dict(answer)["reasons"], currency),
        "exposure": answer.exposure, "exposure_after": answer.exposure_after, "limit": answer.limit,
        "insured_limit": customer.insured_limit, "amount": amount, "currency": currency, "customer": customer,
        "unblocked_until": customer.unblocked_until if answer.overridden else None,
    }


def _record(request, form, company):
    """Record the order of a valid form: the order's page, or None with the error on the form."""
    customer, amount = form.cleaned_data["customer"], form.cleaned_data["amount"]
    reference = form.cleaned_data["reference"].strip()
    if not reference:
        form.add_error("reference", gettext("Give the order's reference to record it."))
        return None
    existing = Order.objects.filter(company=company, reference=reference).first()
    if existing is not None and (existing.customer_id, existing.amount) != (customer.pk, amount):
        form.add_error("reference", gettext("This reference is already used by another order."))
        return None
    try:
        order = place_order(customer, reference, amount, user=request.user)
    except OrderRefused as error:
        form.add_error(None, refusal_text(error))
        return None
    if existing is not None:
        messages.info(request, gettext("This order was already recorded: here it is."))
    elif order.state == OrderState.ACCEPTED:
        messages.success(request, gettext("Order %(reference)s recorded: accepted.") % {"reference": reference}
                         + (" " + gettext("It passed under an unblock.") if order.overridden else ""))
    else:
        messages.warning(request, gettext(
            "Order %(reference)s recorded: on hold. It waits for a credit manager, who has been told; you may ask "
            "for an unblock below.") % {"reference": reference})
    return redirect("order", pk=order.pk)


@requires(Capability.CHECK_ORDERS)
def orders(request):
    company = company_for(request)
    customers = visible_customers(request.user, company)
    answer = None
    if request.method == "POST":
        form = OrderForm(request.POST, customers=customers)
        if form.is_valid():
            if request.POST.get("action") == "record":
                done = _record(request, form, company)
                if done is not None:
                    return done
            else:  # "Check": the answer, nothing recorded
                customer, amount = form.cleaned_data["customer"], form.cleaned_data["amount"]
                answer = answer_context(check(customer, amount), customer, amount)
    else:
        form = OrderForm(initial={"customer": request.GET.get("customer", "")}, customers=customers)
    return render(request, "risk/order_check.html", {
        "nav": "orders", "form": form, "answer": answer,
        "choices": customers.order_by("code").only("code", "name")[:MAX_CHOICES],
        **_listing(request, company),
    })


def _listing(request, company) -> dict:
    """The orders below the form: a sales person's customers', else the user's own (or everybody's)."""
    g = request.GET
    scoped_user = is_scoped(request.user)
    everybody = not scoped_user and g.get("who") == ALL
    qs = scoped(Order.objects.filter(company=company), request.user, company)
    requests = scoped(UnblockRequest.objects.filter(customer__company=company), request.user, company)
    if not scoped_user and not everybody:
        qs = qs.filter(checked_by=request.user)
        requests = requests.filter(requested_by=request.user)
    state = g.get("state") or ALL
    if state != ALL:
        state = state if state in OrderState.values else ALL
        if state != ALL:
            qs = qs.filter(state=state)
    qs = qs.select_related("customer", "checked_by").order_by("-checked_at", "-id")
    page = Paginator(qs, PER_PAGE).get_page(g.get("page"))
    base = g.copy()
    base.pop("page", None)
    return {
        "page": page, "orders": page.object_list, "state": state, "who": ALL if everybody else "",
        "states": [(ALL, _("All states")), *OrderState.choices], "scoped_user": scoped_user,
        "query": base.urlencode(),
        "requests": requests.select_related("customer", "order", "requested_by", "decided_by", "unblock")
        .order_by("-requested_at", "-id")[:20],
    }


# --------------------------------------------------------------------------- one order
@requires(Capability.CHECK_ORDERS)
def order_detail(request, pk: int):
    company = company_for(request)
    order = get_object_or_404(scoped(Order.objects.filter(company=company), request.user, company)
                              .select_related("customer__company", "checked_by", "decided_by"), pk=pk)
    cancellable = order.state in (OrderState.ACCEPTED, OrderState.ON_HOLD)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        if not cancellable:
            messages.error(request, gettext("This order is %(state)s: it cannot be cancelled.") % {
                "state": order.get_state_display().lower()})
        else:
            try:
                cancel_order(order, user=request.user, note=request.POST.get("note", "").strip())
            except OrderRefused as error:
                messages.error(request, refusal_text(error))
            else:
                messages.success(request, gettext("Order %(reference)s cancelled.") % {"reference": order.reference})
        return redirect("order", pk=order.pk)
    requests = list(UnblockRequest.objects.filter(order=order).select_related("requested_by", "decided_by", "unblock")
                    .order_by("-requested_at", "-id"))
    pending = any(r.state == RequestState.PENDING for r in requests)
    return render(request, "risk/order_detail.html", {
        "nav": "orders", "order": order, "customer": order.customer,
        "reasons": reason_texts(order.reasons, order.currency),
        "exposure_after": order.exposure_before + order.amount,
        "requests": requests,
        "can_cancel": cancellable,
        "can_ask": order.state == OrderState.ON_HOLD and not pending,
        "can_decide": order.state == OrderState.ON_HOLD and user_can(request.user, Capability.MANAGE_CREDIT),
        "request_form": UnblockRequestForm(),
    })


# --------------------------------------------------------------------------- asking for an unblock
class UnblockRequestForm(forms.Form):
    reason = forms.CharField(label=_("Why should the customer be unblocked?"),
                             widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


@requires(Capability.CHECK_ORDERS)
def unblock_request_new(request, pk: int):
    company = company_for(request)
    customer = get_object_or_404(visible_customers(request.user, company).select_related("company"), pk=pk)
    order_ref = request.POST.get("order") or request.GET.get("order") or ""
    order = get_object_or_404(Order, pk=int(order_ref), customer=customer) if order_ref.isdigit() else None
    if request.method == "POST":
        form = UnblockRequestForm(request.POST)
        if form.is_valid():
            try:
                request_unblock(customer, reason=form.cleaned_data["reason"], user=request.user, order=order)
            except OrderRefused as error:
                form.add_error(None, refusal_text(error))
            else:
                messages.success(request, gettext("Your request is with the credit managers."))
                return redirect("order", pk=order.pk) if order else redirect(reverse("orders"))
    else:
        form = UnblockRequestForm()
    today = timezone.localdate()
    return render(request, "risk/unblock_request_new.html", {
        "nav": "orders", "customer": customer, "order": order, "form": form,
        "facts": credit_facts(customer, today),
        "pending": UnblockRequest.objects.filter(customer=customer, state=RequestState.PENDING)
        .select_related("requested_by", "order").order_by("requested_at", "id"),
    })


urlpatterns = [
    path("orders/", orders, name="orders"),
    path("orders/<int:pk>/", order_detail, name="order"),
    path("customers/<int:pk>/unblock-request/", unblock_request_new, name="unblock_request_new"),
]
