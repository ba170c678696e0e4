"""Late interest and the recovery indemnity of each late invoice, read from the ledger: figures computed by
hand in each test (interest = base × rate × days / 365, rounded once to the cent)."""
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from encours.collections.claims import customer_claims, invoice_claims
from encours.collections.models import (
    Action,
    ActionItem,
    InterestRate,
    Message,
    MessageState,
    RateSeriesCode,
)
from encours.collections.scenarios import ensure_default_scenarios
from encours.customers.models import CustomerStatus
from encours.ledger.services import allocate
from tests.apps.conftest import make_doc

pytestmark = pytest.mark.db


def claim_of(customer, doc, as_of):
    return invoice_claims(customer, [doc], as_of)[doc.pk]


def test_an_invoice_paid_late_keeps_its_interest_and_indemnity(customer):
    invoice = make_doc(customer, "invoice", "1200.00", "2025-01-01", due="2025-01-31", number="F1")
    payment = make_doc(customer, "payment", "1200.00", "2025-03-02")
    allocate(invoice, payment, Decimal("1200.00"), date(2025, 3, 2))
    # 1 Feb to 2 Mar 2025: 30 days at ECB on 1 Jan 2025 (3.15 %) + 10 = 13.15 %:
    # 1200 × 0.1315 × 30 / 365 = 4734 / 365 = 12.9698… -> 12.97
    [claim] = customer_claims(customer, date(2025, 6, 30))
    assert (claim.document, claim.days_late, claim.settled_on, claim.open_amount) == (
        invoice, 30, date(2025, 3, 2), Decimal("0.00"))
    assert (claim.interest, claim.indemnity, claim.interest_until) == (
        Decimal("12.97"), Decimal("40.00"), date(2025, 3, 2))
    assert claim.total == Decimal("52.97")


def test_an_invoice_paid_on_time_or_not_yet_due_owes_nothing(customer):
    on_time = make_doc(customer, "invoice", "500.00", "2025-01-01", due="2025-01-31")
    payment = make_doc(customer, "payment", "500.00", "2025-01-31")
    allocate(on_time, payment, Decimal("500.00"), date(2025, 1, 31))
    make_doc(customer, "invoice", "700.00", "2025-06-01", due="2025-07-31")
    assert customer_claims(customer, date(2025, 7, 1)) == []


def test_the_delay_split_by_half_year_or_frozen_by_the_company_setting(customer):
    invoice = make_doc(customer, "invoice", "1000.00", "2025-05-15", due="2025-06-15")
    # 16–30 June: 15 days at 3.15 + 10 = 13.15 %; 1–15 July: 15 days at ECB on 1 July 2025 (2.15 %) + 10 = 12.15 %
    # 1000 × (0.1315 × 15 + 0.1215 × 15) / 365 = 3795 / 365 = 10.3972… -> 10.40
    claim = claim_of(customer, invoice, date(2025, 7, 15))
    assert (claim.interest, claim.days_late, [p.days for p in claim.periods]) == (Decimal("10.40"), 30, [15, 15])
    customer.company.late_interest_frozen = True
    customer.company.save()
    # frozen at the rate of the half-year the delay began: 1000 × 0.1315 × 30 / 365 = 10.8082… -> 10.81
    assert claim_of(customer, invoice, date(2025, 7, 15)).interest == Decimal("10.81")


def test_credit_notes_lower_the_base_from_the_start_payments_from_the_next_day(customer):
    invoice = make_doc(customer, "invoice", "1000.00", "2025-01-01", due="2025-01-31")
    note = make_doc(customer, "credit_note", "200.00", "2025-02-10")
    payment = make_doc(customer, "payment", "300.00", "2025-02-15")
    allocate(invoice, note, Decimal("200.00"), date(2025, 2, 10))
    allocate(invoice, payment, Decimal("300.00"), date(2025, 2, 15))
    # base 800 from 1 to 15 Feb (15 days), 500 from 16 Feb to 2 Mar (15 days), at 13.15 %:
    # (800 × 15 + 500 × 15) × 0.1315 / 365 = 2564.25 / 365 = 7.0253… -> 7.03
    claim = claim_of(customer, invoice, date(2025, 3, 2))
    assert (claim.interest, claim.open_amount, claim.settled_on) == (Decimal("7.03"), Decimal("500.00"), None)


