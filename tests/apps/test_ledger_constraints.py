"""The database itself keeps the ledger's invariants, whoever writes to it."""
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from encours.ledger.models import Allocation, Document
from encours.ledger.services import allocate
from tests.apps.conftest import make_doc


def reload(doc):
    return Document.objects.get(pk=doc.pk)


def test_an_allocation_updates_what_is_allocated_on_both_documents(customer):
    invoice = make_doc(customer, "invoice", "1000.00", "2026-01-10", due="2026-02-09")
    payment = make_doc(customer, "payment", "400.00", "2026-02-20")
    allocate(invoice, payment, Decimal("400.00"), date(2026, 2, 20))
    assert reload(invoice).allocated == Decimal("400.00")
    assert reload(invoice).open_amount == Decimal("600.00")  # 1000 - 400
    assert reload(payment).allocated == Decimal("400.00")
    assert reload(invoice).closed_on is None
    assert reload(payment).closed_on == date(2026, 2, 20)  # fully used on that day


def test_an_allocation_beyond_the_open_amount_is_refused_by_the_database(customer):
    invoice = make_doc(customer, "invoice", "100.00", "2026-01-10")
    first = make_doc(customer, "payment", "80.00", "2026-01-20")
    second = make_doc(customer, "payment", "80.00", "2026-01-21")
    allocate(invoice, first, Decimal("80.00"), date(2026, 1, 20))
    with pytest.raises(IntegrityError), transaction.atomic():
        # 80 already allocated: only 20 of the invoice is open
        Allocation.objects.create(
            company=customer.company, debit=invoice, credit=second, amount=Decimal("20.01"), date=date(2026, 1, 21)
        )
    assert reload(invoice).allocated == Decimal("80.00")
    allocate(invoice, second, Decimal("20.00"), date(2026, 1, 21))
    assert reload(invoice).closed_on == date(2026, 1, 21)


def test_a_payment_cannot_be_allocated_beyond_its_own_amount(customer):
    one = make_doc(customer, "invoice", "100.00", "2026-01-10")
    two = make_doc(customer, "invoice", "100.00", "2026-01-11")
    payment = make_doc(customer, "payment", "150.00", "2026-01-20")
    allocate(one, payment, Decimal("100.00"), date(2026, 1, 20))
    with pytest.raises(IntegrityError), transaction.atomic():
        allocate(two, payment, Decimal("50.01"), date(2026, 1, 20))  # 150 - 100 = 50 left


def test_an_allocation_between_two_customers_is_refused(customer, other_customer):
    invoice = make_doc(customer, "invoice", "100.00", "2026-01-10")
    payment = make_doc(other_customer, "payment", "100.00", "2026-01-20")
    with pytest.raises(IntegrityError), transaction.atomic():
        allocate(invoice, payment, Decimal("100.00"), date(2026, 1, 20))


def test_an_allocation_must_settle_an_invoice_with_a_credit(customer):
    one = make_doc(customer, "invoice", "100.00", "2026-01-10")
    two = make_doc(customer, "invoice", "100.00", "2026-01-11")
    with pytest.raises(IntegrityError), transaction.atomic():
        allocate(one, two, Decimal("10.00"), date(2026, 1, 20))


def test_allocations_are_never_edited(customer):
    invoice = make_doc(customer, "invoice", "100.00", "2026-01-10")
    payment = make_doc(customer, "payment", "100.00", "2026-01-20")
    allocation = allocate(invoice, payment, Decimal("60.00"), date(2026, 1, 20))
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.filter(pk=allocation.pk).update(amount=Decimal("70.00"))


def test_deleting_an_allocation_reopens_the_invoice(customer):
    invoice = make_doc(customer, "invoice", "100.00", "2026-01-10")
    early = make_doc(customer, "payment", "30.00", "2026-01-15")
    late = make_doc(customer, "payment", "70.00", "2026-01-25")
    allocate(invoice, early, Decimal("30.00"), date(2026, 1, 15))
    last = allocate(invoice, late, Decimal("70.00"), date(2026, 1, 25))
    assert reload(invoice).closed_on == date(2026, 1, 25)
    last.delete()
    invoice = reload(invoice)
    assert invoice.allocated == Decimal("30.00")
    assert invoice.closed_on is None
    assert invoice.last_allocated_on == date(2026, 1, 15)


def test_an_invoice_number_is_unique_per_company(customer, other_customer):
    make_doc(customer, "invoice", "10.00", "2026-01-10", number="F-001")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_doc(other_customer, "invoice", "12.00", "2026-01-11", number="F-001")
    make_doc(customer, "payment", "10.00", "2026-01-12", number="F-001")  # a payment may quote it


def test_amounts_must_be_positive(customer):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_doc(customer, "invoice", "0.00", "2026-01-10")


def test_amounts_are_exact_to_the_cent_and_never_floats(customer):
    invoice = make_doc(customer, "invoice", "1234567890.12", "2026-01-10")
    assert reload(invoice).amount == Decimal("1234567890.12")
    with pytest.raises(ValueError):
        make_doc(customer, "invoice", "10.005", "2026-01-10")
    with pytest.raises(TypeError):
        Document.objects.filter(pk=invoice.pk).update(amount=10.5)
