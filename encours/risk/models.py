"""Credit risk: customers' financial statements, credit-limit decisions, orders and their credit check,
unblocks and unblock requests. The rules are in ``encours.core`` (solvency, scoring, credit_limit,
order_check); this app keeps the facts and the decisions, with who made them and when."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from encours.customers.models import Company, Customer
from encours.ledger.fields import AmountField
from encours.ledger.models import Document


class FinancialStatement(models.Model):
    """One fiscal year of a customer's accounts, as aggregates (see ``core.solvency.Statements``)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="statements",
                                 verbose_name=_("customer"))
    year_end = models.DateField(_("fiscal year end"))
    months = models.PositiveSmallIntegerField(_("months"), default=12)
    equity = AmountField(_("equity"))
    provisions = AmountField(_("depreciation and provisions"), default=0)
    long_term_debt = AmountField(_("long-term debt"))
    fixed_assets = AmountField(_("net fixed assets"))
    inventories = AmountField(_("inventories"))
    trade_receivables = AmountField(_("trade receivables"))
    other_operating_receivables = AmountField(_("other operating receivables"), default=0)
    cash = AmountField(_("cash"))
    short_term_bank_debt = AmountField(_("short-term bank debt"), default=0)
    trade_payables = AmountField(_("trade payables"))
    tax_social_payables = AmountField(_("tax and social payables"), default=0)
    total_assets = AmountField(_("total assets"))
    revenue = AmountField(_("revenue"))
    purchases = AmountField(_("purchases"), null=True, blank=True)
    ebitda = AmountField(_("EBITDA"))
    operating_result = AmountField(_("operating result"))
    net_result = AmountField(_("net result"))
    source = models.CharField(_("source"), max_length=60, blank=True, help_text=_("Where the figures come from."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("financial statements")
        verbose_name_plural = _("financial statements")
        constraints = [models.UniqueConstraint(fields=["customer", "year_end"], name="statement_once_per_year")]
        ordering = ["customer", "year_end"]

    def __str__(self) -> str:
        return f"{self.customer} {self.year_end}"


class LimitDecision(models.Model):
    """A credit limit set for a customer: what Encours recommended, what was decided, by whom and why."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="limit_decisions",
                                 verbose_name=_("customer"))
    recommended = AmountField(_("recommended limit"), null=True, blank=True)
    decided = AmountField(_("limit decided"))
    reason = models.TextField(_("reason"), blank=True)
    review_on = models.DateField(_("review on"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=2, blank=True)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("credit limit decision")
        verbose_name_plural = _("credit limit decisions")
        indexes = [models.Index(fields=["customer", "-decided_at"])]

    def __str__(self) -> str:
        return f"{self.customer}: {self.decided} ({self.decided_at:%Y-%m-%d})"


class OrderState(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")  # pending exposure until invoiced or cancelled
    ON_HOLD = "on_hold", _("On hold")  # blocked by the credit check, waiting for a credit manager
    INVOICED = "invoiced", _("Invoiced")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")


class Order(models.Model):
    """A customer order checked against its credit: accepted (pending exposure) or on hold."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders",
                                 verbose_name=_("customer"))
    reference = models.CharField(_("reference"), max_length=60)
    amount = AmountField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    state = models.CharField(_("state"), max_length=10, choices=OrderState.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    exposure_before = AmountField(_("exposure before the order"))
    limit = AmountField(_("limit"))
    overridden = models.BooleanField(_("accepted thanks to an unblock"), default=False)
    checked_at = models.DateTimeField(_("checked at"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("checked by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decision_note = models.TextField(_("decision note"), blank=True)
    invoice = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("invoice"))

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(fields=["company", "reference"], name="order_reference_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="order_amount_positive"),
        ]
        indexes = [models.Index(fields=["customer", "state"]), models.Index(fields=["company", "state"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.customer}: {self.amount} {self.currency} ({self.state})"


class Unblock(models.Model):
    """A credit manager lets a blocked customer's orders through until ``valid_until`` (included)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="unblocks",
                                 verbose_name=_("customer"))
    valid_until = models.DateField(_("valid until"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("granted by"))
    granted_at = models.DateTimeField(_("granted at"))

    class Meta:
        verbose_name = _("unblock")
        verbose_name_plural = _("unblocks")
        indexes = [models.Index(fields=["customer", "-valid_until"])]

    def __str__(self) -> str:
        return f"{self.customer} until {self.valid_until}"


class RequestState(models.TextChoices):
    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class UnblockRequest(models.Model):
    """A sales person asks for a blocked customer to be unblocked; a credit manager grants or refuses it."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="unblock_requests",
                                 verbose_name=_("customer"))
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("order"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"))
    state = models.CharField(_("state"), max_length=8, choices=RequestState.choices, default=RequestState.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    unblock = models.OneToOneField(Unblock, null=True, blank=True, on_delete=models.SET_NULL, related_name="request",
                                   verbose_name=_("unblock"))

    class Meta:
        verbose_name = _("unblock request")
        verbose_name_plural = _("unblock requests")
        indexes = [models.Index(fields=["state", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.customer}: {self.state}"


class CaseKind(models.TextChoices):
    LIMIT_EXCEEDED = "limit_exceeded", _("Limit exceeded")
    OVERDUE = "overdue", _("Overdue beyond the tolerance")
    SCORE_DROP = "score_drop", _("Score drop")
    UNBLOCK_REQUEST = "unblock_request", _("Unblock request")
    INSOLVENCY = "insolvency", _("Insolvency proceedings")


class CaseState(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED = "decided", _("Decided")


class CaseDecision(models.TextChoices):
    KEEP_LIMIT = "keep_limit", _("Keep the limit")
    CHANGE_LIMIT = "change_limit", _("Change the limit")
    BLOCK = "block", _("Block the account")
    UNBLOCK = "unblock", _("Unblock until a date")
    HAND_OVER = "hand_over", _("Hand over to litigation and collection")
    NO_ACTION = "no_action", _("No action")


class CommitteeCase(models.Model):
    """A customer's situation put to the credit committee (``risk/committee.py``): the facts when it was opened,
    then the decision, who took it, when and why, and the figures at that moment.

    At most one open case per customer and kind; a decided case stays as the record of the decision."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="committee_cases",
                                 verbose_name=_("customer"))
    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices)
    opened_on = models.DateField(_("opened on"))
    opened_at = models.DateTimeField(_("opened at"))
    facts = models.JSONField(_("facts at opening"), default=dict, blank=True)
    unblock_request = models.ForeignKey(UnblockRequest, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="committee_cases", verbose_name=_("unblock request"))
    cleared_on = models.DateField(_("situation cleared on"), null=True, blank=True,
                                  help_text=_("The first review that no longer found the situation."))
    state = models.CharField(_("state"), max_length=8, choices=CaseState.choices, default=CaseState.OPEN)
    decision = models.CharField(_("decision"), max_length=12, choices=CaseDecision.choices, blank=True)
    new_limit = AmountField(_("new limit"), null=True, blank=True)
    until = models.DateField(_("unblocked until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_facts = models.JSONField(_("figures at the decision"), default=dict, blank=True)
    limit_decision = models.ForeignKey(LimitDecision, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name=_("limit decision"))
    unblock = models.ForeignKey(Unblock, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("unblock"))

    class Meta:
        verbose_name = _("committee case")
        verbose_name_plural = _("committee cases")
        constraints = [
            models.UniqueConstraint(fields=["customer", "kind"], condition=Q(state="open"),
                                    name="committee_one_open_case_per_kind"),
            models.CheckConstraint(condition=Q(state="open", decision="") | Q(state="decided") & ~Q(decision=""),
                                   name="committee_decided_with_a_decision"),
        ]
        indexes = [models.Index(fields=["company", "state", "opened_at"]),
                   models.Index(fields=["customer", "kind", "-decided_at"])]

    def __str__(self) -> str:
        return f"{self.customer} {self.kind} ({self.state})"
