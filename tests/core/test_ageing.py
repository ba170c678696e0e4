from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encours.core.ageing import (
    DEFAULT_BUCKETS,
    AgeingItem,
    Bucket,
    age_items,
    bucket_for,
    buckets_from_limits,
)

dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
amounts = st.decimals(min_value=-1_000_000, max_value=1_000_000, places=2, allow_nan=False, allow_infinity=False)
items = st.lists(st.builds(AgeingItem, st.sampled_from(["A", "B", "C"]), amounts, dates), max_size=30)
limit_sets = st.lists(st.integers(min_value=1, max_value=400), min_size=1, max_size=6, unique=True).map(sorted)


# --- buckets ---------------------------------------------------------------------------------------


def test_default_buckets_are_not_due_then_30_60_90_and_over():
    assert DEFAULT_BUCKETS == (
        Bucket("not_due", None, 0),
        Bucket("1-30", 1, 30),
        Bucket("31-60", 31, 60),
        Bucket("61-90", 61, 90),
        Bucket("over_90", 91, None),
    )


def test_buckets_from_limits_follows_the_given_limits():
    assert [b.label for b in buckets_from_limits((15, 45))] == ["not_due", "1-15", "16-45", "over_45"]
    assert buckets_from_limits([120])[-1] == Bucket("over_120", 121, None)


@pytest.mark.parametrize(
    ("limits", "complaint"),
    [
        ((), "at least one limit"),
        ((30, 30), "strictly increasing"),
        ((60, 30), "strictly increasing"),
        ((0, 30), "positive whole numbers"),
        ((-5,), "positive whole numbers"),
        ((30.0,), "positive whole numbers"),
        ((True,), "positive whole numbers"),
        (("30",), "positive whole numbers"),
    ],
)
def test_buckets_from_limits_refuses_limits_that_are_not_increasing_positive_integers(limits, complaint):
    with pytest.raises(ValueError, match=complaint):
        buckets_from_limits(limits)


# --- bucket_for at the edges -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_date", "as_of", "label"),
    [
        # month end as_of 31 Mar 2025
        (date(2025, 4, 30), date(2025, 3, 31), "not_due"),
        (date(2025, 3, 31), date(2025, 3, 31), "not_due"),  # due today: 0 days, not late yet
        (date(2025, 3, 30), date(2025, 3, 31), "1-30"),  # 1 day
        (date(2025, 3, 1), date(2025, 3, 31), "1-30"),  # 30 days
        (date(2025, 2, 28), date(2025, 3, 31), "31-60"),  # 31 days
        (date(2025, 1, 30), date(2025, 3, 31), "31-60"),  # 1 (31 Jan) + 28 (Feb) + 31 (Mar) = 60 days
        (date(2025, 1, 29), date(2025, 3, 31), "61-90"),  # 61 days
        (date(2024, 12, 31), date(2025, 3, 31), "61-90"),  # 31 + 28 + 31 = 90 days, over the year end
        (date(2024, 12, 30), date(2025, 3, 31), "over_90"),  # 91 days
        # 29 February
        (date(2024, 2, 29), date(2024, 2, 29), "not_due"),
        (date(2024, 2, 29), date(2024, 3, 30), "1-30"),  # 30 days (1 Mar = 1 ... 30 Mar = 30)
        (date(2024, 2, 28), date(2024, 3, 30), "31-60"),  # 31 days
        (date(2024, 1, 30), date(2024, 2, 29), "1-30"),  # 1 (31 Jan) + 29 (Feb) = 30 days
        (date(2024, 1, 29), date(2024, 2, 29), "31-60"),  # 31 days
        # year end as_of 31 Dec 2025
        (date(2025, 12, 1), date(2025, 12, 31), "1-30"),  # 30 days
        (date(2025, 11, 30), date(2025, 12, 31), "31-60"),  # 31 days
        (date(2025, 10, 2), date(2025, 12, 31), "61-90"),  # 29 (Oct) + 30 (Nov) + 31 (Dec) = 90 days
        (date(2025, 10, 1), date(2025, 12, 31), "over_90"),  # 91 days
        (date(2026, 1, 1), date(2025, 12, 31), "not_due"),
    ],
)
def test_bucket_for_counts_days_past_due_from_the_due_date(due_date, as_of, label):
    assert bucket_for(due_date, as_of).label == label


def test_bucket_for_refuses_days_no_bucket_holds():
    with_a_gap = (Bucket("not_due", None, 0), Bucket("1-30", 1, 30), Bucket("over_60", 61, None))
    with pytest.raises(ValueError, match="45 days past due"):
        bucket_for(date(2025, 2, 14), date(2025, 3, 31), with_a_gap)  # 14 (Feb) + 31 (Mar) = 45 days


# --- due_date_range, the bounds SQL uses -----------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (
            # month end: 31 Mar - 30 days = 1 Mar, - 1 = 30 Mar, - 60 = 30 Jan, - 31 = 28 Feb,
            # - 90 = 31 Dec, - 61 = 29 Jan, - 91 = 30 Dec
            date(2025, 3, 31),
            {
                "not_due": (date(2025, 3, 31), None),
                "1-30": (date(2025, 3, 1), date(2025, 3, 30)),
                "31-60": (date(2025, 1, 30), date(2025, 2, 28)),
                "61-90": (date(2024, 12, 31), date(2025, 1, 29)),
                "over_90": (None, date(2024, 12, 30)),
            },
        ),
        (
            # 29 Feb 2024: - 1 = 28 Feb, - 30 = 30 Jan, - 31 = 29 Jan, - 60 = 31 Dec, - 61 = 30 Dec,
            # - 90 = 1 Dec, - 91 = 30 Nov
            date(2024, 2, 29),
            {
                "not_due": (date(2024, 2, 29), None),
                "1-30": (date(2024, 1, 30), date(2024, 2, 28)),
                "31-60": (date(2023, 12, 31), date(2024, 1, 29)),
                "61-90": (date(2023, 12, 1), date(2023, 12, 30)),
                "over_90": (None, date(2023, 11, 30)),
            },
        ),
        (
            # year end: 31 Dec - 1 = 30 Dec, - 30 = 1 Dec, - 31 = 30 Nov, - 60 = 1 Nov, - 61 = 31 Oct,
            # - 90 = 2 Oct, - 91 = 1 Oct
            date(2025, 12, 31),
            {
                "not_due": (date(2025, 12, 31), None),
                "1-30": (date(2025, 12, 1), date(2025, 12, 30)),
                "31-60": (date(2025, 11, 1), date(2025, 11, 30)),
                "61-90": (date(2025, 10, 2), date(2025, 10, 31)),
                "over_90": (None, date(2025, 10, 1)),
            },
        ),
    ],
)
def test_due_date_range_gives_inclusive_due_date_bounds(as_of, expected):
    assert {b.label: b.due_date_range(as_of) for b in DEFAULT_BUCKETS} == expected


@given(dates, dates, limit_sets)
def test_due_date_range_agrees_with_bucket_for(due_date, as_of, limits):
    buckets = buckets_from_limits(limits)

    def in_range(bucket):
        earliest, latest = bucket.due_date_range(as_of)
        return (earliest is None or due_date >= earliest) and (latest is None or due_date <= latest)

    holding = [b for b in buckets if in_range(b)]
    assert holding == [bucket_for(due_date, as_of, buckets)]


# --- age_items --------------------------------------------------------------------------------------


