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


def test_demo_credit_file_statements_balance_and_orders_wait_for_a_credit_manager(db):
    from encours.risk.committee import credit_figures
    from encours.risk.models import (
        CaseKind,
        CaseState,
        CommitteeCase,
        FinancialStatement,
        Order,
        OrderState,
        RequestState,
        UnblockRequest,
    )

    load_demo(customers=60, invoices=900, seed=4, as_of=date(2026, 6, 30))
    statements = list(FinancialStatement.objects.order_by("customer_id", "year_end"))
    customers = {s.customer_id for s in statements}
    assert len(statements) == 3 * len(customers) and 10 <= len(customers) <= 30
    assert {s.year_end for s in statements} == {date(2023, 12, 31), date(2024, 12, 31), date(2025, 12, 31)}
    for s in statements:  # assets = liabilities: net cash is the same computed both ways
        assets = s.fixed_assets + s.inventories + s.trade_receivables + s.other_operating_receivables + s.cash
        liabilities = (s.equity + s.provisions + s.long_term_debt + s.trade_payables + s.tax_social_payables
                       + s.short_term_bank_debt)
        assert assets == s.total_assets == liabilities
    orders = list(Order.objects.select_related("customer"))
    # each of the two sales people: two orders of a tenth of a limit, accepted; one of twice a limit, on hold
    assert len(orders) == 6
    big = [o for o in orders if o.amount == 2 * o.customer.credit_limit]
    assert len(big) == 2 and all(o.state == OrderState.ON_HOLD for o in big)
    small = [o for o in orders if o not in big]
    assert all(o.state == OrderState.ACCEPTED and o.amount * 10 == o.customer.credit_limit for o in small)
    assert all(o.customer.account_manager.username.startswith("commercial") for o in orders)
    requests = UnblockRequest.objects.filter(state=RequestState.PENDING)
    assert {r.order_id for r in requests} == {o.pk for o in big}
    # the committee's first review: each request has its case, and every customer over its limit one
    cases = CommitteeCase.objects.filter(state=CaseState.OPEN)
    assert {c.unblock_request.order_id for c in cases.filter(kind=CaseKind.UNBLOCK_REQUEST)} == {o.pk for o in big}
    in_litigation = set(Customer.objects.filter(status__in=["litigation", "insolvency"]).values_list("pk", flat=True))
    over = {pk for pk, figures in credit_figures(Company.objects.get(), date(2026, 6, 30)).items()
            if figures.exposure > figures.limit and pk not in in_litigation}
    assert len(over) >= 5
    assert set(cases.filter(kind=CaseKind.LIMIT_EXCEEDED).values_list("customer_id", flat=True)) == over
