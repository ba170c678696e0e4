"""The credit manager's queue: orders on hold released or rejected (a reason each time), unblock requests
granted (with an expiry) or refused (with a note), one request with its customer's credit, unblocking a
customer directly; who may do what.

The ledger is the one of test_order_pages.py (figures worked out there), plus two orders on hold:
  PO-B1 BM01 800.00, checked 3 days ago by sam: exposure 4,500.00 + 800 = 5,300.00 > limit 5,000.00 by 300.00
        (and > the insurer's 5,200.00 by 100.00)
  PO-M2 MD03 950.00, checked 1 day ago by olga: exposure 100.00 (PO-M1) + 950 = 1,050.00 > 1,000.00 by 50.00
and sam's request to unblock BM01 for PO-B1. Shown in English (en_GB): €1,234.56, dates 31/12/2026.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from encours.customers.models import Customer
from encours.history.models import Event
from encours.risk.models import Order, OrderState, RequestState, Unblock, UnblockRequest
from encours.risk.orders import place_order
from encours.risk.unblocks import grant_unblock, refuse_request, request_unblock
from tests.apps.test_order_pages import OVER_INSURED, OVER_LIMIT, book, figures, messages_of, people  # noqa: F401
from tests.apps.test_promise_pages import client_of
from tests.apps.test_web_pages import html, rows

pytestmark = pytest.mark.db


def today():
    return timezone.localdate()


def shown(d) -> str:
    return d.strftime("%d/%m/%Y")


@pytest.fixture
def queue(book):  # noqa: F811
    now = timezone.now()
    b1 = place_order(book["bm"], "PO-B1", Decimal("800.00"), user=book["sam"], now=now - timedelta(days=3))
    m2 = place_order(book["md"], "PO-M2", Decimal("950.00"), user=book["olga"], now=now - timedelta(days=1))
    assert (b1.state, m2.state) == (OrderState.ON_HOLD, OrderState.ON_HOLD)
    request = request_unblock(book["bm"], reason="Commande de Noël", user=book["sam"], order=b1)
    return {**book, "b1": b1, "m2": m2, "request": request}


def carl(queue):
    return client_of(queue["carl"], "en")


def row(response, table: str, first: str) -> list[str]:
    return next(r for r in rows(response, table) if r[0].startswith(first) or r[1] == first)


# --------------------------------------------------------------------------- the queue
def test_the_queue_lists_orders_on_hold_oldest_first_with_their_figures_and_the_requests(queue):
    response = carl(queue).get("/credit/")
    page = html(response)
    assert figures(page, "on-hold-count", "pending-count") == ["(2)", "(1)"]
    on_hold = rows(response, "orders-on-hold")
    assert [r[1] for r in on_hold] == ["PO-B1", "PO-M2"]  # checked 3 days ago, then 1 day ago
    b1, m2 = on_hold
    assert b1[0] == "Boulangerie Martin BM01 Unblock…"
    assert b1[2:6] == ["€800.00", f"{OVER_LIMIT} {OVER_INSURED}", "€5,300.00 / €5,000.00 +€300.00", "sam"]
    assert b1[6] == "3\u00a0days"
    # 100.00 + 950.00 = 1,050.00, 50.00 over the 1,000.00 limit
    assert m2[2:6] == ["€950.00", "The exposure with this order, €1,050.00, exceeds the limit of €1,000.00 by "
                                  "€50.00.", "€1,050.00 / €1,000.00 +€50.00", "olga"]
    [request] = rows(response, "pending-requests")
    assert request[:4] == ["Boulangerie Martin BM01 Unblock…", "sam", "Commande de Noël", "PO-B1 · €800.00 · On hold"]
    # the expiry offered: today + 7 days
    assert page.find("table", id="pending-requests").find("input", name="valid_until").attrs["value"] == (
        today() + timedelta(days=7)).isoformat()
    # the request opened a committee case: the link to the committee counts it
    assert page.find(id="committee-link").text() == "Credit committee: 1 open case"


@pytest.mark.parametrize("action", ["release", "reject"])
def test_releasing_or_rejecting_needs_a_reason(queue, action):
    response = carl(queue).post("/credit/", {"pk": queue["b1"].pk, "action": action, "note": "  "})
    word = "released" if action == "release" else "rejected"
    error = html(response).find("tr", id=f"order-{queue['b1'].pk}").find("div", class_="error")
    assert error.text() == f"Say why the order is {word}"
    assert Order.objects.get(pk=queue["b1"].pk).state == OrderState.ON_HOLD
    assert not Event.objects.filter(kind=f"order.{word}").exists()


def test_releasing_an_order_accepts_it_with_the_reason_and_who_decided(queue):
    response = carl(queue).post("/credit/", {"pk": queue["b1"].pk, "action": "release",
                                             "note": "Paiement d'avance reçu"}, follow=True)
    assert messages_of(response) == ["Order PO-B1 released: it is accepted."]
    order = Order.objects.get(pk=queue["b1"].pk)
    assert (order.state, order.decision_note, order.decided_by) == (OrderState.ACCEPTED, "Paiement d'avance reçu",
                                                                   queue["carl"])
    assert [r[1] for r in rows(response, "orders-on-hold")] == ["PO-M2"]
    assert html(response).find(id="on-hold-count").text() == "(1)"
    assert Event.objects.filter(kind="order.released", customer=queue["bm"]).count() == 1


def test_rejecting_an_order_takes_it_out_of_the_queue(queue):
    response = carl(queue).post("/credit/", {"pk": queue["m2"].pk, "action": "reject", "note": "Client en retard"},
                                follow=True)
    assert messages_of(response) == ["Order PO-M2 rejected."]
    assert Order.objects.get(pk=queue["m2"].pk).state == OrderState.REJECTED
    assert [r[1] for r in rows(response, "orders-on-hold")] == ["PO-B1"]


def test_an_order_decided_meanwhile_is_not_decided_twice(queue):
    client = carl(queue)
    client.post("/credit/", {"pk": queue["b1"].pk, "action": "reject", "note": "non"}, follow=True)
    response = client.post("/credit/", {"pk": queue["b1"].pk, "action": "release", "note": "oui"}, follow=True)
    assert messages_of(response) == ["This order is no longer on hold (rejected): it was decided already."]
    assert Order.objects.get(pk=queue["b1"].pk).state == OrderState.REJECTED
    assert Event.objects.filter(kind="order.released").count() == 0


def test_granting_a_request_in_the_queue_unblocks_the_customer_and_releases_its_order(queue):
    until = today() + timedelta(days=7)
    response = carl(queue).post("/credit/", {"pk": queue["request"].pk, "action": "grant",
                                             "valid_until": until.isoformat(), "reason": "Accord exceptionnel",
                                             "release": "on"}, follow=True)
    assert messages_of(response) == [f"Boulangerie Martin is unblocked until {shown(until)}.",
                                     "Order PO-B1 released: it is accepted."]
    request = UnblockRequest.objects.get()
    assert (request.state, request.decided_by, request.unblock.valid_until) == (RequestState.GRANTED, queue["carl"],
                                                                              until)
    assert Customer.objects.get(pk=queue["bm"].pk).unblocked_until == until
    order = Order.objects.get(pk=queue["b1"].pk)
    assert (order.state, order.decision_note) == (OrderState.ACCEPTED, "Accord exceptionnel")
    assert rows(response, "pending-requests") == []


def test_granting_without_releasing_leaves_the_order_on_hold(queue):
    carl(queue).post("/credit/", {"pk": queue["request"].pk, "action": "grant",
                                  "valid_until": today().isoformat(), "reason": "Pour la journée"})
    assert UnblockRequest.objects.get().state == RequestState.GRANTED
    assert Order.objects.get(pk=queue["b1"].pk).state == OrderState.ON_HOLD


@pytest.mark.parametrize(("data", "error"), [
    ({"valid_until": ""}, "Give the date until which the customer is unblocked."),
    ({"valid_until": "demain"}, "Give the date until which the customer is unblocked."),
    ({"valid_until": "YESTERDAY"}, "The unblock must run until today at least"),
    ({"reason": " "}, "Say why the customer is unblocked"),
])
def test_a_grant_needs_an_expiry_from_today_and_a_reason(queue, data, error):
    data = {k: (today() - timedelta(days=1)).isoformat() if v == "YESTERDAY" else v for k, v in data.items()}
    posted = {"pk": queue["request"].pk, "action": "grant", "valid_until": today().isoformat(), "reason": "ok",
              **data}
    response = carl(queue).post("/credit/", posted)
    tr = html(response).find("tr", id=f"request-{queue['request'].pk}")
    assert tr.find("div", class_="error").text() == error
    assert tr.find("input", name="reason").attrs["value"] == posted["reason"].strip()  # what was typed is kept
    assert UnblockRequest.objects.get().state == RequestState.PENDING and not Unblock.objects.exists()
    assert Customer.objects.get(pk=queue["bm"].pk).unblocked_until is None


def test_refusing_a_request_needs_a_note(queue):
    client = carl(queue)
    response = client.post("/credit/", {"pk": queue["request"].pk, "action": "refuse", "reason": ""})
    assert html(response).find("tr", id=f"request-{queue['request'].pk}").find("div", class_="error").text() == (
        "Say why the request is refused")
    assert UnblockRequest.objects.get().state == RequestState.PENDING
    response = client.post("/credit/", {"pk": queue["request"].pk, "action": "refuse",
                                        "reason": "Trop d'impayés"}, follow=True)
    assert messages_of(response) == ["The request for Boulangerie Martin is refused."]
    request = UnblockRequest.objects.get()
    assert (request.state, request.note, request.decided_by) == (RequestState.REFUSED, "Trop d'impayés", queue["carl"])
    assert Event.objects.filter(kind="credit.unblock_refused", customer=queue["bm"]).count() == 1
    assert Order.objects.get(pk=queue["b1"].pk).state == OrderState.ON_HOLD


# --------------------------------------------------------------------------- one request
def test_the_request_page_shows_the_customers_credit_and_offers_seven_days(queue):
    page = html(carl(queue).get(f"/credit/requests/{queue['request'].pk}/"))
    # 4,000.00 open + 500.00 accepted (PO-B1 is on hold: not counted) = 4,500.00; limit 5,000.00
    assert figures(page, "fact-exposure", "fact-limit", "request-state") == ["€4,500.00", "€5,000.00", "Pending"]
    assert [li.text() for li in page.find("ul", id="reasons").find_all("li")] == [OVER_LIMIT, OVER_INSURED]
    assert page.find("input", name="grant-valid_until").attrs["value"] == (today() + timedelta(days=7)).isoformat()
    assert "checked" in page.find("input", name="grant-release").attrs


def test_granting_on_the_request_page(queue):
    until = today() + timedelta(days=2)
    response = carl(queue).post(f"/credit/requests/{queue['request'].pk}/", {
        "action": "grant", "grant-valid_until": until.isoformat(), "grant-reason": "Vu avec le client"})
    assert response.status_code == 302 and response["Location"] == "/credit/"
    assert Customer.objects.get(pk=queue["bm"].pk).unblocked_until == until
    assert Order.objects.get(pk=queue["b1"].pk).state == OrderState.ON_HOLD  # the box was not ticked


def test_refusing_on_the_request_page_and_a_decided_request_offers_no_form(queue):
    client = carl(queue)
    url = f"/credit/requests/{queue['request'].pk}/"
    page = html(client.post(url, {"action": "refuse", "refuse-note": ""}))
    assert page.find("textarea", name="refuse-note").parent.find("ul", class_="errorlist").text() == (
        "This field is required.")
    assert client.post(url, {"action": "refuse", "refuse-note": "Non"}).status_code == 302
    page = html(client.get(url))
    assert page.find(id="request-state").text() == "Refused"
    assert not page.find_all("form", id="grant-form") and not page.find_all("form", id="refuse-form")
    page = html(client.post(url, {"action": "grant", "grant-valid_until": today().isoformat(), "grant-reason": "x"}))
    assert page.find(id="request-state").text() == "Refused" and not Unblock.objects.exists()


def test_a_request_decided_by_someone_else_meanwhile_is_refused_with_a_clear_reason(queue):
    refuse_request(queue["request"], user=queue["ada"], note="déjà vu")
    response = carl(queue).post("/credit/", {"pk": queue["request"].pk, "action": "grant",
                                             "valid_until": today().isoformat(), "reason": "x"}, follow=True)
    assert messages_of(response) == ["This request was already decided"]
    assert not Unblock.objects.exists() and Customer.objects.get(pk=queue["bm"].pk).unblocked_until is None


# --------------------------------------------------------------------------- unblocking directly
def test_unblocking_a_customer_directly_shows_the_unblock_in_force_and_the_last_ones(queue):
    client = carl(queue)
    url = f"/customers/{queue['bm'].pk}/unblock/"
    page = html(client.get(url))
    assert figures(page, "fact-unblocked") == ["not unblocked"]
    assert page.find("input", name="valid_until").attrs["value"] == (today() + timedelta(days=7)).isoformat()
    assert [li.find("a").text() for li in page.find("ul", id="customer-pending").find_all("li")] == [
        f"{shown(timezone.localtime(queue['request'].requested_at).date())} · sam"]
    until = today() + timedelta(days=10)
    response = client.post(url, {"valid_until": until.isoformat(), "reason": "Salon professionnel"}, follow=True)
    assert messages_of(response) == [f"Boulangerie Martin is unblocked until {shown(until)}."]
    page = html(response)
    assert page.find(id="current-unblock").text() == f"Unblocked until {shown(until)}"
    assert rows(response, "unblocks")[0][1:] == ["carl", shown(until), "Salon professionnel"]
    assert Event.objects.filter(kind="credit.unblocked", customer=queue["bm"]).count() == 1


def test_an_unblock_in_the_past_is_refused_on_the_customer_page(queue):
    response = carl(queue).post(f"/customers/{queue['bm'].pk}/unblock/", {
        "valid_until": (today() - timedelta(days=1)).isoformat(), "reason": "trop tard"})
    assert html(response).find("div", class_="error").text() == "The unblock must run until today at least"
    assert not Unblock.objects.exists()


def test_the_last_unblocks_are_listed_latest_first(queue):
    now = timezone.now()
    grant_unblock(queue["bm"], valid_until=today(), reason="premier", user=queue["carl"], now=now - timedelta(hours=2))
    grant_unblock(queue["bm"], valid_until=today() + timedelta(days=1), reason="second", user=queue["ada"], now=now)
    response = carl(queue).get(f"/customers/{queue['bm'].pk}/unblock/")
    assert [r[1:] for r in rows(response, "unblocks")] == [
        ["ada", shown(today() + timedelta(days=1)), "second"], ["carl", shown(today()), "premier"]]


# --------------------------------------------------------------------------- who may do what
@pytest.mark.parametrize("name", ["sam", "colette", "audrey"])
def test_only_credit_managers_and_administrators_reach_the_queue(queue, name):
    client = client_of(queue[name])
    urls = ["/credit/", f"/credit/requests/{queue['request'].pk}/", f"/customers/{queue['bm'].pk}/unblock/"]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post("/credit/", {"pk": queue["b1"].pk, "action": "release", "note": "x"}).status_code == 403
    assert client.post("/credit/", {"pk": queue["request"].pk, "action": "grant", "valid_until": today().isoformat(),
                                    "reason": "x"}).status_code == 403
    assert client.post(urls[2], {"valid_until": today().isoformat(), "reason": "x"}).status_code == 403
    assert Order.objects.get(pk=queue["b1"].pk).state == OrderState.ON_HOLD
    assert UnblockRequest.objects.get().state == RequestState.PENDING and not Unblock.objects.exists()


def test_an_administrator_works_the_queue_too(queue):
    client = client_of(queue["ada"], "en")
    for url in ("/credit/", f"/credit/requests/{queue['request'].pk}/", f"/customers/{queue['md'].pk}/unblock/"):
        response = client.get(url)
        assert response.status_code == 200 and response.context["nav"] == "credit"


def test_unknown_objects_are_not_found(queue):
    client = carl(queue)
    assert client.get("/credit/requests/999999/").status_code == 404
    assert client.get("/customers/999999/unblock/").status_code == 404
    assert client.post("/credit/", {"pk": 999999, "action": "release", "note": "x"}).status_code == 404


def test_every_page_renders_in_the_default_language_too(queue):
    """French (the default): the amounts as the French write them, 5 300,00 € for the queue's PO-B1."""
    client = client_of(queue["carl"])
    page = html(client.get("/credit/"))
    assert "5\u202f300,00\u00a0€ / 5\u202f000,00\u00a0€" in page.find("tr", id=f"order-{queue['b1'].pk}").text()
    for url in (f"/credit/requests/{queue['request'].pk}/", f"/customers/{queue['bm'].pk}/unblock/", "/orders/",
                f"/orders/{queue['b1'].pk}/", f"/customers/{queue['bm'].pk}/unblock-request/?order={queue['b1'].pk}"):
        assert html(client.get(url)).find("main")
