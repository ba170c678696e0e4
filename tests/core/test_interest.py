"""Late-payment interest and the recovery indemnity (legal reference, sections 1.3, 1.4, 2, 3).

Many examples use an amount of 36,500.00 EUR: one day's interest is then the rate in percent, in euros
(36,500 × 13.15 % / 365 = 13.15), which keeps the hand arithmetic short.
"""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encours.core.interest import (
    HalfYear,
    MissingRate,
    RateBasis,
    RateSeries,
    RateTables,
    contractual_floor,
    default_business_rate,
    ecb_rate_on,
    late_interest,
    legal_rate,
    public_body_rate,
    recovery_indemnity,
)
from encours.core.interest_rates import shipped_rate_tables
from encours.core.money import to_cents
from encours.core.records import CustomerKind

D = Decimal
BUSINESS, PUBLIC, CONSUMER = CustomerKind.BUSINESS, CustomerKind.PUBLIC, CustomerKind.CONSUMER
TABLES = shipped_rate_tables()
DAILY = D("36500.00")  # one day of interest = the rate in percent, in euros


def interest(amount, due, until, kind=BUSINESS, **options):
    return late_interest(D(amount), date.fromisoformat(due), date.fromisoformat(until), kind, TABLES, **options)


def spans(result):
    return [(p.start.isoformat(), p.end.isoformat(), p.days, p.rate) for p in result.periods]


# --- the reference's worked example (section 2) -------------------------------------------------------


def test_the_reference_example_split_by_half_year_gives_315_52():
    # 16 May - 30 Jun: 16 + 30 = 46 days at ECB 3.15 + 10 = 13.15 %
    # 1 Jul - 14 Aug: 31 + 14 = 45 days at ECB 2.15 + 10 = 12.15 %
    # 10,000 × 0.1315 × 46 / 365 = 60,490 / 365 = 165.726…; 10,000 × 0.1215 × 45 / 365 = 54,675 / 365 = 149.794…
    # total 115,165 / 365 = 315.520… -> 315.52 (and 165.73 + 149.79 = 315.52 too, as the reference shows)
    result = interest("10000.00", "2025-05-15", "2025-08-14")
    assert spans(result) == [
        ("2025-05-16", "2025-06-30", 46, D("0.1315")), ("2025-07-01", "2025-08-14", 45, D("0.1215"))]
    assert [to_cents(p.interest) for p in result.periods] == [D("165.73"), D("149.79")]
    assert result.interest == D("315.52")
    assert result.days == 91


def test_the_reference_example_frozen_keeps_the_first_half_year_rate_and_gives_327_85():
    # 10,000 × 0.1315 × 91 / 365 = 119,665 / 365 = 327.849… -> 327.85
    result = interest("10000.00", "2025-05-15", "2025-08-14", frozen=True)
    assert spans(result) == [("2025-05-16", "2025-08-14", 91, D("0.1315"))]
    assert result.periods[0].rate_half_year == HalfYear(2025, 1)
    assert result.interest == D("327.85")


def test_interest_is_rounded_once_per_invoice_not_per_period():
    # 10.00 due 29 Jun 2025, paid 1 Jul: 30 Jun at 13.15 %, 1 Jul at 12.15 %
    # periods 10 × 0.1315 / 365 = 0.0036… and 10 × 0.1215 / 365 = 0.0033…, each 0.00 when rounded;
    # once: (1.315 + 1.215) / 365 = 2.53 / 365 = 0.0069… -> 0.01
    result = interest("10.00", "2025-06-29", "2025-07-01")
    assert [to_cents(p.interest) for p in result.periods] == [D("0.00"), D("0.00")]
    assert result.interest == D("0.01")


def test_a_total_of_exactly_half_a_cent_is_rounded_up():
    # 36.50 at 10.00 % (2021: ECB 0.00 + 10) for 5 days: 36.50 × 0.10 × 5 / 365 = 18.25 / 365 = 0.05 exactly;
    # 3.65 at 10 % for 5 days: 1.825 / 365 = 0.005 exactly -> 0.01 (half up), not 0.00 (half even)
    assert interest("36.50", "2021-03-01", "2021-03-06").interest == D("0.05")
    assert interest("3.65", "2021-03-01", "2021-03-06").interest == D("0.01")


# --- half-year boundaries, year end, leap year --------------------------------------------------------


