"""What a customer owes for paying late: interest and the recovery indemnity of each late invoice.

They are owed whether the invoice is still open or was paid late: an invoice settled after its due date
keeps its claim, counted up to the day it was settled. Amounts come from ``core.interest``; this module
reads the ledger (allocations: payments and credit notes), the company's settings and the rate tables.

When the rate tables lack a rate (the ECB rate of a half-year not entered yet), the interest is counted up
to the last day whose rate is known, and ``missing_rate`` says which rate to add.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Min, Q
from django.utils import timezone

from encours.collections.models import ActionItem, MessageState
from encours.collections.rates import rate_tables
from encours.core.interest import InterestPeriod, MissingRate, RateTables, late_interest, recovery_indemnity
from encours.core.money import ZERO, to_cents
from encours.core.records import CustomerKind, DocumentKind
from encours.customers.models import Customer, CustomerStatus
from encours.ledger.models import Allocation, Document

INDEMNITY_CURRENCY = "EUR"  # the indemnity is 40 euros (D441-5); invoices in another currency show none


@dataclass(frozen=True)
class InvoiceClaim:
    document: Document
    days_late: int  # days past due at as_of, or at settlement when settled
    settled_on: date | None
    open_amount: Decimal  # still owed on the invoice at as_of
    interest: Decimal  # rounded to the cent, counted up to interest_until
    interest_until: date | None
    indemnity: Decimal
    missing_rate: str
    periods: tuple[InterestPeriod, ...]

    @property
    def total(self) -> Decimal:
        return self.interest + self.indemnity


def invoice_claims(customer: Customer, documents, as_of: date) -> dict[int, InvoiceClaim]:
    """The claim of each of ``documents`` (invoices of ``customer``) at ``as_of``, by document id."""
    invoices = [d for d in documents if d.kind == DocumentKind.INVOICE]
    if not invoices:
        return {}
    ids = [d.pk for d in invoices]
    settlements: dict[int, list[tuple[date, Decimal, str]]] = defaultdict(list)
    for debit_id, day, amount, kind in (
        Allocation.objects.filter(debit_id__in=ids, date__lte=as_of)
        .values_list("debit_id", "date", "amount", "credit__kind").order_by("date", "id")
    ):
        settlements[debit_id].append((day, amount, kind))
    notices = _formal_notices(customer, ids) if customer.kind == CustomerKind.CONSUMER else {}
    context = _Context(
        kind=CustomerKind(customer.kind),
        insolvent=customer.status == CustomerStatus.INSOLVENCY,
        frozen=customer.company.late_interest_frozen,
        contractual=(_fraction(customer.company.contractual_interest_percent)
                     if customer.kind == CustomerKind.BUSINESS else None),
        tables=rate_tables(),
    )
    return {d.pk: _claim(d, settlements[d.pk], notices.get(d.pk), as_of, context) for d in invoices}


def customer_claims(customer: Customer, as_of: date) -> list[InvoiceClaim]:
    """Every invoice of ``customer`` late at ``as_of``: still open past its due date, or settled after it."""
    invoices = Document.objects.filter(
        customer=customer, kind=DocumentKind.INVOICE, document_date__lte=as_of, due_date__lt=as_of,
    ).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=F("due_date"))).order_by("due_date", "id")
    claims = invoice_claims(customer, list(invoices), as_of)
    return [c for c in claims.values() if c.days_late > 0]


@dataclass(frozen=True)
class _Context:
    kind: CustomerKind
    insolvent: bool
    frozen: bool
    contractual: Decimal | None
    tables: RateTables


def _fraction(percent) -> Decimal | None:
    return None if percent is None else Decimal(percent) / 100


def _claim(doc: Document, settlements, formal_notice: date | None, as_of: date, ctx: _Context) -> InvoiceClaim:
    settled = sum((amount for _, amount, _ in settlements), ZERO)
    open_amount = doc.amount - settled
    settled_on = settlements[-1][0] if settlements and open_amount <= 0 else None
    until = settled_on or as_of
    days_late = max(0, (until - doc.due_date).days)
    credited = sum((amount for _, amount, kind in settlements if kind == DocumentKind.CREDIT_NOTE), ZERO)
    payments = [(day, amount) for day, amount, kind in settlements if kind != DocumentKind.CREDIT_NOTE]
    interest, interest_until, periods, missing = to_cents(ZERO), None, (), ""
    if days_late:
        interest_until, missing = until, ""
        while True:
            try:
                result = late_interest(
                    doc.amount, doc.due_date, interest_until, ctx.kind, ctx.tables,
                    payments=[p for p in payments if p[0] <= interest_until], credited=credited,
                    contractual_rate=ctx.contractual, frozen=ctx.frozen, formal_notice=formal_notice,
                )
                interest, periods = result.interest, result.periods
                break
            except MissingRate as error:
                missing = missing or str(error)
                interest_until = error.half_year.first_day - timedelta(days=1)
                if interest_until <= doc.due_date:
                    interest_until = None
                    break
        if not periods:
            interest_until = None
    indemnity = (recovery_indemnity(ctx.kind, ctx.insolvent)
                 if days_late and doc.currency == INDEMNITY_CURRENCY else to_cents(ZERO))
    return InvoiceClaim(doc, days_late, settled_on, max(open_amount, ZERO), interest, interest_until, indemnity,
                        missing, periods)


def _formal_notices(customer: Customer, ids: list[int]) -> dict[int, date]:
    """The day each invoice was first listed in a formal notice that was sent (consumers owe interest from it)."""
    rows = (
        ActionItem.objects.filter(document_id__in=ids, step__is_formal_notice=True,
                                  action__messages__state=MessageState.SENT)
        .values("document_id").annotate(first=Min("action__messages__sent_at"))
    )
    return {r["document_id"]: timezone.localdate(r["first"]) for r in rows}
