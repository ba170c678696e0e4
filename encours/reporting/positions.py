"""Positions snapshot: the aged balance per customer, computed once per ledger revision and stored.

A page asks for ``current_snapshot(company, as_of, buckets)``: two indexed look-ups when the snapshot of the
current revision exists; otherwise it is built from ``aged_balance`` and ``compute_kpis`` and stored. Every
write to a company's documents or allocations bumps its ``LedgerRevision`` in the same transaction
(``ledger.services`` for the bulk writes, ``reporting.signals`` for the ORM), so the next page builds anew.

The revision is read *before* the ledger: a snapshot may hold data newer than its revision (rebuilt once
more for nothing), never older.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from encours.core.ageing import DEFAULT_BUCKETS, Bucket, buckets_from_limits
from encours.core.records import DocumentKind
from encours.customers.models import Company
from encours.ledger.bulk import insert_rows, stored_date
from encours.ledger.models import Document
from encours.reporting.ageing import AgedBalanceReport, CustomerAgeing, aged_balance
from encours.reporting.kpis import compute_kpis
from encours.reporting.models import LedgerRevision, Position, Snapshot, SubsetFigures

KEEP_PER_COMPANY = 50  # snapshots kept per company (other dates, other buckets) after pruning


def ledger_revision(company: Company) -> int:
    """The company's ledger revision; 0 before its first change."""
    value = LedgerRevision.objects.filter(company=company).values_list("value", flat=True).first()
    return value or 0


def bump_revision(company: Company | int) -> None:
    """Add one to the ledger revision of ``company`` (or a company id), creating it at 1.

    Call it inside the transaction that changes the ledger: one statement, safe against concurrent writers.
    """
    company_id = company.pk if isinstance(company, Company) else company
    table = LedgerRevision._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (company_id, value) VALUES (%s, 1) "
            f"ON CONFLICT (company_id) DO UPDATE SET value = {table}.value + 1",
            [company_id],
        )


def buckets_key(buckets: tuple[Bucket, ...]) -> str:
    """The ageing limits of ``buckets`` as text, "30,60,90"; ValueError for buckets not from limits."""
    limits = [b.max_days for b in buckets if b.is_overdue and b.max_days is not None]
    if not limits or buckets_from_limits(limits) != tuple(buckets):
        raise ValueError(f"snapshots need buckets made by buckets_from_limits, got {[b.label for b in buckets]}")
    return ",".join(str(n) for n in limits)


def current_snapshot(company: Company, as_of: date, buckets: tuple[Bucket, ...] = DEFAULT_BUCKETS) -> Snapshot:
    """The snapshot of ``company`` at ``as_of`` for the current ledger revision, built if missing."""
    key = buckets_key(buckets)
    revision = ledger_revision(company)  # before reading the ledger: see the module docstring
    found = Snapshot.objects.filter(company=company, as_of=as_of, buckets_key=key, revision=revision).first()
    if found is not None:
        return found
    snapshot = build_snapshot(company, as_of, buckets, revision)
    prune(company, snapshot)
    return snapshot


def build_snapshot(company: Company, as_of: date, buckets: tuple[Bucket, ...], revision: int) -> Snapshot:
    """Compute and store the snapshot; when another builder stored the same one first, return theirs."""
    key = buckets_key(buckets)
    report = aged_balance(company, as_of, buckets)
    oldest = oldest_overdue_due_dates(company, as_of, report.currency)
    kpis = compute_kpis(company, as_of, report=report)
    is_late = [b.is_overdue for b in buckets]
    with transaction.atomic():
        try:
            with transaction.atomic():
                snapshot = Snapshot.objects.create(
                    company=company, as_of=as_of, buckets_key=key, revision=revision, built_at=timezone.now(),
                    totals=report.totals, total=report.total, overdue=report.overdue,
                    customers=len(report.customers), kpis=kpis.as_dict(),
                )
        except IntegrityError:
            # a concurrent builder committed the same snapshot (PostgreSQL made us wait for its commit)
            return Snapshot.objects.get(company=company, as_of=as_of, buckets_key=key, revision=revision)
        insert_rows(Position._meta.db_table, POSITION_COLUMNS, [
            (
                snapshot.id, row.id, row.total, sum(c for c, late in zip(row.buckets, is_late) if late),
                json.dumps(row.buckets), stored_date(oldest.get(row.id)),
            )
            for row in report.customers
        ])
    if connection.vendor == "postgresql":
        # The new snapshot id lies past the statistics' histogram: PostgreSQL would estimate one position and
        # pick nested loops over all 48,000 (100-250 ms a page, measured) until autovacuum analyses the table.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Position._meta.db_table}")
    return snapshot


