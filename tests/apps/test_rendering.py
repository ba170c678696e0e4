"""Rendering reminders: every merge field, the invoice table in text and HTML, interest and indemnity only when
the step claims them, the letter's language, the template fallbacks, validation, the preview, and the texts
shipped by default.

The ledger (business customer C1 "Client Un", French), as of 14 August 2025:
  F-1 10 000.00 due 2025-05-15: 91 days late. Split by half-year (docs/interest.md, worked example):
      16 May-30 Jun, 46 d at 3.15 + 10 = 13.15 %: 165.726...; 1 Jul-14 Aug, 45 d at 12.15 %: 149.794...
      -> 315.52
  F-2  1 234.56 due 2025-07-31: 14 days at 12.15 %: 1234.56 x 0.1215 x 14 / 365 = 5.7534 -> 5.75
  open 10 000 + 1 234.56 = 11 234.56; interest 315.52 + 5.75 = 321.27; indemnity 2 x 40 = 80.00;
  claimed 11 234.56 + 321.27 + 80.00 = 11 635.83
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from encours.collections.default_templates import (
    DEFAULT_TEXTS,
    ENGLISH,
    FRENCH,
    DefaultText,
    ensure_default_templates,
)
from encours.collections.models import Action, ActionItem, MessageTemplate, Step
from encours.collections.rendering import (
    MERGE_FIELDS,
    Block,
    InvoiceLine,
    TemplateInvalid,
    TemplateMissing,
    render_action,
    sample_rendering,
    template_for,
    validate_template,
)
from encours.collections.scenarios import DEFAULTS, ensure_default_scenarios
from encours.customers.models import Contact, Customer
from encours.ledger.models import Document
from tests.apps.conftest import make_doc

pytestmark = pytest.mark.db

AS_OF = date(2025, 8, 14)
NNBSP, NBSP = "\u202f", "\u00a0"
D = Decimal


def eur(text: str) -> str:
    """'1 234,56' -> Babel's French '1\u202f234,56\u00a0€'."""
    return text.replace(" ", NNBSP) + NBSP + "€"


def with_letterhead(company):
    """The company's address, bank details and contacts; the default scenarios."""
    company.address = "10 rue de la Paix\n75002 Paris"
    company.iban, company.bic = "FR7630006000011234567890189", "BNPAFRPPXXX"
    company.phone, company.email = "01 23 45 67 89", "relances@creancier.fr"
    company.save()
    ensure_default_scenarios(company)
    return company


def with_invoices(customer):
    """C1's address and e-mail, and the invoices F-1 and F-2 of the docstring."""
    customer.address = "3 avenue Foch\n69006 Lyon"
    customer.email = "contact@client-un.fr"
    customer.save()
    make_doc(customer, "invoice", "10000.00", "2025-04-15", "2025-05-15", number="F-1")
    make_doc(customer, "invoice", "1234.56", "2025-07-01", "2025-07-31", number="F-2")
    return customer


@pytest.fixture
def letterhead(company):
    return with_letterhead(company)


@pytest.fixture
def debtor(letterhead, customer):
    return with_invoices(customer)


def make_action(customer, code, numbers=None, planned_on=AS_OF):
    step = Step.objects.filter(scenario__company=customer.company, template=code).first()
    docs = Document.objects.filter(customer=customer, kind="invoice").order_by("number")
    if numbers is not None:
        docs = docs.filter(number__in=numbers)
    action = Action.objects.create(company=customer.company, customer=customer, step=step, channel=step.channel,
                                   planned_on=planned_on, total=sum(d.amount for d in docs))
    for doc in docs:
        ActionItem.objects.create(action=action, document=doc, step=step, position=step.position,
                                  open_amount=doc.amount)
    return action


def custom_template(company, body, subject="Relance", code="custom", language="fr"):
    return MessageTemplate(company=company, code=code, language=language, name="Custom", subject=subject, body=body)


