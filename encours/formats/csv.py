"""CSV reader: customers, invoices or payments from a spreadsheet export, read through a column mapping.

A mapping says what the file holds (``kind``), how it is written (delimiter, decimal mark, date format,
encoding) and which of its columns holds each of our fields. See docs/formats.md for the TOML format.
"""
from __future__ import annotations

import csv  # the standard library module: imports are absolute, this file is encours.formats.csv
import hashlib
import io
import re
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from stdnum.eu import vat
from stdnum.exceptions import ValidationError
from stdnum.fr import siren, siret

from encours.core.money import CENT, parse_amount
from encours.core.problems import Problem, Source
from encours.core.records import AllocationRecord, Batch, CustomerKind, CustomerRecord, DocumentKind, DocumentRecord
from encours.core.terms import InvalidTerms, PaymentTerms
from encours.formats.fec import decode_8bit


class CsvKind(StrEnum):
    CUSTOMERS = "customers"
    INVOICES = "invoices"
    PAYMENTS = "payments"


# kind -> (required fields, optional fields); our field names are also the built-in column names.
FIELDS: dict[CsvKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    CsvKind.CUSTOMERS: (
        ("code", "name"),
        ("kind", "siren", "siret", "vat_number", "country", "segment", "terms", "email", "phone", "address"),
    ),
    CsvKind.INVOICES: (
        ("customer_code", "number", "document_date", "amount"),
        ("due_date", "amount_excl_tax", "currency", "label", "doc_type", "customer_name"),
    ),
    CsvKind.PAYMENTS: (
        ("customer_code", "reference", "date", "amount"),
        ("method", "invoice_number"),
    ),
}
DELIMITERS = (";", ",", "\t", "|")  # sniffed in this order of preference on a tie
CUSTOMER_KINDS = {"business": CustomerKind.BUSINESS, "entreprise": CustomerKind.BUSINESS, "public": CustomerKind.PUBLIC,
                  "consumer": CustomerKind.CONSUMER, "particulier": CustomerKind.CONSUMER}
DOCUMENT_TYPES = {"invoice": DocumentKind.INVOICE, "facture": DocumentKind.INVOICE,
                  "credit_note": DocumentKind.CREDIT_NOTE, "avoir": DocumentKind.CREDIT_NOTE}
