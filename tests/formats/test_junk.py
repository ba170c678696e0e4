"""Robustness: whatever bytes a reader is given, it returns a Batch; problems come out as Problems, never as a crash."""
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encours.core.problems import Problem, Source
from encours.core.records import Batch
from encours.formats.csv import load_mapping, read_csv
from encours.formats.fec import read_fec

FEC_HEADER = (
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
    "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
    "ValidDate", "Montantdevise", "Idevise",
)
FRENCH_INVOICES = """
kind = "invoices"
delimiter = ";"
decimal = ","
date_format = "%d/%m/%Y"
[columns]
customer_code = "Code client"
number = "N° facture"
document_date = "Date"
amount = "Montant TTC"
"""
MAPPINGS = [
    load_mapping("customers"), load_mapping("invoices"), load_mapping("payments"), load_mapping(FRENCH_INVOICES),
    load_mapping('kind = "payments"\ndecimal = "."\nencoding = "utf-16"'),
]
CSV_HEADERS = {
    "customers": "code;name;kind;siren;siret;vat_number;country;terms;email",
    "invoices": "customer_code;number;document_date;amount;due_date;amount_excl_tax;currency;doc_type;customer_name",
    "payments": "customer_code;reference;date;amount;method;invoice_number",
    "french": "Code client;N° facture;Date;Montant TTC",
}
REAL = Path("/work/shared/realdata/fec/neolegal-fec-reader")
REAL_SAMPLES = sorted(REAL.glob("*.txt")) + sorted(REAL.glob("*.TXT")) if REAL.is_dir() else []

# values that have broken parsers before: signs, exponents, huge numbers, impossible dates, odd digits
TRICKY = st.sampled_from([
    "", " ", "0", "-0,00", "1e5", "NaN", "Infinity", "-", ",", "12,5,0", "1.234,56", "99999999999999999999,99",
    "0000000074,70", "20240230", "00000000", "29991231", "20240229", "٣", "１２", "411", "411000", "7", "706",
    "D", "C", "d", "x", "AA", "aa", '"', '"a;b"', "\u00a0", "\ufeff", "é", "€", "inv", "avoir", "net:30",
    "days_eom:999", "732829320", "FR44732829320", "15/01/2026", "31/02/2026", "2026-01-15",
])
# no control characters here: one makes the whole file binary, and the later stages would never be reached
JUNK_FIELD = st.one_of(TRICKY, st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12))


def mostly(*plausible):
    """A column value: usually plausible, so whole lines sometimes pass and reach the later stages; else junk."""
    good = st.sampled_from(plausible)
    return st.one_of(good, good, good, JUNK_FIELD)


FEC_LINE = st.tuples(
    mostly("VT", "BQ", "ve"), mostly("Ventes"), mostly("1", "2", "0"), mostly("20260115", "20240229"),
    mostly("411000", "4110", "706000", "512000"), mostly("Clients", ""), mostly("C1", "C2", ""), mostly("Dupont", ""),
    mostly("F1", "F2", ""), mostly("20260110", ""), mostly("Facture"), mostly("120,00", "0,00", "0000000074,70", "-5,5"),
    mostly("0,00", "120,00", "30,00", "D", "C"), mostly("", "A", "a", "AA"), mostly(""), mostly("20260131"), mostly(""), mostly(""),
)
CSV_ROWS = {
    "customers": st.tuples(
        mostly("C1", "C2"), mostly("Alpha"), mostly("", "entreprise", "public"), mostly("", "732829320"),
        mostly("", "73282932000074"), mostly("", "FR44732829320"), mostly("", "fr"), mostly("", "net:30"), mostly("", "a@b.fr")),
    "invoices": st.tuples(
        mostly("C1", "C2"), mostly("F1", "F2", "F3"), mostly("2026-01-15", "2024-02-29"), mostly("120.00", "-12,50", "0"),
        mostly("", "2026-02-28"), mostly("", "100.00"), mostly("", "EUR"), mostly("", "facture", "avoir"), mostly("", "Alpha")),
    "payments": st.tuples(
        mostly("C1", "C2"), mostly("R1", "R2"), mostly("2026-02-10"), mostly("120.00", "5,50"), mostly("", "virement"),
        mostly("", "F1")),
    "french": st.tuples(mostly("C1", "C2"), mostly("F1", "F2"), mostly("15/01/2026", "29/02/2024"), mostly("1 200,50", "-3,00")),
}


