"""FEC reader (fichier des écritures comptables, LPF A47 A-1): customer-account lines to records.

See docs/formats.md for the mapping and the legal reference, section 10.1, for the format. Every line
is checked (dates, amounts, column count), not only the customer lines: a line that does not read is
usually a sign the whole export is wrong, and a refused file is better than a half-read one.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from operator import itemgetter

from encours.core.allocation import allocate_fifo
from encours.core.money import CENT
from encours.core.problems import Problem, Source
from encours.core.records import Batch, CustomerRecord, DocumentKind, DocumentRecord
from encours.formats.bulk import cyclic_gc_paused

# The 18 columns of A47 A-1, Debit and Credit aside (they may be replaced by Montant and Sens).
STANDARD_COLUMNS = (
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
    "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "EcritureLet",
    "DateLet", "ValidDate", "Montantdevise", "Idevise",
)
DEBIT_CREDIT = ("Debit", "Credit")
AMOUNT_DIRECTION = ("Montant", "Sens")
MIN_COLUMNS = 18
PROGRESS_EVERY = 20_000  # lines between two progress reports
MAX_AMOUNT = Decimal(10) ** 16  # DecimalField(max_digits=18, decimal_places=2)
ZERO = Decimal("0")

_KNOWN = {name.casefold(): name for name in (*STANDARD_COLUMNS, *DEBIT_CREDIT, *AMOUNT_DIRECTION)}
# A CR CR LF (seen in real exports) is one line end, as an editor shows it; a lone CR is one too.
_LINE_END = re.compile(r"\r*\n|\r")
# Control bytes other than tab, LF, VT/FF, CR and the DOS end-of-file Ctrl-Z never occur in a text export.
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x19\x1b-\x1f]")
_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")


@dataclass(frozen=True, slots=True)
class _Header:
    separator: str
    index: dict[str, int]  # canonical column name -> position
    width: int  # number of columns, a trailing empty one (final separator) left out
    signed: bool  # Montant + Sens instead of Debit + Credit
    minimum: int  # the fewest columns a line may have


class _Cache(dict):
    """Parsed dates and amounts by their text: a FEC repeats the same few hundred dates a million times."""

    LIMIT = 200_000

    def keep(self, text: str, value):
        if len(self) < self.LIMIT:
            self[text] = value
        return value


@dataclass(slots=True)  # not frozen: a million of them are built, and frozen __init__ is slower
class _Row:
    source: Source
    value: dict[str, str]  # canonical column name -> stripped text
    entry_date: date
    piece_date: date
    debit: Decimal
    credit: Decimal

    @property
    def entry(self) -> tuple[str, str, str, str]:
        # EcritureNum alone is not unique: one real export numbers every entry 0.
        v = self.value
        return v["JournalCode"], v["EcritureNum"], v["EcritureDate"], v["PieceRef"]


def read_fec(data: bytes, filename: str, *, account_prefixes: tuple[str, ...] = ("411",),
             progress: Callable[[int, int], None] | None = None) -> Batch:
    """Read a FEC export: customers, invoices, credit notes and payments on the customer accounts.

    Customer lines are those whose CompteNum starts with one of ``account_prefixes``. A line's amount
    is Debit - Credit: positive, an invoice; negative, a credit note when its entry also has a class-7
    line (a sale reversed), a payment otherwise. Lettered lines (EcritureLet) are allocated oldest
    first within each (customer, letter) group. Problems are collected, never raised.
    ``progress(lines_read, lines_in_file)`` is called every ``PROGRESS_EVERY`` lines.
    """
    with cyclic_gc_paused():
        return _read(data, filename, account_prefixes, progress)


def _read(data: bytes, filename: str, account_prefixes: tuple[str, ...], progress) -> Batch:
    batch = Batch(filename)
    text = _decode(data, filename, batch.problems)
    if text is None:
        return batch
    lines = [(number, line) for number, line in enumerate(_LINE_END.split(text), start=1) if line.strip()]
    if not lines:
        batch.problems.append(Problem(Source(filename), "", "empty file"))
        return batch
    header = _read_header(lines[0][1], Source(filename, lines[0][0]), batch.problems)
    if header is None:
        return batch
    names, getter = tuple(header.index), itemgetter(*header.index.values())
    dates, amounts = _Cache(), _Cache()
    body, rows = lines[1:], []
    for start in range(0, len(body), PROGRESS_EVERY):
        rows.extend(
            _read_line(line, Source(filename, number), header, names, getter, dates, amounts, batch.problems)
            for number, line in body[start : start + PROGRESS_EVERY]
        )
        if progress is not None:
            progress(min(start + PROGRESS_EVERY, len(body)), len(body))
    _build(batch, [row for row in rows if row is not None], account_prefixes)
    return batch


def _decode(data: bytes, filename: str, problems: list[Problem]) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(Problem(Source(filename), "", "UTF-16 file: export the FEC as UTF-8 or ISO-8859-15"))
        return None
    if control := _CONTROL.search(data):
        message = f"binary file: control byte 0x{control.group()[0]:02x} at offset {control.start()}; a FEC is text"
        problems.append(Problem(Source(filename), "", message))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = decode_8bit(data)
    return text.rstrip("\x1a")


def decode_8bit(data: bytes) -> str:
    """ISO-8859-15, the encoding A47 A-1 names; Windows-1252 when bytes 0x80-0x9F occur, as they are control
    characters in ISO-8859-15 but the euro sign, œ and quotes in a Windows export."""
    data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 BOM on a file that is not UTF-8 after all
    if re.search(rb"[\x80-\x9f]", data):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass  # five bytes are undefined in cp1252: not a Windows export after all
    return data.decode("iso-8859-15")  # every byte decodes


def _read_header(line: str, source: Source, problems: list[Problem]) -> _Header | None:
    candidates = [sep for sep in ("\t", "|") if sep in line]
    if not candidates:
        problems.append(Problem(source, "", "no tab or | separator in the header line; is this a FEC?"))
        return None
    # Both may occur in a broken header: keep the one that splits it into more known names.
    separator = max(candidates, key=lambda sep: sum(n.strip().casefold() in _KNOWN for n in line.split(sep)))
    names = [name.strip() for name in line.split(separator)]
    while names and not names[-1]:
        names.pop()
    index: dict[str, int] = {}
    found_problem = False
    for position, name in enumerate(names):
        canonical = _KNOWN.get(name.casefold())
        if canonical is None:
            continue  # extra columns (DateRglt, ModeRglt, a site code...) are allowed and ignored
        if canonical in index:
            problems.append(Problem(source, name, "column appears twice in the header"))
            found_problem = True
        index[canonical] = position
    for name in STANDARD_COLUMNS:
        if name not in index:
            problems.append(Problem(source, name, "missing column in the header"))
            found_problem = True
    signed = not all(name in index for name in DEBIT_CREDIT) and all(name in index for name in AMOUNT_DIRECTION)
    if not signed and not all(name in index for name in DEBIT_CREDIT):
        missing = [name for name in DEBIT_CREDIT if name not in index]
        message = "missing column in the header: need Debit and Credit, or Montant and Sens"
        problems.append(Problem(source, missing[0], message))
        found_problem = True
    if found_problem:
        return None
    return _Header(separator, index, len(names), signed, max(MIN_COLUMNS, max(index.values()) + 1))


def _read_line(line, source, header, names, getter, dates, amounts, problems) -> _Row | None:
    fields = line.split(header.separator)
    while len(fields) > header.width and not fields[-1].strip():
        fields.pop()  # a final separator leaves an empty last column
    minimum = header.minimum
    if not minimum <= len(fields) <= header.width:
        expected = f"{minimum}" if minimum == header.width else f"{minimum} to {header.width}"
        problems.append(Problem(source, "", f"{len(fields)} columns, expected {expected}"))
        return None
    value = dict(zip(names, map(str.strip, getter(fields)), strict=True))
    found = len(problems)
    if not value["CompteNum"]:
        problems.append(Problem(source, "CompteNum", "empty account number"))
    entry_date = _date(value, "EcritureDate", source, dates, problems)
    piece_date = _date(value, "PieceDate", source, dates, problems) if value["PieceDate"] else entry_date
    if header.signed:
        amount = _amount(value, "Montant", source, amounts, problems)
        direction = value["Sens"].upper()
        if direction not in ("D", "C"):
            problems.append(Problem(source, "Sens", f"expected D or C: {value['Sens']!r}"))
        debit, credit = (amount, ZERO) if direction == "D" else (ZERO, amount)
    else:
        debit = _amount(value, "Debit", source, amounts, problems)
        credit = _amount(value, "Credit", source, amounts, problems)
    if len(problems) > found or entry_date is None or piece_date is None:
        return None
    return _Row(source, value, entry_date, piece_date, debit, credit)


def _date(value: dict[str, str], name: str, source: Source, cache: _Cache, problems: list[Problem]) -> date | None:
    text = value[name]
    known = cache.get(text)
    if known is not None:
        return known
    if len(text) == 8 and text.isascii() and text.isdigit():
        try:
            return cache.keep(text, date(int(text[:4]), int(text[4:6]), int(text[6:])))
        except ValueError:
            pass
    problems.append(Problem(source, name, f"not a date in AAAAMMJJ: {text!r}"))
    return None


def _amount(value: dict[str, str], name: str, source: Source, cache: _Cache, problems: list[Problem]) -> Decimal:
    text = value[name]
    known = cache.get(text)
    if known is not None:
        return known
    compact = text.replace(" ", "")
    if not compact:
        return ZERO  # some exports leave the unused side empty
    if not _NUMBER.fullmatch(compact):
        problems.append(Problem(source, name, f"not a number: {text!r}"))
        return ZERO
    amount = Decimal(compact.replace(",", "."))  # the pattern above admits nothing else
    if abs(amount) >= MAX_AMOUNT:
        problems.append(Problem(source, name, f"amount too large: {text!r}"))
    elif amount != amount.quantize(CENT):
        problems.append(Problem(source, name, f"more than two decimal places: {text!r}"))
    else:
        return cache.keep(text, amount)
    return ZERO


def _build(batch: Batch, rows: list[_Row], account_prefixes: tuple[str, ...]) -> None:
    sale_entries = {row.entry for row in rows if row.value["CompteNum"].startswith("7")}
    customers: dict[str, CustomerRecord] = {}
    occurrences: Counter[str] = Counter()
    # (customer code, letter as written: case matters) -> (debits, credits) as allocate_fifo wants them
    lettered: defaultdict[tuple[str, str], tuple[list, list]] = defaultdict(lambda: ([], []))
    for row in rows:
        v = row.value
        if not v["CompteNum"].startswith(tuple(account_prefixes)):
            continue
        code = v["CompAuxNum"] or v["CompteNum"]
        if code not in customers:
            customers[code] = CustomerRecord(code, v["CompAuxLib"] or v["CompteLib"] or code, source=row.source)
        net = row.debit - row.credit
        if net == ZERO:
            continue
        key = _key(row, code)
        occurrences[key] += 1
        if occurrences[key] > 1:
            key = f"{key}#{occurrences[key]}"
        if net > ZERO:
            kind = DocumentKind.INVOICE
        else:
            kind = DocumentKind.CREDIT_NOTE if row.entry in sale_entries else DocumentKind.PAYMENT
        document = DocumentRecord(
            key=key, customer_code=code, kind=kind, number=v["PieceRef"] or v["EcritureNum"],
            document_date=row.piece_date, amount=abs(net), label=v["EcritureLib"], source=row.source,
        )
        batch.documents.append(document)
        if v["EcritureLet"]:
            debits, credits = lettered[(code, v["EcritureLet"])]
            (debits if kind.is_debit else credits).append((key, document.document_date, document.amount))
    batch.customers.extend(customers.values())
    for debits, credits in lettered.values():
        batch.allocations.extend(allocate_fifo(debits, credits))


def _key(row: _Row, code: str) -> str:
    """Stable across re-imports of the same data, distinct for distinct lines (duplicates get '#2', '#3')."""
    v = row.value
    parts = (
        v["JournalCode"], v["EcritureNum"], v["EcritureDate"], v["CompteNum"], code, v["PieceRef"],
        v["PieceDate"], v["EcritureLib"], f"{(row.debit + 0).quantize(CENT):f}", f"{(row.credit + 0).quantize(CENT):f}",
    )
    return "fec:" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
