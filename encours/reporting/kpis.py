"""Receivables KPIs at an as-of date: outstanding, overdue, overdue rate, DSO (two methods), concentration.

Sums are SQL aggregates; the ratios are the pure functions of ``encours.core.kpi``.
Sales are invoices less credit notes, including VAT (receivables include VAT too), by document date.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection

from encours.core import kpi
from encours.core.ageing import DEFAULT_BUCKETS
from encours.core.money import cents_to_decimal
from encours.customers.models import Company
from encours.reporting.ageing import AgedBalanceReport, aged_balance
from encours.reporting.customer_sets import CustomerSet, customer_condition, is_known_empty

DSO_PERIOD_DAYS = 365
COUNTBACK_MONTHS = 24


@dataclass(frozen=True)
class Kpis:
    as_of: date
    currency: str
    outstanding: Decimal
    overdue: Decimal
    overdue_rate: Decimal | None  # percent
    dso_accounting: Decimal | None  # days
    dso_countback: Decimal | None  # days
    top5_share: Decimal | None  # percent
    top10_share: Decimal | None  # percent
    sales: Decimal  # over the DSO period
    dso_period_days: int

    def as_dict(self) -> dict:
        def text(v):
            return None if v is None else str(v)

        return {
            "as_of": self.as_of.isoformat(),
            "currency": self.currency,
            "outstanding": text(self.outstanding),
            "overdue": text(self.overdue),
            "overdue_rate": text(self.overdue_rate),
            "dso_accounting": text(self.dso_accounting),
            "dso_countback": text(self.dso_countback),
            "top5_share": text(self.top5_share),
            "top10_share": text(self.top10_share),
            "sales": text(self.sales),
            "dso_period_days": self.dso_period_days,
        }


def sales_by_period(
    company: Company, currency: str, periods: list[tuple[date, date]], *, customer_ids: CustomerSet = None
) -> list[int]:
    """Invoices less credit notes (cents) dated within each (first, last) period, both inclusive.

    ``customer_ids``: only these customers' documents, ids or a query of ids (None: every customer).
    One sum per document date (read from the covering index), binned into the periods here.
    """
    if not periods:
        return []
    if is_known_empty(customer_ids):
        return [0] * len(periods)
    params: dict = {
        "company": company.id, "currency": currency,
        "first": min(p[0] for p in periods), "last": max(p[1] for p in periods),
    }
    where_customer = customer_condition("customer_id", customer_ids, params)
    sql = f"""
        SELECT document_date, SUM(CASE WHEN kind = 'invoice' THEN amount ELSE -amount END)
          FROM ledger_document
         WHERE company_id = %(company)s AND currency = %(currency)s AND kind IN ('invoice', 'credit_note')
           AND document_date >= %(first)s AND document_date <= %(last)s {where_customer}
         GROUP BY document_date"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        by_date = [(d if isinstance(d, date) else date.fromisoformat(d), int(s)) for d, s in cursor.fetchall()]
    return [sum(s for d, s in by_date if first <= d <= last) for first, last in periods]


def compute_kpis(
    company: Company,
    as_of: date,
    *,
    report: AgedBalanceReport | None = None,
    period_days: int = DSO_PERIOD_DAYS,
    customer_ids: CustomerSet = None,
) -> Kpis:
    """KPIs of ``company`` at ``as_of``; of the given customers only when ``customer_ids`` is not None
    (then a given ``report`` must cover those customers alone)."""
    report = report or aged_balance(company, as_of, DEFAULT_BUCKETS, customer_ids=customer_ids)
    currency = report.currency
    outstanding = cents_to_decimal(report.total)
    overdue = cents_to_decimal(report.overdue)
    dso_period = (as_of - timedelta(days=period_days - 1), as_of)
    countback = kpi.countback_periods(as_of, COUNTBACK_MONTHS)
    sales = sales_by_period(company, currency, [dso_period, *countback], customer_ids=customer_ids)
    period_sales = cents_to_decimal(sales[0])
    monthly = [((last - first).days + 1, cents_to_decimal(s)) for (first, last), s in zip(countback, sales[1:])]
    balances = [cents_to_decimal(c.total) for c in report.customers]
    return Kpis(
        as_of=as_of,
        currency=currency,
        outstanding=outstanding,
        overdue=overdue,
        overdue_rate=kpi.overdue_rate(overdue, outstanding),
        dso_accounting=kpi.dso_accounting(outstanding, period_sales, period_days),
        dso_countback=kpi.dso_countback(outstanding, monthly),
        top5_share=kpi.concentration(balances, 5),
        top10_share=kpi.concentration(balances, 10),
        sales=period_sales,
        dso_period_days=period_days,
    )
