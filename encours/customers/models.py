"""The creditor (company), its customers and their contacts."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from encours.core.records import CustomerKind
from encours.core.terms import InvalidTerms, PaymentTerms
from encours.customers.validators import (
    compact,
    validate_iban,
    validate_siren,
    validate_siret,
    validate_vat_number,
)
from encours.ledger.fields import AmountField


def validate_terms(code: str) -> None:
    if not code:
        return
    try:
        PaymentTerms.parse(code)
    except InvalidTerms as error:
        raise ValidationError(str(error)) from None


class Company(models.Model):
    """The creditor: the company whose receivables Encours watches."""

    name = models.CharField(_("name"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[validate_siren])
    address = models.TextField(_("address"), blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    default_terms = models.CharField(
        _("default payment terms"), max_length=20, default="net:30", validators=[validate_terms],
        help_text="Terms for customers without their own (net:30 is the French legal default).",
    )
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("Sender of the reminders sent by e-mail."))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    late_interest_frozen = models.BooleanField(
        _("late interest at the rate of the half-year the delay began"), default=False,
        help_text=_("Business customers: keep the rate of the half-year in which the delay began for the whole "
                    "delay, instead of the rate of each half-year (the default)."),
    )
    contractual_interest_percent = models.DecimalField(
        _("contractual late interest rate (%)"), max_digits=6, decimal_places=3, null=True, blank=True,
        help_text=_("The rate of the general terms of sale, for business customers; never below three times "
                    "the legal interest rate. Empty: ECB rate + 10 points."),
    )
    default_credit_limit = AmountField(
        _("default credit limit"), default=Decimal("0"),
        help_text=_("The limit of customers without their own; 0: cash on order until their limit is set."))
    overdue_tolerance_amount = AmountField(
        _("overdue tolerance (amount)"), default=Decimal("1000.00"),
        help_text=_("Orders are blocked when more than this amount is overdue beyond the tolerance in days."))
    overdue_tolerance_days = models.PositiveSmallIntegerField(_("overdue tolerance (days)"), default=30)
    annual_sales_excl_tax = AmountField(
        _("own annual sales excluding tax"), null=True, blank=True,
        help_text=_("Budgeted sales of the year: no customer's recommended limit exceeds 5 per cent of it. "
                    "Empty: no concentration cap."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.siren = compact("siren", self.siren)
        self.iban = compact("iban", self.iban)
        super().save(*args, **kwargs)


class PayerProfile(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    GOOD = "good", _("Good payer")
    SLOW = "slow", _("Slow payer")
    LITIGIOUS = "litigious", _("Litigious")
    INSOLVENT = "insolvent", _("Insolvent")


class CustomerStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WATCH = "watch", _("Under watch")
    BLOCKED = "blocked", _("Blocked")
    LITIGATION = "litigation", _("In litigation")
    INSOLVENCY = "insolvency", _("In insolvency proceedings")


CUSTOMER_KIND_LABELS = {
    CustomerKind.BUSINESS: _("Business"),
    CustomerKind.PUBLIC: _("Public"),
    CustomerKind.CONSUMER: _("Consumer"),
}


class Customer(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="customers",
                                verbose_name=_("company"))
    code = models.CharField(_("code"), max_length=40, help_text="Account code (CompAuxNum in a FEC).")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=10, choices=[(k.value, CUSTOMER_KIND_LABELS[k]) for k in CustomerKind],
        default=CustomerKind.BUSINESS,
    )
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[validate_siren])
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True, validators=[validate_vat_number])
    country = models.CharField(_("country"), max_length=2, default="FR")
    segment = models.CharField(_("segment"), max_length=60, blank=True)
    payer_profile = models.CharField(
        _("payer profile"), max_length=12, choices=PayerProfile.choices, default=PayerProfile.UNKNOWN
    )
    payment_terms = models.CharField(
        _("payment terms"), max_length=20, blank=True, validators=[validate_terms],
        help_text="Empty: the company's default terms.",
    )
    payment_method = models.CharField(_("payment method"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CustomerStatus.choices, default=CustomerStatus.OPEN
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_customers",
        verbose_name=_("account manager"),
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="collected_customers",
        verbose_name=_("collector"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.TextField(_("address"), blank=True)
    credit_limit = AmountField(_("credit limit"), null=True, blank=True,
                               help_text=_("The internal limit; empty: the company's default limit."))
    credit_limit_review_on = models.DateField(_("limit to review on"), null=True, blank=True)
    insurer = models.CharField(_("credit insurer"), max_length=100, blank=True)
    insurer_reference = models.CharField(_("insurer's reference"), max_length=60, blank=True)
    insured_limit = AmountField(_("insured limit"), null=True, blank=True,
                                help_text=_("The limit the credit insurer guarantees; empty: not insured."))
    unblocked_until = models.DateField(_("unblocked until"), null=True, blank=True, editable=False,
                                       help_text=_("Set by an unblock granted by a credit manager."))
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="fr",
                                help_text=_("The language of the reminders."))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="customer_code_unique_per_company")]
        indexes = [models.Index(fields=["company", "name"]), models.Index(fields=["company", "siren"])]
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def terms(self) -> PaymentTerms:
        return PaymentTerms.parse(self.payment_terms or self.company.default_terms)

    def compact_identifiers(self) -> None:
        self.siren = compact("siren", self.siren)
        self.siret = compact("siret", self.siret)
        self.vat_number = compact("vat", self.vat_number)

    def save(self, *args, **kwargs):
        self.compact_identifiers()
        super().save(*args, **kwargs)


class ContactRole(models.TextChoices):
    BILLING = "billing", _("Billing")
    ACCOUNTS_PAYABLE = "accounts_payable", _("Accounts payable")
    DECISION_MAKER = "decision_maker", _("Decision maker")
    OTHER = "other", _("Other")


class Contact(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts",
                                 verbose_name=_("customer"))
    role = models.CharField(_("role"), max_length=20, choices=ContactRole.choices, default=ContactRole.BILLING)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.name or self.email} ({self.get_role_display()})"
