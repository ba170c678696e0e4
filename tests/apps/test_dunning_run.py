"""The daily dunning run on the database: what it creates, what it pauses, and that it runs once."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from encours.collections import run as run_module
from encours.collections.models import (
    Action,
    ActionItem,
    ActionState,
    Dispute,
    DisputeOwner,
    DisputeReason,
    Promise,
    PromiseState,
    Run,
)
from encours.collections.run import run_dunning
from encours.customers.models import Customer, CustomerStatus
from encours.ledger.services import allocate
from tests.apps.conftest import make_doc

DUE = "2026-03-31"


def steps_of(customer):
    return [(a.step.name, a.planned_on, sorted(i.document.number for i in a.items.all()), a.total)
            for a in Action.objects.filter(customer=customer).order_by("planned_on", "step__position")]


def test_the_first_reminder_three_days_after_the_due_date_then_the_second_seven_days_later(company, customer):
    make_doc(customer, "invoice", "1000.00", "2026-03-01", due=DUE, number="F1")
    assert run_dunning(company, date(2026, 4, 2)).actions_created == 0
    summary = run_dunning(company, date(2026, 4, 3))
    assert summary.as_dict() == {"date": "2026-04-03", "actions_created": 1, "customers": 1, "items": 1,
                                 "paused": 0, "promises_kept": 0, "promises_broken": 0, "dry_run": False}
    assert steps_of(customer) == [("First reminder", date(2026, 4, 3), ["F1"], Decimal("1000.00"))]
    Action.objects.update(state=ActionState.DONE)  # the e-mail was sent
    assert run_dunning(company, date(2026, 4, 9)).actions_created == 0
    assert run_dunning(company, date(2026, 4, 10)).actions_created == 1  # D+10
    assert [s[0] for s in steps_of(customer)] == ["First reminder", "Second reminder"]


def test_running_twice_for_the_same_date_creates_nothing_new(company, customer):
    make_doc(customer, "invoice", "1000.00", "2026-03-01", due=DUE)
    assert run_dunning(company, date(2026, 4, 3)).actions_created == 1
    Action.objects.update(state=ActionState.DONE)
    assert run_dunning(company, date(2026, 4, 3)).actions_created == 0
    assert (Action.objects.count(), ActionItem.objects.count(), Run.objects.count()) == (1, 1, 2)


def test_no_new_step_while_the_last_action_waits_to_be_sent(company, customer):
    make_doc(customer, "invoice", "1000.00", "2026-03-01", due=DUE)
    run_dunning(company, date(2026, 4, 3))
    assert run_dunning(company, date(2026, 5, 30)).actions_created == 0


def test_one_action_per_customer_lists_all_its_invoices_due_for_the_step(company, customer, other_customer):
    make_doc(customer, "invoice", "1000.00", "2026-03-01", due=DUE, number="F1")
    make_doc(customer, "invoice", "234.56", "2026-03-02", due="2026-03-30", number="F2")
    make_doc(customer, "invoice", "99.00", "2026-03-20", due="2026-04-19", number="F3")  # not due yet
    make_doc(other_customer, "invoice", "10.00", "2026-03-01", due=DUE, number="G1")
    summary = run_dunning(company, date(2026, 4, 3))
    assert (summary.actions_created, summary.customers, summary.items) == (2, 2, 3)
    # 1000.00 + 234.56 = 1234.56
    assert steps_of(customer) == [("First reminder", date(2026, 4, 3), ["F1", "F2"], Decimal("1234.56"))]


def test_a_partly_paid_invoice_is_reminded_for_what_is_left_and_a_paid_one_drops_out(company, customer):
    f1 = make_doc(customer, "invoice", "1000.00", "2026-03-01", due=DUE, number="F1")
    f2 = make_doc(customer, "invoice", "300.00", "2026-03-01", due=DUE, number="F2")
    p = make_doc(customer, "payment", "700.00", "2026-04-01")
    allocate(f1, p, Decimal("400.00"), date(2026, 4, 1))
    allocate(f2, p, Decimal("300.00"), date(2026, 4, 1))
    run_dunning(company, date(2026, 4, 3))
    assert steps_of(customer) == [("First reminder", date(2026, 4, 3), ["F1"], Decimal("600.00"))]


def test_disputed_invoices_are_paused_until_the_dispute_is_resolved(company, customer):
    f1 = make_doc(customer, "invoice", "1000.00", "2026-03-01", due=DUE, number="F1")
    make_doc(customer, "invoice", "50.00", "2026-03-01", due=DUE, number="F2")
    dispute = Dispute.objects.create(company=company, customer=customer, reason=DisputeReason.QUALITY,
                                     owner=DisputeOwner.DELIVERY, opened_on=date(2026, 4, 1))
    dispute.documents.add(f1)
    summary = run_dunning(company, date(2026, 4, 3))
    assert (summary.items, summary.paused) == (1, 1)
    assert steps_of(customer)[0][2] == ["F2"]
    dispute.resolution, dispute.resolved_on = "rejected", date(2026, 4, 5)
    dispute.save()
    assert run_dunning(company, date(2026, 4, 6)).items == 1  # F1 now gets its first reminder


def test_a_promise_pauses_its_invoices_and_is_kept_when_the_payment_arrives(company, customer):
    f1 = make_doc(customer, "invoice", "1000.00", "2026-03-01", due=DUE, number="F1")
    promise = Promise.objects.create(company=company, customer=customer, amount=Decimal("1000.00"),
                                     made_on=date(2026, 4, 2), promised_on=date(2026, 4, 15), channel="phone")
    promise.documents.add(f1)
    assert run_dunning(company, date(2026, 4, 3)).paused == 1
    payment = make_doc(customer, "payment", "1000.00", "2026-04-14")
    allocate(f1, payment, Decimal("1000.00"), date(2026, 4, 14))
    summary = run_dunning(company, date(2026, 4, 16))
    promise.refresh_from_db()
    assert (promise.state, promise.settled_on, summary.promises_kept) == (PromiseState.KEPT, date(2026, 4, 16), 1)
    assert Action.objects.count() == 0


def test_a_broken_promise_resumes_the_scenario(company, customer):
    f1 = make_doc(customer, "invoice", "1000.00", "2026-03-01", due=DUE, number="F1")
    promise = Promise.objects.create(company=company, customer=customer, amount=Decimal("1000.00"),
                                     made_on=date(2026, 4, 2), promised_on=date(2026, 4, 15), channel="phone")
    promise.documents.add(f1)
    make_doc(customer, "payment", "200.00", "2026-04-15")  # not enough
    assert run_dunning(company, date(2026, 4, 17)).actions_created == 0  # 15 April + 2 days of grace
    summary = run_dunning(company, date(2026, 4, 18))
    promise.refresh_from_db()
    assert (promise.state, summary.promises_broken, summary.actions_created) == (PromiseState.BROKEN, 1, 1)


@pytest.mark.parametrize("status", [CustomerStatus.LITIGATION, CustomerStatus.INSOLVENCY])
def test_a_customer_in_litigation_or_insolvency_leaves_the_amicable_scenario(company, customer, status):
    make_doc(customer, "invoice", "1000.00", "2026-03-01", due=DUE)
    Customer.objects.filter(pk=customer.pk).update(status=status)
    assert run_dunning(company, date(2026, 4, 3)).actions_created == 0


def test_consumers_and_public_bodies_follow_their_own_scenario(company):
    consumer = Customer.objects.create(company=company, code="P1", name="M. Dupont", kind="consumer")
    public = Customer.objects.create(company=company, code="M1", name="Mairie", kind="public")
    make_doc(consumer, "invoice", "100.00", "2026-03-01", due=DUE)
    make_doc(public, "invoice", "100.00", "2026-03-01", due=DUE)
    assert run_dunning(company, date(2026, 4, 4)).actions_created == 0  # both start at D+5
    run_dunning(company, date(2026, 4, 5))
    assert Action.objects.get(customer=consumer).step.scenario.name == "French consumers"
    assert Action.objects.get(customer=public).step.claims_interest  # CCP L2192-13: interest from the first


def test_a_large_invoice_gets_a_preventive_reminder_five_days_before_its_due_date(company, customer):
    make_doc(customer, "invoice", "5000.00", "2026-03-01", due=DUE, number="BIG")
    make_doc(customer, "invoice", "4999.99", "2026-03-01", due=DUE, number="SMALL")
    run_dunning(company, date(2026, 3, 26))
    assert steps_of(customer) == [("Preventive reminder", date(2026, 3, 26), ["BIG"], Decimal("5000.00"))]


def test_the_formal_notice_waits_for_approval(company, customer):
    make_doc(customer, "invoice", "1000.00", "2026-01-01", due="2026-01-31")
    for day in (date(2026, 2, 3), date(2026, 2, 10), date(2026, 2, 15), date(2026, 2, 20), date(2026, 3, 2)):
        assert run_dunning(company, day).actions_created == 1
        last = Action.objects.latest("planned_on")
        if last.state == ActionState.TO_DO:
            Action.objects.filter(pk=last.pk).update(state=ActionState.DONE)
    assert (last.step.name, last.state) == ("Formal notice", ActionState.TO_APPROVE)


def test_a_dry_run_reports_without_writing(company, customer):
    make_doc(customer, "invoice", "1000.00", "2026-03-01", due=DUE)
    summary = run_dunning(company, date(2026, 4, 3), dry_run=True)
    assert (summary.actions_created, summary.items, summary.dry_run) == (1, 1, True)
    assert (Action.objects.count(), Run.objects.count()) == (0, 0)


def test_a_run_that_fails_midway_leaves_nothing_and_the_next_one_does_it_once(company, customer, monkeypatch):
    make_doc(customer, "invoice", "1000.00", "2026-03-01", due=DUE)
    make_doc(customer, "invoice", "500.00", "2026-03-01", due="2026-03-20")
    original = run_module.insert_rows

    def crash_on_the_items(table, *args, **kwargs):
        if table == ActionItem._meta.db_table:  # the actions are written, the items not yet
            raise RuntimeError("worker killed")
        original(table, *args, **kwargs)

    monkeypatch.setattr(run_module, "insert_rows", crash_on_the_items)
    with pytest.raises(RuntimeError):
        run_dunning(company, date(2026, 4, 3))
    assert (Run.objects.count(), Action.objects.count()) == (0, 0)
    monkeypatch.setattr(run_module, "insert_rows", original)
    assert run_dunning(company, date(2026, 4, 3)).items == 2
    assert run_dunning(company, date(2026, 4, 3)).items == 0
    assert ActionItem.objects.count() == 2


def test_the_default_scenarios_are_created_once(company, customer):
    run_dunning(company, date(2026, 4, 3))
    run_dunning(company, date(2026, 4, 4))
    assert sorted(company.scenarios.values_list("name", flat=True)) == [
        "French B2B", "French consumers", "French public bodies"]


@pytest.mark.parametrize("model", ["scenario", "action", "run", "promise", "dispute"])
def test_the_admin_lists_the_collections(admin_client, company, customer, model):
    make_doc(customer, "invoice", "1000.00", "2026-03-01", due=DUE)
    run_dunning(company, date(2026, 4, 3))
    assert admin_client.get(reverse(f"admin:collections_{model}_changelist")).status_code == 200


def test_the_admin_shows_a_scenarios_steps(admin_client, company, customer):
    run_dunning(company, date(2026, 4, 3))
    scenario = company.scenarios.get(name="French B2B")
    page = admin_client.get(reverse("admin:collections_scenario_change", args=[scenario.pk])).content.decode()
    assert "Formal notice" in page and "formal-notice" in page
