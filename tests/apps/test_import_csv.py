"""CSV imports of customers, invoices and payments through the service: due dates, allocations, refusals."""
from datetime import date
from decimal import Decimal

import pytest

from encours.core.problems import Refused
from encours.customers.models import Customer
from encours.formats.csv import load_mapping, read_csv
from encours.ledger.models import Allocation, Document, ImportKind
from encours.ledger.services import file_digest, import_batch

CUSTOMERS = """code,name,kind,siren,terms
C001,Boulangerie Martin,business,732 829 320,days_eom:45
C002,Mairie de Carpentras,public,,net:30
""".encode()

INVOICES = """Code client;Client;N° facture;Type;Date;Montant TTC
C001;Boulangerie Martin;F2026-0001;Facture;15/01/2026;1 200,50
C001;Boulangerie Martin;F2026-0002;Facture;31/01/2026;300,00
C002;Mairie de Carpentras;F2026-0003;Facture;02/02/2026;500,00
C002;Mairie de Carpentras;A2026-0001;Avoir;10/02/2026;-120,00
""".encode()

INVOICE_MAPPING = """
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
amount = "Montant TTC"
"""

PAYMENTS = """customer_code,reference,date,amount,invoice_number
C001,VIR 0001,2026-03-02,1200.50,F2026-0001
C001,VIR 0002,2026-03-05,100.00,
""".encode()


def load(company, data, mapping, name):
    batch = read_csv(data, name, load_mapping(mapping))
    return import_batch(company, batch, kind=ImportKind.CSV, digest=file_digest(data), update_customers=True)


@pytest.fixture
def loaded(company):
    load(company, CUSTOMERS, "customers", "customers.csv")
    load(company, INVOICES, INVOICE_MAPPING, "invoices.csv")
    return company


def test_invoices_are_due_by_their_customers_terms(loaded):
    martin = Document.objects.get(number="F2026-0001")
    # days_eom:45 — 15 Jan 2026 + 45 days = 1 Mar 2026, end of that month = 31 Mar 2026
    assert martin.due_date == date(2026, 3, 31)
    assert martin.amount == Decimal("1200.50")
    mairie = Document.objects.get(number="F2026-0003")
    # net:30 — 2 Feb 2026 + 30 days = 4 Mar 2026
    assert mairie.due_date == date(2026, 3, 4)
    credit = Document.objects.get(number="A2026-0001")
    assert (credit.kind, credit.amount) == ("credit_note", Decimal("120.00"))


def test_customers_keep_their_identity_in_compact_form(loaded):
    martin = Customer.objects.get(code="C001")
    assert (martin.siren, martin.kind, martin.payment_terms) == ("732829320", "business", "days_eom:45")
    assert Customer.objects.get(code="C002").kind == "public"


def test_a_payment_naming_its_invoice_settles_it(loaded):
    summary = load(loaded, PAYMENTS, "payments", "payments.csv")
    assert summary.allocations_created == 1
    invoice = Document.objects.get(number="F2026-0001")
    assert invoice.allocated == Decimal("1200.50") and invoice.closed_on == date(2026, 3, 2)
    on_account = Document.objects.get(kind="payment", number="VIR 0002")
    assert on_account.allocated == Decimal("0.00")


def test_a_payment_larger_than_the_open_invoice_is_refused_with_its_line(loaded):
    data = b"customer_code,reference,date,amount,invoice_number\nC001,VIR 9,2026-03-02,300.01,F2026-0002\n"
    with pytest.raises(Refused) as refused:
        load(loaded, data, "payments", "over.csv")
    message = str(refused.value.problems[0])
    assert message.startswith("over.csv:2:allocation:")
    assert "300.00 open" in message
    assert not Document.objects.filter(kind="payment").exists()


def test_a_payment_for_an_unknown_invoice_is_refused(loaded):
    data = b"customer_code,reference,date,amount,invoice_number\nC001,VIR 9,2026-03-02,10.00,F-NOPE\n"
    with pytest.raises(Refused) as refused:
        load(loaded, data, "payments", "unknown.csv")
    assert "inv:F-NOPE" in str(refused.value.problems[0])
    assert Allocation.objects.count() == 0


def test_an_invoice_imported_again_with_another_amount_is_refused(loaded):
    changed = INVOICES.replace("1 200,50".encode(), "1 250,50".encode())
    with pytest.raises(Refused) as refused:
        load(loaded, changed, INVOICE_MAPPING, "invoices-v2.csv")
    assert "F2026-0001" in str(refused.value.problems[0])
    assert Document.objects.get(number="F2026-0001").amount == Decimal("1200.50")


def test_reimporting_the_same_invoices_changes_nothing(loaded):
    before = Document.objects.count()
    summary = load(loaded, INVOICES, INVOICE_MAPPING, "invoices.csv")
    assert summary.already_imported and Document.objects.count() == before


def test_a_bad_row_refuses_the_whole_file(company):
    bad = INVOICES.replace("31/01/2026".encode(), "31/02/2026".encode())
    with pytest.raises(Refused) as refused:
        load(company, bad, INVOICE_MAPPING, "invoices.csv")
    assert [str(p).split(":")[1] for p in refused.value.problems] == ["3"]
    assert Document.objects.count() == 0 and Customer.objects.count() == 0
