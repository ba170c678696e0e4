import hashlib
import unicodedata
from datetime import date
from decimal import Decimal

import pytest

from encours.core.problems import Problem, Source
from encours.core.records import AllocationRecord, CustomerKind, CustomerRecord, DocumentKind
from encours.formats.csv import CsvKind, InvalidMapping, Mapping, load_mapping, read_csv

D = Decimal

CUSTOMERS_TOML = """
kind = "customers"
delimiter = ";"
[columns]
code = "Code client"
name = "Raison sociale"
kind = "Type"
siren = "SIREN"
siret = "SIRET"
vat_number = "TVA intracom"
country = "Pays"
terms = "Conditions"
email = "Email"
phone = "Téléphone"
address = "Adresse"
segment = "Secteur"
"""

INVOICES_TOML = """
kind = "invoices"
delimiter = ";"
decimal = ","
date_format = "%d/%m/%Y"
[columns]
customer_code = "Code client"
customer_name = "Client"
number = "N° facture"
doc_type = "Type"
document_date = "Date"
due_date = "Echéance"
amount_excl_tax = "Montant HT"
amount = "Montant TTC"
label = "Libellé"
"""

PAYMENTS_TOML = """
kind = "payments"
decimal = ","
date_format = "%d/%m/%Y"
[columns]
customer_code = "Code client"
reference = "Référence"
date = "Date de valeur"
amount = "Montant"
method = "Mode"
invoice_number = "Facture"
"""


def csv_bytes(*lines, eol="\r\n", encoding="utf-8"):
    return eol.join(lines).encode(encoding) + eol.encode(encoding)


# --- customers ---------------------------------------------------------------------------------------

CUSTOMERS_HEADER = "Code client;Raison sociale;Type;SIREN;SIRET;TVA intracom;Pays;Conditions;Email;Téléphone;Adresse;Secteur"


def test_a_french_customer_file_is_read_with_identifiers_stored_compact():
    data = csv_bytes(
        CUSTOMERS_HEADER,
        'C001;Boulangerie Martin SARL;Entreprise;732 829 320;732 829 320 00074;FR 44 732829320;fr;days_eom:45;'
        'compta@martin.fr;04 90 00 00 00;"12 rue des Lilas; 84000 Avignon";Boulangerie',
        "C002;Mairie de Carpentras;public;;;;;NET : 30;;;;Collectivités",
        "C003;Jean Dupont;particulier;;;;BE;cash;;;;",
    )
    batch = read_csv(data, "clients.csv", load_mapping(CUSTOMERS_TOML))
    assert batch.problems == []
    # VAT key of SIREN 732829320: 732829320 mod 97 = 43 (97 x 7554941 = 732829277); (12 + 3 x 43) mod 97 = 44
    assert batch.customers == [
        CustomerRecord(
            code="C001", name="Boulangerie Martin SARL", kind=CustomerKind.BUSINESS, siren="732829320",
            siret="73282932000074", vat_number="FR44732829320", country="FR", segment="Boulangerie",
            terms="days_eom:45", email="compta@martin.fr", phone="04 90 00 00 00",
            address="12 rue des Lilas; 84000 Avignon", source=Source("clients.csv", 2),
        ),
        CustomerRecord(code="C002", name="Mairie de Carpentras", kind=CustomerKind.PUBLIC, terms="net:30",
                       segment="Collectivités", source=Source("clients.csv", 3)),
        CustomerRecord(code="C003", name="Jean Dupont", kind=CustomerKind.CONSUMER, country="BE", terms="cash",
                       source=Source("clients.csv", 4)),
    ]


def test_the_built_in_customers_mapping_reads_our_own_column_names_whatever_the_delimiter():
    for sep in (",", ";", "\t", "|"):
        data = csv_bytes(sep.join(["code", "name", "kind", "terms"]), sep.join(["C1", "Alpha", "business", "net:60"]))
        batch = read_csv(data, "c.csv", load_mapping("customers"))
        assert batch.problems == []
        assert [(c.code, c.name, c.kind, c.terms) for c in batch.customers] == [("C1", "Alpha", CustomerKind.BUSINESS, "net:60")]