# --------------------------------------------------------------------------- lines and totals
def test_a_last_reminder_lists_each_invoice_with_its_interest_and_indemnity(debtor):
    rendered = render_action(make_action(debtor, "last-reminder"))
    assert rendered.claims_interest
    assert rendered.lines == (
        InvoiceLine("F-1", date(2025, 4, 15), date(2025, 5, 15), D("10000.00"), D("10000.00"), 91, D("315.52"),
                    D("40.00")),
        InvoiceLine("F-2", date(2025, 7, 1), date(2025, 7, 31), D("1234.56"), D("1234.56"), 14, D("5.75"),
                    D("40.00")),
    )
    assert (rendered.total, rendered.total_interest, rendered.total_indemnity, rendered.total_claimed) == (
        D("11234.56"), D("321.27"), D("80.00"), D("11635.83"))
    assert rendered.currency == "EUR" and rendered.language == "fr"


def test_the_french_table_formats_amounts_and_dates_in_french(debtor):
    rendered = render_action(make_action(debtor, "last-reminder"))
    table = rendered.table
    assert len(table.header) == 8
    assert table.rows[0] == ("F-1", "15/04/2025", "15/05/2025", eur("10 000,00"), eur("10 000,00"), "91",
                             eur("315,52"), eur("40,00"))
    assert table.totals[4:] == (eur("11 234,56"), "", eur("321,27"), eur("80,00"))
    assert table.claimed[1] == eur("11 635,83")
    # the default text uses the totals; the text part carries the table rows
    assert f"à {eur('321,27')} et les indemnités à {eur('80,00')}" in rendered.text
    assert f"somme de {eur('11 635,83')} sous huit jours" in rendered.text
    assert "F-2      01/07/2025  31/07/2025" in rendered.text


def test_a_step_that_claims_no_interest_shows_neither_interest_nor_indemnity(debtor):
    rendered = render_action(make_action(debtor, "reminder-1"))
    assert not rendered.claims_interest
    assert [(line.interest, line.indemnity) for line in rendered.lines] == [(D("0.00"), D("0.00"))] * 2
    assert (rendered.total_interest, rendered.total_indemnity, rendered.total_claimed) == (
        D("0.00"), D("0.00"), D("11234.56"))
    assert len(rendered.table.header) == 6 and rendered.table.claimed is None
    assert eur("315,52") not in rendered.text and eur("40,00") not in rendered.text
    assert rendered.html.count("<th ") == 6


def test_the_text_table_right_aligns_the_amounts(debtor):
    rendered = render_action(make_action(debtor, "last-reminder"))
    lines = rendered.text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Facture"))
    table = lines[start:start + 7]  # header, rule, 2 invoices, rule, totals, total claimed
    assert [line[:3] for line in table] == ["Fac", "---", "F-1", "F-2", "---", "Tot", "Tot"]
    # the last column (indemnity, then the total claimed) is right-aligned: every line ends at the same place
    assert {len(line) for line in table} == {len(table[1])}
    assert table[3].endswith(eur("5,75") + "    " + eur("40,00"))


def test_the_open_amount_is_what_is_still_owed_at_the_as_of_date(debtor):
    payment = make_doc(debtor, "payment", "234.56", "2025-08-01")
    from encours.ledger.models import Allocation

    Allocation.objects.create(company=debtor.company, debit=Document.objects.get(number="F-2"), credit=payment,
                              amount=D("234.56"), date=date(2025, 8, 1))
    rendered = render_action(make_action(debtor, "reminder-2"))
    assert [line.open_amount for line in rendered.lines] == [D("10000.00"), D("1000.00")]
    assert rendered.total == D("11000.00")


# --------------------------------------------------------------------------- merge fields
ALL_FIELDS = "\n".join(f"{name}={{{{ {name} }}}}" for name, _help in MERGE_FIELDS if name != "invoice_table")


