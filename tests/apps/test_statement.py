"""The customer statement (relevé de compte): open items at a date, and the late-payment interest and
recovery indemnity of every invoice paid late or still overdue, as a page and as a PDF.

Business customer BM01 "Boulangerie Martin" (account manager sam), company currency EUR.
  F1 invoice 1,200.00 of 2025-01-01 due 2025-01-31, paid in full by P1 on 2025-03-02: 30 days late
     (1-28 February, 1-2 March). Rate 2025 H1: the ECB rate in force on 1 January 2025 is 3.15 % (change of
     18 December 2024), + 10 points = 13.15 %. Interest 1200 x 0.1315 x 30 / 365 = 4734 / 365 = 12.9698...
     -> 12.97; indemnity 40.00.
  F4 invoice 300.00 of 2025-01-29 due 2025-02-28, paid by P4 on 2025-02-20: on time, no claim.
  F2 invoice 2,000.00 of 2025-03-01 due 2025-03-31, unpaid.
  F3 invoice 500.00 of 2025-05-01 due 2025-06-30, unpaid.
  A1 credit note 100.00 of 2025-05-10, unallocated.

At 2025-05-30:
  open items F2 2,000.00 (60 days late: 30 in April + 30 in May), F3 500.00 (not due), A1 -100.00;
  balance 2000 + 500 - 100 = 2,400.00.
  claims F1 12.97 + 40.00 (paid, still claimable); F2 2000 x 0.1315 x 60 / 365 = 15780 / 365 = 43.2328...
  -> 43.23 + 40.00. Interest 12.97 + 43.23 = 56.20; indemnities 80.00; total 2400 + 56.20 + 80 = 2,536.20.
At 2025-02-15 (before any payment):
  open items F1 1,200.00 (15 days late), F4 300.00 (not due); balance 1,500.00.
  claims F1 only: 1200 x 0.1315 x 15 / 365 = 2367 / 365 = 6.4849... -> 6.48; indemnity 40.00;
  total 1500 + 6.48 + 40 = 1,546.48.
"""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from encours.accounts.roles import Role
from encours.collections.pdfs import winansi
from encours.collections.statement import customer_statement
from encours.customers.models import Customer
from tests.apps.conftest import make_doc
from tests.apps.test_web_pages import NBSP, Node, allocate, eur, html, make_user, rows

AS_OF = "2025-05-30"


@pytest.fixture
def people(db):
    users = {name: make_user(name, role) for name, role in [
        ("carl", Role.CREDIT_MANAGER), ("sam", Role.SALES), ("audrey", Role.AUDITOR), ("alice", Role.ACCOUNTANT),
    ]}
    users["nobody"] = make_user("nobody")
    return users


@pytest.fixture
def book(company, people):
    company.address = "1 rue du Commerce\n75001 Paris"
    company.iban = "FR7630006000011234567890189"
    company.save()
    bm = Customer.objects.create(company=company, code="BM01", name="Boulangerie Martin",
                                 address="3 place de l’Église\n69002 Lyon", account_manager=people["sam"])
    other = Customer.objects.create(company=company, code="ZZ09", name="Zèbre Zinc")
    docs = {
        "F1": make_doc(bm, "invoice", "1200.00", "2025-01-01", "2025-01-31", number="F1"),
        "P1": make_doc(bm, "payment", "1200.00", "2025-03-02", number="P1"),
        "F4": make_doc(bm, "invoice", "300.00", "2025-01-29", "2025-02-28", number="F4"),
        "P4": make_doc(bm, "payment", "300.00", "2025-02-20", number="P4"),
        "F2": make_doc(bm, "invoice", "2000.00", "2025-03-01", "2025-03-31", number="F2"),
        "F3": make_doc(bm, "invoice", "500.00", "2025-05-01", "2025-06-30", number="F3"),
        "A1": make_doc(bm, "credit_note", "100.00", "2025-05-10", number="A1"),
        "Z1": make_doc(other, "invoice", "80.00", "2025-01-10", "2025-02-09", number="Z1"),
    }
    allocate(docs["F1"], docs["P1"], "1200.00", "2025-03-02")
    allocate(docs["F4"], docs["P4"], "300.00", "2025-02-20")
    return {"bm": bm, "other": other, **docs}


