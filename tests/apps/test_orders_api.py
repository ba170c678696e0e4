"""The order API: check, record, invoice, cancel; the answers a client can act on; and parallel orders for
one customer on PostgreSQL, which cannot together exceed the limit."""
import json
import threading
import urllib.request
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from encours.accounts.access import new_api_token
from encours.accounts.models import Profile
from encours.risk.models import Order, OrderState
from tests.apps.conftest import make_doc

pytestmark = pytest.mark.db


def token_for(username, role):
    user = get_user_model().objects.create_user(username)
    Profile.objects.create(user=user, role=role)
    return {"Authorization": f"Bearer {new_api_token(user, 'erp')}"}


@pytest.fixture
def erp(customer):
    customer.credit_limit = D("1000.00")
    customer.save()
    make_doc(customer, "invoice", "400.00", "2026-11-01", due="2099-12-01")
    return token_for("erp", "credit_manager")


def post(path, body, headers):
    return Client().post(path, json.dumps(body), content_type="application/json", headers=headers)


def test_check_answers_accept_or_block_with_the_figures_and_records_nothing(erp, customer):
    ok = post("/api/orders/check", {"customer": "C1", "amount": "600.00"}, erp)
    assert ok.status_code == 200 and ok.json() == {
        "decision": "accept", "reasons": [], "exposure": "400.00", "exposure_after": "1000.00", "limit": "1000.00",
        "overridden": False}
    blocked = post("/api/orders/check", {"customer": str(customer.pk), "amount": "600.01"}, erp).json()
    assert blocked["decision"] == "block" and [r["code"] for r in blocked["reasons"]] == ["limit_exceeded"]
    # 400.00 + 600.01 = 1,000.01: over the 1,000.00 limit by 0.01
    assert blocked["reasons"][0]["figures"] == {"exposure_after": "1000.01", "limit": "1000.00", "excess": "0.01"}
    assert Order.objects.count() == 0


def test_orders_are_recorded_then_invoiced_or_cancelled(erp, customer):
    first = post("/api/orders", {"customer": "C1", "reference": "PO-1", "amount": "500.00"}, erp)
    assert first.status_code == 201 and first.json()["state"] == "accepted"
    second = post("/api/orders", {"customer": "C1", "reference": "PO-2", "amount": "200.00"}, erp).json()
    assert (second["state"], second["decision"], second["exposure_before"]) == ("on_hold", "block", "900.00")
    pk = first.json()["id"]
    invoiced = post(f"/api/orders/{pk}/invoice", {}, erp)
    assert invoiced.status_code == 200 and invoiced.json()["state"] == "invoiced"
    again = post(f"/api/orders/{pk}/cancel", {}, erp)
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert post(f"/api/orders/{second['id']}/cancel", {"note": "plus besoin"}, erp).json()["state"] == "cancelled"


@pytest.mark.parametrize(("body", "status"), [
    ({"customer": "C1", "amount": "-5"}, 422),
    ({"customer": "C1", "amount": "abc"}, 422),
    ({"customer": "NOPE", "amount": "5"}, 404),
    ({"amount": "5"}, 422),
])
def test_malformed_requests_get_a_clear_error_and_write_nothing(erp, body, status):
    response = post("/api/orders", {**body, "reference": "PO-X"}, erp)
    assert response.status_code == status and response.json()["error"]["message"]
    assert Order.objects.count() == 0


def test_a_sales_person_checks_only_their_own_customers(customer, other_customer):
    sales = token_for("vendeur", "sales")
    customer.account_manager = get_user_model().objects.get(username="vendeur")
    customer.save()
    assert post("/api/orders/check", {"customer": "C1", "amount": "1"}, sales).status_code == 200
    assert post("/api/orders/check", {"customer": "C2", "amount": "1"}, sales).status_code == 404
    auditor = token_for("audit", "auditor")
    assert post("/api/orders/check", {"customer": "C1", "amount": "1"}, auditor).status_code == 403


def test_an_unblocked_customer_passes_until_the_date_included(erp, customer):
    """The unblock date read by the check's plain SQL is a date on every engine (SQLite gives text)."""
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    customer.unblocked_until = today
    customer.save()
    answer = post("/api/orders/check", {"customer": "C1", "amount": "700.00"}, erp).json()
    assert (answer["decision"], answer["overridden"]) == ("accept", True)
    customer.unblocked_until = today - timedelta(days=1)
    customer.save()
    answer = post("/api/orders/check", {"customer": "C1", "amount": "700.00"}, erp).json()
    assert (answer["decision"], answer["overridden"]) == ("block", False)


@pytest.mark.parametrize("ref", ["²", "١٢", "99999999999999999999999", "", " "])
def test_a_reference_no_customer_has_is_unknown_not_an_error(erp, ref):
    """Digits an id cannot be (superscript, Arabic-Indic, beyond 64 bits) are an unknown customer, not a 500."""
    response = post("/api/orders/check", {"customer": ref, "amount": "1"}, erp)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_the_check_reads_the_customer_of_the_default_company_only(erp, customer):
    from encours.customers.models import Company, Customer

    elsewhere = Company.objects.create(name="Autre créancier", currency="EUR")
    stranger = Customer.objects.create(company=elsewhere, code="X9", name="Client ailleurs")
    make_doc(stranger, "invoice", "999.00", "2026-11-01", due="2099-12-01")
    assert post("/api/orders/check", {"customer": "X9", "amount": "1"}, erp).status_code == 404
    assert post("/api/orders/check", {"customer": str(stranger.pk), "amount": "1"}, erp).status_code == 404
    # C1's own figures, not mixed with the other company's documents
    assert post("/api/orders/check", {"customer": "C1", "amount": "1"}, erp).json()["exposure"] == "400.00"


def test_a_sales_person_cannot_reach_another_customer_by_id(customer, other_customer):
    sales = token_for("vendeuse", "sales")
    customer.account_manager = get_user_model().objects.get(username="vendeuse")
    customer.save()
    assert post("/api/orders/check", {"customer": str(customer.pk), "amount": "1"}, sales).status_code == 200
    assert post("/api/orders/check", {"customer": str(other_customer.pk), "amount": "1"}, sales).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_parallel_orders_for_one_customer_never_exceed_the_limit_together(live_server, company, customer):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time: the race needs PostgreSQL")
    customer.credit_limit = D("1000.00")
    customer.save()
    headers = token_for("erp", "credit_manager")
    barrier, answers = threading.Barrier(8), []

    def order(n):
        request = urllib.request.Request(
            f"{live_server.url}/api/orders", method="POST",
            data=json.dumps({"customer": "C1", "reference": f"PO-{n}", "amount": "300.00"}).encode(),
            headers={**headers, "Content-Type": "application/json"})
        barrier.wait()
        with urllib.request.urlopen(request, timeout=30) as response:
            answers.append(json.loads(response.read())["state"])

    threads = [threading.Thread(target=order, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 3 × 300 = 900 fit in 1,000; a fourth would make 1,200
    assert sorted(answers) == ["accepted"] * 3 + ["on_hold"] * 5
    assert Order.objects.filter(state=OrderState.ACCEPTED).count() == 3
