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
    company: Company, currency: str, periods: list[tuple[date, date]], *, customer_ids: list[int] | None = None
) -> list[int]:
    """Invoices less credit notes (cents) dated within each (first, last) period, both inclusive.

    ``customer_ids``: only these customers' documents (None: every customer)."""
    if not periods:
        return []
    if customer_ids is not None and not customer_ids:
        return [0] * len(periods)
    params: dict = {"company": company.id, "currency": currency}
    where_customer = ""
    if customer_ids is not None:
        params.update({f"c{i}": cid for i, cid in enumerate(customer_ids)})
        where_customer = "AND customer_id IN (" + ", ".join(f"%(c{i})s" for i in range(len(customer_ids))) + ")"
    columns = []
    for i, (first, last) in enumerate(periods):
        params[f"f{i}"], params[f"l{i}"] = first, last
        columns.append(
            f"SUM(CASE WHEN document_date >= %(f{i})s AND document_date <= %(l{i})s "
            f"THEN (CASE WHEN kind = 'invoice' THEN amount ELSE -amount END) ELSE 0 END)"
        )
    params["first"] = min(p[0] for p in periods)
    params["last"] = max(p[1] for p in periods)
    sql = f"""
        SELECT {', '.join(columns)} FROM ledger_document
         WHERE company_id = %(company)s AND currency = %(currency)s AND kind IN ('invoice', 'credit_note')
           AND document_date >= %(first)s AND document_date <= %(last)s {where_customer}"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return [int(v or 0) for v in row]


def compute_kpis(
    company: Company,
    as_of: date,
    *,
    report: AgedBalanceReport | None = None,
    period_days: int = DSO_PERIOD_DAYS,
    customer_ids: list[int] | None = None,
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