def test_every_merge_field_renders_its_value(debtor):
    User = get_user_model()
    debtor.collector = User.objects.create_user("colette", email="colette@creancier.fr", first_name="Colette",
                                                last_name="Dubois")
    debtor.save()
    Contact.objects.create(customer=debtor, role="billing", name="Service comptable", email="compta@client-un.fr")
    action = make_action(debtor, "last-reminder")
    rendered = render_action(action, template=custom_template(debtor.company, ALL_FIELDS))
    values = dict(re.findall(r"^([a-z_.]+)=(.*)$", rendered.text, re.MULTILINE))
    assert values == {
        "customer.name": "Client Un", "customer.code": "C1",
        "customer.address": "3 avenue Foch",  # the address's second line is a line of its own
        "contact.name": "Service comptable", "contact.email": "compta@client-un.fr",
        "company.name": "Créancier SA", "company.address": "10 rue de la Paix", "company.phone": "01 23 45 67 89",
        "company.email": "relances@creancier.fr", "company.siren": "732829320",
        "invoice_count": "2", "total": eur("11 234,56"), "total_interest": eur("321,27"),
        "total_indemnity": eur("80,00"), "total_claimed": eur("11 635,83"),
        "days_late": "91", "oldest_due_date": "15 mai 2025",
        "iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "BNPAFRPPXXX",
        "payment_reference": f"C1-{action.pk}", "portal_link": "", "date": "14 août 2025",
        "collector.name": "Colette Dubois", "collector.email": "colette@creancier.fr",
        "collector.phone": "01 23 45 67 89",
    }
    assert "\n69006 Lyon\n" in rendered.text and "\n75002 Paris\n" in rendered.text


def test_without_contact_nor_collector_the_customer_and_the_company_stand_in(debtor):
    rendered = render_action(make_action(debtor, "reminder-1"), template=custom_template(
        debtor.company, "{{ contact.name }}|{{ contact.email }}|{{ collector.name }}|{{ collector.email }}"))
    assert rendered.text.strip() == "Client Un|contact@client-un.fr|Créancier SA|relances@creancier.fr"
    assert rendered.recipients == ("contact@client-un.fr",)


def test_the_recipients_are_the_billing_contacts_emails(debtor):
    Contact.objects.create(customer=debtor, role="billing", name="", email="compta@client-un.fr")
    Contact.objects.create(customer=debtor, role="decision_maker", name="Le patron", email="patron@client-un.fr")
    Contact.objects.create(customer=debtor, role="billing", name="Paul Payeur", email="paul@client-un.fr")
    rendered = render_action(make_action(debtor, "reminder-1"),
                             template=custom_template(debtor.company, "{{ contact.name }} {{ contact.email }}"))
    assert rendered.recipients == ("compta@client-un.fr", "paul@client-un.fr")
    assert rendered.text.strip() == "Paul Payeur compta@client-un.fr"  # the first name given, the first address


def test_sender_recipient_and_date_line_of_the_letter(debtor):
    debtor.language = "en"  # the date line's wording is translated: French is checked with the PDF
    debtor.save()
    rendered = render_action(make_action(debtor, "reminder-1"))
    assert (rendered.sender_name, rendered.sender_address, rendered.sender_siren) == (
        "Créancier SA", ("10 rue de la Paix", "75002 Paris"), "732829320")
    assert (rendered.recipient_name, rendered.recipient_address) == ("Client Un", ("3 avenue Foch", "69006 Lyon"))
    assert rendered.date_line == "Paris, 14 August 2025"


# --------------------------------------------------------------------------- languages and fallbacks
def test_an_english_customer_gets_the_english_text_with_english_amounts_and_dates(debtor):
    debtor.language = "en"
    debtor.save()
    rendered = render_action(make_action(debtor, "last-reminder"))
    assert rendered.language == "en"
    assert rendered.subject == "Last reminder before formal notice – Créancier SA"
    assert "Unless the sum of €11,635.83 is paid within eight days" in rendered.text
    assert rendered.table.header[:2] == ("Invoice", "Date")
    assert rendered.table.rows[1][:4] == ("F-2", "01/07/2025", "31/07/2025", "€1,234.56")
    assert "the oldest for 91 days" in rendered.text


def test_a_language_without_its_template_falls_back_to_french_then_to_any(letterhead):
    french = MessageTemplate.objects.create(company=letterhead, code="x", language="fr", name="X", subject="s",
                                            body="b")
    assert template_for(letterhead, "x", "en") == french
    french.delete()
    english = MessageTemplate.objects.create(company=letterhead, code="x", language="en", name="X", subject="s",
                                             body="b")
    assert template_for(letterhead, "x", "fr") == english
    assert template_for(letterhead, "y", "fr") is None


def test_an_english_customer_without_english_template_gets_the_french_text_in_french(debtor):
    debtor.language = "en"
    debtor.save()
    MessageTemplate.objects.create(company=debtor.company, code="custom", language="fr", name="C",
                                   subject="Relance {{ total }}", body="Le {{ date }}")
    Step.objects.filter(template="reminder-1").update(template="custom")
    rendered = render_action(make_action(debtor, "custom"))
    assert rendered.language == "fr"
    assert (rendered.subject, rendered.text) == (f"Relance {eur('11 234,56')}", "Le 14 août 2025\n")


