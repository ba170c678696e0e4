from datetime import date
from decimal import Decimal

import pytest

from encours.customers.models import Company, Customer
from encours.ledger.models import Document


@pytest.fixture
def company(db):
    return Company.objects.create(name="Créancier SA", siren="732829320")


@pytest.fixture
def customer(company):
    return Customer.objects.create(company=company, code="C1", name="Client Un")


@pytest.fixture
def other_customer(company):
    return Customer.objects.create(company=company, code="C2", name="Client Deux")


_counter = iter(range(1, 10**9))


def make_doc(customer, kind, amount, day, due=None, number=None, currency="EUR"):
    """A document of ``customer``; amounts and dates given as text for readability."""
    n = next(_counter)
    day = date.fromisoformat(day)
    return Document.objects.create(
        company=customer.company, customer=customer, kind=kind, number=number or f"{kind[:3].upper()}{n}",
        document_date=day, due_date=date.fromisoformat(due) if due else day, amount=Decimal(amount),
        currency=currency, source_key=f"test:{n}",
    )
