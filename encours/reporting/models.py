"""Positions snapshot: the per-customer aged balance at an (as-of date, buckets), stored once per ledger revision.

The SQL aged balance reads every open item (half a second on a million); pages read these small indexed
tables instead. ``LedgerRevision`` is bumped in the transaction that changes a company's documents or
allocations, so a snapshot of an older revision is never served. See ``reporting/positions.py``.
"""
from __future__ import annotations

from django.db import models

from encours.customers.models import Company, Customer


class LedgerRevision(models.Model):
    """A counter bumped whenever a company's documents or allocations change."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, primary_key=True, related_name="+")
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.company_id}: revision {self.value}"


class Snapshot(models.Model):
    """The aged balance of ``company`` at ``as_of`` with the buckets ``buckets_key``, as of ``revision``.

    Amounts are cents in the company's currency; ``totals`` has one entry per bucket, in order.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField()
    buckets_key = models.CharField(max_length=100, help_text='Ageing limits in days, e.g. "30,60,90".')
    revision = models.BigIntegerField()
    built_at = models.DateTimeField()
    totals = models.JSONField()
    total = models.BigIntegerField()
    overdue = models.BigIntegerField()
    customers = models.IntegerField(help_text="Customers with a position.")
    kpis = models.JSONField(help_text="Kpis.as_dict() for the whole company.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "as_of", "buckets_key", "revision"], name="snapshot_once"),
        ]

    def __str__(self) -> str:
        return f"{self.as_of} [{self.buckets_key}] revision {self.revision}"


class Position(models.Model):
    """One customer's aged balance in a snapshot (customers with nothing open have none)."""

    # the unique (snapshot, customer) index serves the lookups by snapshot: no separate index
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="positions", db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="positions")
    total = models.BigIntegerField()
    overdue = models.BigIntegerField()
    buckets = models.JSONField()
    oldest_due = models.DateField(null=True, help_text="Earliest due date of an invoice open and late at as_of.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "customer"], name="position_once_per_customer"),
        ]
        indexes = [
            # the top of a snapshot by overdue amount, or by balance, read from the index in order
            models.Index(fields=["snapshot", "-overdue", "customer"], name="position_overdue"),
            models.Index(fields=["snapshot", "-total", "customer"], name="position_total"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} in {self.snapshot_id}"


class SubsetFigures(models.Model):
    """A snapshot's totals and KPIs over one set of customers (a sales person's), kept with the snapshot.

    ``digest`` is the SHA-256 of the set's sorted customer ids, so a customer given to another account
    manager makes a new set, not a stale one.
    """

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="subsets", db_index=False)
    digest = models.CharField(max_length=64)
    totals = models.JSONField()
    total = models.BigIntegerField()
    overdue = models.BigIntegerField()
    customers = models.IntegerField(help_text="Customers of the set with a position.")
    kpis = models.JSONField(help_text="Kpis.as_dict() over the set's customers.")

    class Meta:
        verbose_name_plural = "subset figures"
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "digest"], name="subset_figures_once"),
        ]

    def __str__(self) -> str:
        return f"{self.digest[:12]} in {self.snapshot_id}"
