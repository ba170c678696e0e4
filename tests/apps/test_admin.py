"""The Django admin shows the ledger to staff, and to nobody else."""
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from encours.demo.generator import PortfolioSpec, generate
from encours.ledger.models import Document, ImportKind
from encours.ledger.services import import_batch

PAGES = ["company", "customer", "invoice", "creditnote", "payment", "allocation", "importbatch"]


@pytest.fixture
def portfolio(company):
    spec = PortfolioSpec(customers=20, invoices=200, seed=11, as_of=date(2026, 6, 30))
    import_batch(company, generate(spec), kind=ImportKind.DEMO, digest="admin")
    return company


@pytest.fixture
def staff(client, db):
    user = get_user_model().objects.create_superuser("boss", "boss@example.fr", "pw-for-tests-only")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", PAGES)
def test_each_list_answers_with_a_bounded_number_of_queries(staff, portfolio, model, django_assert_max_num_queries):
    app = "customers" if model in ("company", "customer") else "ledger"
    with django_assert_max_num_queries(12):
        response = staff.get(reverse(f"admin:{app}_{model}_changelist"))
    assert response.status_code == 200


def test_an_invoice_page_shows_its_amount_and_allocations(staff, portfolio):
    invoice = Document.objects.filter(kind="invoice", allocated__gt=0).first()
    response = staff.get(reverse("admin:ledger_invoice_change", args=[invoice.pk]))
    assert response.status_code == 200
    assert invoice.number in response.content.decode()


@pytest.mark.parametrize("model", PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db, model):
    app = "customers" if model in ("company", "customer") else "ledger"
    response = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("model", ["financialstatement", "limitdecision", "order", "unblock", "unblockrequest"])
def test_the_credit_risk_lists_open_and_orders_are_read_only(staff, company, model):
    from encours.customers.models import Customer
    from encours.risk.orders import place_order

    customer = Customer.objects.create(company=company, code="R1", name="Risque SA")
    order = place_order(customer, "PO-ADMIN", Decimal("10.00"))
    assert staff.get(reverse(f"admin:risk_{model}_changelist")).status_code == 200
    assert staff.get(reverse("admin:risk_order_add")).status_code == 403
    assert staff.post(reverse("admin:risk_order_delete", args=[order.pk]), {"post": "yes"}).status_code == 403
