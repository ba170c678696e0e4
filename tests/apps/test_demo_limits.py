"""The demo gives its customers realistic credit limits: never an implicit unlimited credit."""
from datetime import date
from decimal import Decimal

import pytest

from encours.customers.models import Company, Customer
from encours.demo.loading import load_demo

pytestmark = pytest.mark.db


def test_demo_customers_have_limits_in_steps_of_500_and_a_third_of_businesses_are_insured(db):
    load_demo(customers=60, invoices=900, seed=4, as_of=date(2026, 6, 30))
    company = Company.objects.get()
    assert company.default_credit_limit == Decimal("1500.00")
    customers = list(Customer.objects.filter(company=company))
    limited = [c for c in customers if c.credit_limit is not None]
    assert len(limited) >= 30 and all(c.kind != "consumer" for c in limited)
    assert all(c.credit_limit >= 500 and c.credit_limit % 500 == 0 for c in limited)
    insured = [c for c in limited if c.insured_limit is not None]
    assert insured and all(c.insurer and c.insured_limit <= c.credit_limit * Decimal("0.8") for c in insured)
    assert all(c.insured_limit % 100 == 0 and c.pk % 3 == 0 for c in insured)
    assert len({c.credit_limit for c in limited}) > 5  # limits follow each customer's sales