def test_the_default_templates_are_created_the_first_time_a_step_needs_one(debtor):
    assert MessageTemplate.objects.count() == 0
    rendered = render_action(make_action(debtor, "reminder-1"))
    assert rendered.subject == "Rappel\u00a0: règlement en attente – Créancier SA"
    assert MessageTemplate.objects.count() == 2 * len(FRENCH)


def test_a_step_whose_template_exists_nowhere_cannot_be_rendered(debtor):
    Step.objects.filter(template="reminder-1").update(template="no-such-code")
    with pytest.raises(TemplateMissing, match="no-such-code"):
        render_action(make_action(debtor, "no-such-code"))
    call = make_action(debtor, "reminder-2")
    call.step.template = ""
    with pytest.raises(TemplateMissing, match="no template"):
        render_action(call)


# --------------------------------------------------------------------------- text, HTML, paragraphs
def test_the_html_part_escapes_what_was_typed_and_what_was_merged(debtor):
    debtor.name = "Dupont & Fils <script>"
    debtor.save()
    body = "Bonjour {{ customer.name }} <b>\nligne 2\n\n\n{{ invoice_table }}\n\nFin"
    rendered = render_action(make_action(debtor, "reminder-1"), template=custom_template(debtor.company, body))
    assert "<p>Bonjour Dupont &amp; Fils &lt;script&gt; &lt;b&gt;<br>\nligne 2</p>" in rendered.html
    assert "<script>" not in rendered.html and "<b>" not in rendered.html
    assert re.search(r"<td [^>]*>F-1</td>", rendered.html)
    assert rendered.html.index("ligne 2") < rendered.html.index("<table") < rendered.html.index("<p>Fin</p>")
    # the text part keeps them as typed
    assert rendered.text.startswith("Bonjour Dupont & Fils <script> <b>\nligne 2\n\nFacture")


def test_the_paragraphs_mark_where_the_table_goes(debtor):
    body = "Madame,\n\nAvant :\n{{ invoice_table }}\nAprès\n\n\n\nFin\n"
    rendered = render_action(make_action(debtor, "reminder-1"), template=custom_template(debtor.company, body))
    assert rendered.paragraphs == (Block("Madame,"), Block("Avant :"), Block("", is_table=True), Block("Après"),
                                   Block("Fin"))


def test_the_subject_is_one_line(debtor):
    rendered = render_action(make_action(debtor, "reminder-1"), template=custom_template(
        debtor.company, "x", subject="Relance {% if invoice_count > 1 %}\n factures {% endif %} {{ customer.code }}"))
    assert rendered.subject == "Relance factures C1"


def test_a_missing_rate_stops_the_interest_and_the_letter_says_until_when(letterhead, customer):
    # The ECB rate in force on 1 July 2026 is not in the tables: interest stops on 30 June 2026.
    # 16-30 June 2026: 15 days at 2.15 + 10 = 12.15 %: 1000 x 0.1215 x 15 / 365 = 4.9931 -> 4.99
    customer.language = "en"
    customer.save()
    make_doc(customer, "invoice", "1000.00", "2026-05-16", "2026-06-15", number="F-9")
    rendered = render_action(make_action(customer, "last-reminder", planned_on=date(2026, 7, 20)))
    assert rendered.lines[0].interest == D("4.99") and rendered.lines[0].days_late == 35
    assert rendered.interest_note == ("Late-payment interest is counted up to 30 June 2026: the rate of the "
                                      "following period is not published yet.")
    assert rendered.interest_note in rendered.text and rendered.interest_note in rendered.html


# --------------------------------------------------------------------------- validation and safety
def test_a_valid_template_has_no_problem():
    with translation.override("en"):
        assert validate_template(
            "Relance {{ customer.name }}",
            "{% if total_interest and days_late > 30 %}{{ total|upper }}{% endif %}{% with t=total %}{{ t }}"
            "{% endwith %}{{ portal_link|default:company.email }}") == []


