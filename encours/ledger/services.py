"""Persist an imported Batch: all of it in one transaction, or nothing.

The reader has already checked the file line by line; here the batch is checked against what the
database holds (a number already used by another document, a known document whose content changed), then
written with plain multi-row inserts (no model instance per row: imports are measured on a million rows).
Importing the same file twice writes nothing the second time.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from encours.core.money import cents_to_decimal, decimal_to_cents
from encours.core.problems import Problem, Refused, Source
from encours.core.records import Batch, CustomerRecord, DocumentKind, DocumentRecord
from encours.core.terms import InvalidTerms, PaymentTerms
from encours.customers.models import Company, Customer
from encours.formats.bulk import cyclic_gc_paused
from encours.ledger.bulk import insert_rows
from encours.ledger.models import Allocation, Document, ImportBatch, ImportKind
from encours.reporting.positions import bump_revision

CHUNK = 5000
Progress = Callable[[int], None]


@dataclass
class ImportSummary:
    filename: str
    already_imported: bool = False
    customers_created: int = 0
    documents_created: int = 0
    documents_skipped: int = 0
    allocations_created: int = 0
    renamed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "file": self.filename,
            "already_imported": self.already_imported,
            "customers_created": self.customers_created,
            "documents_created": self.documents_created,
            "documents_skipped": self.documents_skipped,
            "allocations_created": self.allocations_created,
            "renamed_numbers": len(self.renamed),
        }


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_batch(
    company: Company,
    batch: Batch,
    *,
    kind: ImportKind,
    digest: str,
    default_terms: PaymentTerms | None = None,
    rename_duplicate_numbers: bool = False,
    update_customers: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Write ``batch`` for ``company`` atomically; raise ``Refused`` with every problem, writing nothing.

    ``rename_duplicate_numbers``: accounting exports reuse piece references ("RAN" for every opening
    balance); such a number gets the customer code, then a counter, appended instead of refusing the file.
    """
    if batch.problems:
        raise Refused(batch.problems)
    summary = ImportSummary(filename=batch.file)
    tick = progress or (lambda n: None)
    with cyclic_gc_paused(), transaction.atomic():
        if ImportBatch.objects.filter(company=company, kind=kind, sha256=digest).exists():
            summary.already_imported = True
            tick(len(batch.documents) + len(batch.allocations))
            return summary
        try:
            with transaction.atomic():
                record = ImportBatch.objects.create(
                    company=company, kind=kind, filename=batch.file[:255], sha256=digest
                )
        except IntegrityError:
            # the same file, imported at the same moment by someone else, committed first
            summary.already_imported = True
            return summary
        customers = _save_customers(company, batch, summary, update_customers)
        problems: list[Problem] = []
        _save_documents(
            company, batch, record, customers, default_terms, rename_duplicate_numbers, summary, problems, tick
        )
        if not problems and batch.allocations:
            _save_allocations(company, batch, record, summary, problems, tick)
        if problems:
            raise Refused(problems)  # leaving the atomic block by an exception rolls everything back
        record.customers_created = summary.customers_created
        record.documents_created = summary.documents_created
        record.allocations_created = summary.allocations_created
        record.save(update_fields=["customers_created", "documents_created", "allocations_created"])
        if summary.documents_created or summary.allocations_created:
            bump_revision(company)  # inserts send no signal: stored positions are now out of date
    return summary


CUSTOMER_FIELDS = ("name", "siren", "siret", "vat_number", "country", "segment", "email", "phone", "address")


def _customer_values(rec: CustomerRecord) -> dict:
    """The fields the record gives (an empty value or no kind means: not given, keep what is there)."""
    values = {name: getattr(rec, name) for name in CUSTOMER_FIELDS if getattr(rec, name)}
    if rec.kind is not None:
        values["kind"] = rec.kind.value
    if rec.terms:
        values["payment_terms"] = rec.terms
    return values


