"""The aged balance ("balance âgée") computed in SQL: one scan of the documents table.

An item's open amount at ``as_of`` is its amount less the allocations dated on or before ``as_of``, that
is ``amount - allocated`` plus what was allocated to it after ``as_of``. The report is therefore:

1. one scan of ``ledger_document`` summing ``amount - allocated`` into buckets per customer (no join, no
   correlated subquery: PostgreSQL can run it in parallel, SQLite reads the covering index alone);
2. one small query adding back the allocations dated after ``as_of`` (none for a report at today's date),
   through the index on allocation dates.

Credits (credit notes, payments) count negatively and are aged by their own date, so an unallocated
payment shows as a negative line and each customer's total equals its account balance.
The same rules in pure Python are ``encours.core.ageing.age_items``; tests check the two agree.
"""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction

from encours.core.ageing import DEFAULT_BUCKETS, Bucket, bucket_for
from encours.customers.models import Company, Customer
from encours.reporting.customer_sets import CustomerSet, customer_condition, is_known_empty


@dataclass
class CustomerAgeing:
    id: int
    buckets: list[int]  # cents, in the order of the report's buckets

    @property
    def total(self) -> int:
        return sum(self.buckets)


@dataclass
class AgedBalanceReport:
    as_of: date
    currency: str
    buckets: tuple[Bucket, ...]
    customers: list[CustomerAgeing]  # customers with a non-zero open item, by id

    @property
    def totals(self) -> list[int]:
        sums = [0] * len(self.buckets)
        for row in self.customers:
            for i, cents in enumerate(row.buckets):
                sums[i] += cents
        return sums

    @property
    def total(self) -> int:
        return sum(self.totals)

    @property
    def overdue(self) -> int:
        return sum(c for c, b in zip(self.totals, self.buckets) if b.is_overdue)


SIGNED_OPEN = "(CASE WHEN d.kind = 'invoice' THEN d.amount - d.allocated ELSE d.allocated - d.amount END)"


def _bucket_conditions(buckets: tuple[Bucket, ...], as_of: date, params: dict) -> list[str]:
    """One SQL condition on the due date per bucket, from the bounds of ``Bucket.due_date_range``."""
    conditions = []
    for i, bucket in enumerate(buckets):
        earliest, latest = bucket.due_date_range(as_of)
        parts = []
        if earliest is not None:
            params[f"e{i}"] = earliest
            parts.append(f"d.due_date >= %(e{i})s")
        if latest is not None:
            params[f"l{i}"] = latest
            parts.append(f"d.due_date <= %(l{i})s")
        conditions.append(" AND ".join(parts) or "TRUE")
    return conditions


def aged_balance(
    company: Company,
    as_of: date,
    buckets: tuple[Bucket, ...] = DEFAULT_BUCKETS,
    *,
    currency: str | None = None,
    customer_ids: CustomerSet = None,
) -> AgedBalanceReport:
    """Aged balance of ``company`` at ``as_of`` per customer, in cents, for one currency (the company's);
    of the customers ``customer_ids`` only (ids or a query of ids) when it is not None."""
    currency = currency or company.currency
    params: dict = {"company": company.id, "as_of": as_of, "currency": currency}
    sums = ", ".join(
        f"CAST(SUM({SIGNED_OPEN}) FILTER (WHERE {condition}) AS BIGINT)"
        for condition in _bucket_conditions(buckets, as_of, params)
    )
    if is_known_empty(customer_ids):
        return AgedBalanceReport(as_of, currency, buckets, [])
    where_customer = customer_condition("d.customer_id", customer_ids, params)
    scan = f"""
        SELECT d.customer_id, {sums}
          FROM ledger_document d
         WHERE d.company_id = %(company)s AND d.currency = %(currency)s AND d.document_date <= %(as_of)s
           AND (d.closed_on IS NULL OR d.closed_on > %(as_of)s) {where_customer}
         GROUP BY d.customer_id"""
    later = f"""
        SELECT d.customer_id, d.due_date, SUM(a.amount) FROM ledger_allocation a
          JOIN ledger_document d ON d.id = a.debit_id
         WHERE a.company_id = %(company)s AND a.date > %(as_of)s AND d.document_date <= %(as_of)s
           AND d.currency = %(currency)s {where_customer}
         GROUP BY d.customer_id, d.due_date
        UNION ALL
        SELECT d.customer_id, d.due_date, -SUM(a.amount) FROM ledger_allocation a
          JOIN ledger_document d ON d.id = a.credit_id
         WHERE a.company_id = %(company)s AND a.date > %(as_of)s AND d.document_date <= %(as_of)s
           AND d.currency = %(currency)s {where_customer}
         GROUP BY d.customer_id, d.due_date"""
    # On PostgreSQL one transaction gives both queries the same snapshot. On SQLite every transaction takes
    # the write lock (IMMEDIATE mode), so a report would wait for a running import: the two reads run in
    # autocommit, and a write committed between them can only concern allocations dated after ``as_of``.
    postgres = connection.vendor == "postgresql"
    with transaction.atomic() if postgres else nullcontext(), connection.cursor() as cursor:
        if postgres:
            # one hash table of customers x buckets; the 4 MB default would spill it to disk on big ledgers
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(scan, params)
        by_customer = {row[0]: [v or 0 for v in row[1:]] for row in cursor.fetchall()}
        cursor.execute(later, params)
        for customer_id, due, cents in cursor.fetchall():
            due = due if isinstance(due, date) else date.fromisoformat(due)
            index = buckets.index(bucket_for(due, as_of, buckets))
            by_customer.setdefault(customer_id, [0] * len(buckets))[index] += int(cents)
    customers = [CustomerAgeing(pk, values) for pk, values in sorted(by_customer.items()) if any(values)]
    return AgedBalanceReport(as_of, currency, buckets, customers)


def customer_labels(company: Company, ids: list[int] | None = None) -> dict[int, tuple[str, str]]:
    """id -> (code, name) for the report's customers."""
    qs = Customer.objects.filter(company=company)
    if ids is not None and len(ids) < 500:
        qs = qs.filter(id__in=ids)
    return {pk: (code, name) for pk, code, name in qs.values_list("id", "code", "name")}
