"""The creditor (company), its customers and their contacts."""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from encours.core.records import CustomerKind
from encours.core.terms import InvalidTerms, PaymentTerms
from encours.customers.validators import (
    compact,
    validate_iban,
    validate_siren,
    validate_siret,
    validate_vat_number,
)


def validate_terms(code: str) -> None:
    if not code:
        return
    try:
        PaymentTerms.parse(code)
    except InvalidTerms as error:
        raise ValidationError(str(error)) from None


class Company(models.Model):
    """The creditor: the company whose receivables Encours watches."""

    name = models.CharField(max_length=200)
    siren = models.CharField("SIREN", max_length=9, blank=True, validators=[validate_siren])
    address = models.TextField(blank=True)
    iban = models.CharField("IBAN", max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField("BIC", max_length=11, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    default_terms = models.CharField(
        max_length=20, default="net:30", validators=[validate_terms],
        help_text="Terms for customers without their own (net:30 is the French legal default).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.siren = compact("siren", self.siren)
        self.iban = compact("iban", self.iban)
        super().save(*args, **kwargs)


class PayerProfile(models.TextChoices):
    UNKNOWN = "unknown", "Unknown"
    GOOD = "good", "Good payer"
    SLOW = "slow", "Slow payer"
    LITIGIOUS = "litigious", "Litigious"
    INSOLVENT = "insolvent", "Insolvent"


class CustomerStatus(models.TextChoices):
    OPEN = "open", "Open"
    WATCH = "watch", "Under watch"
    BLOCKED = "blocked", "Blocked"
    LITIGATION = "litigation", "In litigation"
    INSOLVENCY = "insolvency", "In insolvency proceedings"


class Customer(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="customers")
    code = models.CharField(max_length=40, help_text="Account code (CompAuxNum in a FEC).")
    name = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=10, choices=[(k.value, k.value.title()) for k in CustomerKind], default=CustomerKind.BUSINESS
    )
    siren = models.CharField("SIREN", max_length=9, blank=True, validators=[validate_siren])
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[validate_siret])
    vat_number = models.CharField("VAT number", max_length=20, blank=True, validators=[validate_vat_number])
    country = models.CharField(max_length=2, default="FR")
    segment = models.CharField(max_length=60, blank=True)
    payer_profile = models.CharField(max_length=12, choices=PayerProfile.choices, default=PayerProfile.UNKNOWN)
    payment_terms = models.CharField(
        max_length=20, blank=True, validators=[validate_terms], help_text="Empty: the company's default terms."
    )
    payment_method = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=12, choices=CustomerStatus.choices, default=CustomerStatus.OPEN)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_customers"
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="collected_customers"
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
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
    BILLING = "billing", "Billing"
    ACCOUNTS_PAYABLE = "accounts_payable", "Accounts payable"
    DECISION_MAKER = "decision_maker", "Decision maker"
    OTHER = "other", "Other"


class Contact(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(max_length=20, choices=ContactRole.choices, default=ContactRole.BILLING)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)

    def __str__(self) -> str:
        return f"{self.name or self.email} ({self.get_role_display()})"
