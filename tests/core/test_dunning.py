"""Dunning step selection: hand-checked dates, grouping, pauses, and invariants."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encours.core.dunning import (
    Assignment,
    Channel,
    ItemState,
    Scenario,
    Step,
    choose_scenario,
    next_step,
    plan,
    step_date,
)

D = Decimal
DUE = date(2026, 3, 31)
B2B = Scenario("b2b", (
    Step("preventive", -5, Channel.EMAIL, "preventive", min_amount=D("5000")),
    Step("reminder 1", 3, Channel.EMAIL, "reminder-1"),
    Step("reminder 2", 10, Channel.EMAIL, "reminder-2"),
    Step("call", 15, Channel.PHONE),
    Step("last reminder", 20, Channel.LETTER, "last-reminder", claims_interest=True),
    Step("formal notice", 30, Channel.LETTER, "formal-notice", claims_interest=True, is_formal_notice=True),
))


def item(amount="1000.00", due=DUE, last=None, last_on=None, **kw):
    return ItemState(1, 10, due, D(amount), last, last_on, **kw)


def day(n):
    return DUE + timedelta(days=n)


def test_the_first_reminder_falls_three_days_after_the_due_date():
    # 31 March + 3 days = 3 April; not on 2 April
    assert next_step(item(), B2B, date(2026, 4, 2)) is None
    assert next_step(item(), B2B, date(2026, 4, 3)) == 1


def test_a_preventive_reminder_only_for_large_amounts_and_only_before_the_due_date():
    assert next_step(item("5000.00"), B2B, date(2026, 3, 26)) == 0  # 31 March - 5 days
    assert next_step(item("5000.00"), B2B, date(2026, 3, 25)) is None
    assert next_step(item("4999.99"), B2B, date(2026, 3, 26)) is None  # below the minimum: nothing before D+3
    assert next_step(item("5000.00"), B2B, date(2026, 4, 3)) == 1  # first seen late: no preventive reminder


def test_nothing_before_the_due_date_when_no_preventive_step_applies():
    assert next_step(item(), B2B, DUE) is None


def test_the_next_step_keeps_the_rhythm_of_the_scenario_when_the_last_one_was_late():
    # reminder 1 done on 20 April (first run after a long gap); reminder 2 is 10 - 3 = 7 days later: 27 April
    state = item(last=1, last_on=date(2026, 4, 20))
    assert step_date(state, B2B, 2) == date(2026, 4, 27)
    assert next_step(state, B2B, date(2026, 4, 26)) is None
    assert next_step(state, B2B, date(2026, 4, 27)) == 2


def test_on_time_steps_follow_the_offsets_from_the_due_date():
    # reminder 2 done on D+10 (10 April): the call is due at D+15 = 15 April
    state = item(last=2, last_on=day(10))
    assert step_date(state, B2B, 3) == date(2026, 4, 15)
    assert next_step(state, B2B, date(2026, 4, 15)) == 3


def test_after_a_preventive_reminder_the_first_reminder_is_at_d_plus_3():
    state = item("8000.00", last=0, last_on=day(-5))
    assert step_date(state, B2B, 1) == date(2026, 4, 3)  # max(31 March + 3, 26 March + 8) = 3 April


def test_no_new_step_while_the_last_action_is_not_sent_or_the_item_is_paused():
    assert next_step(item(last=1, last_on=day(3), awaiting=True), B2B, day(60)) is None
    assert next_step(item(paused=True), B2B, day(60)) is None


def test_after_the_last_step_nothing_more():
    assert next_step(item(last=5, last_on=day(30)), B2B, day(400)) is None


def test_a_settled_item_gets_nothing():
    assert next_step(item("0.00"), B2B, day(60)) is None


def test_plan_groups_one_action_per_customer_and_step():
    items = [
        ItemState(1, 10, DUE, D("100.00")),
        ItemState(2, 10, DUE - timedelta(days=2), D("50.00")),
        ItemState(3, 10, DUE, D("70.00"), last_step=1, last_step_on=day(3)),  # reminder 2 at D+10
        ItemState(4, 20, DUE, D("30.00")),
        ItemState(5, 20, DUE, D("30.00"), paused=True),
        ItemState(6, 30, DUE, D("30.00")),  # customer without scenario
    ]
    result = plan(items, {10: B2B, 20: B2B}, day(10))
    assert [(a.customer_id, a.step_index, a.item_ids) for a in result.actions] == [
        (10, 1, (1, 2)), (10, 2, (3,)), (20, 1, (4,)),
    ]
    assert (result.items, result.customers, result.paused_items) == (4, 2, 1)


def test_steps_out_of_order_are_refused():
    with pytest.raises(ValueError, match="order"):
        Scenario("bad", (Step("b", 10, Channel.EMAIL), Step("a", 3, Channel.EMAIL)))


def test_the_most_precise_assignment_wins():
    rules = [
        Assignment("default"),
        Assignment("public", kind="public"),
        Assignment("retail slow", kind="business", segment="retail", payer_profile="slow"),
        Assignment("retail", segment="retail"),
    ]
    assert choose_scenario(rules, "business", "retail", "slow") == "retail slow"
    assert choose_scenario(rules, "business", "retail", "good") == "retail"
    assert choose_scenario(rules, "public", "", "unknown") == "public"
    assert choose_scenario(rules, "business", "", "good") == "default"
    assert choose_scenario(rules[1:2], "business", "", "good") is None


# --- properties ---------------------------------------------------------------------------------------
states = st.builds(
    ItemState,
    id=st.integers(1, 10**6), customer_id=st.integers(1, 5),
    due_date=st.dates(date(2025, 1, 1), date(2026, 12, 31)),
    open_amount=st.decimals(D("0.01"), D("20000"), places=2),
    last_step=st.none() | st.integers(0, 5),
    last_step_on=st.none() | st.dates(date(2025, 1, 1), date(2026, 12, 31)),
    awaiting=st.booleans(), paused=st.booleans(),
)


@given(states, st.dates(date(2025, 1, 1), date(2027, 6, 30)))
def test_the_step_chosen_is_after_the_last_one_done_and_already_due(state, today):
    index = next_step(state, B2B, today)
    if index is not None:
        assert state.last_step is None or index > state.last_step
        assert step_date(state, B2B, index) <= today
        assert not state.paused and not state.awaiting
        assert B2B.steps[index].is_preventive == (today <= state.due_date)


@given(st.lists(states, max_size=40, unique_by=lambda s: s.id), st.dates(date(2025, 1, 1), date(2027, 6, 30)))
def test_the_plan_lists_exactly_the_due_items_each_once(items, today):
    result = plan(items, {c: B2B for c in range(1, 6)}, today)
    listed = [i for a in result.actions for i in a.item_ids]
    assert sorted(listed) == sorted(s.id for s in items if next_step(s, B2B, today) is not None)
    assert result.paused_items == sum(s.paused for s in items)
    for a in result.actions:
        assert {next_step(s, B2B, today) for s in items if s.id in a.item_ids} == {a.step_index}
        assert {s.customer_id for s in items if s.id in a.item_ids} == {a.customer_id}