def claim_rows(response) -> list[list[str]]:
    """The cells of the claims table's own rows (not those of the rate periods nested in them)."""
    body = html(response).find("table", id="claims").find("tbody")
    own = [tr for tr in body.children if isinstance(tr, Node) and tr.tag == "tr"]
    return [[td.text() for td in tr.children if isinstance(td, Node) and td.tag == "td"]
            for tr in own if not tr.find_all("td", class_="empty")]


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --------------------------------------------------------------------------- the figures
def test_the_statement_lists_the_open_items_and_the_claims_of_paid_and_unpaid_late_invoices(book):
    st = customer_statement(book["bm"], date(2025, 5, 30))
    assert [(line.document.number, line.open_amount, line.days_late) for line in st.lines] == [
        ("F2", Decimal("2000.00"), 60), ("A1", Decimal("-100.00"), None), ("F3", Decimal("500.00"), None)]
    assert st.balance == Decimal("2400.00")
    assert [(c.document.number, c.days_late, c.interest, c.indemnity, c.settled_on) for c in st.claims] == [
        ("F1", 30, Decimal("12.97"), Decimal("40.00"), date(2025, 3, 2)),
        ("F2", 60, Decimal("43.23"), Decimal("40.00"), None),
    ]
    assert (st.interest, st.indemnity, st.grand_total) == (Decimal("56.20"), Decimal("80.00"), Decimal("2536.20"))


def test_a_statement_at_an_earlier_date_does_not_count_later_payments(book):
    st = customer_statement(book["bm"], date(2025, 2, 15))
    assert [(line.document.number, line.open_amount, line.days_late) for line in st.lines] == [
        ("F1", Decimal("1200.00"), 15), ("F4", Decimal("300.00"), None)]
    assert [(c.document.number, c.interest) for c in st.claims] == [("F1", Decimal("6.48"))]
    assert st.grand_total == Decimal("1546.48")


def test_interest_stops_before_a_rate_missing_from_the_table_and_the_statement_says_so(company):
    # The shipped ECB changes are confirmed up to 2026-02-05: the rate of 2026 H2 (in force on 1 July) is
    # unknown. 1,000.00 due 2026-05-31, seen at 2026-08-15: interest for June only, 30 days at
    # 2.15 + 10 = 12.15 %: 1000 x 0.1215 x 30 / 365 = 3645 / 365 = 9.9863... -> 9.99; the indemnity is due.
    c = Customer.objects.create(company=company, code="L1", name="Lent")
    make_doc(c, "invoice", "1000.00", "2026-05-01", "2026-05-31", number="L1")
    st = customer_statement(c, date(2026, 8, 15))
    (claim,) = st.claims
    assert (claim.days_late, claim.interest, claim.interest_until) == (76, Decimal("9.99"), date(2026, 6, 30))
    assert claim.indemnity == Decimal("40.00")
    assert st.missing_rates and "2026 H2" in st.missing_rates[0]


# --------------------------------------------------------------------------- the page
def test_the_statement_page_shows_the_items_the_claims_and_the_totals_in_french(book, people):
    response = client_of(people["carl"]).get(f"/customers/{book['bm'].pk}/statement/", {"as_of": AS_OF})
    assert [r[1] for r in rows(response, "statement-items")] == ["F2", "A1", "F3"]
    assert [r[5:] for r in rows(response, "statement-items")] == [
        [eur("2 000,00"), "60"], [eur("-100,00"), ""], [eur("500,00"), ""]]
    assert [r[:7] for r in claim_rows(response)] == [
        ["F1", "31/01/2025", "02/03/2025", "30", eur("0,00"), eur("12,97"), eur("40,00")],
        ["F2", "31/03/2025", "", "60", eur("2 000,00"), eur("43,23"), eur("40,00")],
    ]
    page = html(response)
    assert page.find(id="balance").text() == eur("2 400,00")
    assert page.find(id="interest").text() == eur("56,20")
    assert page.find(id="indemnity").text() == eur("80,00")
    assert page.find(id="grand-total").text() == eur("2 536,20")
    assert not page.find_all(id="missing-rate")
    assert page.find("a", id="statement-pdf").attrs["href"] == f"/customers/{book['bm'].pk}/statement.pdf?as_of={AS_OF}"


def test_the_statement_page_details_the_rate_periods_of_each_invoice(book, people):
    response = client_of(people["carl"]).get(f"/customers/{book['bm'].pk}/statement/", {"as_of": AS_OF})
    details = html(response).find("table", id="claims").find_all("details")
    assert len(details) == 2
    f1 = [[td.text() for td in tr.find_all("td")] for tr in details[0].find("tbody").find_all("tr")]
    # F1: one period, 1 February to 2 March 2025, 30 days at 13.15 % on 1,200.00
    assert [r[:5] for r in f1] == [["01/02/2025", "02/03/2025", "30", "13,15" + NBSP + "%", eur("1 200,00")]]


def test_the_statement_page_notes_a_missing_rate(company, people):
    c = Customer.objects.create(company=company, code="L1", name="Lent")
    make_doc(c, "invoice", "1000.00", "2026-05-01", "2026-05-31", number="L1")
    page = html(client_of(people["carl"]).get(f"/customers/{c.pk}/statement/", {"as_of": "2026-08-15"}))
    assert page.find(id="missing-rate")
    assert page.find(id="interest").text() == eur("9,99")


