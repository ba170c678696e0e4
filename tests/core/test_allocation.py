from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encours.core.allocation import allocate_fifo
from encours.core.records import AllocationRecord

D = Decimal


def test_one_payment_settles_the_oldest_invoice_first_then_the_next():
    # payment 150.00 on 1 Mar: invoice A (10 Jan, 100.00) gets 100.00, invoice B (20 Jan, 80.00) gets 150 - 100 = 50.00
    debits = [("B", date(2026, 1, 20), D("80.00")), ("A", date(2026, 1, 10), D("100.00"))]
    credits = [("P", date(2026, 3, 1), D("150.00"))]
    assert allocate_fifo(debits, credits) == [
        AllocationRecord("A", "P", D("100.00"), date(2026, 3, 1)),
        AllocationRecord("B", "P", D("50.00"), date(2026, 3, 1)),
    ]


def test_the_oldest_credit_is_used_first_and_a_credit_spreads_over_several_invoices():
    # credits in date order: C1 (5 Feb, 30.00), C2 (10 Feb, 100.00); debits: A (1 Jan, 50.00), B (2 Jan, 50.00)
    # A: 30.00 from C1, then 50 - 30 = 20.00 from C2; B: 50.00 from C2 (C2 keeps 100 - 20 - 50 = 30.00 unused)
    debits = [("A", date(2026, 1, 1), D("50.00")), ("B", date(2026, 1, 2), D("50.00"))]
    credits = [("C2", date(2026, 2, 10), D("100.00")), ("C1", date(2026, 2, 5), D("30.00"))]
    assert allocate_fifo(debits, credits) == [
        AllocationRecord("A", "C1", D("30.00"), date(2026, 2, 5)),
        AllocationRecord("A", "C2", D("20.00"), date(2026, 2, 10)),
        AllocationRecord("B", "C2", D("50.00"), date(2026, 2, 10)),
    ]


def test_an_allocation_is_dated_the_later_of_the_two_documents():
    # an advance payment on 1 Dec 2025 settles an invoice of 31 Dec 2025: dated 31 Dec, when both exist
    debits = [("INV", date(2025, 12, 31), D("12.34"))]
    credits = [("ADV", date(2025, 12, 1), D("12.34"))]
    assert allocate_fifo(debits, credits) == [AllocationRecord("INV", "ADV", D("12.34"), date(2025, 12, 31))]


def test_documents_of_the_same_date_are_taken_in_key_order():
    # same date: debit "a" before "b"; credit 60.00 covers "a" (40.00) and 60 - 40 = 20.00 of "b"
    day = date(2024, 2, 29)
    debits = [("b", day, D("40.00")), ("a", day, D("40.00"))]
    credits = [("p", day, D("60.00"))]
    assert allocate_fifo(debits, credits) == [
        AllocationRecord("a", "p", D("40.00"), day),
        AllocationRecord("b", "p", D("20.00"), day),
    ]


def test_nothing_is_allocated_when_one_side_is_empty_or_zero():
    assert allocate_fifo([("A", date(2026, 1, 1), D("10.00"))], []) == []
    assert allocate_fifo([], [("P", date(2026, 1, 1), D("10.00"))]) == []
    assert allocate_fifo([("A", date(2026, 1, 1), D("0.00"))], [("P", date(2026, 1, 1), D("10.00"))]) == []


def test_a_negative_amount_is_refused():
    with pytest.raises(ValueError, match="negative amount"):
        allocate_fifo([("A", date(2026, 1, 1), D("-1.00"))], [])


amounts = st.integers(min_value=0, max_value=10**9).map(lambda cents: Decimal(cents) / 100)
days = st.integers(min_value=0, max_value=800).map(lambda n: date(2024, 1, 1) + timedelta(days=n))


def documents(prefix):
    return st.lists(st.tuples(days, amounts), max_size=12).map(
        lambda items: [(f"{prefix}{i}", day, amount) for i, (day, amount) in enumerate(items)]
    )


@given(documents("d"), documents("c"))
def test_no_document_is_allocated_more_than_its_amount(debits, credits):
    allocations = allocate_fifo(debits, credits)
    for key, _, amount in debits:
        assert sum((a.amount for a in allocations if a.debit_key == key), Decimal(0)) <= amount
    for key, _, amount in credits:
        assert sum((a.amount for a in allocations if a.credit_key == key), Decimal(0)) <= amount


@given(documents("d"), documents("c"))
def test_the_total_allocated_is_the_smaller_of_the_two_totals(debits, credits):
    allocations = allocate_fifo(debits, credits)
    total_debits = sum((a for _, _, a in debits), Decimal(0))
    total_credits = sum((a for _, _, a in credits), Decimal(0))
    assert sum((a.amount for a in allocations), Decimal(0)) == min(total_debits, total_credits)


@given(documents("d"), documents("c"))
def test_every_allocation_is_positive_and_dated_when_both_documents_exist(debits, credits):
    dates = {key: day for key, day, _ in (*debits, *credits)}
    for a in allocate_fifo(debits, credits):
        assert a.amount > 0
        assert a.date == max(dates[a.debit_key], dates[a.credit_key])


@given(documents("d"), documents("c"), st.randoms())
def test_the_result_does_not_depend_on_the_order_the_documents_are_given(debits, credits, random):
    shuffled_debits, shuffled_credits = list(debits), list(credits)
    random.shuffle(shuffled_debits)
    random.shuffle(shuffled_credits)
    assert allocate_fifo(shuffled_debits, shuffled_credits) == allocate_fifo(debits, credits)
