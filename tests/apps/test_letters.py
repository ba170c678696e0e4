"""The PDF letters, read back with pypdf: what a reader sees on each page.

Ledger as in test_rendering.py: C1 "Client Un", F-1 10 000.00 due 2025-05-15 and F-2 1 234.56 due 2025-07-31,
as of 14 August 2025: interest 315.52 + 5.75 = 321.27, indemnity 2 x 40 = 80.00, claimed 11 635.83.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader

from encours.collections.letters import letter_pdf, letters_pdf
from encours.collections.pdfs import winansi
from encours.collections.rendering import render_action
from encours.customers.models import Customer
from tests.apps.conftest import make_doc
from tests.apps.test_rendering import make_action, with_invoices, with_letterhead

pytestmark = pytest.mark.db


@pytest.fixture
def letterhead(company):
    return with_letterhead(company)


@pytest.fixture
def debtor(letterhead, customer):
    return with_invoices(customer)


def pages(data: bytes) -> list[str]:
    """Each page's text on one line: pypdf puts each table cell on a line of its own, so every run of white
    space (no-break spaces included) is read as one space."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages]


def one_page(data: bytes) -> str:
    [text] = pages(data)
    return text


@pytest.fixture
def english(debtor):
    debtor.language = "en"
    debtor.save()
    return debtor


def many_invoices(customer, count: int) -> None:
    """``count`` invoices of 100.00 + n, due in turn from 1 March 2025."""
    for n in range(1, count + 1):
        due = date(2025, 3, 1) + timedelta(days=n)
        make_doc(customer, "invoice", f"{100 + n}.00", (due - timedelta(days=30)).isoformat(), due.isoformat(),
                 number=f"F-{n:03d}")


# --------------------------------------------------------------------------- one letter
def test_a_french_letter_shows_sender_recipient_subject_invoices_totals_and_bank_details(debtor):
    text = one_page(letter_pdf(render_action(make_action(debtor, "last-reminder"))))
    for expected in ("Créancier SA", "10 rue de la Paix", "75002 Paris", "SIREN 732829320", "relances@creancier.fr",
                     "Client Un", "3 avenue Foch", "69006 Lyon",
                     "Paris, le 14 août 2025",
                     "Objet : Dernière relance avant mise en demeure – Créancier SA",
                     "Madame, Monsieur,"):
        assert expected in text, expected
    # each invoice on its line: number, dates, amount, open, days late, interest, indemnity
    assert "F-1 15/04/2025 15/05/2025 10 000,00 € 10 000,00 € 91 315,52 € 40,00 €" in text
    assert "F-2 01/07/2025 31/07/2025 1 234,56 € 1 234,56 € 14 5,75 € 40,00 €" in text
    assert "Total 11 234,56 € 321,27 € 80,00 €" in text
    assert "Total réclamé (montant dû, intérêts et indemnités) 11 635,83 €" in text
    assert re.search(r"Coordonnées bancaires\s+IBAN\s+FR76 3000 6000 0112 3456 7890 189\s+BIC\s+BNPAFRPPXXX\s+"
                     r"Référence de paiement\s+C1-\d+", text)
    assert "page 1/" not in text  # a one-page letter has no page number


def test_the_interest_and_indemnity_columns_appear_only_when_the_step_claims_them(english):
    claimed = one_page(letter_pdf(render_action(make_action(english, "last-reminder"))))
    plain = one_page(letter_pdf(render_action(make_action(english, "reminder-1"))))
    header = re.compile(r"Invoice\s+Date\s+Due date\s+Amount\s+Open\s+Days\s+late(\s+Interest\s+Indemnity)?")
    assert header.search(claimed).group(1) and not header.search(plain).group(1)
    assert "F-1 15/04/2025 15/05/2025 €10,000.00 €10,000.00 91 €315.52 €40.00" in claimed
    assert "F-1 15/04/2025 15/05/2025 €10,000.00 €10,000.00 91 F-2" in plain
    assert "€315.52" not in plain and "€40.00" not in plain and "Total claimed" not in plain
    assert "Subject: Payment reminder – Créancier SA" in plain


def test_a_formal_notice_is_marked_as_a_registered_letter(english):
    notice = one_page(letter_pdf(render_action(make_action(english, "formal-notice"))))
    assert "Registered letter with acknowledgement of receipt Subject: Formal notice to pay" in notice
    reminder = one_page(letter_pdf(render_action(make_action(english, "reminder-2"))))
    assert "Registered letter" not in reminder


