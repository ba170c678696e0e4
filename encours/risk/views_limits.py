"""The credit review page of a customer: the credit panel, the score with its explanation, the payment history,
the recommended limit with every cap, the credit manager's decision (accept the recommendation, or set another
limit with a reason), and the decisions taken before.

The assessment and the decision are ``risk/assessment.py``; the panel is ``risk/panel.py``. Everybody who may
see the customer may read the page; deciding needs the right to manage credit.
"""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from encours.accounts.access import user_can, visible_customers
from encours.accounts.roles import Capability
from encours.core.credit_limit import CapName
from encours.core.scoring import Factor
from encours.core.solvency import InvalidStatements
from encours.risk.assessment import Assessment, LimitRefused, assess, decide_limit
from encours.risk.models import LimitDecision
from encours.risk.panel import credit_panel
from encours.web.decorators import requires
from encours.web.formatting import money, short_date
from encours.web.scope import company_for

FACTORS = {
    Factor.STATEMENTS: _("Financial statements"),
    Factor.EQUITY_RATIO: _("Equity ratio"),
    Factor.OPERATING_MARGIN: _("Operating margin"),
    Factor.CURRENT_RATIO: _("Current ratio"),
    Factor.DEBT_TO_EBITDA: _("Financial debt / EBITDA"),
    Factor.FLAGS: _("Signs of deterioration"),
    Factor.AVERAGE_DAYS_LATE: _("Average days late"),
    Factor.SHARE_PAID_LATE: _("Share of invoices paid late"),
    Factor.BROKEN_PROMISES: _("Promises broken in 12 months"),
    Factor.OPEN_DISPUTES: _("Open disputes"),
    Factor.SENIORITY: _("Seniority"),
    Factor.OVERDUE: _("Overdue now"),
    Factor.BOUNDS: _("Kept within 0–100"),
    Factor.BASE: _("Base"),
}
CAPS = {
    CapName.NEED: _("Need: sales over the term + 1 month"),
    CapName.CUSTOMER_EQUITY: _("Customer's equity"),
    CapName.CUSTOMER_FRNG: _("Customer's working capital (FRNG)"),
    CapName.INSURER: _("Credit insurer"),
    CapName.CONCENTRATION: _("Concentration"),
    CapName.DEFAULT: _("Company default limit"),
}

# The refusals of assessment.decide_limit, in the catalog so that they are shown translated.
REFUSALS = (
    gettext_noop("the limit must be an amount, zero or more"),
    gettext_noop("the limit has more than two decimal places"),
    gettext_noop("say why the limit differs from the recommendation"),
)


def signed(points: int) -> str:
    return f"{points:+d}" if points else "0"


class LimitForm(forms.Form):
    """Another limit than the recommendation: the amount, when to review it, and why."""

    amount = forms.DecimalField(label=_("Credit limit"), max_digits=16, decimal_places=2, min_value=Decimal(0),
                                help_text=_("0: cash on order."))
    review_on = forms.DateField(label=_("Review on"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                help_text=_("Empty: the review date of the recommendation."))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_review_on(self):
        review_on = self.cleaned_data["review_on"]
        if review_on is not None and review_on < self.today:
            raise forms.ValidationError(gettext("The review date cannot be in the past."))
        return review_on

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(gettext("Say why you set another limit than the recommendation."))
        return reason


def _assessment(customer, today) -> tuple[Assessment | None, str]:
    """The assessment, or None and why when a stored year of statements is no longer valid."""
    try:
        return assess(customer, today), ""
    except InvalidStatements as error:
        return None, "; ".join(f"{name}: {message}" for name, message in error.problems)


@requires(Capability.VIEW)
def customer_credit(request, pk: int):
    company = company_for(request)
    customer = get_object_or_404(visible_customers(request.user, company).select_related("company"), pk=pk)
    can_decide = user_can(request.user, Capability.MANAGE_CREDIT)
    if request.method == "POST" and not can_decide:
        raise PermissionDenied("setting a credit limit needs the right to manage credit")
    today = timezone.localdate()
    assessment, invalid = _assessment(customer, today)
    form = LimitForm(today=today, initial={
        "amount": assessment.recommendation.limit if assessment else None,
        "review_on": assessment.recommendation.review_date if assessment else None,
    })
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "accept":
            return _accept(request, customer, assessment)
        if action == "override":
            form = LimitForm(request.POST, today=today)
            if form.is_valid():
                data = form.cleaned_data
                if _decide(request, customer, assessment, data["amount"], data["reason"], data["review_on"]):
                    return redirect("customer_credit", pk=customer.pk)
    return render(request, "risk/limit_review.html", {
        "nav": "customers",
        "customer": customer,
        "currency": company.currency,
        "today": today,
        "credit": credit_panel(customer, today),
        "a": assessment,
        "invalid": invalid,
        "contributions": [{"factor": c.factor, "label": FACTORS.get(c.factor, c.factor.value),
                           "points": signed(c.points), "why": c.why}
                          for c in (assessment.score.contributions if assessment else ())],
        "cap_rows": [{"name": c.name, "label": CAPS.get(c.name, c.name.value), "amount": c.amount, "why": c.why,
                  "binding": assessment.recommendation.binding_cap == c.name}
                 for c in (assessment.recommendation.caps if assessment else ())],
        "share_paid_late": (assessment.history.share_paid_late * 100
                            if assessment and assessment.history.share_paid_late is not None else None),
        "can_decide": can_decide,
        "form": form,
        "decisions": LimitDecision.objects.filter(customer=customer).select_related("decided_by")
        .order_by("-decided_at", "-id"),
    })


def _accept(request, customer, assessment):
    """Accept the recommendation the page showed; if it has changed since, say so and decide nothing."""
    if assessment is None:
        messages.error(request, gettext("There is no recommendation to accept: set the limit with a reason."))
        return redirect("customer_credit", pk=customer.pk)
    shown = request.POST.get("recommended", "")
    limit = assessment.recommendation.limit
    if shown != str(limit):
        messages.error(request, gettext("The recommendation has changed since the page was shown: it is now "
                                        "%(limit)s. Check it before deciding.")
                       % {"limit": money(limit, customer.company.currency)})
        return redirect("customer_credit", pk=customer.pk)
    _decide(request, customer, assessment, limit, "", None)
    return redirect("customer_credit", pk=customer.pk)


def _decide(request, customer, assessment, amount, reason, review_on) -> bool:
    try:
        decision = decide_limit(customer, decided=amount, reason=reason, user=request.user, assessment=assessment,
                                review_on=review_on)
    except LimitRefused as error:
        messages.error(request, capfirst(gettext(str(error))))
        return False
    limit = money(decision.decided, customer.company.currency)
    if decision.review_on:
        messages.success(request, gettext("Credit limit set to %(limit)s, to review by %(day)s.")
                         % {"limit": limit, "day": short_date(decision.review_on)})
    else:
        messages.success(request, gettext("Credit limit set to %(limit)s.") % {"limit": limit})
    return True


urlpatterns = [
    path("customers/<int:pk>/credit/", customer_credit, name="customer_credit"),
]