def test_every_wrong_customer_value_is_reported_on_its_line_and_column():
    data = csv_bytes(
        CUSTOMERS_HEADER,
        "C001;Martin;entreprise;732829321;;;;;;;;",  # SIREN checksum wrong (last digit 0 expected)
        "C002;Durand;société;;73282932000075;FR00732829320;France;45 jours;durand.fr;;;",
        "C003;Petit;;552100554;73282932000074;;;;;;;",  # a valid SIRET of another company
        "C001;;;;;;;;;;;",
    )
    assert read_csv(data, "clients.csv", load_mapping(CUSTOMERS_TOML)).problems == [
        Problem(Source("clients.csv", 2), "SIREN", "not a valid SIREN: '732829321' (The number's checksum or check digit is invalid.)"),
        Problem(Source("clients.csv", 3), "Type", "expected business, public or consumer (entreprise, public, particulier): 'société'"),
        Problem(Source("clients.csv", 3), "SIRET", "not a valid SIRET: '73282932000075' (The number's checksum or check digit is invalid.)"),
        Problem(Source("clients.csv", 3), "TVA intracom", "not a valid VAT number: 'FR00732829320' (The number's checksum or check digit is invalid.)"),
        Problem(Source("clients.csv", 3), "Pays", "not a two-letter country code: 'France'"),
        Problem(Source("clients.csv", 3), "Conditions", "invalid payment terms '45 jours': expected one of cash, net:N, days_eom:N, eom_days:N, eom_day:N:D"),
        Problem(Source("clients.csv", 3), "Email", "not an email address: 'durand.fr'"),
        Problem(Source("clients.csv", 4), "SIRET", "SIRET 73282932000074 does not belong to SIREN 552100554"),
        Problem(Source("clients.csv", 5), "Raison sociale", "required value missing"),
        Problem(Source("clients.csv", 5), "Code client", "customer 'C001' already on line 2"),
    ]


# --- invoices ----------------------------------------------------------------------------------------

INVOICES_HEADER = "Code client;Client;N° facture;Type;Date;Echéance;Montant HT;Montant TTC;Libellé"


def test_a_french_invoice_file_with_decimal_comma_and_day_first_dates_is_read():
    data = csv_bytes(
        INVOICES_HEADER,
        "C001;Boulangerie Martin;F2026-0001;Facture;15/01/2026;28/02/2026;1 000,42;1 200,50;Pains janvier",
        "C001;Boulangerie Martin;F2026-0002;facture;31/01/2026;;100,00;120,00;",
        "C002;Mairie de Carpentras;A2026-0001;Avoir;02/02/2026;;10,00;12,00;Retour",
        "C002;Mairie de Carpentras;F2026-0003;Facture;03/02/2026;;-50,00;-60,00;Remise",
        encoding="iso-8859-15",
    )
    batch = read_csv(data, "factures.csv", load_mapping(INVOICES_TOML))
    assert batch.problems == []
    assert [(d.key, d.kind, d.customer_code, d.number, d.document_date, d.due_date, d.amount_excl_tax, d.amount, d.label)
            for d in batch.documents] == [
        ("inv:F2026-0001", DocumentKind.INVOICE, "C001", "F2026-0001", date(2026, 1, 15), date(2026, 2, 28), D("1000.42"), D("1200.50"), "Pains janvier"),
        ("inv:F2026-0002", DocumentKind.INVOICE, "C001", "F2026-0002", date(2026, 1, 31), None, D("100.00"), D("120.00"), ""),
        ("cn:A2026-0001", DocumentKind.CREDIT_NOTE, "C002", "A2026-0001", date(2026, 2, 2), None, D("10.00"), D("12.00"), "Retour"),
        # a negative amount is a credit note, kept positive: |-60,00| = 60.00
        ("cn:F2026-0003", DocumentKind.CREDIT_NOTE, "C002", "F2026-0003", date(2026, 2, 3), None, D("50.00"), D("60.00"), "Remise"),
    ]
    assert all(d.currency == "EUR" for d in batch.documents)
    # one customer per new code, named from its first line
    assert [(c.code, c.name, c.source.line) for c in batch.customers] == [
        ("C001", "Boulangerie Martin", 2), ("C002", "Mairie de Carpentras", 4)]


