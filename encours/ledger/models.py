"""Receivables: documents (invoices, credit notes, payments), allocations between them, import batches.

Invoices, credit notes and payments share one table, ``Document``, so that the aged balance is one scan
of one indexed table; ``Invoice``, ``CreditNote`` and ``Payment`` are proxies for the admin and the code.
Amounts are positive; the kind gives the direction (invoices debit the customer, the others credit it).

Invariants kept by the database itself (constraints and triggers, see migrations):
- an allocation links an invoice to a credit note or payment of the same customer, amount > 0;
- ``allocated`` (the sum of a document's allocations) never exceeds its amount on either side;
- an invoice number, and a credit-note number, is unique per company;
- ``source_key`` (identity in the imported file) is unique per company: re-importing creates nothing.
"""
from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from encours.core.records import DocumentKind
from encours.customers.models import Company, Customer
from encours.ledger.fields import AmountField

KIND_CHOICES = [
    (DocumentKind.INVOICE.value, _("Invoice")),
    (DocumentKind.CREDIT_NOTE.value, _("Credit note")),
    (DocumentKind.PAYMENT.value, _("Payment")),
]


class ImportKind(models.TextChoices):
    FEC = "fec", _("FEC")
    CSV = "csv", _("CSV")
    DEMO = "demo", _("Demo data")


class ImportBatch(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="imports", verbose_name=_("company"))
    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    customers_created = models.PositiveIntegerField(_("customers created"), default=0)
    documents_created = models.PositiveIntegerField(_("documents created"), default=0)
    allocations_created = models.PositiveIntegerField(_("allocations created"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "kind", "sha256"], name="import_file_once_per_company")
        ]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.created_at:%Y-%m-%d %H:%M})"


class Document(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="documents",
                                verbose_name=_("company"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="documents",
                                 verbose_name=_("customer"))
    kind = models.CharField(_("kind"), max_length=12, choices=KIND_CHOICES)
    number = models.CharField(_("number"), max_length=60)
    document_date = models.DateField(_("document date"))
    due_date = models.DateField(_("due date"), help_text="Computed from the terms; for a credit, its own date.")
    amount = AmountField(_("amount"), help_text="Including VAT, positive.")
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    amount_excl_tax = AmountField(_("amount excluding tax"), null=True, blank=True)
    label = models.CharField(_("label"), max_length=255, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=30, blank=True)
    allocated = AmountField(_("allocated"), default=0, editable=False,
                            help_text="Kept by the database from the allocations.")
    last_allocated_on = models.DateField(_("last allocated on"), null=True, blank=True, editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False,
                                 help_text="Date it was fully settled.")
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="documents",
                              verbose_name=_("import batch"))
    source_key = models.CharField(_("source key"), max_length=120)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="document_amount_positive"),
            models.CheckConstraint(
                condition=Q(allocated__gte=0) & Q(allocated__lte=models.F("amount")),
                name="document_allocated_within_amount",
            ),
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in DocumentKind]), name="document_kind_known"),
            models.UniqueConstraint(
                fields=["company", "number"], condition=Q(kind="invoice"), name="invoice_number_unique_per_company"
            ),
            models.UniqueConstraint(
                fields=["company", "number"], condition=Q(kind="credit_note"),
                name="credit_note_number_unique_per_company",
            ),
            models.UniqueConstraint(fields=["company", "source_key"], name="document_source_key_unique"),
        ]
        indexes = [
            # Covers the aged balance: the report reads this index alone, in customer order.
            models.Index(
                fields=["company", "currency", "customer", "due_date", "kind", "document_date", "closed_on",
                        "amount", "allocated"],
                name="document_ageing",
            ),
            models.Index(fields=["company", "kind", "document_date"], name="document_kind_date"),
            models.Index(fields=["company", "closed_on"], name="document_closed_on"),
        ]
        ordering = ["document_date", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def open_amount(self):
        return self.amount - self.allocated

    @property
    def is_debit(self) -> bool:
        return self.kind == DocumentKind.INVOICE


class _KindManager(models.Manager):
    def __init__(self, kind: DocumentKind):
        super().__init__()
        self.kind = kind

    def get_queryset(self):
        return super().get_queryset().filter(kind=self.kind.value)


class Invoice(Document):
    objects = _KindManager(DocumentKind.INVOICE)

    class Meta:
        proxy = True
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")


class CreditNote(Document):
    objects = _KindManager(DocumentKind.CREDIT_NOTE)

    class Meta:
        proxy = True
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")


class Payment(Document):
    objects = _KindManager(DocumentKind.PAYMENT)

    class Meta:
        proxy = True
        verbose_name = _("payment")
        verbose_name_plural = _("payments")


class Allocation(models.Model):
    """``amount`` of ``credit`` (a credit note or payment) settles ``debit`` (an invoice) from ``date`` on.

    Allocations are inserted or deleted, never edited (a database trigger refuses updates).
    """

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="allocations",
                                verbose_name=_("company"))
    debit = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="allocations_as_debit",
                              verbose_name=_("invoice"))
    credit = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="allocations_as_credit",
                               verbose_name=_("credit note or payment"))
    amount = AmountField(_("amount"))
    date = models.DateField(_("date"), help_text="From this date on the invoice is settled by this amount.")
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations",
                              verbose_name=_("import batch"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
            models.CheckConstraint(condition=~Q(debit=models.F("credit")), name="allocation_two_documents"),
        ]
        indexes = [
            models.Index(fields=["debit", "date"], name="allocation_debit_date"),
            models.Index(fields=["credit", "date"], name="allocation_credit_date"),
            models.Index(fields=["company", "date"], name="allocation_company_date"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.credit} → {self.debit}"
