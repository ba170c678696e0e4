"""Solvency: the worked example of docs/credit-risk.md by hand, each ratio's "not computable" case, each flag,
and the invariants of the derived amounts."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encours.core.solvency import (
    FlagCode,
    InvalidStatements,
    Severity,
    SolvencyThresholds,
    Statements,
    analyse,
    ratios,
)

D = Decimal


def year_2023(**changes) -> Statements:
    """The worked example's first year (docs/credit-risk.md)."""
    fields = dict(
        year_end=date(2023, 12, 31), equity=D("380000"), provisions=D("15000"), long_term_debt=D("340000"),
        fixed_assets=D("540000"), inventories=D("150000"), trade_receivables=D("330000"),
        other_operating_receivables=D("25000"), cash=D("80000"), short_term_bank_debt=D("30000"),
        trade_payables=D("250000"), tax_social_payables=D("110000"), total_assets=D("1125000"),
        revenue=D("2500000"), purchases=D("1250000"), ebitda=D("230000"), operating_result=D("125000"),
        net_result=D("60000"))
    return Statements(**{**fields, **changes})


def year_2024(**changes) -> Statements:
    """The worked example's second year."""
    fields = dict(
        year_end=date(2024, 12, 31), equity=D("400000"), provisions=D("20000"), long_term_debt=D("300000"),
        fixed_assets=D("560000"), inventories=D("180000"), trade_receivables=D("450000"),
        other_operating_receivables=D("30000"), cash=D("40000"), short_term_bank_debt=D("140000"),
        trade_payables=D("280000"), tax_social_payables=D("120000"), total_assets=D("1260000"),
        revenue=D("2400000"), purchases=D("1200000"), ebitda=D("150000"), operating_result=D("60000"),
        net_result=D("20000"))
    return Statements(**{**fields, **changes})


def codes(year) -> dict[FlagCode, Severity]:
    return {flag.code: flag.severity for flag in year.flags}


# --------------------------------------------------------------------------- the worked example
def test_the_worked_example_first_year_amounts_and_ratios():
    r = ratios(year_2023())
    assert r.frng == D("195000")  # 380,000 + 15,000 + 340,000 - 540,000
    assert r.bfr == D("145000")  # 150,000 + 330,000 + 25,000 - (250,000 + 110,000)
    assert r.net_cash == D("50000")  # 195,000 - 145,000
    assert r.net_cash_from_balances == D("50000")  # 80,000 - 30,000
    assert r.net_cash_difference == 0
    assert r.operating_margin == D("5.00")  # 125,000 / 2,500,000 = 5 %
    assert r.net_margin == D("2.40")  # 60,000 / 2,500,000 = 2.4 %
    assert r.return_on_equity == D("15.79")  # 60,000 / 380,000 = 15.789 %
    assert r.equity_ratio == D("33.78")  # 380,000 / 1,125,000 = 33.777 %
    assert r.debt_to_ebitda == D("1.61")  # (340,000 + 30,000) / 230,000 = 1.6087
    assert r.gearing == D("97.37")  # 370,000 / 380,000 = 97.368 %
    assert r.current_ratio == D("1.50")  # (150 + 330 + 25 + 80) / (250 + 110 + 30) = 585 / 390
    assert r.quick_ratio == D("1.12")  # 435 / 390 = 1.1154
    assert r.dso == D("48.2")  # 330,000 / 2,500,000 x 365 = 48.18
    assert r.dpo == D("73.0")  # 250,000 / 1,250,000 x 365 = 73


def test_the_worked_example_second_year_amounts_and_ratios():
    r = ratios(year_2024())
    assert r.frng == D("160000")  # 400,000 + 20,000 + 300,000 - 560,000
    assert r.bfr == D("260000")  # 180,000 + 450,000 + 30,000 - (280,000 + 120,000)
    assert r.net_cash == D("-100000")  # 160,000 - 260,000
    assert r.net_cash_from_balances == D("-100000")  # 40,000 - 140,000
    assert r.operating_margin == D("2.50")  # 60,000 / 2,400,000
    assert r.net_margin == D("0.83")  # 20,000 / 2,400,000 = 0.8333 %
    assert r.return_on_equity == D("5.00")  # 20,000 / 400,000
    assert r.equity_ratio == D("31.75")  # 400,000 / 1,260,000 = 31.746 %
    assert r.debt_to_ebitda == D("2.93")  # (300,000 + 140,000) / 150,000 = 2.9333
    assert r.gearing == D("110.00")  # 440,000 / 400,000
    assert r.current_ratio == D("1.30")  # (180 + 450 + 30 + 40) / (280 + 120 + 140) = 700 / 540 = 1.2963
    assert r.quick_ratio == D("0.96")  # 520 / 540 = 0.96296
    assert r.dso == D("68.4")  # 450,000 / 2,400,000 x 365 = 68.4375
    assert r.dpo == D("85.2")  # 280,000 / 1,200,000 x 365 = 85.1667


