"""The promise pages: recording a promise for a customer, the list collectors follow, one promise and
cancelling it; who may do what.

Pages read today (D); the ledger is built around it. Amounts in EUR.
BM01 "Boulangerie Martin" (account manager sam, collector colette)
  I1 invoice 1,000.00 due D-40, 400.00 paid by P1 at D-10 -> open 600.00, overdue
  I5 invoice 250.00 due D-5                              -> open 250.00, overdue
  I2 invoice 1,234.56 due D+10                           -> open, not due
  overdue open total 600.00 + 250.00 = 850.00: the amount the form proposes
MD03 "Menuiserie Dupont": I4 invoice 100.00 due D-20.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from encours.accounts.roles import Role
from encours.collections.models import Promise, PromiseState
from encours.collections.promises import make_promise
from encours.customers.models import Customer
from encours.history.models import Event
from tests.apps.conftest import make_doc
from tests.apps.test_web_pages import allocate, day, eur, html, make_user, rows


@pytest.fixture
def people(db):
    return {name: make_user(name, role) for name, role in [
        ("ada", Role.ADMIN), ("carl", Role.CREDIT_MANAGER), ("colette", Role.COLLECTOR), ("sam", Role.SALES),
        ("audrey", Role.AUDITOR), ("alice", Role.ACCOUNTANT),
    ]}


@pytest.fixture
def ledger(company, people):
    bm = Customer.objects.create(company=company, code="BM01", name="Boulangerie Martin",
                                 collector=people["colette"], account_manager=people["sam"])
    md = Customer.objects.create(company=company, code="MD03", name="Menuiserie Dupont")
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


def today():
    return timezone.localdate()


def promise_of(customer, docs, amount, promised_in=7, made_ago=0, **extra):
    return make_promise(customer, docs, Decimal(amount), today() + timedelta(days=promised_in), "phone",
                        made_on=today() - timedelta(days=made_ago), **extra)


# --------------------------------------------------------------------------- recording a promise
def test_the_form_ticks_the_overdue_invoices_and_proposes_their_open_total(ledger):
    page = html(client_of(ledger["colette"]).get(f"/customers/{ledger['bm'].pk}/promise/"))
    boxes = {b.attrs["value"]: "checked" in b.attrs for b in page.find_all("input", name="documents")}
    assert boxes == {str(ledger["I1"].pk): True, str(ledger["I5"].pk): True, str(ledger["I2"].pk): False}
    assert page.find("input", name="amount").attrs["value"] == "850.00"  # 600.00 + 250.00


def test_recording_a_promise_saves_it_and_returns_to_the_customer_page(ledger):
    bm = ledger["bm"]
    response = client_of(ledger["colette"]).post(f"/customers/{bm.pk}/promise/", {
        "documents": [ledger["I1"].pk, ledger["I5"].pk], "amount": "850.00", "promised_on": day(7),
        "channel": "email", "notes": "Virement annoncé",
    })
    assert response.status_code == 302 and response["Location"] == f"/customers/{bm.pk}/"
    promise = Promise.objects.get()
    assert (promise.customer, promise.amount, promise.promised_on, promise.made_on, promise.channel) == (
        bm, Decimal("850.00"), today() + timedelta(days=7), today(), "email")
    assert (promise.state, promise.recorded_by, promise.notes) == (PromiseState.PENDING, ledger["colette"],
                                                                   "Virement annoncé")
    assert set(promise.documents.values_list("number", flat=True)) == {"I1", "I5"}
    assert Event.objects.filter(customer=bm, kind="promise.made").count() == 1


@pytest.mark.parametrize(("changes", "message"), [
    ({"promised_on": day(-1)}, "The promised date cannot be before the day the promise is made"),
    ({"amount": "0"}, "The amount promised must be more than zero"),
    ({"documents": []}, "A promise covers at least one invoice"),
])
def test_a_refused_promise_is_shown_as_an_error_and_nothing_is_saved(ledger, changes, message):
    data = {"documents": [ledger["I1"].pk], "amount": "600.00", "promised_on": day(7), "channel": "phone",
            **changes}
    response = client_of(ledger["colette"], "en").post(f"/customers/{ledger['bm'].pk}/promise/", data)
    page = html(response)
    assert page.find("div", class_="error").text() == message
    assert Promise.objects.count() == 0 and not Event.objects.filter(kind="promise.made").exists()
    # what was typed is kept
    boxes = [b.attrs["value"] for b in page.find_all("input", name="documents") if "checked" in b.attrs]
    assert boxes == [str(d) for d in data["documents"]]


def test_an_invoice_of_another_customer_cannot_be_slipped_into_a_promise(ledger):
    response = client_of(ledger["colette"]).post(f"/customers/{ledger['bm'].pk}/promise/", {
        "documents": [ledger["I1"].pk, ledger["I4"].pk], "amount": "700.00", "promised_on": day(7),
        "channel": "phone"})
    assert response.status_code == 200
    assert html(response).find("ul", class_="errorlist")
    assert Promise.objects.count() == 0


def test_a_promise_for_an_unknown_customer_is_not_found(ledger):
    assert client_of(ledger["colette"]).get("/customers/999999/promise/").status_code == 404


@pytest.mark.parametrize("name", ["sam", "audrey", "alice"])
def test_sales_auditors_and_accountants_can_neither_open_nor_post_the_promise_pages(ledger, name):
    client = client_of(ledger[name])
    promise = promise_of(ledger["bm"], [ledger["I1"]], "600.00")
    assert client.get(f"/customers/{ledger['bm'].pk}/promise/").status_code == 403
    assert client.post(f"/customers/{ledger['bm'].pk}/promise/", {
        "documents": [ledger["I1"].pk], "amount": "600.00", "promised_on": day(7), "channel": "phone",
    }).status_code == 403
    assert client.get("/collections/promises/").status_code == 403
    assert client.get(f"/collections/promises/{promise.pk}/").status_code == 403
    assert client.post(f"/collections/promises/{promise.pk}/", {"action": "cancel", "reason": "x"}).status_code == 403
    assert Promise.objects.count() == 1 and Promise.objects.get().state == PromiseState.PENDING


# --------------------------------------------------------------------------- the list
@pytest.fixture
def several(ledger):
    bm, md = ledger["bm"], ledger["md"]
    late = promise_of(bm, [ledger["I1"]], "600.00", promised_in=3, made_ago=2, user=ledger["colette"])
    soon = promise_of(md, [ledger["I4"]], "100.00", promised_in=1)
    broken = promise_of(bm, [ledger["I5"]], "250.00", promised_in=-10, made_ago=20)
    Promise.objects.filter(pk=broken.pk).update(state=PromiseState.BROKEN, settled_on=today() - timedelta(days=7))
    kept = promise_of(md, [ledger["I4"]], "50.00", promised_in=-30, made_ago=40)
    Promise.objects.filter(pk=kept.pk).update(state=PromiseState.KEPT)
    return {"late": late, "soon": soon, "broken": broken, "kept": kept}


def test_the_list_shows_pending_promises_by_promised_date(ledger, several):
    response = client_of(ledger["carl"]).get("/collections/promises/")
    assert rows(response, "promises") == [
        ["Menuiserie Dupont MD03", (today() + timedelta(days=1)).strftime("%d/%m/%Y"), eur("100,00"), "I4",
         today().strftime("%d/%m/%Y"), "Appel téléphonique", "", "En cours"],
        ["Boulangerie Martin BM01", (today() + timedelta(days=3)).strftime("%d/%m/%Y"), eur("600,00"), "I1",
         (today() - timedelta(days=2)).strftime("%d/%m/%Y"), "Appel téléphonique", "colette", "En cours"],
    ]


@pytest.mark.parametrize(("query", "expected"), [
    ({"state": "broken"}, ["250.00"]),
    ({"state": "kept"}, ["50.00"]),
    ({"state": "all"}, ["50.00", "250.00", "100.00", "600.00"]),  # by promised date: D-30, D-10, D+1, D+3
    ({"state": "all", "q": "martin"}, ["250.00", "600.00"]),
    ({"state": "all", "q": "md0"}, ["50.00", "100.00"]),
    ({"channel": "email"}, []),
])
def test_the_list_filters(ledger, several, query, expected):
    assert listed_amounts(ledger, query) == expected


def test_the_list_filters_by_who_recorded_the_promise(ledger, several):
    assert listed_amounts(ledger, {"recorded_by": ledger["colette"].pk}) == ["600.00"]
    assert listed_amounts(ledger, {"recorded_by": ledger["carl"].pk}) == []


def listed_amounts(ledger, query) -> list[str]:
    """The amounts of the promises listed, read through each row's link to its promise."""
    amounts = {p.pk: str(p.amount) for p in Promise.objects.all()}
    page = html(client_of(ledger["carl"]).get("/collections/promises/", query))
    links = [a.attrs["href"] for a in page.find("table", id="promises").find_all("a")
             if a.attrs["href"].startswith("/collections/promises/")]
    return [amounts[int(href.rstrip("/").rsplit("/", 1)[1])] for href in links]


