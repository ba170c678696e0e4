"""Property: whatever allocations are attempted, the database keeps every document within its amount."""
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encours.ledger.models import Allocation, Document
from encours.ledger.services import allocate
from tests.apps.conftest import make_doc

attempts = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(1, 15_000)),  # invoice, credit, cents
    min_size=1, max_size=12,
)


class Rollback(Exception):
    pass


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(attempts=attempts)
def test_allocations_never_exceed_what_is_open_on_either_side(customer, attempts):
    try:
        with transaction.atomic():
            invoices = [make_doc(customer, "invoice", amount, "2026-01-10") for amount in ("100.00", "50.00", "75.50")]
            credits = [make_doc(customer, "payment", "120.00", "2026-01-20"),
                       make_doc(customer, "credit_note", "30.00", "2026-01-15"),
                       make_doc(customer, "payment", "99.99", "2026-01-25")]
            open_cents = {d.pk: int(d.amount * 100) for d in invoices + credits}
            for i, c, cents in attempts:
                invoice, credit = invoices[i], credits[c]
                fits = cents <= open_cents[invoice.pk] and cents <= open_cents[credit.pk]
                try:
                    with transaction.atomic():
                        allocate(invoice, credit, Decimal(cents) / 100, date(2026, 2, 1))
                    assert fits, f"{cents} cents accepted with {open_cents[invoice.pk]} / {open_cents[credit.pk]} open"
                    open_cents[invoice.pk] -= cents
                    open_cents[credit.pk] -= cents
                except IntegrityError:
                    assert not fits, f"{cents} cents refused with {open_cents[invoice.pk]} / {open_cents[credit.pk]} open"
            for doc in Document.objects.filter(pk__in=open_cents):
                as_debit = sum(a.amount for a in Allocation.objects.filter(debit=doc))
                as_credit = sum(a.amount for a in Allocation.objects.filter(credit=doc))
                assert doc.allocated == as_debit + as_credit
                assert Decimal(0) <= doc.allocated <= doc.amount
                assert int((doc.amount - doc.allocated) * 100) == open_cents[doc.pk]
                assert (doc.closed_on is not None) == (doc.allocated == doc.amount)
            raise Rollback
    except Rollback:
        pass


@pytest.mark.parametrize("kind", ["invoice", "payment"])
def test_a_document_cannot_be_allocated_to_itself(customer, kind):
    doc = make_doc(customer, kind, "10.00", "2026-01-10")
    with pytest.raises(IntegrityError), transaction.atomic():
        allocate(doc, doc, Decimal("1.00"), date(2026, 1, 10))
