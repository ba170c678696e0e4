"""Plain records exchanged between readers (formats/), the domain core and the Django services.

A reader turns a file into a ``Batch``: customers, documents and allocations, plus every Problem found.
The service persists a Batch only when it has no problem.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from encours.core.problems import Problem, Source


class CustomerKind(StrEnum):
    BUSINESS = "business"
    PUBLIC = "public"
    CONSUMER = "consumer"


class DocumentKind(StrEnum):
    """Debit documents raise what the customer owes; credit documents lower it."""

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"

    @property
    def is_debit(self) -> bool:
        return self is DocumentKind.INVOICE


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    code: str  # the customer's account code (CompAuxNum in a FEC)
    name: str
    kind: CustomerKind | None = None
    siren: str = ""
    siret: str = ""
    vat_number: str = ""
    country: str = "FR"
    segment: str = ""
    terms: str = ""  # payment-terms code, see core/terms.py; empty: the company default
    email: str = ""
    phone: str = ""
    address: str = ""
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    key: str  # stable identity of the document in its source: re-importing the same data gives the same key
    customer_code: str
    kind: DocumentKind
    number: str
    document_date: date
    amount: Decimal  # positive, including VAT, exact to the cent
    currency: str = "EUR"
    due_date: date | None = None  # None: computed from the customer's terms (or the default terms)
    amount_excl_tax: Decimal | None = None
    label: str = ""
    payment_method: str = ""
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class AllocationRecord:
    """``amount`` of credit document ``credit_key`` settles debit document ``debit_key`` from ``date`` on."""

    debit_key: str
    credit_key: str
    amount: Decimal
    date: date


@dataclass(slots=True)
class Batch:
    file: str
    customers: list[CustomerRecord] = field(default_factory=list)
    documents: list[DocumentRecord] = field(default_factory=list)
    allocations: list[AllocationRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems
