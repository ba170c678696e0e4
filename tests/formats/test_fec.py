import re
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from encours.core.problems import Problem, Source
from encours.core.records import AllocationRecord, DocumentKind
from encours.formats.fec import read_fec

REAL = Path("/work/shared/realdata/fec/neolegal-fec-reader")
REAL_FILES = [
    "0000000001FEC20220831.txt",  # UTF-8 with BOM, tab, 18 columns, lettered
    "000000000FEC20231231.txt",  # UTF-8, tab, 22 columns, EcritureNum 0 everywhere, lower-case journals
    "111111111FEC20221231.TXT",  # ISO-8859-15, pipe, padded fields, leading zeros, final separator
    "123456789FEC20500930.txt",  # UTF-8, tab, CR CR LF line ends, no CompAuxNum
]
needs_real_files = pytest.mark.skipif(not REAL.is_dir(), reason="real FEC samples not available")
D = Decimal

HEADER = (
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
    "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
    "ValidDate", "Montantdevise", "Idevise",
)


def line(journal="VT", num="1", day="20260115", account="411000", account_lib="Clients", aux="C001",
         aux_lib="Dupont SA", piece="F001", piece_date="20260115", label="Facture F001", debit="0,00",
         credit="0,00", letter="", sep="\t"):
    fields = [journal, "Ventes", num, day, account, account_lib, aux, aux_lib, piece, piece_date, label,
              debit, credit, letter, "", "20260131", "", ""]
    return sep.join(fields)


def fec(*lines, header=HEADER, sep="\t", eol="\n"):
    return eol.join([sep.join(header), *lines]).encode("utf-8") + eol.encode()


def sale(num="1", piece="F001", customer="C001", total="120,00", net="100,00", vat="20,00", letter="", day="20260115"):
    """A sale entry: the customer owes the total, the sale (class 7) and VAT are credited."""
    return [
        line(num=num, piece=piece, aux=customer, debit=total, letter=letter, day=day, piece_date=day),
        line(num=num, piece=piece, account="706000", account_lib="Prestations", aux="", aux_lib="", credit=net, day=day, piece_date=day),
        line(num=num, piece=piece, account="445710", account_lib="TVA collectée", aux="", aux_lib="", credit=vat, day=day, piece_date=day),
    ]


def receipt(num="9", piece="VIR1", customer="C001", amount="120,00", letter="", day="20260210"):
    """A bank entry: the bank is debited, the customer credited."""
    return [
        line(journal="BQ", num=num, piece=piece, account="512000", account_lib="Banque", aux="", aux_lib="", debit=amount, day=day, piece_date=day),
        line(journal="BQ", num=num, piece=piece, aux=customer, credit=amount, letter=letter, day=day, piece_date=day, label="VIR DUPONT"),
    ]


# --- the four real exports -------------------------------------------------------------------------

def customer_balances(path: Path) -> dict[str, Decimal]:
    """Debit - Credit per customer on the 411 lines, by a plain split of the file (not the reader's code)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("iso-8859-15")
    rows = [row for row in text.replace("\r", "\n").split("\n") if row.strip()]
    sep = "\t" if "\t" in rows[0] else "|"
    names = [name.strip().lower() for name in rows[0].split(sep)]
    balances: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows[1:]:
        cells = dict(zip(names, (cell.strip() for cell in row.split(sep))))
        if cells["comptenum"].startswith("411"):
            code = cells["compauxnum"] or cells["comptenum"]
            balances[code] += D(cells["debit"].replace(",", ".")) - D(cells["credit"].replace(",", "."))
    return balances


def read_real(name):
    return read_fec((REAL / name).read_bytes(), name)


@needs_real_files
@pytest.mark.parametrize("name", REAL_FILES)
def test_each_real_export_imports_without_any_problem(name):
    batch = read_real(name)
    assert batch.problems == []
    assert batch.documents


@needs_real_files
@pytest.mark.parametrize("name", REAL_FILES)
def test_each_customer_owes_its_411_balance_as_invoices_minus_credit_documents(name):
    batch = read_real(name)
    owed: dict[str, Decimal] = defaultdict(Decimal)
    for document in batch.documents:
        owed[document.customer_code] += document.amount if document.kind.is_debit else -document.amount
    expected = customer_balances(REAL / name)
    assert {c.code for c in batch.customers} == set(expected)
    assert {code: owed[code] for code in expected} == expected


@needs_real_files
def test_real_export_with_bom_gives_invoices_payments_and_credit_notes_as_read_by_eye():
    batch = read_real("0000000001FEC20220831.txt")
    by_line = {d.source.line: d for d in batch.documents}
    # line 44: ANO 1 20210901 411000 CLAURE LAURENT PRIMEURS RAN 20210901 "Report à nouveau" debit 6135,88
    opening = by_line[44]
    assert (opening.kind, opening.amount, opening.document_date, opening.number, opening.customer_code) == (
        DocumentKind.INVOICE, D("6135.88"), date(2021, 9, 1), "RAN", "CLAURE")
    assert opening.label == "Report à nouveau"
    # line 1900: CRC 8 20210903 CLAURE 0055129 "VIR LAURENT PRIMEURS 55129" credit 2780,98, a bank entry
    payment = by_line[1900]
    assert (payment.kind, payment.amount, payment.document_date, payment.number, payment.customer_code) == (
        DocumentKind.PAYMENT, D("2780.98"), date(2021, 9, 3), "0055129", "CLAURE")
    # lines 4762-4764: VEN 196 AV 220187, 411 credit 4303,52 against 701000 debit 4216,80: a credit note
    credit_note = by_line[4762]
    assert (credit_note.kind, credit_note.amount, credit_note.document_date, credit_note.number, credit_note.customer_code) == (
        DocumentKind.CREDIT_NOTE, D("4303.52"), date(2022, 2, 11), "AV  220187", "CCALIX")
    assert {c.code: c.name for c in batch.customers}["CCALIX"] == "JARDINS DE CALIXTE"


@needs_real_files
def test_real_export_numbering_every_entry_zero_tells_sales_from_bank_entries():
    batch = read_real("000000000FEC20231231.txt")
    by_line = {d.source.line: d for d in batch.documents}
    # line 51: ve 0 20230131 41100000 CCB "RECETTE CB" 01/2023 debit 26608,35
    assert (by_line[51].kind, by_line[51].amount, by_line[51].document_date, by_line[51].number, by_line[51].customer_code) == (
        DocumentKind.INVOICE, D("26608.35"), date(2023, 1, 31), "01/2023", "CCB")
    # line 63: bq 0 20230104 CCB "REM CB" credit 630,47; entry 0 of journal bq has no class-7 line
    assert (by_line[63].kind, by_line[63].amount, by_line[63].document_date, by_line[63].number, by_line[63].customer_code) == (
        DocumentKind.PAYMENT, D("630.47"), date(2023, 1, 4), "REM CB", "CCB")
    # line 1893: AD 0 20220718 CCHQ "REM CHQ" credit 740,50
    assert (by_line[1893].kind, by_line[1893].amount, by_line[1893].number, by_line[1893].customer_code) == (
        DocumentKind.PAYMENT, D("740.50"), "REM CHQ", "CCHQ")
    assert {c.code: c.name for c in batch.customers} == {
        "CCB": "RECETTE CB", "CESP": "RECETTE ESPECES", "CVIR": "RECETTES VIREMENT", "CCHQ": "RECETTE CHQ"}
    assert batch.allocations == []  # nothing lettered on 411 in this file


@needs_real_files
def test_real_padded_pipe_export_reads_one_customer_by_eye_with_its_letters():
    batch = read_real("111111111FEC20221231.TXT")
    monteux = [d for d in batch.documents if d.customer_code == "41104752"]
    # the ten 411 lines of U EXPRESS MONTEUX (41104752):
    # line 15 invoice 229,16 AA; 66 invoice 74,06 AD; 73 invoice 111,42 AB; 80 invoice 111,42 unlettered;
    # 87 credit 74,06 AD in sales entry 00000012 (class-7 debits: a credit note); 248 invoice 280,24 AC;
    # 449 invoice 148,48 unlettered; 548 payment 229,16 AA; 550 payment 111,42 AB; 594 payment 280,24 AC
    assert [(d.source.line, d.kind, d.amount) for d in monteux] == [
        (15, DocumentKind.INVOICE, D("229.16")), (66, DocumentKind.INVOICE, D("74.06")),
        (73, DocumentKind.INVOICE, D("111.42")), (80, DocumentKind.INVOICE, D("111.42")),
        (87, DocumentKind.CREDIT_NOTE, D("74.06")), (248, DocumentKind.INVOICE, D("280.24")),
        (449, DocumentKind.INVOICE, D("148.48")), (548, DocumentKind.PAYMENT, D("229.16")),
        (550, DocumentKind.PAYMENT, D("111.42")), (594, DocumentKind.PAYMENT, D("280.24")),
    ]
    first = monteux[0]
    assert (first.number, first.document_date, first.label) == ("VE  0123", date(2023, 1, 18), "NECTAR FRAISE+GASPAC")
    key = {d.source.line: d.key for d in monteux}
    mine = [a for a in batch.allocations if a.debit_key in key.values()]
    # each letter pairs one invoice with one credit of the same amount, dated the later of the two
    assert sorted(mine, key=lambda a: a.date) == sorted([
        AllocationRecord(key[15], key[548], D("229.16"), date(2023, 3, 22)),
        AllocationRecord(key[66], key[87], D("74.06"), date(2023, 3, 13)),
        AllocationRecord(key[73], key[550], D("111.42"), date(2023, 3, 22)),
        AllocationRecord(key[248], key[594], D("280.24"), date(2023, 5, 10)),
    ], key=lambda a: a.date)
    # open: lines 80 and 449, 111.42 + 148.48 = 259.90
    assert customer_balances(REAL / "111111111FEC20221231.TXT")["41104752"] == D("259.90")


@needs_real_files
def test_real_export_repeating_a_line_four_times_gives_four_documents_with_distinct_keys():
    batch = read_real("111111111FEC20221231.TXT")
    # lines 740-743: the same AN 00000192 line for FINISTERESTES29, debit 837,94, four times
    keys = [d.key for d in batch.documents if d.source.line in (740, 741, 742, 743)]
    assert keys == [keys[0], keys[0] + "#2", keys[0] + "#3", keys[0] + "#4"]
    assert len({d.key for d in batch.documents}) == len(batch.documents)


@needs_real_files
def test_real_export_with_cr_cr_lf_line_ends_and_no_auxiliary_accounts_uses_the_account_as_customer():
    batch = read_real("123456789FEC20500930.txt")
    assert [(c.code, c.name, c.source) for c in batch.customers] == [
        ("411100000", "CLIENTS", Source("123456789FEC20500930.txt", 77))]
    # line 77: ANO invoice 2153,38 lettered AAAF; line 7635: INV entry, 411 credit 2153,38 against 707000
    # debit (a credit note), AAAF; lines 8980 and 8983: OD invoices 75784,50 and 52416,00, unlettered
    assert [(d.source.line, d.kind, d.amount, d.number) for d in batch.documents] == [
        (77, DocumentKind.INVOICE, D("2153.38"), "5"),
        (7635, DocumentKind.CREDIT_NOTE, D("2153.38"), "EXT 5"),
        (8980, DocumentKind.INVOICE, D("75784.50"), "OD000000095"),
        (8983, DocumentKind.INVOICE, D("52416.00"), "OD000000096"),
    ]
    invoice, credit_note = batch.documents[0], batch.documents[1]
    assert batch.allocations == [AllocationRecord(invoice.key, credit_note.key, D("2153.38"), date(2022, 4, 1))]
    # balance: 2153.38 - 2153.38 + 75784.50 + 52416.00 = 128200.50
    assert customer_balances(REAL / "123456789FEC20500930.txt") == {"411100000": D("128200.50")}


def lettered_groups(path: Path) -> dict[tuple[str, str], tuple[Decimal, list[int]]]:
    """(customer, letter) -> (Debit - Credit, line numbers), read with a plain split of the file."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("iso-8859-15")
    rows = re.split(r"\r*\n", text)
    sep = "\t" if "\t" in rows[0] else "|"
    names = [name.strip().lower() for name in rows[0].split(sep)]
    groups: dict[tuple[str, str], tuple[Decimal, list[int]]] = {}
    for number, row in enumerate(rows, start=1):
        cells = dict(zip(names, (cell.strip() for cell in row.split(sep))))
        if number > 1 and row.strip() and cells["comptenum"].startswith("411") and cells["ecriturelet"]:
            group = (cells["compauxnum"] or cells["comptenum"], cells["ecriturelet"])
            total, lines = groups.get(group, (D(0), []))
            groups[group] = (total + D(cells["debit"].replace(",", ".")) - D(cells["credit"].replace(",", ".")), [*lines, number])
    return groups


@needs_real_files
@pytest.mark.parametrize("name", ["0000000001FEC20220831.txt", "111111111FEC20221231.TXT", "123456789FEC20500930.txt"])
def test_lettered_groups_that_balance_leave_every_document_fully_allocated(name):
    batch = read_real(name)
    assert batch.allocations
    allocated: dict[str, Decimal] = defaultdict(Decimal)
    for a in batch.allocations:
        allocated[a.debit_key] += a.amount
        allocated[a.credit_key] += a.amount
    by_line = {d.source.line: d for d in batch.documents}
    balanced = [lines for total, lines in lettered_groups(REAL / name).values() if total == 0]
    assert balanced
    for lines in balanced:
        for number in lines:
            if number in by_line:  # zero-amount lines make no document
                assert allocated[by_line[number].key] == by_line[number].amount


@needs_real_files
@pytest.mark.parametrize("name", REAL_FILES)
def test_no_document_is_allocated_more_than_its_amount_in_the_real_exports(name):
    batch = read_real(name)
    allocated: dict[str, Decimal] = defaultdict(Decimal)
    for a in batch.allocations:
        allocated[a.debit_key] += a.amount
        allocated[a.credit_key] += a.amount
    assert all(allocated[d.key] <= d.amount for d in batch.documents)


@needs_real_files
def test_reimporting_the_same_file_gives_the_same_keys():
    first = read_real("0000000001FEC20220831.txt")
    second = read_real("0000000001FEC20220831.txt")
    assert [d.key for d in first.documents] == [d.key for d in second.documents]


# --- small synthetic files --------------------------------------------------------------------------

def test_a_sale_a_reversed_sale_and_a_receipt_give_an_invoice_a_credit_note_and_a_payment():
    data = fec(
        *sale(num="1", piece="F001", total="120,00", net="100,00", vat="20,00"),
        # credit note A001: the customer is credited 24,00, the sale (706) debited 20,00 and VAT 4,00
        line(num="2", piece="A001", credit="24,00", label="Avoir A001"),
        line(num="2", piece="A001", account="706000", aux="", aux_lib="", debit="20,00"),
        line(num="2", piece="A001", account="445710", aux="", aux_lib="", debit="4,00"),
        *receipt(num="3", piece="VIR1", amount="96,00"),
    )
    batch = read_fec(data, "s.txt")
    assert batch.problems == []
    assert [(d.kind, d.amount, d.number, d.source.line) for d in batch.documents] == [
        (DocumentKind.INVOICE, D("120.00"), "F001", 2),
        (DocumentKind.CREDIT_NOTE, D("24.00"), "A001", 5),
        (DocumentKind.PAYMENT, D("96.00"), "VIR1", 9),
    ]
    invoice = batch.documents[0]
    assert (invoice.customer_code, invoice.document_date, invoice.label, invoice.currency, invoice.due_date) == (
        "C001", date(2026, 1, 15), "Facture F001", "EUR", None)
    assert [(c.code, c.name, c.source) for c in batch.customers] == [("C001", "Dupont SA", Source("s.txt", 2))]


def test_a_line_with_both_debit_and_credit_is_netted():
    # debit 100,00 - credit 30,00 = 70,00 owed
    batch = read_fec(fec(line(debit="100,00", credit="30,00")), "n.txt")
    assert batch.problems == []
    assert [(d.kind, d.amount) for d in batch.documents] == [(DocumentKind.INVOICE, D("70.00"))]


def test_a_zero_line_makes_no_document_but_the_customer_is_known():
    batch = read_fec(fec(line(debit="0,00", credit="0,00"), line(debit="50,00", credit="50,00")), "z.txt")
    assert batch.problems == [] and batch.documents == []
    assert [c.code for c in batch.customers] == ["C001"]


def test_without_auxiliary_account_the_account_is_the_customer_and_names_fall_back():
    data = fec(
        line(account="411DUPONT", account_lib="Client Dupont", aux="", aux_lib="", debit="10,00"),
        line(account="411MARTIN", account_lib="", aux="", aux_lib="", debit="10,00"),
    )
    batch = read_fec(data, "a.txt")
    assert [(c.code, c.name) for c in batch.customers] == [("411DUPONT", "Client Dupont"), ("411MARTIN", "411MARTIN")]
    assert [d.customer_code for d in batch.documents] == ["411DUPONT", "411MARTIN"]


def test_the_first_line_of_a_customer_gives_its_name():
    data = fec(line(aux_lib="DUPONT", debit="1,00"), line(aux_lib="Dupont SA (nouveau nom)", debit="2,00"))
    assert [(c.name, c.source.line) for c in read_fec(data, "f.txt").customers] == [("DUPONT", 2)]


def test_an_empty_piece_date_falls_back_to_the_entry_date_and_an_empty_piece_ref_to_the_entry_number():
    batch = read_fec(fec(line(num="42", day="20240229", piece="", piece_date="", debit="10,00")), "p.txt")
    assert batch.problems == []
    assert (batch.documents[0].document_date, batch.documents[0].number) == (date(2024, 2, 29), "42")


def test_only_accounts_with_the_given_prefixes_are_customer_lines():
    data = fec(
        line(account="411000", aux="C1", debit="1,00"),
        line(account="416000", aux="C2", debit="2,00"),  # doubtful debts (clients douteux)
        line(account="401000", aux="F1", credit="3,00"),  # a supplier
        line(account=" 4110 ", aux="C3", debit="4,00"),
    )
    assert [d.customer_code for d in read_fec(data, "x.txt").documents] == ["C1", "C3"]
    assert [d.customer_code for d in read_fec(data, "x.txt", account_prefixes=("411", "416")).documents] == ["C1", "C2", "C3"]


def test_pipe_separator_padded_fields_leading_zeros_and_a_final_separator_are_read():
    header = "|".join(HEADER) + "|"
    row = line(journal="VE  ", aux="41101590", aux_lib="E.LECLERC CARPENTR     ", piece="VE  0123",
               debit="0000000074,70", credit="0000000000,00", letter="  ", sep="|") + "|"
    batch = read_fec(f"{header}\r\n{row}\r\n".encode("ascii"), "p.TXT")
    assert batch.problems == []
    [document] = batch.documents
    assert (document.amount, document.number, document.customer_code) == (D("74.70"), "VE  0123", "41101590")
    assert batch.customers[0].name == "E.LECLERC CARPENTR"
    assert batch.allocations == []  # a letter of spaces is no letter


def test_a_utf8_bom_is_not_part_of_the_first_column_name():
    batch = read_fec(b"\xef\xbb\xbf" + fec(line(debit="5,00")), "bom.txt")
    assert batch.problems == [] and len(batch.documents) == 1


def test_a_file_that_is_not_utf8_is_read_as_iso_8859_15():
    data = fec(line(debit="5,00")).replace(b"Dupont SA", "Société €".encode("iso-8859-15"))
    batch = read_fec(data, "latin9.txt")
    assert batch.problems == []
    assert batch.customers[0].name == "Société €"


def test_cr_cr_lf_line_ends_count_as_one_line_and_blank_lines_keep_their_number():
    data = fec(line(debit="1,00"), "", line(day="2026-01-15", debit="2,00"), eol="\r\r\n")
    # line 1 header, 2 a good line, 3 blank, 4 a bad date
    assert read_fec(data, "c.txt").problems == [
        Problem(Source("c.txt", 4), "EcritureDate", "not a date in AAAAMMJJ: '2026-01-15'")]


def test_lone_cr_and_lf_line_ends_are_read_too():
    for eol in ("\r", "\n", "\r\n"):
        batch = read_fec(fec(line(debit="1,00"), line(debit="2,00"), eol=eol), "e.txt")
        assert batch.problems == [] and [d.source.line for d in batch.documents] == [2, 3]


def test_montant_and_sens_replace_debit_and_credit():
    header = tuple("Montant" if n == "Debit" else "Sens" if n == "Credit" else n for n in HEADER)
    data = fec(
        line(debit="120,00", credit="D"),
        line(journal="BQ", num="2", piece="VIR1", debit="20,00", credit=" c "),
        header=header,
    )
    batch = read_fec(data, "ms.txt")
    assert batch.problems == []
    assert [(d.kind, d.amount) for d in batch.documents] == [(DocumentKind.INVOICE, D("120.00")), (DocumentKind.PAYMENT, D("20.00"))]