def test_the_last_day_of_june_takes_the_first_half_rate_and_the_first_of_july_the_second():
    # 30 Jun at 13.15 % + 1 Jul at 12.15 %: 13.15 + 12.15 = 25.30
    result = interest(DAILY, "2025-06-29", "2025-07-01")
    assert spans(result) == [("2025-06-30", "2025-06-30", 1, D("0.1315")), ("2025-07-01", "2025-07-01", 1, D("0.1215"))]
    assert result.interest == D("25.30")


def test_a_delay_beginning_on_the_first_of_july_is_frozen_at_the_second_half_rate():
    # due 30 Jun: the delay begins 1 Jul (2025 H2), so even frozen the rate is 12.15 %: 2 days × 12.15 = 24.30
    result = interest(DAILY, "2025-06-30", "2025-07-02", frozen=True)
    assert spans(result) == [("2025-07-01", "2025-07-02", 2, D("0.1215"))]
    assert result.interest == D("24.30")


def test_the_year_end_splits_between_december_and_january_rates():
    # 31 Dec 2024: ECB on 1 Jul 2024 was 4.25 (since 12 Jun) + 10 = 14.25 %; 1-2 Jan 2025: 3.15 + 10 = 13.15 %
    # 14.25 + 2 × 13.15 = 14.25 + 26.30 = 40.55
    result = interest(DAILY, "2024-12-30", "2025-01-02")
    assert spans(result) == [("2024-12-31", "2024-12-31", 1, D("0.1425")), ("2025-01-01", "2025-01-02", 2, D("0.1315"))]
    assert result.interest == D("40.55")


def test_due_on_the_last_of_december_starts_in_the_new_year():
    # 1 Jan 2025 only, 13.15 %
    result = interest(DAILY, "2024-12-31", "2025-01-01")
    assert spans(result) == [("2025-01-01", "2025-01-01", 1, D("0.1315"))]
    assert result.interest == D("13.15")


def test_29_february_is_counted_but_the_year_still_has_365_days():
    # 16-29 Feb 2024 = 14 days, 1-15 Mar = 15 days: 29 days at 4.50 + 10 = 14.50 %: 29 × 14.50 = 420.50
    # (over 366 days it would be 36,500 × 0.145 × 29 / 366 = 419.35)
    result = interest(DAILY, "2024-02-15", "2024-03-15")
    assert result.days == 29
    assert result.interest == D("420.50")


def test_a_whole_leap_year_late_counts_366_days_over_365():
    # 2024 H1: 31 + 29 + 31 + 30 + 31 + 30 = 182 days at 14.50 % = 2,639.00
    # 2024 H2: 31 + 31 + 30 + 31 + 30 + 31 = 184 days at 4.25 + 10 = 14.25 % = 2,622.00; total 5,261.00
    result = interest(DAILY, "2023-12-31", "2024-12-31")
    assert [p.days for p in result.periods] == [182, 184]
    assert result.interest == D("5261.00")


def test_paid_on_the_due_date_or_before_owes_nothing():
    assert interest("10000.00", "2025-05-15", "2025-05-15").interest == D("0.00")
    assert interest("10000.00", "2025-05-15", "2025-05-15").periods == ()
    assert interest("10000.00", "2025-05-15", "2025-05-01").interest == D("0.00")


def test_paid_the_day_after_the_due_date_is_one_day_late():
    # 1 day at 13.15 % = 13.15
    assert interest(DAILY, "2025-03-10", "2025-03-11").interest == D("13.15")


# --- partial payments and credit notes ----------------------------------------------------------------


def test_a_partial_payment_lowers_the_base_from_the_day_after_it():
    # 36,500 due 31 Jan 2025; 14,600 paid 10 Feb; the rest paid 12 Mar. 13.15 % throughout (2025 H1)
    # 1-10 Feb: 10 days on 36,500 = 10 × 13.15 = 131.50
    # 11 Feb - 12 Mar: 18 + 12 = 30 days on 36,500 - 14,600 = 21,900: 21,900 × 0.1315 / 365 = 7.89 a day -> 236.70
    # total 368.20
    result = interest(DAILY, "2025-01-31", "2025-03-12", payments=[(date(2025, 2, 10), D("14600.00"))])
    assert [(p.start.isoformat(), p.days, p.base) for p in result.periods] == [
        ("2025-02-01", 10, D("36500.00")), ("2025-02-11", 30, D("21900.00"))]
    assert result.interest == D("368.20")