KIND_NAMES = tuple(kind.value for kind in CsvKind)
MAX_AMOUNT = Decimal(10) ** 16  # DecimalField(max_digits=18, decimal_places=2)
ZERO = Decimal("0")

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f]")
_LINE_END = re.compile(r"\r*\n|\r")
_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class InvalidMapping(ValueError):
    """A mapping that cannot be used; ``reasons`` lists everything wrong with it."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class Mapping:
    kind: CsvKind
    columns: dict[str, str] = field(default_factory=dict)  # our field -> their column header
    delimiter: str | None = None  # None: sniffed from the header line
    decimal: str | None = None  # "," or "."; None: either, a number has at most one of them
    date_format: str = "%Y-%m-%d"
    encoding: str | None = None  # None: UTF-8 (a BOM is tolerated), else ISO-8859-15


def load_mapping(text_or_name: str) -> Mapping:
    """A built-in mapping by name (customers, invoices, payments) or one read from TOML text.

    Raises InvalidMapping listing every reason. Fields left out of ``[columns]`` are still read from a
    column bearing their own name, so a built-in mapping reads files whose headers are our field names.
    """
    if text_or_name.strip() in KIND_NAMES:
        return Mapping(CsvKind(text_or_name.strip()))
    try:
        table = tomllib.loads(text_or_name)
    except tomllib.TOMLDecodeError as error:
        raise InvalidMapping([f"not a mapping name ({', '.join(CsvKind)}) nor valid TOML: {error}"]) from None
    reasons = [f"unknown setting {key!r}" for key in table
               if key not in ("kind", "delimiter", "decimal", "date_format", "encoding", "columns")]
    if table.get("kind") not in KIND_NAMES:
        reasons.append(f"kind must be one of {', '.join(CsvKind)}, got {table.get('kind')!r}")
        raise InvalidMapping(reasons)
    kind = CsvKind(table["kind"])
    delimiter = table.get("delimiter")
    if delimiter is not None and delimiter not in DELIMITERS:
        reasons.append(f"delimiter must be one of ; , tab |, got {delimiter!r}")
    decimal = table.get("decimal")
    if decimal is not None and decimal not in (",", "."):
        reasons.append(f"decimal must be ',' or '.', got {decimal!r}")
    date_format = table.get("date_format", "%Y-%m-%d")
    if not _round_trips(date_format):
        reasons.append(f"date_format {date_format!r} does not read back a full date (day, month and year)")
    encoding = table.get("encoding")
    if encoding is not None:
        try:
            b"a".decode(encoding)  # refuses unknown names and codecs that are not text encodings (rot13)
        except UnicodeDecodeError:
            pass  # a known encoding (utf-16) that cannot decode one byte
        except (LookupError, TypeError):
            reasons.append(f"unknown encoding {encoding!r}; use a Python name: utf-8, iso-8859-15, cp1252")
    columns = table.get("columns", {})
    if not isinstance(columns, dict):
        reasons.append("[columns] must be a table: our_field = \"Their column\"")
        columns = {}
    known = set(FIELDS[kind][0] + FIELDS[kind][1])
    for ours, theirs in columns.items():
        if ours not in known:
            reasons.append(f"unknown field {ours!r} for {kind}; fields: {', '.join(sorted(known))}")
        if not isinstance(theirs, str) or not theirs.strip():
            reasons.append(f"column for {ours!r} must be a non-empty text")
    if reasons:
        raise InvalidMapping(reasons)
    return Mapping(kind, dict(columns), delimiter, decimal, date_format, encoding)


def _round_trips(date_format: object) -> bool:
    if not isinstance(date_format, str) or ("%Y" not in date_format and "%y" not in date_format):
        return False  # also spares strptime's warning on a day without a year
    sample = date(2026, 1, 31)
    try:
        return datetime.strptime(sample.strftime(date_format), date_format).date() == sample
    except ValueError:
        return False


def read_csv(data: bytes, filename: str, mapping: Mapping) -> Batch:
    """Read customers, invoices or payments; every problem is collected as file:line:column."""
    batch = Batch(filename)
    text = _decode(data, filename, mapping.encoding, batch.problems)
    if text is None:
        return batch
    text = _LINE_END.sub("\n", text).rstrip("\x1a")
    first_line = next((line for line in text.split("\n") if line.strip()), "")
    if not first_line:
        batch.problems.append(Problem(Source(filename), "", "empty file"))
        return batch
    delimiter = mapping.delimiter or max(DELIMITERS, key=first_line.count)
    rows = _rows(text, delimiter, filename, batch.problems)
    if (first_row := next(rows, None)) is None:
        return batch  # the only row would not parse: already a problem
    header_line, header = first_row
    columns = _columns(header, mapping, Source(filename, header_line), batch.problems)
    if columns is None:
        return batch
    reader = _READERS[mapping.kind](batch, mapping)
    for number, cells in rows:
        source = Source(filename, number)
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header):]):
            batch.problems.append(Problem(source, "", f"{len(cells)} columns, the header has {len(header)}"))
            continue
        values = {ours: cells[i].strip() if i < len(cells) else "" for ours, (i, _) in columns.items()}
        reader(_Row(source, values, {ours: label for ours, (_, label) in columns.items()}, mapping, batch.problems))
    return batch


def _decode(data: bytes, filename: str, encoding: str | None, problems: list[Problem]) -> str | None:
    try:
        text = data.decode(encoding or "utf-8-sig").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        if encoding:
            message = f"not valid {encoding}: byte 0x{data[error.start]:02x} at offset {error.start}"
            problems.append(Problem(Source(filename), "", message))
            return None
        text = decode_8bit(data)
    if control := _CONTROL.search(text):
        message = f"binary file: control character {control.group()!r}; expected a CSV text"
        problems.append(Problem(Source(filename), "", message))
        return None
    return text


def _rows(text: str, delimiter: str, filename: str, problems: list[Problem]):
    """(line number where the row starts, cells) for every non-empty row; a row that will not parse is a problem."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problems.append(Problem(Source(filename, start), "", f"not a CSV row: {error}"))
            continue
        if any(cell.strip() for cell in cells):
            yield start, cells


def _name(header: str) -> str:
    return unicodedata.normalize("NFC", header).strip().casefold()


