"""Customers' financial statements: stored rows to ``core.solvency``, entering a year, importing a CSV.

The rules (what a valid year is, the ratios, what deteriorates) are in ``encours.core.solvency``; this module
converts, validates through it, stores and records the history. A year is entered through ``save_statement``
or imported from a CSV file by ``import_statements_csv`` (all or nothing; docs/credit-risk.md has the columns).
"""
from __future__ import annotations

import csv  # the standard library module
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from encours.core.money import CENT, ZERO, parse_amount
from encours.core.problems import Problem, Refused, Source
from encours.core.solvency import Analysis, InvalidStatements, Statements, analyse
from encours.customers.models import Company, Customer
from encours.history.services import record
from encours.risk.models import FinancialStatement

BALANCE_SHEET = ("equity", "provisions", "long_term_debt", "fixed_assets", "inventories", "trade_receivables",
                 "other_operating_receivables", "cash", "short_term_bank_debt", "trade_payables",
                 "tax_social_payables", "total_assets")
INCOME_STATEMENT = ("revenue", "purchases", "ebitda", "operating_result", "net_result")
AMOUNTS = BALANCE_SHEET + INCOME_STATEMENT
FIGURES = ("year_end", "months", *AMOUNTS)  # what makes a year; ``source`` is a note, not a figure
# Amounts a year may leave out: core.solvency's defaults (0), and purchases (None: no DPO).
OPTIONAL_AMOUNTS = ("provisions", "other_operating_receivables", "short_term_bank_debt", "tax_social_payables",
                    "purchases")
MAX_AMOUNT = Decimal(10) ** 16  # stored as integer cents in a 64-bit column
PLACEHOLDER_DAY = date(2000, 12, 31)  # stands in for a year end left out, to check the other figures


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class YearAlreadyEntered(ValueError):
    """Another row of the customer already holds this fiscal year end."""

    def __init__(self, row: FinancialStatement):
        self.row = row
        super().__init__(f"the year ended {row.year_end.isoformat()} is already entered")


class StoredStatementInvalid(ValueError):
    """A stored year that core.solvency refuses (changed outside Encours, e.g. in the admin)."""

    def __init__(self, row: FinancialStatement, problems: tuple[tuple[str, str], ...]):
        self.row, self.problems = row, problems
        super().__init__(f"statements of {row.year_end.isoformat()}: "
                         + "; ".join(f"{name}: {message}" for name, message in problems))


# --------------------------------------------------------------------------- rows and the core
def to_core(row: FinancialStatement) -> Statements:
    """The stored year as ``core.solvency.Statements``; raises InvalidStatements."""
    return Statements(year_end=row.year_end, months=row.months, **{name: getattr(row, name) for name in AMOUNTS})


def analysis_for(customer: Customer) -> Analysis:
    """Every stored year of ``customer``, analysed (oldest first). Raises StoredStatementInvalid."""
    statements = []
    for row in FinancialStatement.objects.filter(customer=customer).order_by("year_end"):
        try:
            statements.append(to_core(row))
        except InvalidStatements as error:
            raise StoredStatementInvalid(row, error.problems) from None
    return analyse(statements)


def validate(data: dict) -> Statements:
    """``data`` (year_end, months, amounts as Decimals; optional amounts may be left out) checked by the core,
    plus what the database needs (cents, size). Raises InvalidStatements naming every field."""
    values = {name: value for name, value in data.items() if name in FIGURES}
    if values.get("months") is None:
        values.pop("months", None)
    for name in OPTIONAL_AMOUNTS:
        if values.get(name) is None and name != "purchases":
            values.pop(name, None)
    storage = []
    for name in AMOUNTS:
        value = values.get(name)
        if isinstance(value, Decimal) and value.is_finite():
            if value != value.quantize(CENT):
                storage.append((name, f"at most two decimal places, got {value}"))
            elif abs(value) >= MAX_AMOUNT:
                storage.append((name, f"too large, got {value}"))
    try:
        statements = Statements(**values)
    except InvalidStatements as error:
        raise InvalidStatements(error.problems + tuple(storage)) from None
    except TypeError:  # a required figure left out: name each one as the core would
        missing = [(name, "required") for name in FIGURES if name not in values and name not in OPTIONAL_AMOUNTS
                   and name != "months"]
        raise InvalidStatements(missing + storage) from None
    if storage:
        raise InvalidStatements(storage)
    return statements