def test_the_statement_page_defaults_to_today_and_ignores_a_bad_date(book, people):
    response = client_of(people["carl"]).get(f"/customers/{book['bm'].pk}/statement/", {"as_of": "31/12/2025"})
    assert html(response).find("input", name="as_of").attrs["value"] == timezone.localdate().isoformat()
    # today (after May 2025): F1 and F4 are paid, F2, A1 and F3 still open
    assert [r[1] for r in rows(response, "statement-items")] == ["F2", "A1", "F3"]


def test_a_sales_person_sees_the_statement_of_their_customers_only(book, people):
    sam = client_of(people["sam"])
    assert sam.get(f"/customers/{book['bm'].pk}/statement/").status_code == 200
    assert sam.get(f"/customers/{book['other'].pk}/statement/").status_code == 404
    assert sam.get(f"/customers/{book['other'].pk}/statement.pdf").status_code == 404


@pytest.mark.parametrize("name", ["audrey", "alice"])
def test_auditors_and_accountants_read_statements(book, people, name):
    client = client_of(people[name])
    assert client.get(f"/customers/{book['bm'].pk}/statement/").status_code == 200
    assert client.get(f"/customers/{book['bm'].pk}/statement.pdf").status_code == 200


def test_a_user_without_a_role_gets_no_statement(book, people):
    client = client_of(people["nobody"])
    assert client.get(f"/customers/{book['bm'].pk}/statement/").status_code == 403
    assert client.get(f"/customers/{book['bm'].pk}/statement.pdf").status_code == 403


# --------------------------------------------------------------------------- the PDF
def pdf_text(response) -> str:
    """The text of the PDF, no-break spaces read as spaces."""
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")


def test_the_pdf_carries_the_figures_of_the_statement(book, people):
    response = client_of(people["carl"]).get(f"/customers/{book['bm'].pk}/statement.pdf", {"as_of": AS_OF})
    assert response["Content-Disposition"] == 'inline; filename="statement-bm01-2025-05-30.pdf"'
    text = pdf_text(response)
    with translation.override("fr"):
        assert gettext("Statement of account") in text  # "Relevé de compte" once the catalog has it
    assert "Créancier SA" in text and "1 rue du Commerce" in text
    assert "Boulangerie Martin" in text and "3 place de l’Église" in text
    assert "30/05/2025" in text
    # French amounts: Babel separates thousands with U+202F, which WinAnsi lacks; unmapped, reportlab would
    # print a black square there ("2■536,20 €"); mapped to a no-break space, it prints a space.
    assert "■" not in text and "\u202f" not in text
    for amount in ["2 000,00", "-100,00", "12,97", "43,23", "40,00", "56,20", "80,00", "2 400,00", "2 536,20"]:
        assert amount + " €" in text, amount
    assert "13,15 %" in text  # the rate of F1's period
    assert "page 1 / 1" in text


def test_the_pdf_is_in_the_customers_language(book, people):
    book["bm"].language = "en"
    book["bm"].save()
    text = pdf_text(client_of(people["carl"]).get(f"/customers/{book['bm'].pk}/statement.pdf", {"as_of": AS_OF}))
    assert "Statement of account" in text
    assert "€2,536.20" in text and "€12.97" in text


def test_a_long_statement_numbers_its_pages(company, people):
    c = Customer.objects.create(company=company, code="LONG", name="Longue Liste")
    for i in range(120):
        make_doc(c, "invoice", "10.00", "2025-04-01", "2025-06-30", number=f"L{i:03}")
    text = pdf_text(client_of(people["carl"]).get(f"/customers/{c.pk}/statement.pdf", {"as_of": AS_OF}))
    pages = len(PdfReader(io.BytesIO(client_of(people["carl"]).get(
        f"/customers/{c.pk}/statement.pdf", {"as_of": AS_OF}).content)).pages)
    assert pages >= 2
    assert f"page 1 / {pages}" in text and f"page {pages} / {pages}" in text


def test_winansi_maps_what_helvetica_cannot_print():
    # Babel's French "1 234,56 €": U+202F between thousands, U+00A0 before the euro sign
    assert winansi("1\u202f234,56\u00a0€") == "1\u00a0234,56\u00a0€"
    # in WinAnsi: kept; outside: a look-alike, the base letter, or "?"
    assert winansi("Œuvre « été » – l’œil…") == "Œuvre « été » – l’œil…"
    assert winansi("\u2212 5 ≥ 3") == "- 5 >= 3"
    assert winansi("Łódź Ā") == "Lódz A"  # Ł has no decomposition: substituted; ź and Ā lose their accent
    assert winansi("→") == "?"