def test_every_shipped_text_is_a_valid_template():
    assert {key: validate_template(t.subject, t.body) for key, t in DEFAULT_TEXTS.items()} == {
        key: [] for key in DEFAULT_TEXTS}


@pytest.mark.parametrize("subject, body, problem", [
    ("x", "{{ customer.nmae }}", "Body: Unknown merge field: customer.nmae"),
    ("{{ totl }}", "x", "Subject: Unknown merge field: totl"),
    ("x", "{% if customr.name %}{% endif %}", "Body: Unknown merge field: customr.name"),
    ("x", "{{ total|default:nothing }}", "Body: Unknown merge field: nothing"),
    ("x", "{{ customer }}", "Body: Unknown merge field: customer"),
    ("x", "{{ total.upper }}", "Body: Unknown merge field: total.upper"),
    ("x", "{% for x in invoices %}{{ x }}{{ forloop.counter }}{% endfor %}", "Body: Unknown merge field: invoices"),
    ("x", "{% include 'web/base.html' %}", "Body: Tag not allowed in a template: include"),
    ("x", "{% debug %}", "Body: Tag not allowed in a template: debug"),
    ("x", "{% load static %}", "Body: Tag not allowed in a template: load"),
])
def test_validation_names_the_problem(subject, body, problem):
    with translation.override("en"):
        assert validate_template(subject, body) == [problem]


def test_a_syntax_error_is_reported_with_django_s_message():
    with translation.override("en"):
        [problem] = validate_template("x", "Bonjour\n{% if total %}unclosed")
    assert problem.startswith("Body: Template error: Unclosed tag on line 2: 'if'")


def test_a_template_that_would_read_a_file_is_refused_at_rendering_too(debtor):
    with pytest.raises(TemplateInvalid):
        render_action(make_action(debtor, "reminder-1"),
                      template=custom_template(debtor.company, "{% extends 'web/base.html' %}"))


# --------------------------------------------------------------------------- the preview
def test_the_preview_without_any_action_uses_an_example_customer_built_in_memory(letterhead):
    # last-reminder, 20 days after the due date: the example's invoices are due on 10 and 25 July 2025.
    #   1234.56 from 11 July to 14 August, 35 days at 12.15 %: 1234.56 x 0.1215 x 35 / 365 = 14.3837 -> 14.38
    #    860.00 from 26 July to 14 August, 20 days: 860 x 0.1215 x 20 / 365 = 5.7255 -> 5.73
    ensure_default_templates(letterhead)
    customers, documents = Customer.objects.count(), Document.objects.count()
    template = MessageTemplate.objects.get(code="last-reminder", language="fr")
    rendered = sample_rendering(template, today=AS_OF)
    assert [(line.due_date, line.days_late, line.interest, line.indemnity) for line in rendered.lines] == [
        (date(2025, 7, 10), 35, D("14.38"), D("40.00")), (date(2025, 7, 25), 20, D("5.73"), D("40.00"))]
    assert (rendered.total, rendered.total_claimed) == (D("2094.56"), D("2194.67"))  # 2094.56 + 20.11 + 80
    assert rendered.recipient_name == "Exemple SARL" and rendered.payment_reference == "EX001-1"
    assert (Customer.objects.count(), Document.objects.count()) == (customers, documents)


def test_the_preview_of_a_preventive_reminder_shows_invoices_not_due_yet(letterhead):
    ensure_default_templates(letterhead)
    rendered = sample_rendering(MessageTemplate.objects.get(code="preventive", language="en"), today=AS_OF)
    # 5 days before the due date: due on 19 and 29 August 2025
    assert [(line.due_date, line.days_late) for line in rendered.lines] == [
        (date(2025, 8, 19), 0), (date(2025, 8, 29), 0)]
    assert rendered.recipient_name == "Example Ltd" and "€2,094.56" in rendered.text


def test_the_preview_uses_a_real_action_of_the_company_when_there_is_one(debtor):
    action = make_action(debtor, "reminder-1")
    template = custom_template(debtor.company, "{{ customer.name }}: {{ total }}", code="reminder-1")
    rendered = sample_rendering(template)
    assert rendered.text == f"Client Un: {eur('11 234,56')}\n"
    assert rendered.action_id == action.pk