def problems_of(partial: dict) -> list[tuple[str, str]]:
    """The problems ``validate`` finds in the figures of ``partial``, when others are missing or unreadable.

    Placeholders stand in for the figures left out, and only the problems of the figures given are kept: a
    form or a file line shows every problem at once, not those of the core after the others are fixed.
    """
    probe = {name: ZERO for name in AMOUNTS if name not in OPTIONAL_AMOUNTS} | {"year_end": PLACEHOLDER_DAY}
    try:
        validate(probe | {name: value for name, value in partial.items() if value is not None})
    except InvalidStatements as error:
        return [(name, message) for name, message in error.problems if partial.get(name) is not None]
    return []


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def _figures(year: Statements | FinancialStatement) -> dict[str, str]:
    """The figures as text for the history: amounts with two decimals, so that 2400000 equals 2400000.00."""
    return {name: _text(getattr(year, name)) for name in FIGURES}


# --------------------------------------------------------------------------- entering a year
def save_statement(customer: Customer, data: dict, user, *, statement: FinancialStatement | None = None,
                   replace: bool = True, source: str | None = None, now=None) -> tuple[FinancialStatement, Outcome]:
    """Create or update one fiscal year of ``customer`` from ``data``, validated by ``core.solvency``.

    Without ``statement``, the year is found by its ``year_end``: created, or updated when ``replace``, else
    YearAlreadyEntered. With ``statement``, that row is updated (its year end may move, not onto another
    year: YearAlreadyEntered). Same figures: nothing written. A creation or a change is recorded in the
    history ("credit.statements"), an update with the figures before and after. ``source`` None keeps the
    stored one. Raises InvalidStatements.
    """
    statements = validate(data)
    now = now or timezone.now()
    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=customer.pk).first()  # one writer per customer
        same_year = FinancialStatement.objects.filter(customer=customer, year_end=statements.year_end).first()
        if statement is not None:
            row = FinancialStatement.objects.get(pk=statement.pk, customer=customer)
            if same_year is not None and same_year.pk != row.pk:
                raise YearAlreadyEntered(same_year)
        else:
            row = same_year
            if row is not None and not replace:
                raise YearAlreadyEntered(row)
        return _store(customer, statements, user, row=row, source=source, now=now)


def _store(customer: Customer, s: Statements, user, *, row: FinancialStatement | None, source: str | None,
           now) -> tuple[FinancialStatement, Outcome]:
    after = _figures(s)
    values = {name: getattr(s, name) for name in FIGURES}
    ended = s.year_end.isoformat()
    if row is None:
        row = FinancialStatement.objects.create(customer=customer, recorded_by=user, source=(source or "")[:60],
                                                **values)
        record(customer.company, "credit.statements", f"Financial statements of the year ended {ended} entered",
               customer=customer, actor=user, after=after, at=now)
        return row, Outcome.CREATED
    before = _figures(row)
    changed = [name for name in FIGURES if before[name] != after[name]]
    new_source = None if source is None else source[:60]
    if not changed and (new_source is None or new_source == row.source):
        return row, Outcome.UNCHANGED
    was = {name: before[name] for name in changed}
    now_is = {name: after[name] for name in changed}
    if new_source is not None and new_source != row.source:
        was["source"], now_is["source"] = row.source, new_source
        row.source = new_source
    for name, value in values.items():
        setattr(row, name, value)
    row.recorded_by = user
    row.save()
    record(customer.company, "credit.statements", f"Financial statements of the year ended {ended} changed",
           customer=customer, actor=user, before=was, after=now_is, at=now)
    return row, Outcome.UPDATED