def test_the_built_in_invoices_mapping_reads_iso_dates_and_either_decimal_mark():
    data = csv_bytes("customer_code,number,document_date,amount,currency", "C1,F1,2024-02-29,99.99,eur", 'C1,F2,2024-12-31,"12,50",')
    batch = read_csv(data, "i.csv", load_mapping("invoices"))
    assert batch.problems == []
    assert [(d.number, d.document_date, d.amount, d.currency) for d in batch.documents] == [
        ("F1", date(2024, 2, 29), D("99.99"), "EUR"), ("F2", date(2024, 12, 31), D("12.50"), "EUR")]
    assert batch.customers == []  # no customer_name column: customers come from elsewhere


def test_a_zero_invoice_is_skipped_silently():
    data = csv_bytes("customer_code,number,document_date,amount", "C1,F1,2026-01-01,0.00")
    batch = read_csv(data, "i.csv", load_mapping("invoices"))
    assert batch.problems == [] and batch.documents == []


def test_every_wrong_invoice_value_is_reported_on_its_line_and_column():
    data = csv_bytes(
        INVOICES_HEADER,
        "C001;Martin;F1;Facture;15/01/2026;14/01/2026;100,00;120,00;",
        "C001;Martin;F2;Facture;2026-01-15;;100,00;120,005;",
        "C001;Martin;F3;Proforma;15/01/2026;;100.00;120,00;",
        "C001;Martin;F1;Facture;31/02/2026;;130,00;120,00;",
        ";Martin;;Facture;;;;;",
        "C001;Martin;F4;Facture;15/01/2026;;;120,00;;en trop",
    )
    assert read_csv(data, "factures.csv", load_mapping(INVOICES_TOML)).problems == [
        Problem(Source("factures.csv", 2), "Echéance", "due date 2026-01-14 before the document date 2026-01-15"),
        Problem(Source("factures.csv", 3), "Date", "not a date in %d/%m/%Y: '2026-01-15'"),
        Problem(Source("factures.csv", 3), "Montant TTC", "more than two decimal places: '120,005'"),
        Problem(Source("factures.csv", 4), "Montant HT", "not a number with decimal ',': '100.00'"),
        Problem(Source("factures.csv", 4), "Type", "expected invoice or credit_note (facture, avoir): 'Proforma'"),
        Problem(Source("factures.csv", 5), "Date", "not a date in %d/%m/%Y: '31/02/2026'"),
        Problem(Source("factures.csv", 5), "Montant HT", "larger than the amount including tax (130.00 > 120.00)"),
        Problem(Source("factures.csv", 5), "N° facture", "invoice number 'F1' already on line 2"),
        Problem(Source("factures.csv", 6), "Code client", "required value missing"),
        Problem(Source("factures.csv", 6), "N° facture", "required value missing"),
        Problem(Source("factures.csv", 6), "Date", "required value missing"),
        Problem(Source("factures.csv", 6), "Montant TTC", "required value missing"),
        Problem(Source("factures.csv", 7), "", "10 columns, the header has 9"),
    ]


def test_a_bad_currency_is_reported():
    data = csv_bytes("customer_code,number,document_date,amount,currency", "C1,F1,2026-01-01,1.00,euro")
    assert read_csv(data, "i.csv", load_mapping("invoices")).problems == [
        Problem(Source("i.csv", 2), "currency", "not an ISO 4217 currency code: 'euro'")]


def test_a_mapped_column_missing_from_the_header_is_reported_on_line_1_by_its_name():
    data = csv_bytes("Code client;N° facture;Date;Montant TTC", "C1;F1;01/01/2026;1,00")
    problems = read_csv(data, "f.csv", load_mapping(INVOICES_TOML)).problems
    assert problems == [  # in the order of our fields
        Problem(Source("f.csv", 1), "Echéance", "column not found in the header (mapped to due_date)"),
        Problem(Source("f.csv", 1), "Montant HT", "column not found in the header (mapped to amount_excl_tax)"),
        Problem(Source("f.csv", 1), "Libellé", "column not found in the header (mapped to label)"),
        Problem(Source("f.csv", 1), "Type", "column not found in the header (mapped to doc_type)"),
        Problem(Source("f.csv", 1), "Client", "column not found in the header (mapped to customer_name)"),
    ]


def test_a_required_field_without_a_column_is_reported_on_line_1():
    data = csv_bytes("customer_code,number,amount", "C1,F1,1.00")
    assert read_csv(data, "i.csv", load_mapping("invoices")).problems == [
        Problem(Source("i.csv", 1), "document_date", "no column for the required field document_date; name one in [columns]")]


