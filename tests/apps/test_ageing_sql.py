"""The aged balance computed in SQL, against hand-computed figures and against the pure core function."""
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from encours.core.ageing import AgeingItem, age_items, buckets_from_limits
from encours.core.money import cents_to_decimal
from encours.demo.generator import PortfolioSpec, generate
from encours.ledger.models import Allocation, Document, ImportKind
from encours.ledger.services import allocate, import_batch
from encours.reporting.ageing import aged_balance
from tests.apps.conftest import make_doc


def amounts(values):
    return [cents_to_decimal(v) for v in values]


@pytest.fixture
def ledger(customer, other_customer):
    a = make_doc(customer, "invoice", "1000.00", "2026-03-16", due="2026-04-15")
    make_doc(customer, "invoice", "500.00", "2026-02-18", due="2026-03-20")
    c = make_doc(customer, "invoice", "300.00", "2025-12-16", due="2026-01-15")
    p = make_doc(customer, "payment", "200.00", "2026-03-25")
    allocate(c, p, Decimal("200.00"), date(2026, 3, 25))
    make_doc(customer, "payment", "50.00", "2026-03-10")  # on account, not allocated
    d = make_doc(other_customer, "invoice", "2000.00", "2025-11-01", due="2025-12-01")
    make_doc(other_customer, "invoice", "100.00", "2026-04-05", due="2026-05-05")
    cn = make_doc(other_customer, "credit_note", "100.00", "2026-02-10")
    allocate(d, cn, Decimal("100.00"), date(2026, 2, 10))
    r = make_doc(other_customer, "payment", "1900.00", "2026-04-10")
    allocate(d, r, Decimal("1900.00"), date(2026, 4, 10))
    return customer, other_customer, a


def test_aged_balance_at_the_end_of_march_matches_the_hand_computation(ledger):
    c1, c2, _ = ledger
    report = aged_balance(c1.company, date(2026, 3, 31))
    assert [b.label for b in report.buckets] == ["not_due", "1-30", "31-60", "61-90", "over_90"]
    # not due: A 1000 (due 15 Apr)
    # 1-30:   B 500 (11 days) - unallocated payment 50 (dated 10 Mar, 21 days) = 450
    # 61-90:  C 300 - 200 paid on 25 Mar = 100 (due 15 Jan: 16 + 28 + 31 = 75 days)
    # over 90: D 2000 - credit note 100 = 1900 (due 1 Dec: 30 + 31 + 28 + 31 = 120 days);
    #          its payment of 10 Apr is after the as-of date; invoice E is dated after it.
    assert amounts(report.totals) == [Decimal(x) for x in ("1000", "450", "0", "100", "1900")]
    assert cents_to_decimal(report.total) == Decimal("3450.00")
    assert cents_to_decimal(report.overdue) == Decimal("2450.00")  # 3450 - 1000 not due
    by_id = {row.id: row for row in report.customers}
    assert cents_to_decimal(by_id[c1.id].total) == Decimal("1550.00")  # 1000 + 450 + 100
    assert amounts(by_id[c2.id].buckets) == [Decimal(x) for x in ("0", "0", "0", "0", "1900")]


def test_the_aged_balance_before_a_payment_still_shows_the_invoice_it_settled(ledger):
    c1, _, _ = ledger
    report = aged_balance(c1.company, date(2026, 3, 24))
    # C is still 300 open on 24 Mar (paid on the 25th): 16 + 28 + 24 = 68 days -> 61-90
    assert amounts(report.totals) == [Decimal(x) for x in ("1000", "450", "0", "300", "1900")]


def test_a_settled_invoice_leaves_the_aged_balance_after_its_payment(ledger):
    c1, c2, _ = ledger
    report = aged_balance(c1.company, date(2026, 4, 30))
    # D settled on 10 Apr; E 100 not due (5 May); A 1000 15 days late; B 500 41 days;
    # Q -50 dated 10 Mar: 51 days; C 100: 105 days
    assert amounts(report.totals) == [Decimal(x) for x in ("100", "1000", "450", "0", "100")]
    assert [row.id for row in report.customers] == [c1.id, c2.id]


def test_buckets_can_be_chosen(ledger):
    c1, _, _ = ledger
    report = aged_balance(c1.company, date(2026, 3, 31), buckets_from_limits([60]))
    # not due 1000; 1-60: 450; over 60: 100 + 1900
    assert amounts(report.totals) == [Decimal("1000"), Decimal("450"), Decimal("2000")]


def python_ageing(company, as_of, buckets):
    """The same report computed independently: open amount per document from its allocations, in Python."""
    allocated = {}
    for a in Allocation.objects.filter(company=company, date__lte=as_of):
        allocated[a.debit_id] = allocated.get(a.debit_id, 0) + a.amount
        allocated[a.credit_id] = allocated.get(a.credit_id, 0) + a.amount
    items = []
    for d in Document.objects.filter(company=company, document_date__lte=as_of):
        open_amount = d.amount - allocated.get(d.id, 0)
        if open_amount:
            sign = 1 if d.kind == "invoice" else -1
            items.append(AgeingItem(d.customer_id, sign * open_amount, d.due_date))
    return age_items(items, as_of, buckets)


def test_sql_and_core_agree_on_a_generated_portfolio_at_many_dates(company):
    spec = PortfolioSpec(customers=40, invoices=600, seed=7, as_of=date(2026, 6, 30))
    import_batch(company, generate(spec), kind=ImportKind.DEMO, digest="seed7")
    rng = random.Random(3)
    buckets = buckets_from_limits([15, 45, 90, 180])
    for _ in range(6):
        as_of = date(2024, 7, 1) + timedelta(days=rng.randrange(0, 730))
        sql = aged_balance(company, as_of, buckets)
        core = python_ageing(company, as_of, buckets)
        assert amounts(sql.totals) == [core.totals[b.label] for b in buckets]
        for row in sql.customers:
            assert amounts(row.buckets) == [core.by_customer[row.id][b.label] for b in buckets]
        assert sum(core.totals.values()) == cents_to_decimal(sql.total)