def assert_only_problems(batch, filename):
    assert isinstance(batch, Batch)
    for problem in batch.problems:
        assert isinstance(problem, Problem)
        assert problem.source.file == filename
        assert str(problem)
    for document in batch.documents:
        assert isinstance(document.amount, Decimal) and document.amount > 0
    assert len({d.key for d in batch.documents}) == len(batch.documents)
    for allocation in batch.allocations:
        assert isinstance(allocation.amount, Decimal) and allocation.amount > 0


def read_everything(data: bytes):
    assert_only_problems(read_fec(data, "junk.txt"), "junk.txt")
    assert_only_problems(read_fec(data, "junk.txt", account_prefixes=("4", "")), "junk.txt")
    for mapping in MAPPINGS:
        assert_only_problems(read_csv(data, "junk.csv", mapping), "junk.csv")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_give_only_problems_in_every_reader(data):
    read_everything(data)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=20), st.sampled_from(["\n", "\r\n", "\r", "\r\r\n"]))
def test_garbage_lines_give_only_problems_in_every_reader(lines, eol):
    read_everything(eol.join(lines).encode("utf-8"))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(FEC_LINE, FEC_LINE, FEC_LINE, st.lists(JUNK_FIELD, min_size=15, max_size=22)), max_size=12),
    st.sampled_from(["\t", "|"]),
    st.sampled_from(["utf-8", "iso-8859-15", "utf-8-sig"]),
)
def test_a_fec_header_followed_by_junk_fields_gives_only_problems(rows, sep, encoding):
    text = "\n".join([sep.join(FEC_HEADER), *(sep.join(row) for row in rows)])
    data = text.encode(encoding, errors="replace")
    assert_only_problems(read_fec(data, "junk.txt"), "junk.txt")
    signed = text.replace("Debit", "Montant", 1).replace("Credit", "Sens", 1)
    assert_only_problems(read_fec(signed.encode(encoding, errors="replace"), "junk.txt"), "junk.txt")


@settings(max_examples=300, deadline=None)
@given(st.data(), st.sampled_from(sorted(CSV_HEADERS)), st.sampled_from([";", ",", "\t", "|"]))
def test_a_csv_header_followed_by_junk_fields_gives_only_problems(data, kind, sep):
    rows = data.draw(st.lists(st.one_of(CSV_ROWS[kind], st.lists(JUNK_FIELD, min_size=1, max_size=11)), max_size=12))
    mapping = load_mapping(FRENCH_INVOICES) if kind == "french" else load_mapping(kind)
    header = CSV_HEADERS[kind].replace(";", sep)
    data = "\n".join([header, *(sep.join(row) for row in rows)]).encode("utf-8")
    assert_only_problems(read_csv(data, "junk.csv", mapping), "junk.csv")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_damaged_real_fec_gives_only_problems(data):
    if not REAL_SAMPLES:
        return
    sample = data.draw(st.sampled_from(REAL_SAMPLES)).read_bytes()[:20000]
    damaged = bytearray(sample)
    for _ in range(data.draw(st.integers(min_value=1, max_value=20))):
        position = data.draw(st.integers(min_value=0, max_value=len(damaged) - 1))
        damaged[position] = data.draw(st.integers(min_value=0, max_value=255))
    cut = data.draw(st.integers(min_value=0, max_value=len(damaged)))
    assert_only_problems(read_fec(bytes(damaged[:cut]), "damaged.txt"), "damaged.txt")


def test_a_problem_always_names_the_file_and_renders_as_file_line_field():
    batch = read_fec(b"JournalCode\tfoo\n", "x.txt")
    assert batch.problems and all(p.source == Source("x.txt", 1) for p in batch.problems)
    assert str(batch.problems[0]) == "x.txt:1:JournalLib: missing column in the header"