def test_header_names_match_whatever_their_case_spacing_and_accent_encoding():
    decomposed = unicodedata.normalize("NFD", " ÉCHÉANCE ")
    data = csv_bytes(f"code client;n° FACTURE;date;{decomposed};montant ttc", "C1;F1;01/01/2026;31/01/2026;1,00")
    mapping = load_mapping(INVOICES_TOML.replace('"Echéance"', '"Échéance"')
                           .replace('customer_name = "Client"\n', "").replace('doc_type = "Type"\n', "")
                           .replace('amount_excl_tax = "Montant HT"\n', "").replace('label = "Libellé"\n', ""))
    batch = read_csv(data, "f.csv", mapping)
    assert batch.problems == []
    assert batch.documents[0].due_date == date(2026, 1, 31)


def test_a_mapped_column_named_twice_in_the_header_is_a_problem():
    data = csv_bytes("customer_code,number,document_date,amount,amount", "C1,F1,2026-01-01,1.00,2.00")
    mapping = Mapping(CsvKind.INVOICES, columns={"amount": "amount"})
    assert read_csv(data, "i.csv", mapping).problems == [
        Problem(Source("i.csv", 1), "amount", "column appears twice in the header")]


# --- payments ----------------------------------------------------------------------------------------

def test_a_payment_file_gives_payments_and_allocations_to_the_named_invoices():
    data = csv_bytes(
        "Code client,Référence,Date de valeur,Montant,Mode,Facture",
        'C001,VIR-0001,10/02/2026,"1 200,50",virement,F2026-0001',
        'C002,CHQ 123456,11/02/2026,"60,00",chèque,',
        'C002,CHQ 123456,11/02/2026,"60,00",chèque,',
    )
    batch = read_csv(data, "reglements.csv", load_mapping(PAYMENTS_TOML))
    assert batch.problems == []
    first_key = "pay:" + hashlib.sha1("C001\x1fVIR-0001\x1f2026-02-10\x1f1200.50".encode()).hexdigest()
    cheque_key = "pay:" + hashlib.sha1("C002\x1fCHQ 123456\x1f2026-02-11\x1f60.00".encode()).hexdigest()
    assert [(d.key, d.kind, d.customer_code, d.number, d.document_date, d.amount, d.payment_method) for d in batch.documents] == [
        (first_key, DocumentKind.PAYMENT, "C001", "VIR-0001", date(2026, 2, 10), D("1200.50"), "virement"),
        (cheque_key, DocumentKind.PAYMENT, "C002", "CHQ 123456", date(2026, 2, 11), D("60.00"), "chèque"),
        (cheque_key + "#2", DocumentKind.PAYMENT, "C002", "CHQ 123456", date(2026, 2, 11), D("60.00"), "chèque"),
    ]
    assert batch.allocations == [AllocationRecord("inv:F2026-0001", first_key, D("1200.50"), date(2026, 2, 10))]


def test_a_negative_payment_is_a_problem_and_a_zero_payment_is_skipped():
    data = csv_bytes("customer_code,reference,date,amount", "C1,R1,2026-01-01,-5.00", "C1,R2,2026-01-01,0")
    batch = read_csv(data, "p.csv", load_mapping("payments"))
    assert batch.problems == [Problem(Source("p.csv", 2), "amount", "a payment is positive: '-5.00'")]
    assert batch.documents == []


def test_payment_keys_are_the_same_when_the_file_is_read_again():
    data = csv_bytes("customer_code,reference,date,amount", "C1,R1,2026-01-01,5.00")
    first = read_csv(data, "p.csv", load_mapping("payments")).documents[0].key
    assert read_csv(data, "p-again.csv", load_mapping("payments")).documents[0].key == first


# --- text, encodings and line numbers --------------------------------------------------------------

def test_a_utf8_bom_is_tolerated_and_latin9_is_the_fallback():
    data = b"\xef\xbb\xbf" + csv_bytes("code;name", "C1;Société Générale")
    assert read_csv(data, "c.csv", load_mapping("customers")).customers[0].name == "Société Générale"
    data = csv_bytes("code;name", "C1;Œuvres €", encoding="iso-8859-15")
    assert read_csv(data, "c.csv", load_mapping("customers")).customers[0].name == "Œuvres €"