def test_a_sens_other_than_d_or_c_is_a_problem():
    header = tuple("Montant" if n == "Debit" else "Sens" if n == "Credit" else n for n in HEADER)
    batch = read_fec(fec(line(debit="12,00", credit="X"), header=header), "ms.txt")
    assert batch.problems == [Problem(Source("ms.txt", 2), "Sens", "expected D or C: 'X'")]


def test_header_names_are_matched_whatever_their_case_and_extra_columns_are_ignored():
    header = tuple(n.upper() for n in HEADER) + ("DateRglt", "ModeRglt", "NatOp", "IdClient")
    batch = read_fec(fec(line(debit="1,00") + "\t20260131\tCH\t\t", line(debit="2,00"), header=header), "h.txt")
    assert batch.problems == []
    assert [d.amount for d in batch.documents] == [D("1.00"), D("2.00")]


def test_missing_header_columns_are_each_reported_on_line_1():
    header = tuple(n for n in HEADER if n not in ("PieceDate", "EcritureLet"))
    assert read_fec(fec(header=header), "m.txt").problems == [
        Problem(Source("m.txt", 1), "PieceDate", "missing column in the header"),
        Problem(Source("m.txt", 1), "EcritureLet", "missing column in the header"),
    ]


def test_a_header_without_debit_and_credit_nor_montant_and_sens_is_refused():
    header = tuple(n for n in HEADER if n != "Credit")
    assert read_fec(fec(header=header), "m.txt").problems == [
        Problem(Source("m.txt", 1), "Credit", "missing column in the header: need Debit and Credit, or Montant and Sens")]


def test_a_column_named_twice_in_the_header_is_a_problem():
    problems = read_fec(fec(header=HEADER + ("debit",)), "t.txt").problems
    assert problems == [Problem(Source("t.txt", 1), "debit", "column appears twice in the header")]


def test_a_header_without_tab_or_pipe_is_refused():
    problems = read_fec(b"JournalCode;JournalLib;EcritureNum\nVT;Ventes;1\n", "semi.csv").problems
    assert problems == [Problem(Source("semi.csv", 1), "", "no tab or | separator in the header line; is this a FEC?")]


def test_a_line_with_too_many_or_too_few_columns_is_reported_with_its_count():
    data = fec(line(debit="1,00") + "\textra", "\t".join(["VT"] * 17), line(debit="2,00"))
    batch = read_fec(data, "w.txt")
    assert batch.problems == [
        Problem(Source("w.txt", 2), "", "19 columns, expected 18"),
        Problem(Source("w.txt", 3), "", "17 columns, expected 18"),
    ]
    assert [d.source.line for d in batch.documents] == [4]  # the reader kept going


def test_with_extra_header_columns_a_line_may_have_from_18_to_the_header_width():
    header = HEADER + ("DateRglt", "ModeRglt")
    data = fec(line(debit="1,00"), line(debit="2,00") + "\tx", line(debit="3,00") + "\tx\ty\tz", header=header)
    batch = read_fec(data, "w.txt")
    assert batch.problems == [Problem(Source("w.txt", 4), "", "21 columns, expected 18 to 20")]


def test_bad_dates_are_reported_with_the_column_and_the_text():
    data = fec(line(day="2026011", debit="1,00"), line(piece_date="20230230", debit="1,00"), line(day="", debit="1,00"))
    assert read_fec(data, "d.txt").problems == [
        Problem(Source("d.txt", 2), "EcritureDate", "not a date in AAAAMMJJ: '2026011'"),
        Problem(Source("d.txt", 3), "PieceDate", "not a date in AAAAMMJJ: '20230230'"),
        Problem(Source("d.txt", 4), "EcritureDate", "not a date in AAAAMMJJ: ''"),
    ]


def test_bad_amounts_are_reported_with_the_column_and_the_text():
    data = fec(
        line(debit="12,5,0"), line(credit="1e5"), line(debit="12,345"), line(debit="99999999999999999,00"), line(credit="abc"),
    )
    assert read_fec(data, "a.txt").problems == [
        Problem(Source("a.txt", 2), "Debit", "not a number: '12,5,0'"),
        Problem(Source("a.txt", 3), "Credit", "not a number: '1e5'"),
        Problem(Source("a.txt", 4), "Debit", "more than two decimal places: '12,345'"),
        Problem(Source("a.txt", 5), "Debit", "amount too large: '99999999999999999,00'"),
        Problem(Source("a.txt", 6), "Credit", "not a number: 'abc'"),
    ]