def _columns(
    header: list[str], mapping: Mapping, source: Source, problems: list[Problem]
) -> dict[str, tuple[int, str]] | None:
    """Our field -> (position, their header as written); None when a mapped or required column is missing."""
    positions: dict[str, int] = {}
    for position, name in enumerate(header):
        positions.setdefault(_name(name), position)
    required, optional = FIELDS[mapping.kind]
    columns: dict[str, tuple[int, str]] = {}
    found = len(problems)
    for ours in required + optional:
        theirs = mapping.columns.get(ours)
        if theirs is not None:
            if _name(theirs) not in positions:
                problems.append(Problem(source, theirs, f"column not found in the header (mapped to {ours})"))
                continue
            if Counter(map(_name, header))[_name(theirs)] > 1:
                problems.append(Problem(source, theirs, "column appears twice in the header"))
            columns[ours] = (positions[_name(theirs)], theirs)
        elif ours in positions:
            columns[ours] = (positions[ours], ours)
        elif ours in required:
            problems.append(Problem(source, ours, f"no column for the required field {ours}; name one in [columns]"))
    return None if len(problems) > found else columns


@dataclass(slots=True)
class _Row:
    """One row's values by our field name, and how to report a problem on one of them."""

    source: Source
    values: dict[str, str]
    labels: dict[str, str]  # our field -> their column header, for messages
    mapping: Mapping
    problems: list[Problem]

    def problem(self, ours: str, message: str) -> None:
        self.problems.append(Problem(self.source, self.labels.get(ours, ours), message))

    def text(self, ours: str, *, required: bool = False) -> str:
        value = self.values.get(ours, "")
        if required and not value:
            self.problem(ours, "required value missing")
        return value

    def day(self, ours: str, *, required: bool = False) -> date | None:
        text = self.text(ours, required=required)
        if not text:
            return None
        try:
            return datetime.strptime(text, self.mapping.date_format).date()
        except ValueError:
            self.problem(ours, f"not a date in {self.mapping.date_format}: {text!r}")
            return None

    def amount(self, ours: str, *, required: bool = False) -> Decimal | None:
        text = self.text(ours, required=required)
        if not text:
            return None
        compact = re.sub(r"[ \u00a0\u202f]", "", text)
        wrong_mark = {",": ".", ".": ","}.get(self.mapping.decimal or "")
        if not _NUMBER.fullmatch(compact) or (wrong_mark and wrong_mark in compact):
            mark = f" with decimal {self.mapping.decimal!r}" if self.mapping.decimal else ""
            self.problem(ours, f"not a number{mark}: {text!r}")
            return None
        value = parse_amount(compact)
        if abs(value) >= MAX_AMOUNT:
            self.problem(ours, f"amount too large: {text!r}")
        elif value != value.quantize(CENT):
            self.problem(ours, f"more than two decimal places: {text!r}")
        else:
            return value
        return None

    def identifier(self, ours: str, module, what: str) -> str:
        """A SIREN, SIRET or VAT number, checked by python-stdnum and stored compact."""
        text = self.text(ours)
        if not text:
            return ""
        try:
            return module.validate(text)
        except ValidationError as error:
            self.problem(ours, f"not a valid {what}: {text!r} ({error})")
            return ""


class _Customers:
    def __init__(self, batch: Batch, mapping: Mapping):
        self.batch, self.seen = batch, {}

    def __call__(self, row: _Row) -> None:
        found = len(row.problems)
        code, name = row.text("code", required=True), row.text("name", required=True)
        if code in self.seen:
            row.problem("code", f"customer {code!r} already on line {self.seen[code]}")
        elif code:
            self.seen[code] = row.source.line
        kind_text = row.text("kind")
        kind = CUSTOMER_KINDS.get(kind_text.casefold())
        if kind_text and kind is None:
            expected = "business, public or consumer (entreprise, public, particulier)"
            row.problem("kind", f"expected {expected}: {kind_text!r}")
        siren_number = row.identifier("siren", siren, "SIREN")
        siret_number = row.identifier("siret", siret, "SIRET")
        if siren_number and siret_number and not siret_number.startswith(siren_number):
            row.problem("siret", f"SIRET {siret_number} does not belong to SIREN {siren_number}")
        vat_number = row.identifier("vat_number", vat, "VAT number")
        country = row.text("country").upper() or "FR"
        if not re.fullmatch(r"[A-Z]{2}", country):
            row.problem("country", f"not a two-letter country code: {row.text('country')!r}")
        terms = row.text("terms")
        if terms:
            try:
                terms = PaymentTerms.parse(terms).code
            except InvalidTerms as error:
                row.problem("terms", str(error))
        email = row.text("email")
        if email and not _EMAIL.fullmatch(email):
            row.problem("email", f"not an email address: {email!r}")
        if len(row.problems) > found:
            return
        self.batch.customers.append(CustomerRecord(
            code=code, name=name, kind=kind, siren=siren_number, siret=siret_number, vat_number=vat_number,
            country=country, segment=row.text("segment"), terms=terms, email=email, phone=row.text("phone"),
            address=row.text("address"), source=row.source,
        ))