def test_an_explicit_encoding_that_does_not_fit_is_a_problem():
    mapping = load_mapping('kind = "customers"\nencoding = "utf-8"')
    data = csv_bytes("code;name", "C1;Société", encoding="iso-8859-15")
    # "code;name" 9 bytes + CR LF 2 + "C1;Soci" 7 = 18: the é is byte 18 (0xe9 in ISO-8859-15)
    assert read_csv(data, "c.csv", mapping).problems == [Problem(Source("c.csv"), "", "not valid utf-8: byte 0xe9 at offset 18")]


def test_line_numbers_follow_the_file_across_blank_lines_cr_cr_lf_and_quoted_line_breaks():
    data = csv_bytes("code;name;address", "", 'C1;Alpha;"1 rue A\r\n84000 Avignon"', "C2;;", eol="\r\r\n")
    # line 1 header, 2 blank, 3-4 one row whose address spans two lines, 5 the row without a name
    batch = read_csv(data, "c.csv", load_mapping("customers"))
    assert batch.problems == [Problem(Source("c.csv", 5), "name", "required value missing")]
    assert batch.customers[0].address == "1 rue A\n84000 Avignon"


def test_an_empty_file_is_refused():
    for data in (b"", b"\r\n \r\n"):
        assert read_csv(data, "e.csv", load_mapping("invoices")).problems == [Problem(Source("e.csv"), "", "empty file")]


def test_a_binary_file_is_refused():
    problems = read_csv(b"PK\x03\x04\x14\x00", "factures.xlsx", load_mapping("invoices")).problems
    assert problems == [Problem(Source("factures.xlsx"), "", "binary file: control character '\\x03'; expected a CSV text")]


# --- mappings ----------------------------------------------------------------------------------------

def test_a_built_in_name_gives_a_mapping_on_our_own_column_names():
    assert load_mapping("payments") == Mapping(CsvKind.PAYMENTS)
    assert load_mapping(" invoices\n").kind is CsvKind.INVOICES


def test_a_toml_mapping_is_read_with_its_settings():
    mapping = load_mapping(INVOICES_TOML)
    assert (mapping.kind, mapping.delimiter, mapping.decimal, mapping.date_format, mapping.encoding) == (
        CsvKind.INVOICES, ";", ",", "%d/%m/%Y", None)
    assert mapping.columns["number"] == "N° facture"


def test_a_toml_mapping_may_name_only_some_columns_the_others_keep_our_names():
    mapping = load_mapping('kind = "payments"\n[columns]\namount = "Montant"')
    data = csv_bytes("customer_code,reference,date,Montant", "C1,R1,2026-01-01,5.00")
    assert [d.amount for d in read_csv(data, "p.csv", mapping).documents] == [D("5.00")]


def test_a_wrong_mapping_is_refused_with_every_reason():
    with pytest.raises(InvalidMapping) as refused:
        load_mapping('kind = "invoices"\ndelimiter = ":"\ndecimal = "x"\ndate_format = "%d/%m"\n'
                     'encoding = "rot13"\ncolour = 1\n[columns]\nfoo = "Foo"\namount = ""')
    assert refused.value.reasons == [
        "unknown setting 'colour'",
        "delimiter must be one of ; , tab |, got ':'",
        "decimal must be ',' or '.', got 'x'",
        "date_format '%d/%m' does not read back a full date (day, month and year)",
        "unknown encoding 'rot13'; use a Python name: utf-8, iso-8859-15, cp1252",
        "unknown field 'foo' for invoices; fields: amount, amount_excl_tax, currency, customer_code, customer_name, "
        "doc_type, document_date, due_date, label, number",
        "column for 'amount' must be a non-empty text",
    ]


def test_an_unknown_kind_or_bad_toml_is_refused():
    with pytest.raises(InvalidMapping, match="kind must be one of customers, invoices, payments, got 'orders'"):
        load_mapping('kind = "orders"')
    with pytest.raises(InvalidMapping, match="not a mapping name"):
        load_mapping("factures")


def test_an_excel_csv_in_windows_1252_keeps_its_euro_sign_and_oe():
    data = csv_bytes("code;name", "C1;Sœurs & Cie 10 €", encoding="cp1252")
    assert read_csv(data, "c.csv", load_mapping("customers")).customers[0].name == "Sœurs & Cie 10 €"