def test_every_line_is_checked_not_only_customer_lines():
    data = fec(line(account="", debit="1,00"), line(account="601000", aux="", debit="1.0.0"))
    assert read_fec(data, "e.txt").problems == [
        Problem(Source("e.txt", 2), "CompteNum", "empty account number"),
        Problem(Source("e.txt", 3), "Debit", "not a number: '1.0.0'"),
    ]


def test_an_empty_file_is_refused():
    assert read_fec(b"", "e.txt").problems == [Problem(Source("e.txt"), "", "empty file")]
    assert read_fec(b"\r\n  \n\n", "e.txt").problems == [Problem(Source("e.txt"), "", "empty file")]


def test_a_binary_file_is_refused_without_reading_further():
    problems = read_fec(b"PK\x03\x04\x14\x00\x06\x00", "fec.zip").problems
    assert problems == [Problem(Source("fec.zip"), "", "binary file: control byte 0x03 at offset 2; a FEC is text")]


def test_a_utf16_file_is_refused_with_a_hint():
    problems = read_fec(fec(line(debit="1,00")).decode().encode("utf-16"), "u16.txt").problems
    assert problems == [Problem(Source("u16.txt"), "", "UTF-16 file: export the FEC as UTF-8 or ISO-8859-15")]


def test_a_negative_balance_in_an_entry_numbered_like_a_sale_is_a_payment_when_journal_or_piece_differs():
    # one real export numbers every entry 0: a bank entry "BQ 0 REM" must not borrow the 706 line of "VT 0 F1"
    data = fec(
        *sale(num="0", piece="F1"),
        *receipt(num="0", piece="REM", amount="120,00", day="20260115"),
    )
    assert [d.kind for d in read_fec(data, "z.txt").documents] == [DocumentKind.INVOICE, DocumentKind.PAYMENT]
    # same journal, number and date, another piece: still another entry
    data = fec(
        *sale(num="0", piece="F1"),
        line(num="0", piece="REG1", credit="120,00"),
        line(num="0", piece="REG1", account="512000", aux="", aux_lib="", debit="120,00"),
    )
    assert [d.kind for d in read_fec(data, "z.txt").documents] == [DocumentKind.INVOICE, DocumentKind.PAYMENT]


# --- keys --------------------------------------------------------------------------------------------

def test_keys_are_sha1_hex_prefixed_fec_and_distinct_for_distinct_lines():
    batch = read_fec(fec(line(debit="1,00"), line(debit="1,01"), line(debit="1,00", label="other")), "k.txt")
    keys = [d.key for d in batch.documents]
    assert all(re.fullmatch(r"fec:[0-9a-f]{40}", k) for k in keys)
    assert len(set(keys)) == 3


def test_exact_duplicate_lines_get_an_occurrence_counter():
    batch = read_fec(fec(line(debit="1,00"), line(debit="1,00"), line(debit="1,00")), "k.txt")
    first = batch.documents[0].key
    assert [d.key for d in batch.documents] == [first, first + "#2", first + "#3"]


def test_the_key_does_not_depend_on_separator_padding_or_leading_zeros():
    tab = read_fec(fec(line(debit="74,70")), "a.txt").documents[0].key
    header = "|".join(HEADER) + "|"
    padded = line(journal="VT  ", aux="C001    ", debit="0000000074,70", sep="|") + "|"
    assert read_fec(f"{header}\n{padded}\n".encode(), "b.txt").documents[0].key == tab


def test_the_key_does_not_depend_on_the_file_name_or_the_line_position():
    one = read_fec(fec(line(debit="1,00"), line(piece="F002", debit="2,00")), "2025.txt")
    two = read_fec(fec(line(piece="F002", debit="2,00"), line(debit="1,00")), "2025-bis.txt")
    assert {d.key for d in one.documents} == {d.key for d in two.documents}


# --- lettrage ----------------------------------------------------------------------------------------

