"""Logging a call: the call, the promise or dispute it brought, the phone step done, the customer's timeline;
the call form with its prefilled contact, its errors, and the call guide.

D is today (``timezone.localdate()``). The customer owes F1 600.00 due D-20 and F2 400.00 due D-5, and
has a phone step (French B2B "Phone call", D+15) to do.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from encours.accounts.roles import Role
from encours.collections.calls import CallRefused, log_call
from encours.collections.models import Action, ActionItem, ActionState, Call, Dispute, Promise, PromiseState, Step
from encours.collections.promises import PromiseRefused
from encours.collections.run import run_dunning
from encours.collections.scenarios import ensure_default_scenarios
from encours.customers.models import Contact, Customer
from encours.history.models import Event
from tests.apps.conftest import make_doc
from tests.apps.test_web_pages import html, make_user


def day(offset: int) -> date:
    return timezone.localdate() + timedelta(days=offset)


def at(offset: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day(offset), time(hour)))


@pytest.fixture
def people(db):
    return {"carl": make_user("carl", Role.CREDIT_MANAGER), "colette": make_user("colette", Role.COLLECTOR),
            "sam": make_user("sam", Role.SALES)}


@pytest.fixture
def file(company, people):
    """Two customers in the same situation: one overdue invoice each on the phone step, F1/F2 for the first."""
    ensure_default_scenarios(company)
    phone = Step.objects.get(scenario__company=company, scenario__name="French B2B", name="Phone call")

    def debtor(code, numbers):
        customer = Customer.objects.create(company=company, code=code, name=f"Client {code}",
                                           collector=people["colette"], phone="01 00 00 00 00")
        docs = [make_doc(customer, "invoice", amount, (day(-30 - due)).isoformat(), day(-due).isoformat(),
                         number=n) for n, amount, due in numbers]
        action = Action.objects.create(company=company, customer=customer, step=phone, channel="phone",
                                       planned_on=day(0), total=sum(d.amount for d in docs))
        for d in docs:
            ActionItem.objects.create(action=action, document=d, step=phone, position=phone.position,
                                      open_amount=d.amount)
        return customer, docs, action

    customer, docs, action = debtor("C1", [("F1", "600.00", 20), ("F2", "400.00", 5)])
    twin, twin_docs, twin_action = debtor("C2", [("G1", "600.00", 20)])
    return {"customer": customer, "F1": docs[0], "F2": docs[1], "action": action,
            "twin": twin, "G1": twin_docs[0], "twin_action": twin_action, **people}


@pytest.fixture
def as_user(people, client):
    def login(name):
        client.force_login(people[name])
        return client

    return login


# --------------------------------------------------------------------------- the service
def test_a_call_with_a_promise_creates_the_promise_and_marks_the_phone_step_done(file):
    customer, colette = file["customer"], file["colette"]
    call = log_call(customer, outcome="promise", user=colette, called_at=at(0), contact="Paul Payeur",
                    notes="pays Friday by transfer", action=file["action"],
                    promise={"documents": [file["F1"], file["F2"]], "amount": Decimal("1000.00"),
                             "promised_on": day(4)})
    promise = call.promise
    assert (promise.amount, promise.promised_on, promise.made_on, promise.channel, promise.state) == (
        Decimal("1000.00"), day(4), day(0), "phone", PromiseState.PENDING)
    assert sorted(promise.documents.values_list("number", flat=True)) == ["F1", "F2"]
    action = Action.objects.get(pk=file["action"].pk)
    assert (action.state, action.done_at, action.done_by) == (ActionState.DONE, at(0), colette)
    assert call.action == action and call.called_by == colette


def test_the_promised_invoices_are_paused_at_the_next_runs_while_the_other_customer_goes_on(file):
    log_call(file["customer"], outcome="promise", user=file["colette"], called_at=at(0), action=file["action"],
             promise={"documents": [file["F1"], file["F2"]], "amount": Decimal("1000.00"), "promised_on": day(10)})
    log_call(file["twin"], outcome="call_back", user=file["colette"], called_at=at(0), action=file["twin_action"])
    # phone step (D+15) done on D; the last reminder (D+20) falls 20 - 15 = 5 days later, on D+5.
    # C1's two invoices are under the pending promise (by D+10, + 2 days' grace): paused; C2's goes on.
    summary = run_dunning(file["customer"].company, day(5))
    assert (summary.actions_created, summary.items, summary.paused, summary.promises_broken) == (1, 1, 2, 0)
    assert Action.objects.get(state=ActionState.TO_DO).customer == file["twin"]


def test_a_call_with_a_dispute_opens_it_on_the_invoices_given(file):
    call = log_call(file["customer"], outcome="dispute", user=file["colette"], called_at=at(0),
                    notes="pallet missing", dispute={"documents": [file["F2"]], "reason": "delivery",
                                                     "owner": "delivery", "seller_at_fault": True})
    dispute = Dispute.objects.get()
    assert call.dispute == dispute
    assert (dispute.reason, dispute.owner, dispute.seller_at_fault, dispute.opened_on, dispute.description) == (
        "delivery", "delivery", True, day(0), "pallet missing")
    assert list(dispute.documents.values_list("number", flat=True)) == ["F2"]


def test_the_call_is_on_the_customers_timeline(file, as_user):
    log_call(file["customer"], outcome="call_back", user=file["colette"], called_at=at(0), contact="Paul",
             notes="in a meeting", next_action_on=day(2))
    event = Event.objects.get(kind="call.logged")
    assert (event.customer, event.actor, event.reason) == (file["customer"], file["colette"], "in a meeting")
    assert event.summary == f"Call to Paul: Call back later; next action on {day(2).isoformat()}"
    page = html(as_user("colette").get(f"/customers/{file['customer'].pk}/"))
    assert any("Call to Paul" in li.text() for li in page.find("ol", class_="timeline").find_all("li"))


def test_a_refused_promise_leaves_no_call_behind(file):
    with pytest.raises(PromiseRefused):
        log_call(file["customer"], outcome="promise", user=file["colette"], called_at=at(0), action=file["action"],
                 promise={"documents": [file["F1"]], "amount": Decimal("600.00"), "promised_on": day(-1)})
    assert (Call.objects.count(), Promise.objects.count(), Event.objects.filter(kind="call.logged").count()) == (
        0, 0, 0)
    assert Action.objects.get(pk=file["action"].pk).state == ActionState.TO_DO


def test_a_promise_outcome_without_the_promise_is_refused(file):
    with pytest.raises(CallRefused, match="needs the promise"):
        log_call(file["customer"], outcome="promise", user=file["colette"], called_at=at(0))


def test_a_call_does_not_close_another_customers_action(file):
    with pytest.raises(CallRefused):
        log_call(file["customer"], outcome="no_answer", user=file["colette"], called_at=at(0),
                 action=file["twin_action"])


# --------------------------------------------------------------------------- the page
def test_the_call_form_prefills_the_payers_phone_and_the_actions_invoices(file, as_user):
    customer = file["customer"]
    Contact.objects.create(customer=customer, name="Service facturation", role="billing", phone="01 11 11 11 11")
    Contact.objects.create(customer=customer, name="Paul Payeur", role="accounts_payable", phone="01 22 22 22 22")
    page = html(as_user("colette").get(f"/customers/{customer.pk}/call/?action={file['action'].pk}"))
    assert page.find("input", name="contact").attrs["value"] == "Paul Payeur"  # accounts payable before billing
    assert page.find("input", name="phone").attrs["value"] == "01 22 22 22 22"
    ticked = [i.attrs["value"] for i in page.find("table", id="invoices").find_all("input") if "checked" in i.attrs]
    assert ticked == [str(file["F1"].pk), str(file["F2"].pk)]
    assert page.find("aside", id="call-guide").find_all("h3")  # the guide is beside the form


def test_logging_a_promise_on_the_page_records_it_and_returns_to_the_worklist(file, as_user):
    customer = file["customer"]
    response = as_user("colette").post(f"/customers/{customer.pk}/call/?action={file['action'].pk}", {
        "contact": "Paul", "phone": "01", "outcome": "promise", "notes": "", "documents": [file["F1"].pk],
        "amount": "600.00", "promised_on": day(3).isoformat(),
    })
    assert response.status_code == 302 and response.url == "/collections/"
    call = Call.objects.get()
    assert (call.promise.amount, call.promise.promised_on, call.action) == (Decimal("600.00"), day(3), file["action"])


def test_the_page_says_what_a_promise_needs(file, as_user):
    response = as_user("colette").post(f"/customers/{file['customer'].pk}/call/", {
        "outcome": "promise", "documents": [file["F1"].pk]})
    assert response.status_code == 400
    assert sorted(response.context["form"].errors) == ["amount", "promised_on"]
    assert Call.objects.count() == 0


def test_a_service_refusal_is_shown_on_the_form(file, as_user):
    response = as_user("colette").post(f"/customers/{file['customer'].pk}/call/", {
        "outcome": "promise", "documents": [file["F1"].pk], "amount": "600.00",
        "promised_on": day(-3).isoformat()})
    assert response.status_code == 400
    assert "the promised date cannot be before the day the promise is made" in response.content.decode()
    assert Call.objects.count() == 0


def test_a_call_without_an_action_goes_back_to_the_customer(file, as_user):
    customer = file["customer"]
    response = as_user("colette").post(f"/customers/{customer.pk}/call/", {"outcome": "no_answer"})
    assert response.status_code == 302 and response.url == f"/customers/{customer.pk}/"
    assert Action.objects.get(pk=file["action"].pk).state == ActionState.TO_DO  # no action given: still to do


def test_a_sales_person_may_not_log_a_call(file, as_user):
    assert as_user("sam").get(f"/customers/{file['customer'].pk}/call/").status_code == 403


def test_an_action_of_another_customer_is_not_found(file, as_user):
    url = f"/customers/{file['customer'].pk}/call/?action={file['twin_action'].pk}"
    assert as_user("colette").get(url).status_code == 404