def test_age_items_totals_a_small_ledger_by_bucket_and_customer():
    as_of = date(2025, 3, 31)
    balance = age_items(
        [
            AgeingItem("A", Decimal("1000.00"), date(2025, 4, 30)),  # not due
            AgeingItem("A", Decimal("250.50"), date(2025, 3, 15)),  # 16 days
            AgeingItem("A", Decimal("-100.00"), date(2025, 3, 20)),  # credit, 11 days
            AgeingItem("B", Decimal("400.00"), date(2025, 1, 15)),  # 16 (Jan) + 28 + 31 = 75 days
            AgeingItem("B", Decimal("99.99"), date(2024, 11, 30)),  # 31 (Dec) + 31 + 28 + 31 = 121 days
        ],
        as_of,
    )
    assert balance.as_of == as_of
    assert balance.buckets == DEFAULT_BUCKETS
    assert balance.totals == {
        "not_due": Decimal("1000.00"),
        "1-30": Decimal("150.50"),  # 250.50 - 100.00
        "31-60": Decimal("0"),
        "61-90": Decimal("400.00"),
        "over_90": Decimal("99.99"),
    }
    assert balance.total == Decimal("1650.49")  # 1000.00 + 150.50 + 400.00 + 99.99
    assert balance.overdue == Decimal("650.49")  # 150.50 + 400.00 + 99.99
    assert balance.by_customer["A"] == {
        "not_due": Decimal("1000.00"),
        "1-30": Decimal("150.50"),
        "31-60": Decimal("0"),
        "61-90": Decimal("0"),
        "over_90": Decimal("0"),
    }
    assert balance.customer_total("A") == Decimal("1150.50")  # 1000.00 + 250.50 - 100.00
    assert balance.customer_total("B") == Decimal("499.99")  # 400.00 + 99.99
    assert balance.customer_total("nobody") == Decimal("0")


def test_age_items_with_nothing_open_gives_every_bucket_at_zero():
    balance = age_items([], date(2024, 2, 29))
    assert balance.totals == dict.fromkeys(["not_due", "1-30", "31-60", "61-90", "over_90"], Decimal("0"))
    assert balance.total == balance.overdue == Decimal("0")
    assert balance.by_customer == {}


def test_age_items_uses_the_given_buckets():
    # as of 31 Dec 2025: due 20 Dec is 11 days past due, in 1-15; due 1 Dec is 30 days, in 16-45
    balance = age_items(
        [
            AgeingItem(1, Decimal("10.00"), date(2025, 12, 20)),
            AgeingItem(2, Decimal("5.00"), date(2025, 12, 1)),
        ],
        date(2025, 12, 31),
        buckets_from_limits((15, 45)),
    )
    assert balance.totals == {
        "not_due": Decimal("0"),
        "1-15": Decimal("10.00"),
        "16-45": Decimal("5.00"),
        "over_45": Decimal("0"),
    }


def test_ageing_items_refuse_float_amounts():
    with pytest.raises(TypeError, match="never a float"):
        AgeingItem("A", 12.5, date(2025, 1, 31))


def test_age_items_refuses_buckets_with_the_same_label():
    twice = (Bucket("late", None, 10), Bucket("late", 11, None))
    with pytest.raises(ValueError, match="unique"):
        age_items([], date(2025, 1, 31), twice)


@given(items, dates, limit_sets)
def test_buckets_sum_to_the_total_of_the_items(ageing_items, as_of, limits):
    balance = age_items(ageing_items, as_of, buckets_from_limits(limits))
    assert balance.total == sum((i.amount for i in ageing_items), Decimal("0"))
    assert balance.overdue == balance.total - balance.totals["not_due"]


@given(items, dates)
def test_per_customer_amounts_add_up_to_the_grand_totals(ageing_items, as_of):
    balance = age_items(ageing_items, as_of)
    for label, amount in balance.totals.items():
        assert sum((c[label] for c in balance.by_customer.values()), Decimal("0")) == amount
    assert sum((balance.customer_total(c) for c in balance.by_customer), Decimal("0")) == balance.total


@given(dates, dates, st.integers(min_value=0, max_value=400), limit_sets)
def test_a_later_as_of_never_moves_an_item_to_a_younger_bucket(due_date, as_of, days_later, limits):
    buckets = buckets_from_limits(limits)
    before = buckets.index(bucket_for(due_date, as_of, buckets))
    after = buckets.index(bucket_for(due_date, as_of + timedelta(days=days_later), buckets))
    assert after >= before


@given(
    st.lists(st.builds(AgeingItem, st.just("A"), amounts.map(abs), dates), max_size=20),
    dates,
    st.integers(min_value=0, max_value=400),
)
def test_a_later_as_of_never_lowers_what_is_at_least_so_old(debts, as_of, days_later):
    earlier = age_items(debts, as_of)
    later = age_items(debts, as_of + timedelta(days=days_later))
    labels = [b.label for b in DEFAULT_BUCKETS]
    for k in range(len(labels)):
        older = labels[k:]
        assert sum(later.totals[x] for x in older) >= sum(earlier.totals[x] for x in older)