def _save_customers(company: Company, batch: Batch, summary: ImportSummary, update: bool) -> dict[str, tuple]:
    """Create the customers the batch names; returns code -> (id, terms code)."""
    wanted = {rec.code: rec for rec in batch.customers}
    codes = set(wanted) | {doc.customer_code for doc in batch.documents}
    existing = {}
    for chunk in _chunks(sorted(codes)):
        for c in Customer.objects.filter(company=company, code__in=chunk):
            existing[c.code] = c
    new = []
    for code in sorted(codes - set(existing)):
        rec = wanted.get(code) or CustomerRecord(code=code, name=code)
        customer = Customer(company=company, code=code, **_customer_values(rec))
        customer.compact_identifiers()
        new.append(customer)
    _insert_customers(new)
    for chunk in _chunks([c.code for c in new]):
        for customer in Customer.objects.filter(company=company, code__in=chunk).only("id", "code", "payment_terms"):
            existing[customer.code] = customer
    summary.customers_created = len(new)
    if update:
        for code, rec in wanted.items():
            c = existing.get(code)
            if c is None:
                continue
            values = _customer_values(rec)
            if any(getattr(c, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(c, k, v)
                c.save()
    return {c.code: (c.id, c.payment_terms) for c in existing.values()}


def _due_date(doc: DocumentRecord, terms_code: str, default: PaymentTerms, cache: dict) -> date:
    if doc.kind is not DocumentKind.INVOICE:
        return doc.document_date  # a credit is available from its own date
    if doc.due_date is not None:
        return doc.due_date
    terms = cache.get(terms_code)
    if terms is None:
        terms = PaymentTerms.parse(terms_code) if terms_code else default
        cache[terms_code] = terms
    return terms.due_date(doc.document_date)


def _existing_keys(company: Company, keys: list[str]) -> dict[str, tuple]:
    found = {}
    for chunk in _chunks(keys):
        rows = Document.objects.filter(company=company, source_key__in=chunk).values_list(
            "source_key", "kind", "amount", "document_date", "customer__code"
        )
        for key, *values in rows:
            found[key] = tuple(values)
    return found


def _taken_numbers(company: Company, kind: str, numbers: list[str]) -> set[str]:
    taken = set()
    for chunk in _chunks(numbers):
        taken.update(
            Document.objects.filter(company=company, kind=kind, number__in=chunk).values_list("number", flat=True)
        )
    return taken


def _save_documents(company, batch, record, customers, default_terms, rename, summary, problems, tick) -> None:
    default = default_terms or PaymentTerms.parse(company.default_terms)
    first_import = not Document.objects.filter(company=company).exists()
    known = {} if first_import else _existing_keys(company, [d.key for d in batch.documents])
    numbered = {DocumentKind.INVOICE.value: set(), DocumentKind.CREDIT_NOTE.value: set()}
    for kind in numbered:
        if first_import:
            continue
        numbers = [d.number for d in batch.documents if d.kind == kind and d.key not in known]
        numbered[kind] = _taken_numbers(company, kind, numbers)
    terms_cache: dict = {}
    rows = []
    # rows go to the driver as the backend stores them (SQLite: ISO text for dates and times)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    as_stored = date.isoformat if connection.vendor == "sqlite" else (lambda d: d)
    for doc in batch.documents:
        where = doc.source or Source(batch.file)
        if doc.key in known:
            kind, amount, day, code = known[doc.key]
            if (kind, amount, day, code) != (doc.kind.value, doc.amount, doc.document_date, doc.customer_code):
                problems.append(
                    Problem(where, "number", f"document {doc.number} was imported before with other values "
                            f"({kind} {amount} of {day} for {code}); correct it in Encours, not by re-importing")
                )
            summary.documents_skipped += 1
            continue
        customer_id, terms_code = customers[doc.customer_code]
        number = doc.number
        taken = numbered.get(doc.kind.value)
        if taken is not None:
            if number in taken:
                if not rename:
                    problems.append(Problem(where, "number", f"{doc.kind.value} number {number} already exists"))
                    continue
                number = _free_number(number, doc.customer_code, taken)
                summary.renamed.append(f"{doc.number} -> {number}")
            taken.add(number)
        try:
            due = _due_date(doc, terms_code, default, terms_cache)
        except InvalidTerms as error:
            problems.append(Problem(where, "terms", str(error)))
            continue
        try:
            amount = decimal_to_cents(doc.amount)
            excl = None if doc.amount_excl_tax is None else decimal_to_cents(doc.amount_excl_tax)
        except ValueError as error:
            problems.append(Problem(where, "amount", str(error)))
            continue
        if amount <= 0:
            problems.append(Problem(where, "amount", f"must be positive, got {doc.amount}"))
            continue
        rows.append((
            company.id, customer_id, doc.kind.value, number[:60], as_stored(doc.document_date), as_stored(due),
            amount, doc.currency,
            excl, doc.label[:255], doc.payment_method[:30], 0, record.id, doc.key, now,
        ))
    if problems:
        return
    _insert_documents(rows, tick)
    summary.documents_created = len(rows)


def _free_number(number: str, customer_code: str, taken: set[str]) -> str:
    candidate = f"{number}/{customer_code}"
    n = 2
    while candidate in taken:
        candidate = f"{number}/{customer_code}/{n}"
        n += 1
    return candidate


DOCUMENT_COLUMNS = (
    "company_id", "customer_id", "kind", "number", "document_date", "due_date", "amount", "currency",
    "amount_excl_tax", "label", "payment_method", "allocated", "batch_id", "source_key", "created_at",
)


def _insert_documents(rows: list[tuple], tick: Progress) -> None:
    insert_rows(Document._meta.db_table, DOCUMENT_COLUMNS, rows, tick)


def _insert_customers(customers: list[Customer]) -> None:
    """New customers without one model save each (Django's bulk_create costs 0.15 ms a row to compile)."""
    fields = [f for f in Customer._meta.concrete_fields if not f.primary_key]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = []
    for customer in customers:
        customer.created_at = customer.updated_at = now
        rows.append(tuple(getattr(customer, f.attname) for f in fields))
    insert_rows(Customer._meta.db_table, tuple(f.column for f in fields), rows)


def _save_allocations(company, batch, record, summary, problems, tick) -> None:
    """Check each allocation against what is open on both sides (with a message naming the documents),
    then insert; the database triggers would refuse an excess anyway, without saying which line."""
    keys = sorted({k for a in batch.allocations for k in (a.debit_key, a.credit_key)})
    state: dict[str, list] = {}  # key -> [id, open cents, document date, number]
    for chunk in _chunks(keys):
        rows = Document.objects.filter(company=company, source_key__in=chunk).values_list(
            "source_key", "id", "amount", "allocated", "document_date", "number"
        )
        for key, pk, amount, allocated, day, number in rows:
            state[key] = [pk, decimal_to_cents(amount - allocated), day, number]
    pairs = set()
    ids = sorted({state[a.debit_key][0] for a in batch.allocations if a.debit_key in state})
    for chunk in _chunks(ids):
        pairs.update(Allocation.objects.filter(debit_id__in=chunk).values_list("debit_id", "credit_id"))
    sources = {d.key: d.source for d in batch.documents}
    new = []
    for alloc in batch.allocations:
        where = sources.get(alloc.credit_key) or sources.get(alloc.debit_key) or Source(batch.file)
        debit, credit = state.get(alloc.debit_key), state.get(alloc.credit_key)
        if debit is None or credit is None:
            missing = alloc.debit_key if debit is None else alloc.credit_key
            problems.append(Problem(where, "allocation", f"settles {missing}, which is not in Encours"))
            continue
        if (debit[0], credit[0]) in pairs:
            continue  # imported before: the same match again changes nothing
        cents = decimal_to_cents(alloc.amount)
        if cents > debit[1] or cents > credit[1]:
            problems.append(Problem(where, "allocation", (
                f"{alloc.amount} cannot settle {debit[3]} with {credit[3]}: "
                f"{cents_to_decimal(debit[1])} open on the first, {cents_to_decimal(credit[1])} on the second")))
            continue
        debit[1] -= cents
        credit[1] -= cents
        new.append(Allocation(
            company=company, debit_id=debit[0], credit_id=credit[0], amount=alloc.amount,
            date=max(alloc.date, debit[2], credit[2]), batch=record,
        ))
    if problems:
        return
    for chunk in _chunks(new):
        Allocation.objects.bulk_create(chunk)
        tick(len(chunk))
    summary.allocations_created = len(new)


def allocate(debit: Document, credit: Document, amount: Decimal, on: date) -> Allocation:
    """Settle ``amount`` of invoice ``debit`` with ``credit``; the database refuses more than is open."""
    with transaction.atomic():
        allocation = Allocation.objects.create(
            company_id=debit.company_id, debit=debit, credit=credit, amount=amount, date=max(on, debit.document_date)
        )
        bump_revision(debit.company_id)
    return allocation