def test_a_broken_promise_is_highlighted(ledger, several):
    table = html(client_of(ledger["carl"]).get("/collections/promises/", {"state": "all"})).find(
        "table", id="promises")
    highlighted = [tr.find("td", class_="num").text() for tr in table.find("tbody").find_all("tr")
                   if "late" in tr.attrs.get("class", "").split()]
    assert highlighted == [eur("250,00")]


def test_the_list_has_fifty_promises_a_page_in_a_bounded_number_of_queries(ledger, django_assert_max_num_queries):
    for i in range(51):
        promise_of(ledger["bm"], [ledger["I1"], ledger["I5"]], "10.00", promised_in=i)
    client = client_of(ledger["colette"])
    with django_assert_max_num_queries(12):
        first = client.get("/collections/promises/")
    assert len(rows(first, "promises")) == 50
    assert len(rows(client.get("/collections/promises/", {"page": 2}), "promises")) == 1


# --------------------------------------------------------------------------- one promise
def test_the_promise_page_shows_its_invoices_open_now_and_the_payments_received_since(ledger):
    promise = promise_of(ledger["bm"], [ledger["I1"], ledger["I5"]], "850.00", promised_in=5, made_ago=3)
    # P1 (D-10) came before the promise: not counted. P2, 300.00 at D-1, counts; so does P3 at D, unallocated.
    p2 = make_doc(ledger["bm"], "payment", "300.00", day(-1), number="P2")
    allocate(ledger["I1"], p2, "300.00", day(-1))
    make_doc(ledger["bm"], "payment", "50.00", day(0), number="P3")
    response = client_of(ledger["colette"]).get(f"/collections/promises/{promise.pk}/")
    page = html(response)
    assert page.find(id="promised").text() == eur("850,00")
    assert page.find(id="received").text() == eur("350,00")  # 300.00 + 50.00
    assert page.find(id="expected").text() == eur("500,00")  # 850.00 - 350.00
    # I1: 1000 - 400 - 300 = 300.00 open now; I5 250.00
    assert [[r[0], r[4]] for r in rows(response, "promise-invoices")] == [
        ["I1", eur("300,00")], ["I5", eur("250,00")]]


