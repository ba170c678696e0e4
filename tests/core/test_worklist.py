"""The worklist priority: the score of each component worked out by hand, and the order's invariants."""
from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encours.core.worklist import (
    RISK_POINTS,
    Entry,
    amount_points,
    lateness_points,
    ordered,
    priority,
    promise_points,
    risk_points,
    sort_key,
)


def score(**fields) -> Decimal:
    fields.setdefault("key", 1)
    return priority(Entry(**fields)).score


# --------------------------------------------------------------------------- components
def test_the_amount_scores_ten_points_per_tenfold_above_one_hundred():
    assert amount_points(Decimal("50.00")) == 0
    assert amount_points(Decimal("100.00")) == 0
    assert amount_points(Decimal("1000.00")) == 10  # log10(10) = 1
    assert amount_points(Decimal("10000.00")) == 20  # log10(100) = 2
    # 5,000 / 100 = 50; log10(50) = 1.69897... -> 16.9897
    assert amount_points(Decimal("5000.00")).quantize(Decimal("0.0001")) == Decimal("16.9897")


def test_the_amount_points_stop_at_thirty_from_one_hundred_thousand():
    assert amount_points(Decimal("100000.00")) == 30
    assert amount_points(Decimal("2500000.00")) == 30


def test_lateness_is_a_point_per_four_days_up_to_thirty():
    assert lateness_points(-5) == 0  # a preventive reminder: nothing late yet
    assert lateness_points(0) == 0
    assert lateness_points(1) == Decimal("0.25")
    assert lateness_points(45) == Decimal("11.25")
    assert lateness_points(120) == 30
    assert lateness_points(400) == 30


def test_risk_adds_the_payer_profile_and_three_points_under_watch():
    assert risk_points("good", False) == 0
    assert risk_points("unknown", False) == 4
    assert risk_points("slow", True) == 11  # 8 + 3
    assert risk_points("insolvent", True) == 15  # 12 + 3: the most


def test_an_unknown_payer_profile_is_refused():
    with pytest.raises(ValueError, match="unknown payer profile 'shady'"):
        risk_points("shady", False)


def test_the_first_broken_promise_weighs_most():
    assert [promise_points(n) for n in (0, 1, 2, 3, 7)] == [0, 12, 16, 20, 20]
    with pytest.raises(ValueError):
        promise_points(-1)


# --------------------------------------------------------------------------- whole scores
def test_the_worked_example_of_the_documentation():
    # 12,500.00 overdue: 10 x log10(125) = 20.9691; 62 days: 62 / 4 = 15.5; slow under watch: 8 + 3 = 11;
    # one broken promise: 12; to approve: 5. 20.9691 + 15.5 + 11 + 12 + 5 = 64.4691 -> 64.5
    p = priority(Entry(key=1, overdue=Decimal("12500.00"), days_late=62, payer_profile="slow", watch=True,
                       broken_promises=1, awaiting_approval=True))
    assert (p.lateness, p.risk, p.promises, p.approval) == (Decimal("15.5"), 11, 12, 5)
    assert p.score == Decimal("64.5")


def test_a_good_payer_slightly_late_scores_little():
    # 5,000.00: 16.9897; 45 days: 11.25; good payer 0 -> 28.2397 -> 28.2
    assert score(overdue=Decimal("5000.00"), days_late=45, payer_profile="good") == Decimal("28.2")


def test_the_total_is_rounded_half_up_to_one_decimal():
    # 80.00: no amount points; 1 day: 0.25; unknown profile: 4 -> 4.25 -> 4.3 (not 4.2: half up, not even)
    assert score(overdue=Decimal("80.00"), days_late=1) == Decimal("4.3")


def test_the_highest_possible_score_is_one_hundred():
    assert score(overdue=Decimal("1000000.00"), days_late=365, payer_profile="insolvent", watch=True,
                 broken_promises=5, awaiting_approval=True) == 100


