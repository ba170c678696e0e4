import calendar as stdlib_calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encours.core.calendar import add_business_days, add_months, end_of_month, is_business_day

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 7, 14), False),  # Monday, Fête nationale
        (date(2025, 7, 15), True),  # Tuesday
        (date(2025, 6, 9), False),  # Whit Monday is a public holiday
        (date(2025, 5, 29), False),  # Ascension, a Thursday
        (date(2025, 11, 1), False),  # Saturday and Toussaint
        (date(2025, 11, 2), False),  # Sunday
        (date(2025, 10, 31), True),  # month end, a Friday
        (date(2024, 2, 29), True),  # leap day, a Thursday
        (date(2025, 12, 25), False),  # Christmas, a Thursday
        (date(2025, 12, 31), True),  # year end, a Wednesday: not a holiday in France
        (date(2026, 1, 1), False),  # New Year's Day, a Thursday
    ],
)
def test_is_business_day_skips_weekends_and_french_public_holidays(day, expected):
    assert is_business_day(day) is expected


def test_is_business_day_uses_the_given_country():
    # 4 July 2025 is a Friday: a holiday in the United States, a working day in France
    assert is_business_day(date(2025, 7, 4), country="FR")
    assert not is_business_day(date(2025, 7, 4), country="US")


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # year end: Wed 31 Dec + 1: Thu 1 Jan is a holiday -> Fri 2 Jan
        (date(2025, 12, 31), 1, date(2026, 1, 2)),
        # Wed 31 Dec + 2: Fri 2 Jan, then Sat 3, Sun 4 skipped -> Mon 5 Jan
        (date(2025, 12, 31), 2, date(2026, 1, 5)),
        # month end: Fri 31 Oct + 1: Sat 1 Nov (Toussaint), Sun 2 -> Mon 3 Nov
        (date(2025, 10, 31), 1, date(2025, 11, 3)),
        # leap day: Thu 29 Feb + 1 -> Fri 1 Mar; + 2 -> Mon 4 Mar
        (date(2024, 2, 29), 1, date(2024, 3, 1)),
        (date(2024, 2, 29), 2, date(2024, 3, 4)),
        # Wed 28 Feb 2024 + 1 -> Thu 29 Feb
        (date(2024, 2, 28), 1, date(2024, 2, 29)),
        # Wed 30 Apr 2025 + 5: Thu 1 May holiday, Fri 2 (1), Mon 5 (2), Tue 6 (3), Wed 7 (4),
        # Thu 8 May holiday, Fri 9 (5)
        (date(2025, 4, 30), 5, date(2025, 5, 9)),
        # from a Saturday: Sat 1 Nov + 1 -> Mon 3 Nov
        (date(2025, 11, 1), 1, date(2025, 11, 3)),
        # backwards over the year end: Fri 2 Jan - 1: Thu 1 Jan holiday -> Wed 31 Dec
        (date(2026, 1, 2), -1, date(2025, 12, 31)),
        # backwards onto the leap day: Fri 1 Mar 2024 - 1 -> Thu 29 Feb
        (date(2024, 3, 1), -1, date(2024, 2, 29)),
        # zero days: the date itself, even a Saturday
        (date(2025, 11, 1), 0, date(2025, 11, 1)),
    ],
)
def test_add_business_days_counts_only_working_days(start, n, expected):
    assert add_business_days(start, n) == expected


@given(dates, st.integers(min_value=-300, max_value=300).filter(bool))
def test_add_business_days_lands_on_a_business_day_after_exactly_n_of_them(start, n):
    result = add_business_days(start, n)
    assert is_business_day(result)
    if n > 0:  # counted: start excluded, result included
        counted = [start + timedelta(days=i) for i in range(1, (result - start).days + 1)]
    else:  # counted: result included, start excluded
        counted = [result + timedelta(days=i) for i in range((start - result).days)]
    assert sum(is_business_day(d) for d in counted) == abs(n)


@given(dates, st.integers(min_value=-300, max_value=300))
def test_add_business_days_is_undone_by_its_opposite_from_a_business_day(start, n):
    start = add_business_days(start, 1)  # a business day
    assert add_business_days(add_business_days(start, n), -n) == start


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 2, 15), date(2024, 2, 29)),  # leap year
        (date(2025, 2, 15), date(2025, 2, 28)),
        (date(2100, 2, 1), date(2100, 2, 28)),  # 2100 is not a leap year
        (date(2024, 2, 29), date(2024, 2, 29)),
        (date(2025, 12, 1), date(2025, 12, 31)),  # year end
        (date(2025, 12, 31), date(2025, 12, 31)),
        (date(2025, 4, 30), date(2025, 4, 30)),  # 30-day month end
    ],
)
def test_end_of_month_is_the_last_day_of_the_month(day, expected):
    assert end_of_month(day) == expected


@given(dates)
def test_the_day_after_end_of_month_is_the_first_of_the_next_month(day):
    last = end_of_month(day)
    assert (last.year, last.month) == (day.year, day.month)
    assert (last + timedelta(days=1)).day == 1


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # clamped to February's end
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # 29 Feb + a year: no 29 Feb in 2025
        (date(2024, 2, 29), 48, date(2028, 2, 29)),  # 2028 is a leap year
        (date(2024, 2, 29), -1, date(2024, 1, 29)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 12, 31), 1, date(2026, 1, 31)),  # over the year end
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2026, 1, 31), -1, date(2025, 12, 31)),  # back over the year end
        (date(2025, 1, 15), -25, date(2022, 12, 15)),  # Jan 2025 - 24 months = Jan 2023, - 1 = Dec 2022
        (date(2025, 5, 31), 0, date(2025, 5, 31)),
    ],
)
def test_add_months_keeps_the_day_clamped_to_the_month_end(day, n, expected):
    assert add_months(day, n) == expected


@given(dates, st.integers(min_value=-600, max_value=600))
def test_add_months_moves_exactly_n_months_and_keeps_the_day_when_it_exists(day, n):
    result = add_months(day, n)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == n
    assert result.day == min(day.day, stdlib_calendar.monthrange(result.year, result.month)[1])
