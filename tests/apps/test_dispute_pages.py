"""The dispute pages: opening a dispute for a customer, the list (sales people see their own customers'),
one dispute and its resolution; who may do what.

Pages read today (D); the ledger is built around it. Amounts in EUR.
BM01 "Boulangerie Martin" (account manager sam, collector colette)
  I1 invoice 1,000.00 due D-40, 400.00 paid by P1 at D-10 -> open 600.00
  I5 invoice 250.00 due D-5                              -> open 250.00
  I2 invoice 1,234.56 due D+10                           -> open 1,234.56
MD03 "Menuiserie Dupont" (account manager another sales person): I4 invoice 100.00 due D-20.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from encours.accounts.roles import Role
from encours.collections.disputes import open_dispute
from encours.collections.models import Dispute, DisputeResolution
from encours.customers.models import Customer
from encours.history.models import Event
from tests.apps.conftest import make_doc
from tests.apps.test_web_pages import allocate, day, eur, html, make_user, rows


@pytest.fixture
def people(db):
    return {name: make_user(name, role) for name, role in [
        ("carl", Role.CREDIT_MANAGER), ("colette", Role.COLLECTOR), ("sam", Role.SALES), ("sue", Role.SALES),
        ("audrey", Role.AUDITOR), ("alice", Role.ACCOUNTANT),
    ]}


@pytest.fixture
def ledger(company, people):
    bm = Customer.objects.create(company=company, code="BM01", name="Boulangerie Martin",
                                 collector=people["colette"], account_manager=people["sam"])
    md = Customer.objects.create(company=company, code="MD03", name="Menuiserie Dupont", account_manager=people["sue"])
    docs = {
        "I1": make_doc(bm, "invoice", "1000.00", day(-70), day(-40), number="I1"),
        "P1": make_doc(bm, "payment", "400.00", day(-10), number="P1"),
        "I5": make_doc(bm, "invoice", "250.00", day(-35), day(-5), number="I5"),
        "I2": make_doc(bm, "invoice", "1234.56", day(-20), day(10), number="I2"),
        "I4": make_doc(md, "invoice", "100.00", day(-45), day(-20), number="I4"),
    }
    allocate(docs["I1"], docs["P1"], "400.00", day(-10))
    return {"bm": bm, "md": md, **docs, **people}


def client_of(user, language=None) -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def ago(days: int):
    return timezone.localdate() - timedelta(days=days)


def d_fr(days_ago: int) -> str:
    return ago(days_ago).strftime("%d/%m/%Y")


@pytest.fixture
def disputes(ledger):
    """A price dispute on I1 and I5 opened 12 days ago (seller at fault); a quality one on I4, 3 days ago; a
    delivery one on I2, opened 30 days ago and resolved 10 days ago by a credit note."""
    price = open_dispute(ledger["bm"], [ledger["I1"], ledger["I5"]], "price", "sales", opened_on=ago(12),
                         seller_at_fault=True)
    quality = open_dispute(ledger["md"], [ledger["I4"]], "quality", "delivery", opened_on=ago(3))
    delivery = open_dispute(ledger["bm"], [ledger["I2"]], "delivery", "delivery", opened_on=ago(30),
                            seller_at_fault=False)
    Dispute.objects.filter(pk=delivery.pk).update(resolution="credit_note", resolved_on=ago(10))
    return {"price": price, "quality": quality, "delivery": delivery}


# --------------------------------------------------------------------------- opening a dispute
def test_opening_a_dispute_saves_it_and_returns_to_the_customer_page(ledger):
    bm = ledger["bm"]
    response = client_of(ledger["colette"]).post(f"/customers/{bm.pk}/dispute/", {
        "documents": [ledger["I1"].pk, ledger["I2"].pk], "reason": "quantity", "owner": "delivery",
        "seller_at_fault": "yes", "description": "Livraison incomplète",
    })
    assert response.status_code == 302 and response["Location"] == f"/customers/{bm.pk}/"
    dispute = Dispute.objects.get()
    assert (dispute.customer, dispute.reason, dispute.owner, dispute.seller_at_fault, dispute.opened_on) == (
        bm, "quantity", "delivery", True, timezone.localdate())
    assert (dispute.description, dispute.recorded_by, dispute.resolution) == (
        "Livraison incomplète", ledger["colette"], "")
    assert set(dispute.documents.values_list("number", flat=True)) == {"I1", "I2"}
    assert Event.objects.filter(customer=bm, kind="dispute.opened").count() == 1


@pytest.mark.parametrize(("value", "expected"), [("yes", True), ("no", False), ("", None)])
def test_the_seller_at_fault_may_be_yes_no_or_unknown(ledger, value, expected):
    client_of(ledger["carl"]).post(f"/customers/{ledger['bm'].pk}/dispute/", {
        "documents": [ledger["I5"].pk], "reason": "price", "owner": "sales", "seller_at_fault": value})
    assert Dispute.objects.get().seller_at_fault is expected


def test_a_dispute_without_invoices_is_refused_and_nothing_is_saved(ledger):
    response = client_of(ledger["colette"], "en").post(f"/customers/{ledger['bm'].pk}/dispute/", {
        "reason": "price", "owner": "sales", "seller_at_fault": "", "description": "?"})
    assert html(response).find("div", class_="error").text() == "A dispute is about at least one invoice"
    assert Dispute.objects.count() == 0 and not Event.objects.exists()


def test_an_unknown_reason_or_another_customers_invoice_is_a_form_error(ledger):
    client = client_of(ledger["colette"])
    url = f"/customers/{ledger['bm'].pk}/dispute/"
    for data in ({"documents": [ledger["I1"].pk], "reason": "mood", "owner": "sales"},
                 {"documents": [ledger["I4"].pk], "reason": "price", "owner": "sales"}):
        response = client.post(url, data)
        assert html(response).find("ul", class_="errorlist")
    assert Dispute.objects.count() == 0


@pytest.mark.parametrize("name", ["sam", "audrey", "alice"])
def test_sales_auditors_and_accountants_cannot_open_a_dispute(ledger, name):
    client = client_of(ledger[name])
    url = f"/customers/{ledger['bm'].pk}/dispute/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"documents": [ledger["I1"].pk], "reason": "price", "owner": "sales"}).status_code == 403
    assert Dispute.objects.count() == 0


# --------------------------------------------------------------------------- the list
def test_the_list_shows_open_disputes_with_their_amount_and_age(ledger, disputes):
    response = client_of(ledger["carl"]).get("/collections/disputes/")
    # oldest first; the price dispute: I1 600.00 + I5 250.00 open = 850.00
    assert rows(response, "disputes") == [
        ["Boulangerie Martin BM01", "I1, I5", eur("850,00"), "Prix", "Commercial", "Oui", d_fr(12), "12", ""],
        ["Menuiserie Dupont MD03", "I4", eur("100,00"), "Qualité", "Livraison", "Inconnu", d_fr(3), "3", ""],
    ]


def test_a_resolved_dispute_counts_its_days_up_to_its_resolution(ledger, disputes):
    got = rows(client_of(ledger["carl"]).get("/collections/disputes/", {"status": "resolved"}), "disputes")
    assert len(got) == 1
    # opened D-30, resolved D-10: 20 days; I2 1,234.56 still open
    assert got[0][1:3] == ["I2", eur("1 234,56")]
    assert got[0][6:8] == [d_fr(30), "20"]
    assert got[0][8].endswith(f"({d_fr(10)})")


@pytest.mark.parametrize(("query", "expected"), [
    ({}, ["I1, I5", "I4"]),
    ({"status": "all"}, ["I2", "I1, I5", "I4"]),  # opened D-30, D-12, D-3
    ({"status": "all", "reason": "quality"}, ["I4"]),
    ({"status": "all", "owner": "delivery"}, ["I2", "I4"]),
    ({"status": "open", "owner": "billing"}, []),
])
def test_the_list_filters(ledger, disputes, query, expected):
    assert [r[1] for r in rows(client_of(ledger["carl"]).get("/collections/disputes/", query), "disputes")] == expected


def test_a_sales_person_lists_the_disputes_of_their_own_customers_only(ledger, disputes):
    got = rows(client_of(ledger["sam"]).get("/collections/disputes/", {"status": "all"}), "disputes")
    assert [r[1] for r in got] == ["I2", "I1, I5"]
    got = rows(client_of(ledger["sue"]).get("/collections/disputes/", {"status": "all"}), "disputes")
    assert [r[1] for r in got] == ["I4"]


def test_the_list_reads_a_bounded_number_of_queries(ledger, django_assert_max_num_queries):
    for i in range(30):
        open_dispute(ledger["bm"], [ledger["I1"], ledger["I5"]], "price", "sales", opened_on=ago(i))
    client = client_of(ledger["carl"])
    with django_assert_max_num_queries(10):
        response = client.get("/collections/disputes/")
    assert len(rows(response, "disputes")) == 30


# --------------------------------------------------------------------------- one dispute
def test_a_sales_person_reads_their_customers_dispute_but_neither_another_nor_resolves_it(ledger, disputes):
    sam = client_of(ledger["sam"])
    url = f"/collections/disputes/{disputes['price'].pk}/"
    page = html(sam.get(url))
    assert page.find(id="disputed").text() == eur("850,00")
    assert not page.find_all("form", id="resolve-dispute")
    assert sam.get(f"/collections/disputes/{disputes['quality'].pk}/").status_code == 404
    response = sam.post(url, {"resolution": "rejected", "resolved_on": day(0)})
    assert response.status_code == 403
    disputes["price"].refresh_from_db()
    assert disputes["price"].is_open


def test_resolving_a_dispute_records_the_resolution_and_its_date(ledger, disputes):
    client = client_of(ledger["colette"])
    url = f"/collections/disputes/{disputes['price'].pk}/"
    assert html(client.get(url)).find("form", id="resolve-dispute")
    response = client.post(url, {"resolution": "credit_note", "resolved_on": day(-1), "notes": "Avoir A9 émis"})
    assert response.status_code == 302 and response["Location"] == url
    dispute = Dispute.objects.get(pk=disputes["price"].pk)
    assert (dispute.resolution, dispute.resolved_on) == (DisputeResolution.CREDIT_NOTE, ago(1))
    assert Event.objects.get(kind="dispute.resolved").reason == "Avoir A9 émis"
    page = html(client.get(url))
    assert not page.find_all("form", id="resolve-dispute")
    assert page.find(id="days-open").text() == "11"  # opened D-12, resolved D-1


def test_a_resolution_dated_before_the_opening_is_refused(ledger, disputes):
    response = client_of(ledger["colette"], "en").post(f"/collections/disputes/{disputes['price'].pk}/", {
        "resolution": "rejected", "resolved_on": day(-13)})
    assert html(response).find("div", class_="error").text() == "A dispute cannot be resolved before it was opened"
    disputes["price"].refresh_from_db()
    assert disputes["price"].is_open and not Event.objects.filter(kind="dispute.resolved").exists()


def test_a_resolved_dispute_cannot_be_resolved_again(ledger, disputes):
    url = f"/collections/disputes/{disputes['delivery'].pk}/"
    response = client_of(ledger["colette"], "en").post(url, {"resolution": "paid", "resolved_on": day(0)})
    assert html(response).find("div", class_="error").text() == "This dispute is already resolved"
    dispute = Dispute.objects.get(pk=disputes["delivery"].pk)
    assert (dispute.resolution, dispute.resolved_on) == ("credit_note", ago(10))


@pytest.mark.parametrize("name", ["audrey", "alice"])
def test_auditors_and_accountants_read_disputes_but_cannot_resolve_them(ledger, disputes, name):
    client = client_of(ledger[name])
    url = f"/collections/disputes/{disputes['price'].pk}/"
    assert client.get("/collections/disputes/").status_code == 200
    assert client.get(url).status_code == 200
    assert client.post(url, {"resolution": "paid", "resolved_on": day(0)}).status_code == 403
    disputes["price"].refresh_from_db()
    assert disputes["price"].is_open
