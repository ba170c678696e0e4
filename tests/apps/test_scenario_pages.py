"""The scenario pages: the list (the defaults created on the first visit, their criteria and steps, how many
customers each one gets, a new scenario from a copy), the edit page (the steps edited as a whole, every rule
refused with nothing saved, the change in the history), and who may see them (MANAGE_COLLECTIONS).

The pages are read in English (language cookie) so that the texts checked are the source strings.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from encours.accounts.models import Profile
from encours.accounts.roles import Role
from encours.collections.models import Action, MessageTemplate, Scenario, Step
from encours.collections.scenarios import STEP_FIELDS, ensure_default_scenarios
from encours.customers.models import Company, Customer, CustomerStatus
from encours.history.models import Event
from tests.apps.test_web_pages import html, rows

pytestmark = pytest.mark.db

LIST = reverse("scenarios")
B2B, CONSUMERS, PUBLIC = "French B2B", "French consumers", "French public bodies"


@pytest.fixture
def as_user(company):
    """as_user(role) -> a client logged in as a user with that role, reading the pages in English."""

    def login(role: Role):
        user = get_user_model().objects.create_user(f"user-{role.value}")
        Profile.objects.create(user=user, role=role)
        client = Client()
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.user = user
        return client

    return login


@pytest.fixture
def manager(as_user):
    return as_user(Role.CREDIT_MANAGER)


@pytest.fixture
def defaults(company):
    ensure_default_scenarios(company)
    return {s.name: s for s in Scenario.objects.filter(company=company)}


def edit_url(scenario: Scenario) -> str:
    return reverse("scenario", args=[scenario.pk])


def steps_of(scenario: Scenario) -> list[tuple]:
    """(position, name, offset, channel, template, interest, approval, minimum, formal notice) in order."""
    return list(Step.objects.filter(scenario=scenario).order_by("position").values_list("position", *STEP_FIELDS))


def state(scenario: Scenario) -> tuple:
    s = Scenario.objects.get(pk=scenario.pk)
    return s.name, s.customer_kind, s.segment, s.payer_profile, s.active, steps_of(s)


def form_data(scenario: Scenario, *, steps: dict | None = None, new: tuple = (), **fields) -> dict:
    """The edit form as the page sends it: the scenario and its steps unchanged, but for ``fields``, the
    changes of ``steps`` (by step name; DELETE=True deletes it) and the ``new`` rows (dicts of fields)."""
    s = Scenario.objects.get(pk=scenario.pk)
    data = {"name": s.name, "customer_kind": s.customer_kind, "segment": s.segment, "payer_profile": s.payer_profile,
            "active": s.active}
    data.update(fields)
    rows_ = []
    for step in Step.objects.filter(scenario=s).order_by("position"):
        row = {"id": step.pk, "position": step.position, **{f: getattr(step, f) for f in STEP_FIELDS}}
        row.update((steps or {}).get(step.name, {}))
        rows_.append(row)
    initial = len(rows_)
    for extra in new:
        rows_.append({"position": "", "template": "", "claims_interest": False, "requires_approval": False,
                      "min_amount": None, "is_formal_notice": False, **extra})
    post = {"steps-TOTAL_FORMS": len(rows_), "steps-INITIAL_FORMS": initial, "steps-MIN_NUM_FORMS": 0,
            "steps-MAX_NUM_FORMS": 1000}
    for name, value in data.items():
        if value is not False:
            post[name] = "on" if value is True else value
    for i, row in enumerate(rows_):
        for name, value in row.items():
            if value is False or value is None:
                continue  # an unticked box, an empty amount: not sent
            post[f"steps-{i}-{name}"] = "on" if value is True else value
    return post


def step_errors(response) -> str:
    return html(response).find("div", id="step-errors").text()


def refused(response, scenario: Scenario, before: tuple) -> None:
    """The page came back with the form (no redirect) and nothing was saved."""
    assert response.status_code == 200
    assert state(scenario) == before
    assert not Event.objects.exists()


# --------------------------------------------------------------------------- the list
def test_the_list_shows_the_three_default_scenarios_with_their_criteria_and_steps(company, manager):
    response = manager.get(LIST)
    assert Scenario.objects.filter(company=company).count() == 3
    assert response.context["nav"] == "templates"
    assert rows(response, "scenarios") == [
        [B2B, "any", "Yes", "D-5 e-mail (from €5,000.00) · D+3 e-mail · D+10 e-mail · D+15 call · "
                            "D+20 letter (interest) · D+30 letter (interest, formal notice, approval)", "0"],
        [CONSUMERS, "Consumer", "Yes", "D+5 e-mail · D+15 letter · D+20 call · D+30 letter (formal notice, approval)",
         "0"],
        [PUBLIC, "Public body", "Yes", "D+5 e-mail (interest) · D+15 letter (interest) · D+20 call · "
                                       "D+45 letter (interest, formal notice, approval)", "0"],
    ]
    page = response.content.decode()
    for scenario in Scenario.objects.all():
        assert f'href="{edit_url(scenario)}"' in page


def customers(company, *specs):
    for n, (kind, segment, profile, status) in enumerate(specs):
        Customer.objects.create(company=company, code=f"C{n}", name=f"Client {n}", kind=kind, segment=segment,
                                payer_profile=profile, status=status)


def counts(client) -> dict[str, str]:
    response = client.get(LIST)
    return {row[0]: row[-1] for row in rows(response, "scenarios")}


def test_each_scenario_counts_the_customers_it_gets_today(company, defaults, manager):
    customers(
        company,
        ("business", "", "unknown", CustomerStatus.OPEN),
        ("business", "Export", "slow", CustomerStatus.OPEN),
        ("business", "Export", "good", CustomerStatus.WATCH),
        ("business", "", "unknown", CustomerStatus.LITIGATION),  # out of the amicable scenario
        ("consumer", "", "unknown", CustomerStatus.OPEN),
        ("consumer", "Export", "slow", CustomerStatus.OPEN),
        ("public", "", "unknown", CustomerStatus.INSOLVENCY),  # out
        ("public", "", "good", CustomerStatus.OPEN),
    )
    # business: 3 (the one in litigation left out); consumers: 2; public: 1 (the insolvent one left out)
    assert counts(manager) == {B2B: "3", CONSUMERS: "2", PUBLIC: "1"}

    # a scenario for the Export segment, any kind: more precise than "French B2B" (1 criterion against 0), so
    # the two business customers of Export go to it; the Export consumer matches it and "French consumers"
    # with one criterion each: a tie goes to the first in name order, as in the run: Export.
    # Export 3, B2B 1, consumers 1, public 1
    Scenario.objects.create(company=company, name="Export", segment="Export")
    assert counts(manager) == {"Export": "3", B2B: "1", CONSUMERS: "1", PUBLIC: "1"}

    # without the consumers' scenario, the other consumer falls back to B2B
    Scenario.objects.filter(name=CONSUMERS).update(active=False)
    assert counts(manager) == {"Export": "3", B2B: "2", CONSUMERS: "0", PUBLIC: "1"}


def test_customers_without_any_active_scenario_are_counted_apart(company, defaults, manager):
    customers(company, ("business", "", "unknown", CustomerStatus.OPEN),
              ("consumer", "", "unknown", CustomerStatus.OPEN))
    Scenario.objects.filter(name__in=[B2B, PUBLIC]).update(active=False)
    response = manager.get(LIST)
    assert html(response).find("td", id="without-scenario").text() == "1"
    assert counts(manager) == {B2B: "0", CONSUMERS: "1", PUBLIC: "0"}


def test_the_counts_take_as_many_queries_for_many_customers_as_for_a_few(company, defaults, manager):
    # the customers are grouped by (kind, segment, payer profile) in SQL, not read one by one
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert manager.get(LIST).status_code == 200
        return len(captured)

    customers(company, *[("business", "", "unknown", CustomerStatus.OPEN)] * 3)
    few = queries()
    Customer.objects.bulk_create(Customer(company=company, code=f"M{kind}{n}", name=f"M{n}", kind=kind)
                                 for n in range(60) for kind in ("business", "consumer"))
    assert queries() == few
    assert counts(manager) == {B2B: "63", CONSUMERS: "60", PUBLIC: "0"}


# --------------------------------------------------------------------------- who may
@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.SALES, Role.ACCOUNTANT, Role.AUDITOR])
def test_only_who_manages_collections_may_see_or_edit_scenarios(company, defaults, as_user, role):
    client = as_user(role)
    b2b = defaults[B2B]
    before = state(b2b)
    assert client.get(LIST).status_code == 403
    assert client.post(LIST, {"name": "New", "copy_from": b2b.pk}).status_code == 403
    assert client.get(edit_url(b2b)).status_code == 403
    assert client.post(edit_url(b2b), form_data(b2b, name="Renamed")).status_code == 403
    assert state(b2b) == before and Scenario.objects.count() == 3
    assert not Event.objects.exists()


def test_an_administrator_may_edit_scenarios(company, defaults, as_user):
    admin = as_user(Role.ADMIN)
    assert admin.get(LIST).status_code == 200
    assert admin.get(edit_url(defaults[B2B])).status_code == 200


def test_a_scenario_of_another_company_is_not_found(company, defaults, manager):
    other = Company.objects.create(name="Autre SA")
    foreign = Scenario.objects.create(company=other, name="Theirs")
    assert manager.get(edit_url(foreign)).status_code == 404
    assert manager.post(edit_url(foreign), form_data(foreign, name="Mine")).status_code == 404
    assert Scenario.objects.get(pk=foreign.pk).name == "Theirs"


# --------------------------------------------------------------------------- a new scenario
def test_a_new_scenario_copies_the_steps_of_another_and_starts_inactive(company, defaults, manager):
    b2b = defaults[B2B]
    response = manager.post(LIST, {"name": "Slow payers", "customer_kind": "business", "segment": "",
                                   "payer_profile": "slow", "copy_from": b2b.pk})
    new = Scenario.objects.get(name="Slow payers")
    assert response.status_code == 302 and response["Location"] == edit_url(new)
    assert (new.company, new.customer_kind, new.segment, new.payer_profile, new.active) == (
        company, "business", "", "slow", False)
    assert steps_of(new) == steps_of(b2b) and len(steps_of(new)) == 6
    assert steps_of(b2b) == state(b2b)[-1]  # the original keeps its steps
    [event] = Event.objects.filter(kind="scenario.changed")
    assert (event.actor, event.before) == (manager.user, None)
    assert event.after["name"] == "Slow payers" and len(event.after["steps"]) == 6
    assert "Slow payers" in event.summary and B2B in event.summary
    # inactive: it gets nobody until it is made active
    Customer.objects.create(company=company, code="S1", name="Slow", payer_profile="slow")
    assert counts(manager) == {B2B: "1", CONSUMERS: "0", PUBLIC: "0", "Slow payers": "0"}


def test_a_new_scenario_without_a_copy_has_no_step(company, defaults, manager):
    response = manager.post(LIST, {"name": "Key accounts", "segment": "Key accounts"})
    new = Scenario.objects.get(name="Key accounts")
    assert response.status_code == 302
    assert (new.customer_kind, new.segment, new.payer_profile, new.active) == ("", "Key accounts", "", False)
    assert steps_of(new) == []


def test_a_new_scenario_needs_a_name_of_its_own(company, defaults, manager):
    response = manager.post(LIST, {"name": B2B, "customer_kind": "consumer"})
    assert response.status_code == 200
    assert "There is already a scenario named French B2B." in str(response.context["form"].errors["name"])
    assert Scenario.objects.count() == 3 and not Event.objects.exists()


# --------------------------------------------------------------------------- editing the steps
def test_the_edit_page_shows_the_steps_and_which_were_used(company, defaults, manager):
    b2b = defaults[B2B]
    first = Step.objects.get(scenario=b2b, name="First reminder")
    customer = Customer.objects.create(company=company, code="C1", name="Client")
    Action.objects.create(company=company, customer=customer, step=first, channel="email",
                          planned_on=date(2026, 1, 10), total=Decimal("100.00"))
    response = manager.get(edit_url(b2b))
    assert response.context["nav"] == "templates"
    table = rows(response, "steps")
    assert [r[-1] for r in table[:6]] == ["", "used by 1 reminder", "", "", "", ""]
    formset = response.context["formset"]
    assert [f.instance.name for f in formset.forms[:6]] == [
        "Preventive reminder", "First reminder", "Second reminder", "Phone call", "Last reminder", "Formal notice"]
    # the templates offered are the company's codes, and none for a call
    codes = set(MessageTemplate.objects.filter(company=company).values_list("code", flat=True))
    assert {c for c, _label in formset.forms[0].fields["template"].choices} == codes | {""}


def test_a_new_step_without_a_position_takes_its_place_by_its_days(company, defaults, manager):
    b2b = defaults[B2B]
    ids = {s.name: s.pk for s in Step.objects.filter(scenario=b2b)}
    response = manager.post(edit_url(b2b), form_data(b2b, new=[
        {"name": "Courtesy call", "offset_days": 12, "channel": "phone"}]))
    assert response.status_code == 302 and response["Location"] == edit_url(b2b)
    # D+12 goes between D+10 and D+15; the positions are 0..6 again
    assert [(p, name, days) for p, name, days, *_rest in steps_of(b2b)] == [
        (0, "Preventive reminder", -5), (1, "First reminder", 3), (2, "Second reminder", 10),
        (3, "Courtesy call", 12), (4, "Phone call", 15), (5, "Last reminder", 20), (6, "Formal notice", 30)]
    # the other steps are the same rows (actions point to them)
    assert {s.name: s.pk for s in Step.objects.filter(scenario=b2b) if s.name != "Courtesy call"} == ids


def test_a_step_moves_with_its_position_and_its_days(company, defaults, manager):
    # the call to D+25: given the position of the last reminder (4), it goes after it, the two being ordered
    # by their days (D+20, D+25)
    b2b = defaults[B2B]
    response = manager.post(edit_url(b2b), form_data(b2b, steps={"Phone call": {"position": 4, "offset_days": 25}}))
    assert response.status_code == 302
    assert [(p, name, days) for p, name, days, *_rest in steps_of(b2b)] == [
        (0, "Preventive reminder", -5), (1, "First reminder", 3), (2, "Second reminder", 10),
        (3, "Last reminder", 20), (4, "Phone call", 25), (5, "Formal notice", 30)]


def test_deleting_an_unused_step_renumbers_the_others(company, defaults, manager):
    b2b = defaults[B2B]
    response = manager.post(edit_url(b2b), form_data(b2b, steps={"Preventive reminder": {"DELETE": True}}))
    assert response.status_code == 302
    assert [(p, name) for p, name, *_rest in steps_of(b2b)] == [
        (0, "First reminder"), (1, "Second reminder"), (2, "Phone call"), (3, "Last reminder"), (4, "Formal notice")]


def test_days_that_do_not_follow_the_positions_are_refused(company, defaults, manager):
    # the call to D+25 but still in position 3, before the last reminder at D+20
    b2b = defaults[B2B]
    before = state(b2b)
    response = manager.post(edit_url(b2b), form_data(b2b, steps={"Phone call": {"offset_days": 25}}))
    refused(response, b2b, before)
    assert "D-5, D+3, D+10, D+25, D+20, D+30" in step_errors(response)


def test_two_steps_on_the_same_day_are_refused(company, defaults, manager):
    b2b = defaults[B2B]
    before = state(b2b)
    response = manager.post(edit_url(b2b), form_data(b2b, steps={"Second reminder": {"offset_days": 3}}))
    refused(response, b2b, before)
    assert "D-5, D+3, D+3, D+15" in step_errors(response)


def test_a_second_formal_notice_is_refused(company, defaults, manager):
    b2b = defaults[B2B]
    before = state(b2b)
    response = manager.post(edit_url(b2b), form_data(b2b, steps={"Last reminder": {"is_formal_notice": True}}))
    refused(response, b2b, before)
    assert "one formal notice at most, not 2: Last reminder, Formal notice" in step_errors(response)


def test_the_formal_notice_must_be_the_last_step(company, defaults, manager):
    b2b = defaults[B2B]
    before = state(b2b)
    response = manager.post(edit_url(b2b), form_data(b2b, steps={"Last reminder": {"is_formal_notice": True},
                                                                 "Formal notice": {"is_formal_notice": False}}))
    refused(response, b2b, before)
    assert "The formal notice must be the last step: Formal notice comes after it." in step_errors(response)


@pytest.mark.parametrize("channel", ["email", "letter"])
def test_an_email_or_a_letter_needs_a_template(company, defaults, manager, channel):
    b2b = defaults[B2B]
    before = state(b2b)
    response = manager.post(edit_url(b2b), form_data(b2b, new=[
        {"name": "Extra", "offset_days": 25, "channel": channel}]))
    refused(response, b2b, before)
    assert response.context["formset"].forms[6].errors["template"] == ["An e-mail or a letter needs a template."]
    # a call needs none
    assert manager.post(edit_url(b2b), form_data(b2b, new=[
        {"name": "Extra", "offset_days": 25, "channel": "phone"}])).status_code == 302


def test_a_template_code_the_company_does_not_have_is_refused(company, defaults, manager):
    b2b = defaults[B2B]
    before = state(b2b)
    response = manager.post(edit_url(b2b), form_data(b2b, steps={"First reminder": {"template": "nonexistent"}}))
    refused(response, b2b, before)
    assert response.context["formset"].forms[1].errors["template"]


def test_a_consumer_scenario_claims_interest_only_at_the_formal_notice(company, defaults, manager):
    consumers = defaults[CONSUMERS]
    before = state(consumers)
    response = manager.post(edit_url(consumers), form_data(consumers, steps={
        "Second reminder": {"claims_interest": True}}))
    refused(response, consumers, before)
    errors = step_errors(response)
    assert "only from the formal notice (C. civ. 1231-6)" in errors
    assert "never the recovery indemnity (CPCE L111-8)" in errors and "not Second reminder" in errors
    # at the formal notice it may
    response = manager.post(edit_url(consumers), form_data(consumers, steps={
        "Formal notice": {"claims_interest": True}}))
    assert response.status_code == 302
    assert Step.objects.get(scenario=consumers, name="Formal notice").claims_interest


def test_the_consumer_rule_follows_the_kind_being_saved(company, defaults, manager):
    # French B2B claims interest at its last reminder: turned into a consumer scenario, it is refused
    b2b = defaults[B2B]
    Scenario.objects.filter(name=CONSUMERS).update(active=False)
    before = state(b2b)
    response = manager.post(edit_url(b2b), form_data(b2b, customer_kind="consumer"))
    refused(response, b2b, before)
    assert "not Last reminder" in step_errors(response)


def test_two_active_scenarios_with_the_same_criteria_are_refused(company, defaults, manager):
    other = Scenario.objects.create(company=company, name="Other consumers", customer_kind="consumer", active=False)
    before = state(other)
    response = manager.post(edit_url(other), form_data(other, active=True))
    refused(response, other, before)
    assert "The scenario French consumers is already active for exactly these criteria" in (
        html(response).find("div", id="scenario-errors").text())
    # inactive, or with another criterion, it may be saved
    assert manager.post(edit_url(other), form_data(other, active=True, segment="Export")).status_code == 302
    assert state(other)[1:5] == ("consumer", "Export", "", True)


def test_a_used_step_cannot_be_deleted_but_may_be_changed(company, defaults, manager):
    b2b = defaults[B2B]
    first = Step.objects.get(scenario=b2b, name="First reminder")
    customer = Customer.objects.create(company=company, code="C1", name="Client")
    Action.objects.create(company=company, customer=customer, step=first, channel="email",
                          planned_on=date(2026, 1, 10), total=Decimal("100.00"))
    before = state(b2b)
    response = manager.post(edit_url(b2b), form_data(b2b, steps={"First reminder": {"DELETE": True}}))
    refused(response, b2b, before)
    assert "First reminder was used for reminders already: it cannot be deleted (it may be changed)." in (
        step_errors(response))
    response = manager.post(edit_url(b2b), form_data(b2b, steps={"First reminder": {"name": "Friendly reminder",
                                                                                    "offset_days": 4}}))
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.name, first.offset_days, first.position) == ("Friendly reminder", 4, 1)


def test_steps_changed_meanwhile_are_not_overwritten(company, defaults, manager):
    b2b = defaults[B2B]
    data = form_data(b2b, name="Renamed")
    Step.objects.create(scenario=b2b, position=6, name="Added in the admin", offset_days=40, channel="phone")
    before = state(b2b)
    response = manager.post(edit_url(b2b), data)
    refused(response, b2b, before)
    assert "changed meanwhile" in step_errors(response)


# --------------------------------------------------------------------------- the history
def test_saving_records_the_change_in_the_history(company, defaults, manager):
    b2b = defaults[B2B]
    response = manager.post(edit_url(b2b), form_data(b2b, name="French B2B 2026", steps={
        "Phone call": {"min_amount": "1000"}}))
    assert response.status_code == 302
    [event] = Event.objects.filter(kind="scenario.changed")
    assert (event.company, event.actor) == (company, manager.user)
    assert event.summary == "Scenario French B2B 2026 changed: name, steps"
    assert (event.before["name"], event.after["name"]) == (B2B, "French B2B 2026")
    assert set(event.before) == set(event.after) == {"name", "steps"}
    call_before, call_after = event.before["steps"][3], event.after["steps"][3]
    assert (call_before["name"], call_before["min_amount"], call_after["min_amount"]) == (
        "Phone call", None, "1000.00")
    assert [s["offset_days"] for s in event.after["steps"]] == [-5, 3, 10, 15, 20, 30]
    assert Step.objects.get(scenario=b2b, name="Phone call").min_amount == Decimal("1000.00")


def test_saving_an_unchanged_scenario_writes_nothing(company, defaults, manager):
    b2b = defaults[B2B]
    before = state(b2b)
    response = manager.post(edit_url(b2b), form_data(b2b, steps={"Preventive reminder": {"min_amount": "5000"}}))
    assert response.status_code == 302
    assert state(b2b) == before and not Event.objects.exists()


def test_a_step_used_between_the_check_and_the_save_is_not_deleted(company, defaults, manager, monkeypatch):
    # a run creates a reminder for the step after the form was checked: the database refuses the deletion
    # (PROTECT), the whole save is rolled back
    b2b = defaults[B2B]
    first = Step.objects.get(scenario=b2b, name="First reminder")
    customer = Customer.objects.create(company=company, code="C1", name="Client")
    Action.objects.create(company=company, customer=customer, step=first, channel="email",
                          planned_on=date(2026, 1, 10), total=Decimal("100.00"))
    monkeypatch.setattr("encours.collections.views_scenarios.used_steps", lambda steps: [])
    before = state(b2b)
    response = manager.post(edit_url(b2b), form_data(b2b, name="Renamed", steps={"First reminder": {"DELETE": True}}))
    refused(response, b2b, before)
    assert [str(m) for m in response.context["messages"]] == [
        "A step to delete was used for reminders meanwhile: nothing was saved."]