# --------------------------------------------------------------------------- importing a CSV
# One column per field, named as the model field; or by the French name here. Headers are read without
# case, accents, spaces, hyphens or apostrophes mattering: "Capitaux propres" is capitaux_propres.
FRENCH = {
    "customer": ("client",),
    "year_end": ("date_cloture",),
    "months": ("duree_mois", "mois"),
    "equity": ("capitaux_propres",),
    "provisions": ("provisions_risques",),
    "long_term_debt": ("dettes_financieres",),
    "fixed_assets": ("actif_immobilise",),
    "inventories": ("stocks",),
    "trade_receivables": ("creances_clients",),
    "other_operating_receivables": ("autres_creances",),
    "cash": ("disponibilites",),
    "short_term_bank_debt": ("concours_bancaires",),
    "trade_payables": ("dettes_fournisseurs",),
    "tax_social_payables": ("dettes_fiscales_sociales",),
    "total_assets": ("total_bilan",),
    "revenue": ("chiffre_affaires", "chiffre_d_affaires"),
    "purchases": ("achats",),
    "ebitda": ("ebe", "excedent_brut_exploitation"),
    "operating_result": ("resultat_exploitation",),
    "net_result": ("resultat_net",),
}
COLUMNS = ("customer", *FIGURES)
REQUIRED_COLUMNS = tuple(name for name in COLUMNS if name != "months" and name not in OPTIONAL_AMOUNTS)
_HEADER_NAMES = {alias: ours for ours, aliases in FRENCH.items() for alias in (ours, *aliases)}
_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    lines: list[tuple[Customer, date, Outcome]] = field(default_factory=list)  # in the file's order


@dataclass
class _Line:
    source: Source
    customer: Customer
    data: dict