def test_the_worked_example_flags_what_deteriorates_in_the_second_year():
    analysis = analyse([year_2024(), year_2023()])  # given newest first: sorted
    first, second = analysis.years
    assert (first.year_end, second.year_end) == (date(2023, 12, 31), date(2024, 12, 31))
    assert analysis.latest is second
    assert first.flags == ()
    # net cash 50,000 -> -100,000; margin 5.00 -> 2.50 (2.50 > 2 points); DSO 48.2 -> 68.4 (+20.2 > 15 days);
    # equity ratio 33.78 -> 31.75 (-2.03, not > 5); revenue -4 % (not > 10 %); FRNG stays positive
    assert codes(second) == {FlagCode.NEGATIVE_NET_CASH: Severity.SERIOUS,
                             FlagCode.OPERATING_MARGIN_DROP: Severity.WARNING,
                             FlagCode.DSO_INCREASE: Severity.WARNING}
    messages = [flag.message for flag in second.flags]
    assert "Net cash turned negative: -100,000.00 (was 50,000.00)." in messages
    assert any("from 5.00 % to 2.50 % (2.50 points" in m for m in messages)
    assert any("from 48.2 to 68.4 days (+20.2 days" in m for m in messages)
    assert analysis.flags == second.flags


def test_a_company_may_raise_a_threshold():
    analysis = analyse([year_2023(), year_2024()], SolvencyThresholds(operating_margin_drop_points=D("3")))
    assert FlagCode.OPERATING_MARGIN_DROP not in codes(analysis.latest)  # 2.50 points is not more than 3


# --------------------------------------------------------------------------- validation
def test_two_statements_with_the_same_year_end_are_refused():
    with pytest.raises(ValueError, match="same year end 2024-12-31"):
        analyse([year_2024(), year_2023(), year_2024(revenue=D("1"))])


def test_no_statements_give_an_empty_analysis():
    analysis = analyse([])
    assert analysis.years == () and analysis.latest is None and analysis.flags == ()


def test_impossible_negative_amounts_are_refused_naming_every_field():
    with pytest.raises(InvalidStatements) as refused:
        year_2024(revenue=D("-1"), total_assets=D("-5"), inventories=D("-0.01"))
    fields = [name for name, _ in refused.value.problems]
    assert fields == ["inventories", "total_assets", "revenue"]
    assert "revenue: cannot be negative, got -1" in str(refused.value)


def test_equity_and_results_may_be_negative():
    s = year_2024(equity=D("-10000"), ebitda=D("-1"), operating_result=D("-2"), net_result=D("-3"))
    assert s.equity == D("-10000")


@pytest.mark.parametrize("changes, field", [
    ({"revenue": 2400000.0}, "revenue"),
    ({"cash": 40000}, "cash"),
    ({"purchases": D("NaN")}, "purchases"),
    ({"months": 0}, "months"),
    ({"months": 25}, "months"),
    ({"months": True}, "months"),
    ({"year_end": datetime(2024, 12, 31, 0, 0)}, "year_end"),
])
def test_a_float_an_int_amount_or_a_bad_period_is_refused(changes, field):
    with pytest.raises(InvalidStatements, match=f"{field}: "):
        year_2024(**changes)


def test_a_fiscal_year_of_one_or_twenty_four_months_is_accepted():
    assert year_2024(months=1).months == 1
    assert year_2024(months=24).months == 24


# --------------------------------------------------------------------------- not computable
def test_ratios_without_a_denominator_are_not_computable():
    r = ratios(year_2024(revenue=D("0"), purchases=None, total_assets=D("0"), equity=D("0"),
                         trade_payables=D("0"), tax_social_payables=D("0"), short_term_bank_debt=D("0"),
                         ebitda=D("0")))
    assert (r.operating_margin, r.net_margin, r.dso) == (None, None, None)  # no revenue
    assert r.dpo is None  # no purchases given
    assert r.equity_ratio is None  # no total assets
    assert (r.return_on_equity, r.gearing) == (None, None)  # equity 0
    assert (r.current_ratio, r.quick_ratio) == (None, None)  # no short-term liabilities
    assert r.debt_to_ebitda is None  # EBITDA 0


