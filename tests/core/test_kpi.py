from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from encours.core.kpi import (
    concentration,
    countback_periods,
    dso_accounting,
    dso_countback,
    overdue_rate,
)

D = Decimal
money = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False)
signed_money = st.decimals(min_value=-10_000_000, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False)
periods = st.lists(st.tuples(st.integers(min_value=28, max_value=31), money), min_size=1, max_size=12)


# --- overdue rate -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overdue", "outstanding", "expected"),
    [
        ("250.00", "1000.00", "25.00"),  # 250 / 1000 = 25 %
        ("1", "3", "33.33"),  # 33.333... %
        ("2", "3", "66.67"),  # 66.666... %
        ("1", "32", "3.13"),  # 3.125 % exactly: half up (half even would give 3.12)
        ("0", "500", "0.00"),
    ],
)
def test_overdue_rate_is_a_percentage_to_the_hundredth(overdue, outstanding, expected):
    result = overdue_rate(D(overdue), D(outstanding))
    assert str(result) == expected


def test_overdue_rate_is_none_when_nothing_is_outstanding():
    assert overdue_rate(D("0"), D("0")) is None


# --- accounting DSO ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("receivables", "sales", "days", "expected"),
    [
        ("120000", "730000", 365, "60.0"),  # 120000 / 730000 × 365 = 60
        ("100", "3", 1, "33.3"),  # 33.333...
        ("41", "100", 365, "149.7"),  # 41 × 365 / 100 = 149.65: half up (half even would give 149.6)
        ("0", "1000", 90, "0.0"),
    ],
)
def test_dso_accounting_is_receivables_over_sales_times_days_to_the_tenth(receivables, sales, days, expected):
    assert str(dso_accounting(D(receivables), D(sales), days)) == expected


def test_dso_accounting_is_none_without_sales():
    assert dso_accounting(D("5000"), D("0"), 365) is None


def test_dso_accounting_refuses_an_empty_period():
    with pytest.raises(ValueError, match="period_days"):
        dso_accounting(D("5000"), D("1000"), 0)


# --- count-back periods -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "months", "expected"),
    [
        # month end, over February
        (
            date(2025, 3, 31),
            3,
            [
                (date(2025, 3, 1), date(2025, 3, 31)),
                (date(2025, 2, 1), date(2025, 2, 28)),
                (date(2025, 1, 1), date(2025, 1, 31)),
            ],
        ),
        # year end
        (date(2025, 12, 31), 2, [(date(2025, 12, 1), date(2025, 12, 31)), (date(2025, 11, 1), date(2025, 11, 30))]),
        # back over the year end
        (date(2026, 1, 31), 2, [(date(2026, 1, 1), date(2026, 1, 31)), (date(2025, 12, 1), date(2025, 12, 31))]),
        # 29 Feb: 29 Feb - 1 month = 29 Jan, so (30 Jan, 29 Feb); 29 Feb - 2 months = 29 Dec, so (30 Dec, 29 Jan)
        (date(2024, 2, 29), 2, [(date(2024, 1, 30), date(2024, 2, 29)), (date(2023, 12, 30), date(2024, 1, 29))]),
        # 30 April - 1 month = 30 March, so the period starts on 31 March
        (date(2025, 4, 30), 1, [(date(2025, 3, 31), date(2025, 4, 30))]),
        # mid-month: 15 Mar - 1 month = 15 Feb, - 2 months = 15 Jan
        (date(2025, 3, 15), 2, [(date(2025, 2, 16), date(2025, 3, 15)), (date(2025, 1, 16), date(2025, 2, 15))]),
        (date(2025, 3, 31), 0, []),
    ],
)
def test_countback_periods_are_months_back_from_as_of_newest_first(as_of, months, expected):
    assert countback_periods(as_of, months) == expected


def test_countback_periods_refuses_a_negative_number_of_months():
    with pytest.raises(ValueError, match="months"):
        countback_periods(date(2025, 3, 31), -1)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.integers(min_value=1, max_value=36))
def test_countback_periods_are_contiguous_and_a_month_long(as_of, months):
    result = countback_periods(as_of, months)
    assert len(result) == months
    assert result[0][1] == as_of
    for first, last in result:
        assert 28 <= (last - first).days + 1 <= 31
    for newer, older in zip(result, result[1:]):
        assert older[1] + timedelta(days=1) == newer[0]


