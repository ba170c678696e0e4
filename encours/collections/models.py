"""Amicable collections: dunning scenarios and their steps, daily runs, the actions they create, promises to
pay and disputes. The step selection rules are ``encours.core.dunning``; ``services.py`` applies them."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from encours.core.dunning import Channel
from encours.customers.models import Company, Customer, PayerProfile
from encours.ledger.fields import AmountField
from encours.ledger.models import Document

CHANNEL_CHOICES = [
    (Channel.EMAIL.value, _("E-mail")),
    (Channel.LETTER.value, _("Letter")),
    (Channel.PHONE.value, _("Phone call")),
    (Channel.SMS.value, _("Text message")),
]
KIND_CHOICES = [("business", _("Business")), ("public", _("Public body")), ("consumer", _("Consumer"))]


class Scenario(models.Model):
    """An ordered list of steps, given to the customers matching its criteria (empty: any).

    A customer gets the active scenario whose criteria match it most precisely (``core.dunning.choose_scenario``).
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="scenarios",
                                verbose_name=_("company"))
    name = models.CharField(_("name"), max_length=100)
    customer_kind = models.CharField(_("customer kind"), max_length=10, choices=KIND_CHOICES, blank=True)
    segment = models.CharField(_("segment"), max_length=60, blank=True)
    payer_profile = models.CharField(_("payer profile"), max_length=12, choices=PayerProfile.choices, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("dunning scenario")
        verbose_name_plural = _("dunning scenarios")
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="scenario_name_unique")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="steps",
                                 verbose_name=_("scenario"))
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    offset_days = models.SmallIntegerField(
        _("days from the due date"), help_text=_("Negative: a preventive reminder before the due date."))
    channel = models.CharField(_("channel"), max_length=10, choices=CHANNEL_CHOICES)
    template = models.CharField(_("template"), max_length=60, blank=True)
    claims_interest = models.BooleanField(_("claims interest and the recovery indemnity"), default=False)
    requires_approval = models.BooleanField(_("requires approval"), default=False)
    min_amount = AmountField(_("minimum amount"), null=True, blank=True,
                             help_text=_("Only for invoices owing at least this much."))
    is_formal_notice = models.BooleanField(_("formal notice"), default=False)

    class Meta:
        verbose_name = _("dunning step")
        verbose_name_plural = _("dunning steps")
        constraints = [models.UniqueConstraint(fields=["scenario", "position"], name="step_position_unique")]
        ordering = ["scenario", "position"]

    def __str__(self) -> str:
        return f"{self.scenario}: {self.name} ({self.offset_days:+d} d)"


class Run(models.Model):
    """One daily run of a company's dunning; the actions it created point to it."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    started_at = models.DateTimeField(_("started at"))
    actions_created = models.PositiveIntegerField(_("actions created"), default=0)
    items = models.PositiveIntegerField(_("items"), default=0)
    customers = models.PositiveIntegerField(_("customers"), default=0)
    paused = models.PositiveIntegerField(_("paused items"), default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("dunning run")
        verbose_name_plural = _("dunning runs")
        indexes = [models.Index(fields=["company", "date"])]

    def __str__(self) -> str:
        return f"{self.date}: {self.actions_created} actions"


class ActionState(models.TextChoices):
    TO_APPROVE = "to_approve", _("To approve")
    TO_DO = "to_do", _("To do")  # to send (e-mail, letter) or to make (call, text)
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Action(models.Model):
    """One step for one customer: a letter or e-mail listing the invoices concerned, or a call to make."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="dunning_actions",
                                 verbose_name=_("customer"))
    run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="actions", verbose_name=_("step"))
    channel = models.CharField(_("channel"), max_length=10, choices=CHANNEL_CHOICES)
    state = models.CharField(_("state"), max_length=12, choices=ActionState.choices, default=ActionState.TO_DO)
    planned_on = models.DateField(_("planned on"))
    total = AmountField(_("total due"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("done by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dunning action")
        verbose_name_plural = _("dunning actions")
        indexes = [models.Index(fields=["company", "state", "planned_on"])]

    def __str__(self) -> str:
        return f"{self.customer} — {self.step.name} ({self.planned_on})"

    @property
    def is_pending(self) -> bool:
        return self.state in (ActionState.TO_APPROVE, ActionState.TO_DO)


class ActionItem(models.Model):
    """An invoice listed in an action, with what it owed then. Each step reaches an invoice once (cancelled
    actions aside): the constraint that makes a re-run create nothing twice."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="dunning_items")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()  # the step's position, to find an invoice's last step
    open_amount = AmountField()
    cancelled = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "step"], condition=Q(cancelled=False),
                                    name="dunning_step_once_per_document"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} in {self.action_id}"


class PromiseState(models.TextChoices):
    PENDING = "pending", _("Pending")
    KEPT = "kept", _("Kept")
    BROKEN = "broken", _("Broken")
    CANCELLED = "cancelled", _("Cancelled")


class Promise(models.Model):
    """A promise to pay ``amount`` by ``promised_on``: its invoices are paused while it is pending; the daily
    run marks it kept once the customer's payments since it was made reach the amount, broken when the date
    has passed without them."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="promises",
                                 verbose_name=_("customer"))
    documents = models.ManyToManyField(Document, related_name="promises", verbose_name=_("invoices"))
    amount = AmountField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    made_on = models.DateField(_("made on"))
    promised_on = models.DateField(_("promised payment date"))
    channel = models.CharField(_("channel"), max_length=10, choices=CHANNEL_CHOICES)
    state = models.CharField(_("state"), max_length=10, choices=PromiseState.choices, default=PromiseState.PENDING)
    settled_on = models.DateField(_("kept or broken on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        indexes = [models.Index(fields=["company", "state", "promised_on"])]

    def __str__(self) -> str:
        return f"{self.customer}: {self.amount} {self.currency} by {self.promised_on}"


class DisputeReason(models.TextChoices):
    PRICE = "price", _("Price")
    QUANTITY = "quantity", _("Quantity")
    QUALITY = "quality", _("Quality")
    DELIVERY = "delivery", _("Delivery")
    BILLING_ERROR = "billing_error", _("Billing error")
    OTHER = "other", _("Other")


class DisputeOwner(models.TextChoices):
    SALES = "sales", _("Sales")
    DELIVERY = "delivery", _("Delivery")
    BILLING = "billing", _("Billing")
    COLLECTIONS = "collections", _("Collections")


class DisputeResolution(models.TextChoices):
    CREDIT_NOTE = "credit_note", _("Credit note")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")


class Dispute(models.Model):
    """A disagreement over invoices; they get no reminder while it is open."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="disputes",
                                 verbose_name=_("customer"))
    documents = models.ManyToManyField(Document, related_name="disputes", verbose_name=_("invoices"))
    reason = models.CharField(_("reason"), max_length=16, choices=DisputeReason.choices)
    seller_at_fault = models.BooleanField(_("seller at fault"), null=True, blank=True)
    owner = models.CharField(_("owner"), max_length=12, choices=DisputeOwner.choices)
    opened_on = models.DateField(_("opened on"))
    resolution = models.CharField(_("resolution"), max_length=12, choices=DisputeResolution.choices, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.CheckConstraint(condition=Q(resolution="") | Q(resolved_on__isnull=False),
                                   name="dispute_resolved_with_a_date"),
        ]

    def __str__(self) -> str:
        return f"{self.customer}: {self.get_reason_display()}"

    @property
    def is_open(self) -> bool:
        return not self.resolution