class _Invoices:
    def __init__(self, batch: Batch, mapping: Mapping):
        self.batch, self.seen, self.customers = batch, {}, set()

    def __call__(self, row: _Row) -> None:
        found = len(row.problems)
        code, number = row.text("customer_code", required=True), row.text("number", required=True)
        document_date = row.day("document_date", required=True)
        due_date = row.day("due_date")
        if document_date and due_date and due_date < document_date:
            row.problem("due_date", f"due date {due_date} before the document date {document_date}")
        amount = row.amount("amount", required=True)
        excl_tax = row.amount("amount_excl_tax")
        type_text = row.text("doc_type")
        kind = DOCUMENT_TYPES.get(type_text.casefold(), DocumentKind.INVOICE)
        if type_text and type_text.casefold() not in DOCUMENT_TYPES:
            row.problem("doc_type", f"expected invoice or credit_note (facture, avoir): {type_text!r}")
        if amount is not None and amount < ZERO:
            kind = DocumentKind.CREDIT_NOTE  # a negative amount is a credit note, whatever the type says
        if amount is not None and excl_tax is not None and abs(excl_tax) > abs(amount):
            row.problem("amount_excl_tax", f"larger than the amount including tax ({abs(excl_tax)} > {abs(amount)})")
        currency = row.text("currency").upper() or "EUR"
        if not re.fullmatch(r"[A-Z]{3}", currency):
            row.problem("currency", f"not an ISO 4217 currency code: {row.text('currency')!r}")
        key = ("inv:" if kind is DocumentKind.INVOICE else "cn:") + number
        if number and key in self.seen:
            row.problem("number", f"{kind.replace('_', ' ')} number {number!r} already on line {self.seen[key]}")
        self.seen.setdefault(key, row.source.line)
        if len(row.problems) > found or amount is None or document_date is None or amount == ZERO:
            return  # a zero amount is nothing to collect: skipped
        if (name := row.text("customer_name")) and code not in self.customers:
            self.customers.add(code)
            self.batch.customers.append(CustomerRecord(code, name, source=row.source))
        self.batch.documents.append(DocumentRecord(
            key=key, customer_code=code, kind=kind, number=number, document_date=document_date,
            amount=abs(amount), currency=currency, due_date=due_date,
            amount_excl_tax=None if excl_tax is None else abs(excl_tax), label=row.text("label"), source=row.source,
        ))


class _Payments:
    def __init__(self, batch: Batch, mapping: Mapping):
        self.batch, self.occurrences = batch, Counter()

    def __call__(self, row: _Row) -> None:
        found = len(row.problems)
        code, reference = row.text("customer_code", required=True), row.text("reference", required=True)
        day = row.day("date", required=True)
        amount = row.amount("amount", required=True)
        if amount is not None and amount < ZERO:
            row.problem("amount", f"a payment is positive: {row.text('amount')!r}")
        if len(row.problems) > found or amount is None or day is None or amount == ZERO:
            return
        identity = "\x1f".join((code, reference, day.isoformat(), f"{amount:.2f}"))
        key = "pay:" + hashlib.sha1(identity.encode()).hexdigest()
        self.occurrences[key] += 1
        if self.occurrences[key] > 1:
            key = f"{key}#{self.occurrences[key]}"
        self.batch.documents.append(DocumentRecord(
            key=key, customer_code=code, kind=DocumentKind.PAYMENT, number=reference, document_date=day,
            amount=amount, payment_method=row.text("method"), source=row.source,
        ))
        if invoice := row.text("invoice_number"):
            # the invoice may come from another file: the service resolves the key, or refuses it
            self.batch.allocations.append(AllocationRecord("inv:" + invoice, key, amount, day))


_READERS = {CsvKind.CUSTOMERS: _Customers, CsvKind.INVOICES: _Invoices, CsvKind.PAYMENTS: _Payments}