def test_a_lettered_invoice_and_payment_are_allocated_at_the_later_date():
    data = fec(*sale(letter="AA"), *receipt(letter="AA", day="20260210"))
    batch = read_fec(data, "l.txt")
    invoice, payment = batch.documents
    assert batch.allocations == [AllocationRecord(invoice.key, payment.key, D("120.00"), date(2026, 2, 10))]


def test_partial_lettering_allocates_what_it_can_oldest_invoice_first():
    # invoices F1 (10 Jan, 120.00) and F2 (20 Jan, 60.00) lettered A with a payment of 150.00:
    # F1 gets 120.00, F2 gets 150 - 120 = 30.00; F3 is not lettered and stays open
    data = fec(
        *sale(num="1", piece="F1", letter="A", day="20260110"),
        *sale(num="2", piece="F2", total="60,00", net="50,00", vat="10,00", letter="A", day="20260120"),
        *sale(num="3", piece="F3"),
        *receipt(amount="150,00", letter="A"),
    )
    batch = read_fec(data, "l.txt")
    f1, f2, f3, payment = batch.documents
    assert batch.allocations == [
        AllocationRecord(f1.key, payment.key, D("120.00"), date(2026, 2, 10)),
        AllocationRecord(f2.key, payment.key, D("30.00"), date(2026, 2, 10)),
    ]
    assert f3.key not in {a.debit_key for a in batch.allocations}


def test_letters_differing_only_in_case_are_different_groups():
    data = fec(*sale(letter="AB"), *receipt(letter="ab"))
    assert read_fec(data, "l.txt").allocations == []


def test_the_same_letter_on_two_customers_does_not_match_them():
    data = fec(*sale(customer="C001", letter="AA"), *receipt(customer="C002", letter="AA"))
    assert read_fec(data, "l.txt").allocations == []


# --- properties on generated ledgers ------------------------------------------------------------------

ledger_lines = st.lists(
    st.tuples(
        st.sampled_from(["VT", "BQ"]), st.sampled_from(["1", "2", "3"]), st.sampled_from(["411000", "706000", "512000"]),
        st.sampled_from(["C1", "C2"]), st.sampled_from(["20260115", "20260131", "20240229"]),
        st.integers(min_value=0, max_value=10**8), st.integers(min_value=0, max_value=10**8),
        st.sampled_from(["", "", "A", "B", "a"]),
    ),
    max_size=30,
)


def cents(n: int) -> str:
    return f"{n // 100},{n % 100:02d}"


@settings(max_examples=150, deadline=None)
@given(ledger_lines)
def test_on_any_ledger_each_customer_owes_its_debits_minus_credits_and_no_document_is_over_allocated(lines):
    data = fec(*(line(journal=j, num=n, account=a, aux=c, day=d, piece_date=d, debit=cents(dr), credit=cents(cr), letter=let)
                 for j, n, a, c, d, dr, cr, let in lines))
    batch = read_fec(data, "g.txt")
    assert batch.problems == []
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for _, _, account, customer, _, debit, credit, _ in lines:
        if account == "411000":
            expected[customer] += (D(debit) - D(credit)) / 100
    owed: dict[str, Decimal] = defaultdict(Decimal)
    for document in batch.documents:
        owed[document.customer_code] += document.amount if document.kind.is_debit else -document.amount
    assert {code: owed[code] for code in expected} == dict(expected)
    assert len({d.key for d in batch.documents}) == len(batch.documents)
    allocated: dict[str, Decimal] = defaultdict(Decimal)
    for a in batch.allocations:
        allocated[a.debit_key] += a.amount
        allocated[a.credit_key] += a.amount
    assert all(allocated[d.key] <= d.amount for d in batch.documents)


def test_a_windows_1252_export_keeps_its_euro_sign_and_oe():
    # 0x80 and 0x9c are control characters in ISO-8859-15 but the euro sign and "œ" in Windows-1252
    data = fec(line(debit="5,00")).replace(b"Dupont SA", "Cœur 10 €".encode("cp1252"))
    assert read_fec(data, "w.txt").customers[0].name == "Cœur 10 €"


def test_a_utf8_bom_on_a_file_that_is_not_utf8_is_dropped_too():
    data = b"\xef\xbb\xbf" + fec(line(debit="5,00")).replace(b"Dupont SA", "Société".encode("iso-8859-15"))
    batch = read_fec(data, "mixed.txt")
    assert batch.problems == [] and batch.customers[0].name == "Société"