def test_a_broken_promise_puts_a_smaller_debt_first():
    # A: 10,000.00 60 days, good: 20 + 15 = 35.0; B: 1,000.00 60 days, good, one broken: 10 + 15 + 12 = 37.0
    a = Entry(key=1, overdue=Decimal("10000.00"), days_late=60, payer_profile="good")
    b = Entry(key=2, overdue=Decimal("1000.00"), days_late=60, payer_profile="good", broken_promises=1)
    assert (priority(a).score, priority(b).score) == (35, 37)
    assert [e.key for e in ordered([a, b])] == [2, 1]


def test_equal_scores_go_by_amount_then_days_then_key():
    # all score 4 + 0.25 x 4 = 5.0 (amounts under 100 score nothing)
    small = Entry(key=1, overdue=Decimal("20.00"), days_late=4)
    large = Entry(key=2, overdue=Decimal("90.00"), days_late=4)
    twin = Entry(key=3, overdue=Decimal("90.00"), days_late=4)
    assert {priority(e).score for e in (small, large, twin)} == {Decimal("5.0")}
    assert [e.key for e in ordered([small, twin, large])] == [2, 3, 1]
    # same score and amount: the most days late first. 125 and 130 days both score the 30 points of the cap:
    # 4 + 30 = 34.0 each
    late = Entry(key=4, overdue=Decimal("90.00"), days_late=125)
    later = Entry(key=5, overdue=Decimal("90.00"), days_late=130)
    assert priority(late).score == priority(later).score == 34
    assert [e.key for e in ordered([late, later])] == [5, 4]


# --------------------------------------------------------------------------- properties
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000000.00"), places=2)
days = st.integers(min_value=-30, max_value=2000)
profiles = st.sampled_from(sorted(RISK_POINTS))
entries = st.builds(
    Entry, key=st.integers(min_value=1, max_value=10**6), overdue=amounts, days_late=days, payer_profile=profiles,
    watch=st.booleans(), broken_promises=st.integers(min_value=0, max_value=10), awaiting_approval=st.booleans(),
)


def with_(entry: Entry, **changes) -> Entry:
    fields = {name: getattr(entry, name) for name in Entry.__slots__}
    return Entry(**{**fields, **changes})


@given(entries, amounts)
def test_more_overdue_never_lowers_the_score(entry, more):
    assert priority(with_(entry, overdue=entry.overdue + more)).score >= priority(entry).score


@given(entries, st.integers(min_value=1, max_value=500))
def test_more_days_late_never_lowers_the_score(entry, more):
    assert priority(with_(entry, days_late=entry.days_late + more)).score >= priority(entry).score


@given(entries)
def test_a_broken_promise_never_lowers_the_score(entry):
    worse = with_(entry, broken_promises=entry.broken_promises + 1)
    assert priority(worse).score >= priority(entry).score
    if entry.broken_promises == 0:  # the first one raises it markedly
        assert priority(worse).score - priority(entry).score >= 11


@given(entries)
def test_the_score_is_between_zero_and_one_hundred(entry):
    assert 0 <= priority(entry).score <= 100


@given(st.lists(entries, max_size=30, unique_by=lambda e: e.key), st.randoms())
def test_the_order_does_not_depend_on_the_order_given(items, rng: random.Random):
    shuffled = list(items)
    rng.shuffle(shuffled)
    assert ordered(shuffled) == ordered(items)


@given(st.lists(entries, min_size=2, max_size=30, unique_by=lambda e: e.key))
def test_the_order_is_by_score_then_amount_and_no_two_entries_tie(items):
    result = ordered(items)
    keys = [sort_key(e) for e in result]
    assert len(set(keys)) == len(keys)  # total: the key tells every entry apart
    scores = [priority(e).score for e in result]
    assert scores == sorted(scores, reverse=True)
    for a, b in zip(result, result[1:]):
        if priority(a).score == priority(b).score:
            assert a.overdue >= b.overdue
