"""The customer statement (relevé de compte) at a date: the open items, and what may be claimed for late
payment.

- Open items: every document dated on or before ``as_of`` still open at ``as_of`` (its amount less the
  allocations dated on or before ``as_of``, as in the aged balance): invoices, and credit notes and payments
  not fully allocated, which count negatively. Their sum is the balance.
- Claims: for every invoice paid late or still overdue at ``as_of``, its late interest and recovery
  indemnity (``encours.collections.claims``). They stay claimable after the invoice is paid, so a paid
  invoice can appear among the claims and not among the open items.

Totals are in the company's currency; a document in another currency is listed with its own currency and
left out of the totals (``Statement.foreign``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from encours.collections.claims import InvoiceClaim, customer_claims
from encours.core.money import ZERO
from encours.customers.models import Company, Customer
from encours.ledger.models import Document
from encours.reporting.items import open_amounts_at, open_items_at


@dataclass(frozen=True)
class StatementLine:
    document: Document
    open_amount: Decimal  # at the statement date; credits (credit notes, payments) negative
    days_late: int | None  # an invoice past its due date at the statement date, else None

    @property
    def amount(self) -> Decimal:
        """The document's amount, credits negative like their open amount."""
        return self.document.amount if self.document.is_debit else -self.document.amount


@dataclass(frozen=True)
class Statement:
    company: Company
    customer: Customer
    as_of: date
    currency: str
    lines: tuple[StatementLine, ...]
    claims: tuple[InvoiceClaim, ...]
    balance: Decimal  # sum of the open amounts in ``currency``
    interest: Decimal  # sum of the claims' interest in ``currency``, each already rounded to the cent
    indemnity: Decimal  # sum of the claims' recovery indemnities in ``currency``

    @property
    def grand_total(self) -> Decimal:
        """What the customer owes at the date: the balance, the interest and the indemnities."""
        return self.balance + self.interest + self.indemnity

    @property
    def foreign(self) -> bool:
        """Some open item is in another currency than the totals."""
        return any(line.document.currency != self.currency for line in self.lines)

    @property
    def missing_rates(self) -> list[str]:
        """The rates missing from the rate table (interest stops before them), each named once."""
        return list(dict.fromkeys(c.missing_rate for c in self.claims if c.missing_rate))


def customer_statement(customer: Customer, as_of: date) -> Statement:
    """The statement of ``customer`` at ``as_of``: three queries for the open items, those of the claims."""
    company = customer.company
    documents = list(open_items_at(company, as_of, customer_ids=[customer.pk]))
    amounts = open_amounts_at(documents, as_of)
    lines = []
    for doc in documents:
        late = (as_of - doc.due_date).days if doc.is_debit else 0
        lines.append(StatementLine(doc, amounts[doc.id], late if late > 0 else None))
    lines = [line for line in lines if line.open_amount]
    claims = tuple(sorted(customer_claims(customer, as_of), key=lambda c: (c.document.due_date, c.document.id)))
    return Statement(
        company=company, customer=customer, as_of=as_of, currency=company.currency, lines=tuple(lines),
        claims=claims,
        balance=sum((line.open_amount for line in lines if line.document.currency == company.currency), ZERO),
        interest=sum((c.interest for c in claims if c.document.currency == company.currency), ZERO),
        indemnity=sum((c.indemnity for c in claims if c.document.currency == company.currency), ZERO),
    )
