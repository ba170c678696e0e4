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


class MessageTemplate(models.Model):
    """The text of a reminder, in one language: a step names its template by ``code``.

    ``subject`` and ``body`` are plain text with merge fields (``{{ customer.name }}``, ``{{ invoice_table }}``,
    …, listed in docs/dunning.md); the e-mail's HTML part and the PDF letter are laid out from the same text.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="message_templates",
                                verbose_name=_("company"))
    code = models.SlugField(_("code"), max_length=60)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    name = models.CharField(_("name"), max_length=100)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("updated by"))

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [models.UniqueConstraint(fields=["company", "code", "language"],
                                               name="message_template_once_per_language")]
        ordering = ["code", "language"]

    def __str__(self) -> str:
        return f"{self.code} ({self.language})"


class MessageState(models.TextChoices):
    SENT = "sent", _("Sent")  # e-mail accepted by the SMTP server; letter produced for printing
    FAILED = "failed", _("Failed")


class Message(models.Model):
    """What was sent to a customer, kept as evidence: the text as sent and, for a letter, its PDF."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="messages",
                                 verbose_name=_("customer"))
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages",
                               verbose_name=_("action"))
    channel = models.CharField(_("channel"), max_length=10, choices=CHANNEL_CHOICES)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    template_code = models.CharField(_("template"), max_length=60, blank=True)
    recipients = models.TextField(_("recipients"), blank=True, help_text=_("E-mail addresses, one per line."))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True)
    total = AmountField(_("total due"))
    interest = AmountField(_("late interest"), default=0)
    indemnity = AmountField(_("recovery indemnity"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    state = models.CharField(_("state"), max_length=8, choices=MessageState.choices)
    error = models.TextField(_("error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("sent by"))

    class Meta:
        verbose_name = _("message sent")
        verbose_name_plural = _("messages sent")
        indexes = [models.Index(fields=["customer", "-sent_at"])]

    def __str__(self) -> str:
        return f"{self.customer}: {self.subject} ({self.sent_at:%Y-%m-%d})"


class CallOutcome(models.TextChoices):
    PROMISE = "promise", _("Promise to pay")
    DISPUTE = "dispute", _("Dispute")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_CONTACT = "wrong_contact", _("Wrong contact")
    CALL_BACK = "call_back", _("Call back later")
    ALREADY_PAID = "already_paid", _("Says already paid")


class Call(models.Model):
    """A phone call to a customer, written down: who was reached, what came of it, when to act next."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="calls",
                                 verbose_name=_("customer"))
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls",
                               verbose_name=_("action"))
    called_at = models.DateTimeField(_("called at"))
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("called by"))
    contact = models.CharField(_("person reached"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    outcome = models.CharField(_("outcome"), max_length=14, choices=CallOutcome.choices)
    notes = models.TextField(_("notes"), blank=True)
    next_action_on = models.DateField(_("next action on"), null=True, blank=True)
    promise = models.OneToOneField(Promise, null=True, blank=True, on_delete=models.SET_NULL, related_name="call",
                                   verbose_name=_("promise to pay"))
    dispute = models.ForeignKey(Dispute, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls",
                                verbose_name=_("dispute"))

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [models.Index(fields=["company", "next_action_on"]), models.Index(fields=["customer", "-called_at"])]

    def __str__(self) -> str:
        return f"{self.customer}: {self.get_outcome_display()} ({self.called_at:%Y-%m-%d})"


class RateSeriesCode(models.TextChoices):
    ECB = "ecb", _("ECB main refinancing rate")
    LEGAL_PRIVATE = "legal_private", _("Legal interest rate, creditor a private individual")
    LEGAL_OTHER = "legal_other", _("Legal interest rate, other creditors")


class InterestRate(models.Model):
    """One rate of the tables the late interest reads, added by an administrator on top of the shipped ones
    (``encours.core.interest_rates``); an added rate replaces a shipped one of the same series and date.

    ECB: the rate in force from ``starts_on`` (a decision; the same rate again confirms it up to that date).
    Legal rates: the rate of the half-year beginning on ``starts_on`` (1 January or 1 July).
    """

    series = models.CharField(_("series"), max_length=14, choices=RateSeriesCode.choices)
    starts_on = models.DateField(_("from"))
    percent = models.DecimalField(_("rate (%)"), max_digits=6, decimal_places=3)
    source = models.CharField(_("source"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("interest rate")
        verbose_name_plural = _("interest rates")
        constraints = [
            models.UniqueConstraint(fields=["series", "starts_on"], name="interest_rate_once_per_date"),
            models.CheckConstraint(condition=Q(percent__gt=-100) & Q(percent__lt=100), name="interest_rate_percent"),
        ]
        ordering = ["series", "starts_on"]

    def __str__(self) -> str:
        return f"{self.get_series_display()} {self.starts_on}: {self.percent} %"