def test_a_payment_on_the_first_day_late_or_on_1_july_still_bears_interest_that_day():
    # 14,600 paid 1 Feb 2025: 1 Feb on 36,500 = 13.15; 2-11 Feb = 10 days on 21,900 × 7.89 = 78.90; total 92.05
    result = interest(DAILY, "2025-01-31", "2025-02-11", payments=[(date(2025, 2, 1), D("14600.00"))])
    assert [(p.days, p.base) for p in result.periods] == [(1, D("36500.00")), (10, D("21900.00"))]
    assert result.interest == D("92.05")
    # 14,600 paid 1 Jul 2025: 30 Jun 13.15; 1 Jul on 36,500 at 12.15 %; 2 Jul on 21,900: 21,900 × 0.1215 / 365 = 7.29
    # 13.15 + 12.15 + 7.29 = 32.59
    result = interest(DAILY, "2025-06-29", "2025-07-02", payments=[(date(2025, 7, 1), D("14600.00"))])
    assert [(p.start.isoformat(), p.base, p.rate) for p in result.periods] == [
        ("2025-06-30", D("36500.00"), D("0.1315")), ("2025-07-01", D("36500.00"), D("0.1215")),
        ("2025-07-02", D("21900.00"), D("0.1215"))]
    assert result.interest == D("32.59")


def test_a_payment_on_the_due_date_never_bears_interest():
    # 21,900 left from 1 Feb: 28 + 2 = 30 days × 7.89 = 236.70
    result = interest(DAILY, "2025-01-31", "2025-03-02", payments=[(date(2025, 1, 31), D("14600.00"))])
    assert [(p.days, p.base) for p in result.periods] == [(30, D("21900.00"))]
    assert result.interest == D("236.70")


def test_a_payment_of_the_whole_amount_stops_the_interest_even_with_a_later_as_of_date():
    # paid in full on 10 Feb: 10 days × 13.15 = 131.50; from 11 Feb the base is 0
    result = interest(DAILY, "2025-01-31", "2025-03-12", payments=[(date(2025, 2, 10), D("36500.00"))])
    assert result.interest == D("131.50")
    assert result.periods[-1].base == D("0")


def test_a_credit_note_lowers_the_base_from_the_first_day():
    # 36,500 - credit note 7,300 = 29,200 owed from 1 Feb: 29,200 × 0.1315 / 365 = 10.52 a day;
    # 30 days (28 + 2) × 10.52 = 315.60, whatever the date of the credit note
    result = interest(DAILY, "2025-01-31", "2025-03-02", credited=D("7300.00"))
    assert [(p.days, p.base) for p in result.periods] == [(30, D("29200.00"))]
    assert result.interest == D("315.60")


def test_payments_and_credit_notes_above_the_amount_give_no_negative_interest():
    result = interest("100.00", "2025-01-31", "2025-03-02", credited=D("80.00"), payments=[(date(2025, 1, 1), D("50"))])
    assert result.interest == D("0.00")


# --- contractual rate and its floor (L441-10 II) ------------------------------------------------------


def test_a_contractual_rate_above_the_floor_applies():
    # 2024 H1 floor 3 × 5.07 = 15.21 % < 20 %: 29 days × 20.00 = 580.00
    result = interest(DAILY, "2024-02-15", "2024-03-15", contractual_rate=D("0.20"))
    assert [(p.rate, p.basis) for p in result.periods] == [(D("0.20"), RateBasis.CONTRACTUAL)]
    assert result.interest == D("580.00")


def test_a_contractual_rate_below_the_floor_is_raised_to_three_times_the_legal_rate():
    # 2024 H1: 12 % < 3 × 5.07 = 15.21 %: 29 days × 15.21 = 441.09
    result = interest(DAILY, "2024-02-15", "2024-03-15", contractual_rate=D("0.12"))
    assert [(p.rate, p.basis) for p in result.periods] == [(D("0.1521"), RateBasis.LEGAL_FLOOR)]
    assert result.interest == D("441.09")


def test_the_default_rate_is_not_floored_even_when_below_the_floor():
    # 2024 H1: ECB 4.50 + 10 = 14.50 % although 3 × 5.07 = 15.21 % (the floor binds contracts): 29 × 14.50 = 420.50
    result = interest(DAILY, "2024-02-15", "2024-03-15")
    assert [(p.rate, p.basis) for p in result.periods] == [(D("0.1450"), RateBasis.ECB_PLUS_10)]


