"""The sales pages of orders: "can this order be accepted?" (checking records nothing), recording an order
(accepted, or on hold for a credit manager), one order and cancelling it, asking for an unblock; who may do what.

Pages read today (D); the ledger is built around it. Amounts in EUR, shown in English (en_GB: €1,234.56).
BM01 "Boulangerie Martin", account manager sam; internal limit 5,000.00, insurer's limit 5,200.00
  I1 invoice 3,000.00 due D+20; I2 invoice 1,200.00 due D-10 (10 days late: within the 30-day tolerance);
  P1 payment 200.00, not allocated                  -> open receivables 3,000 + 1,200 - 200 = 4,000.00
  PO-A1 order 500.00, accepted (4,000 + 500 = 4,500 <= 5,000) -> exposure 4,000 + 500 = 4,500.00
  an order of   400.00: 4,500 +   400 = 4,900.00 <= 5,000 and <= 5,200: accepted
  an order of   800.00: 4,500 +   800 = 5,300.00 >  5,000 by 300.00 and > 5,200 by 100.00: blocked, two reasons
MD03 "Menuiserie Dupont", account manager olga (another sales person); limit 1,000.00; PO-M1 100.00 accepted.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from encours.accounts.roles import Role
from encours.customers.models import Customer
from encours.history.models import Event
from encours.risk.models import Order, OrderState, RequestState, UnblockRequest
from encours.risk.orders import invoice_order, place_order
from tests.apps.conftest import make_doc
from tests.apps.test_promise_pages import client_of
from tests.apps.test_web_pages import day, html, make_user, rows

pytestmark = pytest.mark.db

OVER_LIMIT = "The exposure with this order, €5,300.00, exceeds the limit of €5,000.00 by €300.00."
OVER_INSURED = ("The exposure with this order, €5,300.00, exceeds the credit insurer's limit of €5,200.00 by "
                "€100.00: that part would not be insured.")


@pytest.fixture
def people(db):
    return {name: make_user(name, role) for name, role in [
        ("ada", Role.ADMIN), ("carl", Role.CREDIT_MANAGER), ("colette", Role.COLLECTOR), ("sam", Role.SALES),
        ("olga", Role.SALES), ("audrey", Role.AUDITOR),
    ]}


@pytest.fixture
def book(company, people):
    bm = Customer.objects.create(company=company, code="BM01", name="Boulangerie Martin",
                                 account_manager=people["sam"], credit_limit=Decimal("5000.00"),
                                 insured_limit=Decimal("5200.00"))
    md = Customer.objects.create(company=company, code="MD03", name="Menuiserie Dupont",
                                 account_manager=people["olga"], credit_limit=Decimal("1000.00"))
    make_doc(bm, "invoice", "3000.00", day(-10), day(20), number="I1")
    make_doc(bm, "invoice", "1200.00", day(-40), day(-10), number="I2")
    make_doc(bm, "payment", "200.00", day(-2), number="P1")
    a1 = place_order(bm, "PO-A1", Decimal("500.00"), user=people["sam"])
    m1 = place_order(md, "PO-M1", Decimal("100.00"), user=people["olga"])
    assert (a1.state, m1.state) == (OrderState.ACCEPTED, OrderState.ACCEPTED)
    return {"bm": bm, "md": md, "a1": a1, "m1": m1, **people}


def sam(book):
    return client_of(book["sam"], "en")


def figures(page, *ids) -> list[str]:
    return [page.find(id=i).text() for i in ids]


def messages_of(response) -> list[str]:
    return [li.text() for li in html(response).find("ul", class_="messages").find_all("li")]


# --------------------------------------------------------------------------- checking
def test_checking_an_order_over_the_limit_says_blocked_with_every_reason_and_records_nothing(book):
    response = sam(book).post("/orders/", {"customer": "BM01", "amount": "800.00", "action": "check"})
    page = html(response)
    assert page.find(id="decision").text() == "Blocked"
    assert [li.text() for li in page.find("ul", id="reasons").find_all("li")] == [OVER_LIMIT, OVER_INSURED]
    # exposure 4,500.00; with the order 4,500 + 800 = 5,300.00; limits 5,000.00 and 5,200.00
    assert figures(page, "exposure", "exposure-after", "limit", "insured-limit") == [
        "€4,500.00", "€5,300.00", "€5,000.00", "€5,200.00"]
    assert page.find(id="nothing-recorded").text() == "Nothing has been recorded."
    assert Order.objects.count() == 2 and not Event.objects.filter(kind="order.on_hold").exists()
    # what was typed is kept, ready to be recorded
    assert page.find("input", name="amount").attrs["value"] == "800.00"


def test_checking_an_order_within_the_limits_says_accepted(book):
    page = html(sam(book).post("/orders/", {"customer": "BM01", "amount": "400.00", "action": "check"}))
    assert page.find(id="decision").text() == "Accepted"
    assert not page.find("section", id="answer").find_all("ul", class_="reasons")
    assert figures(page, "exposure", "exposure-after") == ["€4,500.00", "€4,900.00"]  # 4,500 + 400
    assert Order.objects.count() == 2


def test_under_an_unblock_the_order_passes_and_the_reasons_are_still_said(book):
    Customer.objects.filter(pk=book["bm"].pk).update(unblocked_until=timezone.localdate() + timedelta(days=3))
    page = html(sam(book).post("/orders/", {"customer": "BM01", "amount": "800.00", "action": "check"}))
    assert page.find(id="decision").text() == "Accepted, under an unblock"
    assert [li.text() for li in page.find("ul", id="reasons").find_all("li")] == [OVER_LIMIT, OVER_INSURED]


def test_the_customer_may_be_given_by_its_id_and_the_list_offers_only_the_users_customers(book):
    client = sam(book)
    page = html(client.post("/orders/", {"customer": str(book["bm"].pk), "amount": "400.00", "action": "check"}))
    assert page.find(id="decision").text() == "Accepted"
    offered = [o.attrs["value"] for o in html(client.get("/orders/")).find("datalist").find_all("option")]
    assert offered == ["BM01"]
    assert [o.attrs["value"] for o in html(client_of(book["carl"]).get("/orders/")).find("datalist")
            .find_all("option")] == ["BM01", "MD03"]


# --------------------------------------------------------------------------- recording
def test_recording_an_order_over_the_limit_puts_it_on_hold_and_offers_to_ask_for_an_unblock(book):
    response = sam(book).post("/orders/", {"customer": "BM01", "amount": "800.00", "reference": "PO-B1",
                                           "action": "record"}, follow=True)
    order = Order.objects.get(reference="PO-B1")
    assert response.redirect_chain == [(f"/orders/{order.pk}/", 302)]
    assert (order.state, order.amount, order.exposure_before, order.checked_by) == (
        OrderState.ON_HOLD, Decimal("800.00"), Decimal("4500.00"), book["sam"])
    assert messages_of(response) == ["Order PO-B1 recorded: on hold. It waits for a credit manager, who has been "
                                     "told; you may ask for an unblock below."]
    page = html(response)
    assert page.find(id="order-state").text() == "On hold"
    assert [li.text() for li in page.find("ul", id="reasons").find_all("li")] == [OVER_LIMIT, OVER_INSURED]
    assert figures(page, "amount", "exposure", "exposure-after", "limit") == [
        "€800.00", "€4,500.00", "€5,300.00", "€5,000.00"]
    assert page.find("form", id="ask-unblock")
    assert Event.objects.filter(kind="order.on_hold", customer=book["bm"]).count() == 1


def test_recording_an_order_within_the_limits_accepts_it(book):
    response = sam(book).post("/orders/", {"customer": "BM01", "amount": "400.00", "reference": "PO-B2",
                                           "action": "record"}, follow=True)
    assert messages_of(response) == ["Order PO-B2 recorded: accepted."]
    assert Order.objects.get(reference="PO-B2").state == OrderState.ACCEPTED
    assert not html(response).find_all("form", id="ask-unblock")


def test_recording_the_same_order_twice_gives_the_first_one(book):
    client = sam(book)
    data = {"customer": "BM01", "amount": "400.00", "reference": "PO-B2", "action": "record"}
    assert messages_of(client.post("/orders/", data, follow=True)) == ["Order PO-B2 recorded: accepted."]
    response = client.post("/orders/", data, follow=True)
    assert messages_of(response) == ["This order was already recorded: here it is."]
    assert Order.objects.filter(reference="PO-B2").count() == 1


@pytest.mark.parametrize(("data", "field", "error"), [
    ({"reference": ""}, "reference", "Give the order's reference to record it."),
    ({"reference": "PO-A1"}, "reference", "This reference is already used by another order."),  # 500.00, not 400
    ({"amount": "0"}, "amount", "Ensure this value is greater than or equal to 0.01."),
    ({"amount": "12.345"}, "amount", "Ensure that there are no more than 2 decimal places."),
    ({"customer": "MD03"}, "customer", "No customer of yours has the code MD03."),  # olga's, not sam's
    ({"customer": "ZZ99"}, "customer", "No customer of yours has the code ZZ99."),
])
def test_a_refused_order_is_shown_as_a_form_error_and_nothing_is_recorded(book, data, field, error):
    posted = {"customer": "BM01", "amount": "400.00", "reference": "PO-NEW", "action": "record", **data}
    page = html(sam(book).post("/orders/", posted))
    errors = page.find("input", name=field).parent.find("ul", class_="errorlist")
    assert errors.text() == error
    assert Order.objects.count() == 2


# --------------------------------------------------------------------------- the list
def test_a_sales_person_lists_their_customers_orders_filtered_by_state(book):
    place_order(book["bm"], "PO-B1", Decimal("800.00"), user=book["carl"])  # on hold, recorded by someone else
    client = sam(book)
    assert [r[0] for r in rows(client.get("/orders/"), "orders")] == ["PO-B1", "PO-A1"]  # latest first
    assert [r[0] for r in rows(client.get("/orders/", {"state": "on_hold"}), "orders")] == ["PO-B1"]
    assert [r[0] for r in rows(client.get("/orders/", {"state": "accepted"}), "orders")] == ["PO-A1"]
    assert rows(client.get("/orders/", {"state": "rejected"}), "orders") == []
    assert rows(client.get("/orders/"), "orders")[1][1:4] == ["Boulangerie Martin BM01", "€500.00", "Accepted"]


def test_others_list_the_orders_they_recorded_or_everybodys(book):
    place_order(book["bm"], "PO-B1", Decimal("800.00"), user=book["carl"])
    client = client_of(book["carl"], "en")
    assert [r[0] for r in rows(client.get("/orders/"), "orders")] == ["PO-B1"]
    assert sorted(r[0] for r in rows(client.get("/orders/", {"who": "all"}), "orders")) == ["PO-A1", "PO-B1", "PO-M1"]


# --------------------------------------------------------------------------- one order
def test_asking_for_an_unblock_from_the_order_on_hold(book):
    order = place_order(book["bm"], "PO-B1", Decimal("800.00"), user=book["sam"])
    client = sam(book)
    response = client.post(f"/customers/{book['bm'].pk}/unblock-request/",
                           {"order": order.pk, "reason": "Commande de Noël, le client paie toujours"}, follow=True)
    assert response.redirect_chain == [(f"/orders/{order.pk}/", 302)]
    assert messages_of(response) == ["Your request is with the credit managers."]
    request = UnblockRequest.objects.get()
    assert (request.customer, request.order, request.requested_by, request.state) == (
        book["bm"], order, book["sam"], RequestState.PENDING)
    assert rows(response, "order-requests")[0][1:4] == ["sam", "Commande de Noël, le client paie toujours",
                                                       "Pending"]
    assert not html(response).find_all("form", id="ask-unblock")  # one request waiting is enough
    assert Event.objects.filter(kind="credit.unblock_requested", customer=book["bm"]).count() == 1
    assert rows(client.get("/orders/"), "my-requests")[0][2:5] == [
        "PO-B1", "Commande de Noël, le client paie toujours", "Pending"]


def test_an_unblock_request_needs_a_reason(book):
    response = sam(book).post(f"/customers/{book['bm'].pk}/unblock-request/", {"reason": "   "})
    assert html(response).find("textarea", name="reason").parent.find("ul", class_="errorlist").text() == (
        "This field is required.")
    assert UnblockRequest.objects.count() == 0


def test_the_unblock_request_page_shows_the_customers_credit_today(book):
    page = html(sam(book).get(f"/customers/{book['bm'].pk}/unblock-request/"))
    # exposure 4,000.00 open + 500.00 accepted = 4,500.00; limit 5,000.00
    assert figures(page, "fact-exposure", "fact-limit", "fact-unblocked") == ["€4,500.00", "€5,000.00",
                                                                            "not unblocked"]


def test_cancelling_an_order_takes_it_out_of_the_exposure(book):
    client = sam(book)
    response = client.post(f"/orders/{book['a1'].pk}/", {"action": "cancel", "note": "client withdrew it"},
                           follow=True)
    assert messages_of(response) == ["Order PO-A1 cancelled."]
    order = Order.objects.get(pk=book["a1"].pk)
    assert (order.state, order.decision_note, order.decided_by) == (OrderState.CANCELLED, "client withdrew it",
                                                                   book["sam"])
    # the exposure is back to the open receivables, 4,000.00
    page = html(client.post("/orders/", {"customer": "BM01", "amount": "800.00", "action": "check"}))
    assert figures(page, "exposure", "decision") == ["€4,000.00", "Accepted"]  # 4,000 + 800 = 4,800 <= 5,000


def test_an_invoiced_order_cannot_be_cancelled(book):
    invoice_order(book["a1"])
    client = sam(book)
    assert not html(client.get(f"/orders/{book['a1'].pk}/")).find_all("form", id="cancel-order")
    response = client.post(f"/orders/{book['a1'].pk}/", {"action": "cancel"}, follow=True)
    assert messages_of(response) == ["This order is invoiced: it cannot be cancelled."]
    assert Order.objects.get(pk=book["a1"].pk).state == OrderState.INVOICED


# --------------------------------------------------------------------------- who may do what
def test_a_sales_person_cannot_reach_another_sales_persons_customer_or_order(book):
    client = sam(book)
    md, m1 = book["md"], book["m1"]
    assert client.get(f"/orders/{m1.pk}/").status_code == 404
    assert client.post(f"/orders/{m1.pk}/", {"action": "cancel"}).status_code == 404
    assert client.get(f"/customers/{md.pk}/unblock-request/").status_code == 404
    assert client.post(f"/customers/{md.pk}/unblock-request/", {"reason": "x"}).status_code == 404
    # nor slip another customer's order into a request for their own customer
    assert client.post(f"/customers/{book['bm'].pk}/unblock-request/",
                       {"reason": "x", "order": m1.pk}).status_code == 404
    assert Order.objects.get(pk=m1.pk).state == OrderState.ACCEPTED and UnblockRequest.objects.count() == 0


@pytest.mark.parametrize("name", ["colette", "audrey"])
def test_collectors_and_auditors_cannot_check_or_record_orders(book, name):
    client = client_of(book[name])
    assert client.get("/orders/").status_code == 403
    assert client.post("/orders/", {"customer": "BM01", "amount": "1.00", "reference": "X",
                                    "action": "record"}).status_code == 403
    assert client.get(f"/orders/{book['a1'].pk}/").status_code == 403
    assert client.post(f"/orders/{book['a1'].pk}/", {"action": "cancel"}).status_code == 403
    assert client.post(f"/customers/{book['bm'].pk}/unblock-request/", {"reason": "x"}).status_code == 403
    assert Order.objects.count() == 2 and UnblockRequest.objects.count() == 0
    assert Order.objects.get(pk=book["a1"].pk).state == OrderState.ACCEPTED


def test_the_pages_say_they_are_the_orders_section(book):
    for url in ("/orders/", f"/orders/{book['a1'].pk}/", f"/customers/{book['bm'].pk}/unblock-request/"):
        assert sam(book).get(url).context["nav"] == "orders"