def test_negative_equity_or_ebitda_makes_their_ratios_not_computable():
    r = ratios(year_2024(equity=D("-50000"), ebitda=D("-10000")))
    assert (r.return_on_equity, r.gearing, r.debt_to_ebitda) == (None, None, None)
    assert r.equity_ratio == D("-3.97")  # -50,000 / 1,260,000 = -3.968 %: still meaningful


def test_no_financial_debt_is_zero_years_of_ebitda():
    r = ratios(year_2024(long_term_debt=D("0"), short_term_bank_debt=D("0")))
    assert r.debt_to_ebitda == D("0.00") and r.gearing == D("0.00")


def test_the_net_cash_difference_shows_what_the_aggregates_leave_out():
    # cash typed as 55,000 instead of 40,000: FRNG - BFR = -100,000; cash - bank debt = 55,000 - 140,000 = -85,000
    r = ratios(year_2024(cash=D("55000")))
    assert r.net_cash == D("-100000")
    assert r.net_cash_from_balances == D("-85000")
    assert r.net_cash_difference == D("-15000")


# --------------------------------------------------------------------------- annualising and the year length
def test_a_six_month_year_is_annualised_where_a_flow_meets_a_stock():
    s = year_2024(months=6, revenue=D("1200000"), purchases=D("600000"), ebitda=D("75000"), net_result=D("10000"),
                  operating_result=D("30000"))
    r = ratios(s)
    assert r.annual_revenue == D("2400000.00")  # 1,200,000 x 12 / 6
    assert r.dso == D("68.4")  # 450,000 / 2,400,000 x 365, as the full year
    assert r.dpo == D("85.2")  # 280,000 / (600,000 x 2) x 365
    assert r.return_on_equity == D("5.00")  # 10,000 x 2 / 400,000
    assert r.debt_to_ebitda == D("2.93")  # 440,000 / (75,000 x 2)
    assert r.operating_margin == D("2.50")  # 30,000 / 1,200,000: two flows of the same period


def test_a_short_year_after_a_full_one_compares_annualised_revenue():
    # 2,500,000 over 12 months, then 1,200,000 over 6 months = 2,400,000 a year: -4 %, not a 52 % fall
    analysis = analyse([year_2023(), year_2024(months=6, revenue=D("1200000"), operating_result=D("30000"))])
    assert FlagCode.REVENUE_DROP not in codes(analysis.latest)


def test_dso_on_a_360_day_year_when_the_company_chooses_it():
    r = ratios(year_2024(), SolvencyThresholds(days_in_year=360))
    assert r.dso == D("67.5")  # 450,000 / 2,400,000 x 360


def test_only_360_or_365_days_are_accepted():
    with pytest.raises(ValueError, match="days_in_year"):
        SolvencyThresholds(days_in_year=364)


# --------------------------------------------------------------------------- each flag
def test_negative_equity_is_serious_and_a_net_loss_a_warning():
    year = analyse([year_2024(equity=D("-5000"), net_result=D("-80000"))]).latest
    assert codes(year)[FlagCode.NEGATIVE_EQUITY] is Severity.SERIOUS
    assert codes(year)[FlagCode.NET_LOSS] is Severity.WARNING
    assert "Net loss of 80,000.00" in " ".join(f.message for f in year.flags)


def test_frng_turning_negative_is_serious_staying_negative_a_warning():
    # 2024 fixed assets 800,000: FRNG = 400,000 + 20,000 + 300,000 - 800,000 = -80,000
    negative = {"fixed_assets": D("800000")}
    turned = analyse([year_2023(), year_2024(**negative)]).latest
    assert codes(turned)[FlagCode.NEGATIVE_FRNG] is Severity.SERIOUS
    # 2023 fixed assets 800,000: FRNG = 380,000 + 15,000 + 340,000 - 800,000 = -65,000, already negative
    stayed = analyse([year_2023(fixed_assets=D("800000")), year_2024(**negative)]).latest
    assert codes(stayed)[FlagCode.NEGATIVE_FRNG] is Severity.WARNING
    alone = analyse([year_2024(**negative)]).latest
    assert codes(alone)[FlagCode.NEGATIVE_FRNG] is Severity.WARNING