def header_name(text: str) -> str:
    """'Capitaux propres' -> 'capitaux_propres', "Chiffre d'affaires" -> 'chiffre_d_affaires'."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[\s\-'’_]+", "_", bare.strip().casefold()).strip("_")


def import_statements_csv(company: Company, data: bytes, filename: str, user, *, now=None) -> ImportSummary:
    """Create or update the years of a CSV file (one line per customer and year), all or nothing.

    Raises Refused listing every problem as file:line:column: message; nothing is then written. A line whose
    figures equal the stored year changes nothing; a changed figure updates the year, with its event.
    """
    problems: list[Problem] = []
    lines = _read(company, data, filename, problems)
    if problems:
        raise Refused(problems)
    summary = ImportSummary()
    now = now or timezone.now()
    with transaction.atomic():
        ids = sorted({line.customer.pk for line in lines})
        list(Customer.objects.select_for_update().filter(pk__in=ids).order_by("pk"))  # one writer per customer
        stored = {(row.customer_id, row.year_end): row
                  for row in FinancialStatement.objects.filter(customer_id__in=ids)}
        for line in lines:
            s = validate(line.data)
            row = stored.get((line.customer.pk, s.year_end))
            source = f"CSV {filename}" if row is None else None
            row, outcome = _store(line.customer, s, user, row=row, source=source, now=now)
            setattr(summary, outcome.value, getattr(summary, outcome.value) + 1)
            summary.lines.append((line.customer, s.year_end, outcome))
    return summary


def _read(company: Company, data: bytes, filename: str, problems: list[Problem]) -> list[_Line]:
    whole = Source(filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(Problem(whole, "", f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset "
                                           f"{error.start}): save the file as CSV UTF-8"))
        return []
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first:
        problems.append(Problem(whole, "", "empty file: a header line and one line per customer and year"))
        return []
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(Problem(Source(filename, start), "", f"not a CSV line: {error}"))
            continue
        if any(cell.strip() for cell in cells):
            rows.append((start, cells))
    if not rows:
        return []
    (header_line, header), body = rows[0], rows[1:]
    columns = _columns(header, Source(filename, header_line), problems)
    if not body:
        problems.append(Problem(Source(filename, header_line), "", "no line after the header"))
    codes = {cells[columns["customer"][0]].strip() for _, cells in body
             if "customer" in columns and columns["customer"][0] < len(cells)}
    customers = {c.code: c for c in Customer.objects.filter(company=company, code__in=codes)}
    seen: dict[tuple[str, date], int] = {}
    lines = []
    for number, cells in body:
        line = _line(Source(filename, number), cells, header, columns, customers, seen, problems)
        if line is not None:
            lines.append(line)
    return lines


def _columns(header: list[str], source: Source, problems: list[Problem]) -> dict[str, tuple[int, str]]:
    """Our column name -> (position, the header as written). Unknown, repeated or missing columns: problems."""
    columns: dict[str, tuple[int, str]] = {}
    for position, written in enumerate(header):
        if not written.strip():
            continue  # a trailing separator; a value under it is a problem of its line
        ours = _HEADER_NAMES.get(header_name(written))
        if ours is None:
            problems.append(Problem(source, written.strip(), "unknown column; the columns are: " + ", ".join(COLUMNS)))
        elif ours in columns:
            problems.append(Problem(source, written.strip(), f"a second column for {ours} "
                                                             f"(already {columns[ours][1]!r})"))
        else:
            columns[ours] = (position, written.strip())
    for ours in REQUIRED_COLUMNS:
        if ours not in columns:
            problems.append(Problem(source, ours, f"missing column (or {FRENCH[ours][0]})"))
    return columns


def _line(source: Source, cells: list[str], header: list[str], columns: dict[str, tuple[int, str]],
          customers: dict[str, Customer], seen: dict, problems: list[Problem]) -> _Line | None:
    found = len(problems)

    def problem(ours: str, message: str) -> None:
        problems.append(Problem(source, columns[ours][1] if ours in columns else ours, message))

    def cell(ours: str) -> str:
        position = columns[ours][0] if ours in columns else None
        return cells[position].strip() if position is not None and position < len(cells) else ""

    known = {position for position, _ in columns.values()}
    for position, value in enumerate(cells):
        if value.strip() and position not in known and (position >= len(header) or not header[position].strip()):
            problems.append(Problem(source, "", f"value {value.strip()!r} in column {position + 1}, "
                                                "which has no header"))
    complete = all(ours in columns for ours in REQUIRED_COLUMNS)
    code = cell("customer")
    customer = customers.get(code)
    if not code:
        problem("customer", "required value missing")
    elif customer is None:
        problem("customer", f"unknown customer {code!r}")
    data: dict = {}
    text = cell("year_end")
    if not text:
        problem("year_end", "required value missing")
    elif not _ISO_DATE.fullmatch(text):
        problem("year_end", f"not a date YYYY-MM-DD: {text!r}")
    else:
        try:
            data["year_end"] = date.fromisoformat(text)
        except ValueError:
            problem("year_end", f"not a date: {text!r}")
    if text := cell("months"):
        if text.isdigit():
            data["months"] = int(text)
        else:
            problem("months", f"not a whole number of months: {text!r}")
    for ours in AMOUNTS:
        text = cell(ours)
        if not text:
            if ours in columns and ours not in OPTIONAL_AMOUNTS:
                problem(ours, "required value missing")
            continue
        compact = re.sub(r"[ \u00a0\u202f]", "", text)
        if not _NUMBER.fullmatch(compact):
            problem(ours, f"not a number: {text!r}")
            continue
        data[ours] = parse_amount(compact)
    if "year_end" in data and customer is not None:
        key = (code, data["year_end"])
        if key in seen:
            problem("year_end", f"customer {code} year {data['year_end'].isoformat()} already on line {seen[key]}")
        else:
            seen[key] = source.line
    for name, message in problems_of(data):
        problem(name, message)
    if len(problems) > found or not complete:
        return None
    return _Line(source, customer, data)