POSITION_COLUMNS = ("snapshot_id", "customer_id", "total", "overdue", "buckets", "oldest_due")


def oldest_overdue_due_dates(company: Company, as_of: date, currency: str) -> dict[int, date]:
    """customer id -> earliest due date of its invoices open and past due at ``as_of``.

    Open at ``as_of`` is the rule of ``reporting.ageing``: dated on or before it and not fully settled by
    then (``closed_on``, the date of the allocation that settled it, is later or empty). Past due: due
    before ``as_of`` (an invoice due that day is not late yet).
    """
    rows = (
        Document.objects.filter(
            company=company, currency=currency, kind=DocumentKind.INVOICE,
            document_date__lte=as_of, due_date__lt=as_of,
        )
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=as_of))
        .order_by()
        .values("customer_id")
        .annotate(oldest=Min("due_date"))
        .values_list("customer_id", "oldest")
    )
    return dict(rows)


def prune(company: Company, snapshot: Snapshot) -> None:
    """Delete the company's snapshots of older revisions, then all but the newest ``KEEP_PER_COMPANY``."""
    Snapshot.objects.filter(company=company, revision__lt=snapshot.revision).delete()
    newest_first = Snapshot.objects.filter(company=company).order_by("-built_at", "-id")
    extra = list(newest_first.values_list("id", flat=True)[KEEP_PER_COMPANY:])
    if extra:
        Snapshot.objects.filter(id__in=extra).delete()


def customer_set_digest(customers: Sequence[int] | QuerySet) -> str:
    """SHA-256 of the sorted ids of ``customers`` (ids, or a query of ids)."""
    ids = customers.values_list("pk", flat=True) if isinstance(customers, QuerySet) else customers
    return hashlib.sha256(",".join(str(pk) for pk in sorted(ids)).encode()).hexdigest()


def subset_figures(snapshot: Snapshot, company: Company, customers: Sequence[int] | QuerySet) -> SubsetFigures:
    """The snapshot's totals and KPIs over ``customers`` (ids or a query of ids), computed once and kept.

    Kept only when the set did not change while they were computed (a customer moved to another account
    manager meanwhile): the figures returned are always those of the set's customers at that moment.
    """
    digest = customer_set_digest(customers)
    found = SubsetFigures.objects.filter(snapshot=snapshot, digest=digest).first()
    if found is not None:
        return found
    figures = _compute_subset(snapshot, company, customers, digest)
    if customer_set_digest(customers) != digest:
        return figures
    try:
        with transaction.atomic():
            figures.save()
    except IntegrityError:  # another request stored the same figures first
        return SubsetFigures.objects.get(snapshot=snapshot, digest=digest)
    return figures


def _compute_subset(snapshot: Snapshot, company: Company, customers, digest: str) -> SubsetFigures:
    buckets = buckets_from_limits([int(n) for n in snapshot.buckets_key.split(",")])
    rows = sorted(
        Position.objects.filter(snapshot=snapshot, customer_id__in=customers).values_list("customer_id", "buckets")
    )
    report = AgedBalanceReport(snapshot.as_of, company.currency, buckets, [CustomerAgeing(*row) for row in rows])
    kpis = compute_kpis(company, snapshot.as_of, report=report, customer_ids=customers)
    return SubsetFigures(
        snapshot=snapshot, digest=digest, totals=report.totals, total=report.total, overdue=report.overdue,
        customers=len(rows), kpis=kpis.as_dict(),
    )