def test_the_floor_is_applied_half_year_by_half_year():
    # contract 13 %. 22-31 Dec 2023: floor 3 × 4.22 = 12.66 % < 13 %: 10 days × 13.00 = 130.00
    # 1-10 Jan 2024: floor 15.21 % > 13 %: 10 days × 15.21 = 152.10; total 282.10
    result = interest(DAILY, "2023-12-21", "2024-01-10", contractual_rate=D("0.13"))
    assert [(p.days, p.rate, p.basis) for p in result.periods] == [
        (10, D("0.13"), RateBasis.CONTRACTUAL), (10, D("0.1521"), RateBasis.LEGAL_FLOOR)]
    assert result.interest == D("282.10")


def test_a_frozen_contractual_rate_uses_the_floor_of_the_half_year_the_delay_began_in():
    # 2023 H2 floor 12.66 % < 13 %: 20 days × 13.00 = 260.00
    result = interest(DAILY, "2023-12-21", "2024-01-10", contractual_rate=D("0.13"), frozen=True)
    assert result.interest == D("260.00")


def test_a_contractual_rate_is_refused_for_a_public_body_or_a_consumer():
    with pytest.raises(ValueError, match="business customers only"):
        interest(DAILY, "2025-01-31", "2025-03-02", PUBLIC, contractual_rate=D("0.12"))
    with pytest.raises(ValueError, match="business customers only"):
        interest(DAILY, "2025-01-31", "2025-03-02", CONSUMER, contractual_rate=D("0.12"),
                 formal_notice=date(2025, 2, 1))


def test_a_rate_typed_in_percent_is_refused():
    with pytest.raises(ValueError, match="fraction"):
        interest(DAILY, "2025-01-31", "2025-03-02", contractual_rate=D("12"))


# --- public bodies (CCP R2192-31) ---------------------------------------------------------------------


def test_a_public_body_pays_ecb_plus_8_frozen_at_the_half_year_interest_began():
    # 2025 H1: 3.15 + 8 = 11.15 % for all 91 days: 10,000 × 0.1115 × 91 / 365 = 101,465 / 365 = 277.986… -> 277.99
    result = late_interest(D("10000.00"), date(2025, 5, 15), date(2025, 8, 14), PUBLIC, TABLES)
    assert spans(result) == [("2025-05-16", "2025-08-14", 91, D("0.1115"))]
    assert result.periods[0].basis is RateBasis.ECB_PLUS_8
    assert result.interest == D("277.99")


def test_the_public_rate_in_2023_h1_is_10_50():
    # reference: ECB 2.50 on 1 Jan 2023 + 8 = 10.50 %; 10 days × 10.50 = 105.00
    assert public_body_rate(TABLES, HalfYear(2023, 1)) == D("0.1050")
    assert interest(DAILY, "2023-03-01", "2023-03-11", PUBLIC).interest == D("105.00")


# --- consumers (C. civ. 1231-6, 1344-1) ---------------------------------------------------------------


def test_a_consumer_owes_no_interest_without_a_formal_notice():
    result = interest(DAILY, "2025-05-15", "2025-08-14", CONSUMER)
    assert result.interest == D("0.00") and result.periods == ()


def test_a_consumer_owes_the_legal_rate_autres_cas_from_the_day_after_the_formal_notice():
    # notice 20 Jun 2025: 21-30 Jun = 10 days at 3.71 % (2025 H1) = 37.10; 1 Jul - 14 Aug = 45 days at 2.76 % = 124.20
    # total 161.30 (the "particuliers" rates, 7.21 % and 6.65 %, are for creditors who are private persons)
    result = interest(DAILY, "2025-05-15", "2025-08-14", CONSUMER, formal_notice=date(2025, 6, 20))
    assert spans(result) == [
        ("2025-06-21", "2025-06-30", 10, D("0.0371")), ("2025-07-01", "2025-08-14", 45, D("0.0276"))]
    assert {p.basis for p in result.periods} == {RateBasis.LEGAL_RATE}
    assert result.interest == D("161.30")


def test_a_formal_notice_before_the_due_date_runs_from_the_day_after_the_due_date():
    # 16 May - 30 Jun = 46 days × 3.71 = 170.66
    result = interest(DAILY, "2025-05-15", "2025-06-30", CONSUMER, formal_notice=date(2025, 5, 1))
    assert result.interest == D("170.66")


def test_a_consumer_frozen_setting_changes_nothing():
    split = interest(DAILY, "2025-05-15", "2025-08-14", CONSUMER, formal_notice=date(2025, 6, 20))
    assert interest(DAILY, "2025-05-15", "2025-08-14", CONSUMER, formal_notice=date(2025, 6, 20), frozen=True) == split