def test_a_contractual_rate_below_the_floor_is_raised_to_three_times_the_legal_rate(customer):
    customer.company.contractual_interest_percent = Decimal("1.000")
    customer.company.save()
    invoice = make_doc(customer, "invoice", "1000.00", "2025-01-01", due="2025-01-31")
    # floor in 2025 H1: 3 × 3.71 % = 11.13 %; 1000 × 0.1113 × 30 / 365 = 3339 / 365 = 9.1479… -> 9.15
    assert claim_of(customer, invoice, date(2025, 3, 2)).interest == Decimal("9.15")


def test_a_missing_rate_stops_the_interest_before_it_until_the_administrator_adds_it(customer):
    invoice = make_doc(customer, "invoice", "1000.00", "2026-05-15", due="2026-06-15")
    claim = claim_of(customer, invoice, date(2026, 7, 15))
    # only 16–30 June 2026 is known: 15 days at 2.15 + 10 = 12.15 %: 1822.5 / 365 = 4.9931… -> 4.99
    assert (claim.interest, claim.interest_until) == (Decimal("4.99"), date(2026, 6, 30))
    assert "2026-07-01" in claim.missing_rate and claim.days_late == 30
    InterestRate.objects.create(series=RateSeriesCode.ECB, starts_on=date(2026, 7, 1), percent=Decimal("2.15"))
    claim = claim_of(customer, invoice, date(2026, 7, 15))
    # 30 days at 12.15 %: 3645 / 365 = 9.9863… -> 9.99
    assert (claim.interest, claim.interest_until, claim.missing_rate) == (Decimal("9.99"), date(2026, 7, 15), "")


def test_no_indemnity_for_an_insolvent_debtor(customer):
    customer.status = CustomerStatus.INSOLVENCY
    customer.save()
    invoice = make_doc(customer, "invoice", "1000.00", "2025-01-01", due="2025-01-31")
    claim = claim_of(customer, invoice, date(2025, 3, 2))
    assert (claim.indemnity, claim.interest) == (Decimal("0.00"), Decimal("10.81"))  # 1000 × 0.1315 × 30 / 365


def test_a_consumer_owes_legal_interest_from_the_formal_notice_and_no_indemnity(company, customer):
    customer.kind = "consumer"
    customer.save()
    invoice = make_doc(customer, "invoice", "500.00", "2025-09-01", due="2025-09-30")
    assert claim_of(customer, invoice, date(2025, 11, 30)).total == Decimal("0.00")
    ensure_default_scenarios(company)
    step = company.scenarios.get(customer_kind="consumer").steps.get(is_formal_notice=True)
    action = Action.objects.create(company=company, customer=customer, step=step, channel=step.channel,
                                   planned_on=date(2025, 10, 31), total=Decimal("500.00"))
    ActionItem.objects.create(action=action, document=invoice, step=step, position=step.position,
                              open_amount=Decimal("500.00"))
    Message.objects.create(company=company, customer=customer, action=action, channel="letter", language="fr",
                           subject="Mise en demeure", body_text="…", total=Decimal("500.00"),
                           state=MessageState.SENT,
                           sent_at=timezone.make_aware(datetime(2025, 10, 31, 10, 0)))
    # 1–30 Nov 2025: 30 days at the legal rate "autres cas" of 2025 H2, 2.76 %: 500 × 0.0276 × 30 / 365 = 1.1342…
    claim = claim_of(customer, invoice, date(2025, 11, 30))
    assert (claim.interest, claim.indemnity, claim.days_late) == (Decimal("1.13"), Decimal("0.00"), 61)