# --------------------------------------------------------------------------- the shipped texts
def test_every_template_code_of_the_default_scenarios_has_a_french_and_an_english_text():
    codes = {step[3] for steps in DEFAULTS.values() for step in steps if step[3]}
    assert set(FRENCH) == set(ENGLISH) == codes
    assert len(codes) == 11


def test_ensure_default_templates_creates_the_missing_ones_once_and_keeps_edited_ones(letterhead,
                                                                                     django_assert_num_queries):
    MessageTemplate.objects.create(company=letterhead, code="reminder-1", language="fr", name="Mine",
                                   subject="Mon sujet", body="Mon texte")
    assert ensure_default_templates(letterhead) == 21
    assert MessageTemplate.objects.get(code="reminder-1", language="fr").subject == "Mon sujet"
    with django_assert_num_queries(1):
        assert ensure_default_templates(letterhead) == 0
    assert MessageTemplate.objects.filter(company=letterhead).count() == 22


def _words(text: DefaultText) -> str:
    return f"{text.subject}\n{text.body}".lower()


@pytest.mark.parametrize("code", ["consumer-reminder-1", "consumer-reminder-2", "consumer-formal-notice"])
def test_consumer_texts_never_mention_the_indemnity(code):
    # CPCE L111-8: no recovery costs from a consumer
    for texts in (FRENCH, ENGLISH):
        assert "indemnit" not in _words(texts[code]) and "40" not in _words(texts[code])


def test_consumer_texts_mention_interest_only_in_the_formal_notice():
    # C. civ. 1231-6, 1344-1: legal-rate interest runs from the formal notice
    for texts, word in ((FRENCH, "intérêt"), (ENGLISH, "interest")):
        assert word not in _words(texts["consumer-reminder-1"]) + _words(texts["consumer-reminder-2"])
        assert word in _words(texts["consumer-formal-notice"])
        assert "1344" in _words(texts["consumer-formal-notice"])


@pytest.mark.parametrize("code", ["last-reminder", "formal-notice"])
def test_business_texts_state_interest_and_the_40_euro_indemnity_from_the_last_reminder(code):
    for texts in (FRENCH, ENGLISH):
        words = _words(texts[code])
        assert "l441-10" in words and "d441-5" in words and "{{ total_indemnity }}" in words
    assert "40\u00a0€" in FRENCH[code].body and "€40" in ENGLISH[code].body
    for earlier in ("preventive", "reminder-1", "reminder-2"):
        assert "indemnit" not in _words(FRENCH[earlier]) and "indemnit" not in _words(ENGLISH[earlier])


@pytest.mark.parametrize("code", ["public-reminder-1", "public-reminder-2", "public-formal-notice"])
def test_public_body_texts_state_ecb_plus_8_points_and_the_indemnity(code):
    assert "huit points" in _words(FRENCH[code]) and "eight points" in _words(ENGLISH[code])
    assert "r2192-31" in _words(FRENCH[code]) and "r2192-31" in _words(ENGLISH[code])
    assert "{{ total_indemnity }}" in FRENCH[code].body and "{{ total_indemnity }}" in ENGLISH[code].body


@pytest.mark.parametrize("code", ["formal-notice", "consumer-formal-notice", "public-formal-notice"])
def test_formal_notices_give_a_deadline_before_legal_action(code):
    assert "mise en demeure" in _words(FRENCH[code]) and "article 1344" in _words(FRENCH[code])
    assert re.search(r"(huit|quinze) jours", _words(FRENCH[code]))
    assert re.search(r"within (eight|fifteen) days", _words(ENGLISH[code]))


@pytest.mark.parametrize("key", sorted(DEFAULT_TEXTS))
def test_each_text_ends_with_the_bank_details_the_reference_and_the_collector(key):
    body = DEFAULT_TEXTS[key].body
    for field in ("{{ invoice_table }}", "{{ iban }}", "{{ bic }}", "{{ payment_reference }}", "{{ collector.name }}"):
        assert field in body, field


@pytest.mark.parametrize("code", sorted(FRENCH))
def test_french_texts_put_a_no_break_space_before_double_punctuation(code):
    text = FRENCH[code].subject + FRENCH[code].body
    assert re.findall(r"[^\u00a0][:;?!]", re.sub(r"\{[{%].*?[%}]\}", "", text)) == []