# --- count-back DSO ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("receivables", "history", "expected"),
    [
        # 150000 > 100000: all 31 days, 50000 left; 50000 / 80000 × 28 = 17.5; 31 + 17.5 = 48.5
        ("150000", [(31, "100000"), (28, "80000"), (31, "90000")], "48.5"),
        # exactly the first month's sales: 31 days
        ("100000", [(31, "100000"), (28, "80000")], "31.0"),
        # 1000 / 8000 × 26 = 3.25: half up (half even would give 3.2)
        ("1000", [(26, "8000")], "3.3"),
        # 10000 / 30000 × 31 = 10.333...
        ("10000", [(31, "30000")], "10.3"),
        # a month without sales counts whole: 31 + 40000 / 80000 × 28 = 31 + 14 = 45
        ("40000", [(31, "0"), (28, "80000")], "45.0"),
        # more than all sales: 31 + 28 + 31 = 90 days, a floor
        ("500000", [(31, "100000"), (28, "80000"), (31, "90000")], "90.0"),
        ("0", [(31, "100000")], "0.0"),
        ("-250", [(31, "100000")], "0.0"),  # a credit balance: nothing to collect
    ],
)
def test_dso_countback_consumes_whole_months_then_a_fraction(receivables, history, expected):
    assert str(dso_countback(D(receivables), [(days, D(sales)) for days, sales in history])) == expected


@pytest.mark.parametrize("history", [[], [(31, D("0")), (30, D("0"))], [(31, D("-500"))]])
def test_dso_countback_is_none_when_there_were_no_sales(history):
    assert dso_countback(D("1000"), history) is None


def test_dso_countback_refuses_a_period_without_days():
    with pytest.raises(ValueError, match="days in period"):
        dso_countback(D("1000"), [(0, D("500"))])


@given(money, money, periods)
def test_dso_countback_grows_with_receivables_and_stays_within_the_periods(a, b, history):
    assume(any(sales > 0 for _, sales in history))  # otherwise None, tested above
    low, high = sorted([a, b])
    low_dso, high_dso = dso_countback(low, history), dso_countback(high, history)
    assert D("0") <= low_dso <= high_dso <= sum(days for days, _ in history)


@given(money, periods)
def test_dso_countback_within_the_newest_month_is_the_accounting_dso_of_that_month(receivables, history):
    days, sales = history[0]
    if 0 < receivables <= sales:
        assert dso_countback(receivables, history) == dso_accounting(receivables, sales, days)


# --- concentration ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        (1, "50.00"),  # 500 / (500 + 300 + 200) = 50 %; -100 and 0 left out
        (2, "80.00"),  # (500 + 300) / 1000
        (3, "100.00"),
        (10, "100.00"),
        (0, "0.00"),
    ],
)
def test_concentration_is_the_share_of_the_largest_positive_balances(top, expected):
    balances = [D("200"), D("-100"), D("500"), D("0"), D("300")]
    assert str(concentration(balances, top)) == expected


def test_concentration_rounds_to_the_hundredth_of_a_percent():
    # 1 / 3 = 33.333... %, 2 / 3 = 66.666... %
    assert concentration([D("1"), D("1"), D("1")], 1) == D("33.33")
    assert concentration([D("1"), D("1"), D("1")], 2) == D("66.67")


@pytest.mark.parametrize("balances", [[], [D("-10"), D("0")]])
def test_concentration_is_none_without_a_positive_balance(balances):
    assert concentration(balances, 5) is None


def test_concentration_refuses_a_negative_top():
    with pytest.raises(ValueError, match="top"):
        concentration([D("1")], -1)


@given(st.lists(signed_money, max_size=30), st.integers(min_value=0, max_value=40))
def test_concentration_is_a_percentage_that_grows_with_top(balances, top):
    share, wider = concentration(balances, top), concentration(balances, top + 1)
    if share is None:
        assert wider is None
        return
    assert D("0") <= share <= wider <= D("100")
    if top >= sum(1 for b in balances if b > 0):
        assert share == D("100")