def test_an_equity_ratio_fall_is_flagged_only_beyond_the_threshold():
    # 2023: 380,000 / 1,125,000 = 33.78 %. 2024 equity 361,620 / 1,260,000 = 28.70 %: a fall of 5.08 points
    assert FlagCode.EQUITY_RATIO_DROP in codes(analyse([year_2023(), year_2024(equity=D("361620"))]).latest)
    # 362,250 / 1,260,000 = 28.75 %: a fall of 5.03 points; with the threshold at 5.03, not flagged
    t = SolvencyThresholds(equity_ratio_drop_points=D("5.03"))
    assert FlagCode.EQUITY_RATIO_DROP not in codes(analyse([year_2023(), year_2024(equity=D("362250"))], t).latest)


def test_a_revenue_fall_of_more_than_ten_percent_is_flagged():
    # 2,500,000 -> 2,250,000 is exactly -10 %: not more than 10 %
    assert FlagCode.REVENUE_DROP not in codes(analyse([year_2023(), year_2024(revenue=D("2250000"))]).latest)
    # 2,500,000 -> 2,249,000 is -10.04 %
    flagged = analyse([year_2023(), year_2024(revenue=D("2249000"))]).latest
    assert codes(flagged)[FlagCode.REVENUE_DROP] is Severity.WARNING
    assert any(f.message.startswith("Revenue fell by 10.04 %, from 2,500,000.00 to 2,249,000.00")
               for f in flagged.flags)


def test_a_dso_rise_of_exactly_the_threshold_is_not_flagged():
    # 2023 DSO 48.2; receivables 2024 so that DSO = 63.2 (+15.0): 415,562 / 2,400,000 x 365 = 63.20
    assert FlagCode.DSO_INCREASE not in codes(analyse([year_2023(), year_2024(trade_receivables=D("415562"))]).latest)
    # 416,000 / 2,400,000 x 365 = 63.27 -> 63.3: +15.1 days
    assert FlagCode.DSO_INCREASE in codes(analyse([year_2023(), year_2024(trade_receivables=D("416000"))]).latest)


# --------------------------------------------------------------------------- invariants
amounts = st.decimals(min_value=0, max_value=10**9, places=2)
signed = st.decimals(min_value=-10**9, max_value=10**9, places=2)


@st.composite
def statements(draw, year: int | None = None) -> Statements:
    return Statements(
        year_end=date(draw(st.integers(2000, 2030)) if year is None else year, 12, 31),
        months=draw(st.integers(1, 24)),
        equity=draw(signed), provisions=draw(amounts), long_term_debt=draw(amounts), fixed_assets=draw(amounts),
        inventories=draw(amounts), trade_receivables=draw(amounts), other_operating_receivables=draw(amounts),
        cash=draw(amounts), short_term_bank_debt=draw(amounts), trade_payables=draw(amounts),
        tax_social_payables=draw(amounts), total_assets=draw(amounts), revenue=draw(amounts),
        purchases=draw(st.none() | amounts), ebitda=draw(signed), operating_result=draw(signed),
        net_result=draw(signed))


@given(statements())
def test_net_cash_is_frng_minus_bfr_and_the_difference_closes_the_gap(s):
    r = ratios(s)
    assert r.net_cash == r.frng - r.bfr
    assert r.net_cash_from_balances + r.net_cash_difference == r.net_cash


@given(statements())
def test_the_quick_ratio_never_exceeds_the_current_ratio(s):
    r = ratios(s)
    assert (r.quick_ratio is None) == (r.current_ratio is None)
    if r.current_ratio is not None:
        assert r.quick_ratio <= r.current_ratio


@given(st.lists(statements(), min_size=0, max_size=4, unique_by=lambda s: s.year_end))
def test_years_come_out_sorted_and_only_later_years_compare(years):
    analysis = analyse(years)
    ends = [y.year_end for y in analysis.years]
    assert ends == sorted(ends)
    if analysis.years:
        # the first year has no previous one: only level flags
        level = {FlagCode.NEGATIVE_EQUITY, FlagCode.NET_LOSS, FlagCode.NEGATIVE_FRNG, FlagCode.NEGATIVE_NET_CASH}
        assert {f.code for f in analysis.years[0].flags} <= level
        assert all(f.severity is Severity.WARNING for f in analysis.years[0].flags
                   if f.code is not FlagCode.NEGATIVE_EQUITY)


def test_replace_revalidates_statements():
    with pytest.raises(InvalidStatements):
        replace(year_2024(), revenue=D("-1"))