# --- recovery indemnity (L441-10 II, D441-5) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "insolvent", "expected"),
    [
        (BUSINESS, False, D("40.00")),
        (PUBLIC, False, D("40.00")),
        (CONSUMER, False, D("0.00")),
        (BUSINESS, True, D("0.00")),
        (PUBLIC, True, D("0.00")),
    ],
)
def test_the_recovery_indemnity_is_40_euros_for_professionals_unless_insolvent(kind, insolvent, expected):
    assert recovery_indemnity(kind, insolvent) == expected


# --- the rate tables ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("half_year", "percent"),
    # reference section 2.1: ECB rate on 1 Jan / 1 Jul + 10 points
    [((2015, 1), "10.05"), ((2016, 1), "10.05"), ((2016, 2), "10.00"), ((2019, 2), "10.00"), ((2022, 2), "10.00"),
     ((2023, 1), "12.50"), ((2023, 2), "14.00"), ((2024, 1), "14.50"), ((2024, 2), "14.25"), ((2025, 1), "13.15"),
     ((2025, 2), "12.15"), ((2026, 1), "12.15")],
)
def test_the_default_business_rate_matches_the_reference_table(half_year, percent):
    assert default_business_rate(TABLES, HalfYear(*half_year)) == D(percent) / 100


@pytest.mark.parametrize(
    ("half_year", "percent"),
    # reference section 2.2: 3 × autres cas
    [((2020, 1), "2.61"), ((2022, 2), "2.31"), ((2023, 2), "12.66"), ((2024, 1), "15.21"), ((2025, 2), "8.28"),
     ((2026, 1), "7.86")],
)
def test_the_contractual_floor_is_three_times_the_legal_rate_autres_cas(half_year, percent):
    assert contractual_floor(TABLES, HalfYear(*half_year)) == D(percent) / 100


def test_the_ecb_rate_in_force_is_the_last_change_on_or_before_the_date():
    # the July 2022 hike took effect on 27 Jul: 1 Jul 2022 still 0.00
    assert ecb_rate_on(TABLES, date(2022, 7, 26)) == D("0")
    assert ecb_rate_on(TABLES, date(2022, 7, 27)) == D("0.005")
    assert ecb_rate_on(TABLES, date(2022, 7, 1)) == D("0")


def test_both_legal_rate_categories_are_shipped():
    assert legal_rate(TABLES, HalfYear(2026, 1), RateSeries.LEGAL_PRIVATE_INDIVIDUAL) == D("0.0667")
    assert legal_rate(TABLES, HalfYear(2026, 1)) == D("0.0262")
    assert legal_rate(TABLES, HalfYear(2015, 1), RateSeries.LEGAL_OTHER) == D("0.0093")


def test_a_missing_legal_rate_names_the_series_and_the_half_year():
    with pytest.raises(MissingRate, match="add the rate of 2026 H2") as raised:
        interest(DAILY, "2026-06-15", "2026-07-15", CONSUMER, formal_notice=date(2026, 6, 20))
    assert raised.value.series is RateSeries.LEGAL_OTHER
    assert raised.value.half_year == HalfYear(2026, 2)


def test_a_missing_floor_for_a_contractual_rate_is_a_missing_legal_rate():
    with pytest.raises(MissingRate) as raised:
        interest(DAILY, "2014-12-15", "2015-01-15", contractual_rate=D("0.12"))
    assert (raised.value.series, raised.value.half_year) == (RateSeries.LEGAL_OTHER, HalfYear(2014, 2))


def test_an_ecb_rate_after_the_confirmed_date_is_missing():
    # confirmed up to 5 Feb 2026: the rate in force on 1 Jul 2026 is unknown
    with pytest.raises(MissingRate, match="2026-07-01") as raised:
        interest(DAILY, "2026-06-15", "2026-07-15")
    assert (raised.value.series, raised.value.half_year) == (RateSeries.ECB, HalfYear(2026, 2))


def test_an_ecb_rate_before_the_first_change_is_missing():
    with pytest.raises(MissingRate) as raised:
        interest(DAILY, "2014-03-01", "2014-03-31")
    assert (raised.value.series, raised.value.half_year) == (RateSeries.ECB, HalfYear(2014, 1))