def test_cancelling_a_promise_needs_a_reason_and_records_it(ledger):
    promise = promise_of(ledger["bm"], [ledger["I1"]], "600.00")
    client = client_of(ledger["colette"])
    url = f"/collections/promises/{promise.pk}/"
    response = client.post(url, {"action": "cancel", "reason": "  "}, follow=True)
    assert html(response).find("li", class_="error")
    promise.refresh_from_db()
    assert promise.state == PromiseState.PENDING

    response = client.post(url, {"action": "cancel", "reason": "Saisie en double"})
    assert response.status_code == 302 and response["Location"] == url
    promise.refresh_from_db()
    assert (promise.state, promise.settled_on) == (PromiseState.CANCELLED, today())
    event = Event.objects.get(kind="promise.cancelled")
    assert (event.reason, event.actor) == ("Saisie en double", ledger["colette"])
    assert not html(client.get(url)).find_all("form", id="cancel-promise")


def test_a_kept_promise_cannot_be_cancelled(ledger):
    promise = promise_of(ledger["bm"], [ledger["I1"]], "600.00")
    Promise.objects.filter(pk=promise.pk).update(state=PromiseState.KEPT)
    response = client_of(ledger["colette"], "en").post(f"/collections/promises/{promise.pk}/",
                                                        {"action": "cancel", "reason": "oops"}, follow=True)
    assert html(response).find("li", class_="error").text() == "Only a pending promise can be cancelled"
    promise.refresh_from_db()
    assert promise.state == PromiseState.KEPT


def test_an_unknown_promise_is_not_found(ledger):
    assert client_of(ledger["colette"]).get("/collections/promises/999999/").status_code == 404