def test_a_missing_rate_note_follows_the_table(letterhead, customer):
    customer.language = "en"
    customer.save()
    make_doc(customer, "invoice", "1000.00", "2026-05-16", "2026-06-15", number="F-9")
    text = one_page(letter_pdf(render_action(make_action(customer, "last-reminder", planned_on=date(2026, 7, 20)))))
    assert "€1,000.00 35 €4.99 €40.00" in text
    assert "Late-payment interest is counted up to 30 June 2026" in text


# --------------------------------------------------------------------------- characters
def test_the_narrow_no_break_space_of_french_amounts_prints_as_a_no_break_space(debtor):
    rendered = render_action(make_action(debtor, "last-reminder"))
    assert "\u202f" in rendered.text  # Babel's French thousands separator, not in WinAnsi
    raw = [page.extract_text() for page in PdfReader(BytesIO(letter_pdf(rendered))).pages]
    assert re.search("10[ \u00a0]000,00[ \u00a0]€", raw[0])  # printed as a (no-break) space
    assert "\u202f" not in raw[0] and "\u25a0" not in raw[0]  # no black box


def test_winansi_keeps_what_helvetica_prints_and_replaces_the_rest():
    assert winansi("1\u202f234,56\u00a0€ l’été, « œuvre » – 5\u2009%") == "1\u00a0234,56\u00a0€ l’été, « œuvre » – 5 %"
    assert winansi("Łódź ő \u2212 12 ✓") == "Lódz o - 12 ?"


def test_a_name_outside_winansi_prints_without_black_boxes(debtor):
    debtor.name = "Wrocław Łódź sp. z o.o."
    debtor.save()
    text = one_page(letter_pdf(render_action(make_action(debtor, "reminder-1"))))
    assert "Wroclaw Lódz sp. z o.o." in text and "\u25a0" not in text


# --------------------------------------------------------------------------- long letters and batches
def test_a_sixty_invoice_letter_spans_pages_with_the_table_header_on_each(letterhead, customer):
    many_invoices(customer, 60)
    data = letter_pdf(render_action(make_action(customer, "reminder-2", planned_on=date(2025, 8, 14))))
    texts = pages(data)
    total = len(texts)
    assert total >= 2
    for number, text in enumerate(texts, start=1):
        assert f"page {number}/{total}" in text
    # every invoice printed once; each page showing invoices starts its table with the header
    printed = [n for text in texts for n in re.findall(r"\bF-(\d{3}) ", text)]
    assert printed == [f"{n:03d}" for n in range(1, 61)]
    header = "Facture Date Échéance Montant Ouvert Jours de retard"
    for text in texts:
        if re.search(r"\bF-\d{3} ", text):
            assert text.index(header) < text.index(re.search(r"\bF-\d{3} ", text).group(0))
    # 60 invoices of 100 + n: 60 x 100 + (1 + ... + 60) = 6 000 + 1 830 = 7 830.00
    assert "Total 7 830,00 €" in " ".join(texts)
    assert "Client Un" in texts[1]  # the running head of later pages says who the letter is for


def test_a_batch_starts_each_letter_on_a_new_page_and_numbers_pages_per_letter(debtor):
    other = Customer.objects.create(company=debtor.company, code="C2", name="Client Deux", address="1 rue Haute")
    many_invoices(other, 60)
    long = render_action(make_action(other, "reminder-2"))
    short = render_action(make_action(debtor, "reminder-1"))
    single = pages(letter_pdf(long))
    texts = pages(letters_pdf([short, long, short]))
    assert len(texts) == len(single) + 2
    assert "Client Un" in texts[0] and "Client Deux" not in texts[0] and "page 1/" not in texts[0]
    assert "Client Deux" in texts[1] and f"page 1/{len(single)}" in texts[1]
    assert f"page {len(single)}/{len(single)}" in texts[len(single)]
    assert "Client Un" in texts[-1] and "page" not in texts[-1].split("Client Un")[0]
    assert "Total 7 830,00 €" in " ".join(texts[1:len(single) + 1])


def test_an_empty_batch_is_refused():
    with pytest.raises(ValueError):
        letters_pdf([])