def test_added_rates_are_used_when_the_tables_carry_them():
    # an administrator adds 2026 H2: ECB 2.40 from 1 Jul 2026, legal rate autres cas 3.00 %
    tables = RateTables(
        ecb_changes=(*TABLES.ecb_changes, (date(2026, 7, 1), D("0.024"))),
        ecb_confirmed_until=date(2026, 7, 1),
        legal_private_individual=TABLES.legal_private_individual,
        legal_other={**TABLES.legal_other, HalfYear(2026, 2): D("0.03")},
    )
    # business: 1 Jul 2026 at 2.40 + 10 = 12.40 %, 10 days = 124.00; consumer: 10 days × 3.00 = 30.00
    due, until = date(2026, 6, 30), date(2026, 7, 10)
    assert late_interest(DAILY, due, until, BUSINESS, tables).interest == D("124.00")
    assert late_interest(DAILY, due, until, CONSUMER, tables, formal_notice=due).interest == D("30.00")


@pytest.mark.parametrize(
    "bad",
    [
        {"ecb_changes": ((date(2015, 1, 1), D("0.01")), (date(2014, 1, 1), D("0.02")))},
        {"ecb_changes": ((date(2015, 1, 1), 0.01),)},
        {"legal_other": {HalfYear(2026, 2): D("3.00")}},
    ],
)
def test_rate_tables_refuse_unordered_changes_floats_and_percents(bad):
    fields = {"ecb_changes": TABLES.ecb_changes, "ecb_confirmed_until": TABLES.ecb_confirmed_until,
              "legal_private_individual": TABLES.legal_private_individual, "legal_other": TABLES.legal_other}
    with pytest.raises(ValueError):
        RateTables(**{**fields, **bad})


def test_half_years_start_on_1_january_and_1_july():
    assert HalfYear.of(date(2025, 6, 30)) == HalfYear(2025, 1)
    assert HalfYear.of(date(2025, 7, 1)) == HalfYear(2025, 2)
    assert HalfYear(2025, 2).next() == HalfYear(2026, 1)
    assert HalfYear(2025, 2).first_day == date(2025, 7, 1)
    assert str(HalfYear(2026, 2)) == "2026 H2"


# --- properties ---------------------------------------------------------------------------------------

dues = st.dates(min_value=date(2015, 1, 1), max_value=date(2025, 12, 31))
delays = st.integers(min_value=-10, max_value=180)  # up to 29 Jun 2026, inside the shipped tables
amounts = st.integers(min_value=0, max_value=10**9).map(lambda cents: D(cents) / 100)
payment_lists = st.lists(st.tuples(st.integers(min_value=-30, max_value=200), amounts), max_size=4)
kinds_and_options = st.sampled_from([
    (BUSINESS, {}), (BUSINESS, {"frozen": True}), (PUBLIC, {}), (CONSUMER, {"formal_notice_offset": 20}),
])


def compute(amount, due, delay, kind_and_options, payments, credited=D("0")):
    kind, options = kind_and_options
    options = dict(options)
    if "formal_notice_offset" in options:
        options["formal_notice"] = due + timedelta(days=options.pop("formal_notice_offset"))
    return late_interest(amount, due, due + timedelta(days=delay), kind, TABLES, credited=credited,
                         payments=[(due + timedelta(days=offset), paid) for offset, paid in payments], **options)


@given(amounts, dues, delays, delays, kinds_and_options, payment_lists)
def test_interest_never_decreases_when_the_payment_date_moves_later(amount, due, delay_1, delay_2, kind, payments):
    early, late = sorted((delay_1, delay_2))
    assert compute(amount, due, early, kind, payments).interest <= compute(amount, due, late, kind, payments).interest


@given(amounts, dues, delays, kinds_and_options, payment_lists, amounts)
def test_interest_is_never_negative(amount, due, delay, kind, payments, credited):
    assert compute(amount, due, delay, kind, payments, credited).interest >= 0


@given(amounts, dues, delays, st.sampled_from([(BUSINESS, {}), (BUSINESS, {"frozen": True}), (PUBLIC, {})]),
       payment_lists)
def test_the_period_days_add_up_to_the_days_late(amount, due, delay, kind, payments):
    assert compute(amount, due, delay, kind, payments).days == max(delay, 0)


@given(amounts, dues, delays, kinds_and_options, payment_lists, st.integers(-30, 200), amounts, amounts)
def test_two_payments_on_one_date_count_as_one_payment_of_their_sum(amount, due, delay, kind, payments, offset,
                                                                     part_1, part_2):
    together = compute(amount, due, delay, kind, [*payments, (offset, part_1 + part_2)])
    apart = compute(amount, due, delay, kind, [*payments, (offset, part_1), (offset, part_2)])
    assert apart.interest == together.interest
