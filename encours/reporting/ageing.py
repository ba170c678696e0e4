"""The aged balance ("balance âgée") computed in SQL: one scan of the documents table.

An item's open amount at ``as_of`` is its amount less the allocations dated on or before ``as_of``.
For almost every row that is ``amount - allocated`` (no allocation after ``as_of``); only documents with
a later allocation (``last_allocated_on > as_of``) pay for a look-up in the allocations table, through an
index. Credits (credit notes, payments) count negatively and are aged by their own date, so an
unallocated payment shows as a negative line and each customer's total equals its account balance.

The same rules in pure Python are ``encours.core.ageing.age_items``; tests check the two agree.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from encours.core.ageing import DEFAULT_BUCKETS, Bucket
from encours.core.money import cents_to_decimal
from encours.customers.models import Company, Customer


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

    def amount(self, cents: int) -> Decimal:
        return cents_to_decimal(cents)


def open_amount_sql(as_of_param: str = "%(as_of)s") -> str:
    """SQL for a document's signed open amount at ``as_of`` (alias ``d``), in cents."""
    # Every term is a BIGINT (SUM would make it NUMERIC on PostgreSQL, and every row slower).
    return f"""
        (CASE WHEN d.kind = 'invoice' THEN 1 ELSE -1 END) * (d.amount - CASE
            WHEN d.last_allocated_on IS NULL OR d.last_allocated_on <= {as_of_param} THEN d.allocated
            WHEN d.kind = 'invoice' THEN (SELECT CAST(COALESCE(SUM(a.amount), 0) AS BIGINT) FROM ledger_allocation a
                                           WHERE a.debit_id = d.id AND a.date <= {as_of_param})
            ELSE (SELECT CAST(COALESCE(SUM(a.amount), 0) AS BIGINT) FROM ledger_allocation a
                   WHERE a.credit_id = d.id AND a.date <= {as_of_param})
        END)"""


def _bucket_index_sql(buckets: tuple[Bucket, ...], as_of: date, params: dict, vendor: str) -> str:
    """SQL giving each row the index of its bucket (0 = the youngest, "not due") from its due date."""
    # earliest due date of each bucket but the oldest, youngest bucket first
    bounds = [bucket.due_date_range(as_of)[0] for bucket in buckets[:-1]]
    if vendor == "postgresql":
        # width_bucket counts the ascending bounds <= due_date: all of them for "not due", none for the oldest
        params["bounds"] = list(reversed(bounds))
        return f"{len(bounds)} - width_bucket(d.due_date, %(bounds)s::date[])"
    whens = []
    for i, bound in enumerate(bounds):
        params[f"b{i}"] = bound
        whens.append(f"WHEN d.due_date >= %(b{i})s THEN {i}")
    return f"CASE {' '.join(whens)} ELSE {len(bounds)} END"


def aged_balance(
    company: Company,
    as_of: date,
    buckets: tuple[Bucket, ...] = DEFAULT_BUCKETS,
    *,
    currency: str | None = None,
    customer_ids: list[int] | None = None,
) -> AgedBalanceReport:
    """Aged balance of ``company`` at ``as_of`` per customer, in cents, for one currency (the company's)."""
    currency = currency or company.currency
    vendor = connection.vendor
    params: dict = {"company": company.id, "as_of": as_of, "currency": currency}
    bucket_index = _bucket_index_sql(buckets, as_of, params, vendor)
    sums = ", ".join(f"CAST(SUM(x.open) FILTER (WHERE x.b = {i}) AS BIGINT)" for i in range(len(buckets)))
    where_customer = ""
    if customer_ids is not None:
        if not customer_ids:
            return AgedBalanceReport(as_of, currency, buckets, [])
        params.update({f"c{i}": cid for i, cid in enumerate(customer_ids)})
        where_customer = "AND d.customer_id IN (" + ", ".join(f"%(c{i})s" for i in range(len(customer_ids))) + ")"
    # PostgreSQL would inline the subquery and evaluate the open amount once per bucket: OFFSET 0 keeps it
    # one evaluation per row. SQLite flattens it well as it is, and would materialise it with the fence.
    fence = "OFFSET 0" if vendor == "postgresql" else ""
    sql = f"""
        SELECT x.customer_id, {sums}
          FROM (SELECT d.customer_id, {bucket_index} AS b, {open_amount_sql()} AS open
                  FROM ledger_document d
                 WHERE d.company_id = %(company)s AND d.currency = %(currency)s
                   AND d.document_date <= %(as_of)s
                   AND (d.closed_on IS NULL OR d.closed_on > %(as_of)s)
                   {where_customer}
                {fence}) x
         GROUP BY x.customer_id"""
    with transaction.atomic(), connection.cursor() as cursor:
        if vendor == "postgresql":
            # one hash table of customers x buckets; the 4 MB default would spill it to disk on big ledgers
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    customers = [CustomerAgeing(row[0], [v or 0 for v in row[1:]]) for row in sorted(rows)]
    return AgedBalanceReport(as_of, currency, buckets, [c for c in customers if any(c.buckets)])


def customer_labels(company: Company, ids: list[int] | None = None) -> dict[int, tuple[str, str]]:
    """id -> (code, name) for the report's customers."""
    qs = Customer.objects.filter(company=company)
    if ids is not None and len(ids) < 500:
        qs = qs.filter(id__in=ids)
    return {pk: (code, name) for pk, code, name in qs.values_list("id", "code", "name")}
