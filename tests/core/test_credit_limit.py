"""The recommended limit: the worked example of docs/credit-risk.md by hand, each cap binding in turn, the
behaviour coefficient, the review date at month and year ends, and the invariants (never above a cap, a
better payment history never lowers it)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encours.core.credit_limit import (
    CapName,
    LimitInputs,
    LimitParameters,
    behaviour_coefficient,
    recommend,
    review_months,
    round_down,
)
from encours.core.scoring import Grade, PaymentHistory, score
from encours.core.solvency import analyse
from tests.core.test_scoring import HISTORY, better, histories
from tests.core.test_solvency import year_2023, year_2024

D = Decimal
ANALYSIS = analyse([year_2023(), year_2024()])
SCORE = score(ANALYSIS, HISTORY)  # 44, grade D (test_scoring)


def inputs(**changes) -> LimitInputs:
    """The worked example's inputs."""
    fields = dict(as_of=date(2025, 5, 15), score=SCORE, history=HISTORY, term_days=60,
                  monthly_sales=D("12345.00"), statements=year_2024(), insurer_limit=D("50000"),
                  own_annual_sales=D("3000000"))
    return LimitInputs(**{**fields, **changes})


def amounts(recommendation) -> dict[CapName, Decimal | None]:
    return {cap.name: cap.amount for cap in recommendation.caps}


# --------------------------------------------------------------------------- the worked example
def test_the_worked_example_recommends_29600_bound_by_the_need():
    r = recommend(inputs())
    assert r.coefficient == D("0.80")  # grade D; paid invoices known, 40 months, oldest overdue 25 days
    assert amounts(r) == {
        CapName.NEED: D("29628.00"),  # 12,345 x (60 + 30) / 30 = 12,345 x 3 = 37,035; x 0.80 = 29,628
        CapName.CUSTOMER_EQUITY: D("40000.00"),  # 10 % of 400,000
        CapName.CUSTOMER_FRNG: D("32000.00"),  # 20 % of 160,000
        CapName.INSURER: D("50000.00"),
        CapName.CONCENTRATION: D("150000.00"),  # 5 % of 3,000,000
    }
    assert r.binding_cap is CapName.NEED
    assert r.limit == D("29600.00")  # 29,628 rounded down to 100
    assert r.review_date == date(2025, 8, 15)  # 60 days = 2 months, + 1 = 3 months after 15 May
    assert r.explanation[-2] == "Recommended limit: the smallest cap, need 29,628.00, rounded down to 100."
    assert "customer_frng: 32,000.00 (20 % of the customer's working capital (FRNG) 160,000.00)." in r.explanation


def test_larger_sales_make_the_customers_working_capital_bind():
    r = recommend(inputs(monthly_sales=D("20000")))  # need 20,000 x 3 x 0.80 = 48,000
    assert (r.binding_cap, r.limit) == (CapName.CUSTOMER_FRNG, D("32000.00"))


# --------------------------------------------------------------------------- each cap
def test_negative_equity_gives_zero_from_the_equity_cap():
    r = recommend(inputs(statements=year_2024(equity=D("-1000"))))
    assert amounts(r)[CapName.CUSTOMER_EQUITY] == D("0.00")
    assert (r.binding_cap, r.limit) == (CapName.CUSTOMER_EQUITY, D("0.00"))
    assert "the customer's equity is negative (-1,000.00)" in " ".join(r.explanation)


def test_negative_frng_gives_zero_from_the_working_capital_cap():
    r = recommend(inputs(statements=year_2024(fixed_assets=D("800000"))))  # FRNG 720,000 - 800,000 = -80,000
    assert amounts(r)[CapName.CUSTOMER_FRNG] == D("0.00")
    assert (r.binding_cap, r.limit) == (CapName.CUSTOMER_FRNG, D("0.00"))


def test_an_insurer_refusing_cover_binds_at_zero():
    r = recommend(inputs(insurer_limit=D("0")))
    assert (r.binding_cap, r.limit) == (CapName.INSURER, D("0.00"))


def test_the_concentration_cap_binds_for_a_small_creditor():
    r = recommend(inputs(own_annual_sales=D("400000")))  # 5 % of 400,000 = 20,000 < 29,628
    assert (r.binding_cap, r.limit) == (CapName.CONCENTRATION, D("20000.00"))


def test_caps_that_cannot_be_computed_are_listed_and_left_out():
    r = recommend(inputs(statements=None, insurer_limit=None, own_annual_sales=None))
    assert amounts(r) == {CapName.NEED: D("29628.00"), CapName.CUSTOMER_EQUITY: None, CapName.CUSTOMER_FRNG: None,
                          CapName.INSURER: None, CapName.CONCENTRATION: None}
    assert (r.binding_cap, r.limit) == (CapName.NEED, D("29600.00"))
    assert "insurer: not computable (no credit-insurer limit)." in r.explanation


def test_with_no_computable_cap_the_default_limit_applies_rounded_down():
    r = recommend(inputs(monthly_sales=None, statements=None, insurer_limit=None, own_annual_sales=None),
                  LimitParameters(default_limit=D("5050")))
    assert (r.binding_cap, r.limit) == (CapName.DEFAULT, D("5000.00"))  # 5,050 down to 100


def test_a_cap_the_company_does_not_use_is_not_computed():
    r = recommend(inputs(monthly_sales=D("20000")), LimitParameters(frng_share=None))
    assert amounts(r)[CapName.CUSTOMER_FRNG] is None
    assert (r.binding_cap, r.limit) == (CapName.CUSTOMER_EQUITY, D("40000.00"))  # need 48,000, equity 40,000


def test_equal_caps_name_the_first_in_order_binding():
    # need 20,000 x 3 x 0.80 = 48,000; 20 % of FRNG 160,000 = 32,000 = the insurer's 32,000: FRNG comes first
    r = recommend(inputs(monthly_sales=D("20000"), insurer_limit=D("32000")))
    assert (r.binding_cap, r.limit) == (CapName.CUSTOMER_FRNG, D("32000.00"))


# --------------------------------------------------------------------------- the behaviour coefficient
@pytest.mark.parametrize("history, expected", [
    (PaymentHistory(average_days_late=D("0"), seniority_months=12), D("1.20")),  # no cap applies
    (PaymentHistory(seniority_months=12), D("1.00")),  # no payment yet: at most 1.00
    (PaymentHistory(average_days_late=D("0"), seniority_months=5), D("0.50")),  # new customer
    (PaymentHistory(average_days_late=D("0"), seniority_months=12, overdue_amount=D("1"), overdue_days_max=60),
     D("1.20")),  # 60 days is not more than 60
    (PaymentHistory(average_days_late=D("0"), seniority_months=12, overdue_amount=D("1"), overdue_days_max=61),
     D("0.50")),
])
def test_the_history_lowers_the_grades_coefficient(history, expected):
    grade_a = replace(SCORE, value=85, grade=Grade.A)  # A: 1.20 before the history's caps
    assert behaviour_coefficient(grade_a, history)[0] == expected


def test_each_grade_has_its_coefficient():
    good = PaymentHistory(average_days_late=D("0"), seniority_months=12)
    expected = {Grade.A: D("1.20"), Grade.B: D("1.10"), Grade.C: D("1.00"), Grade.D: D("0.80"), Grade.E: D("0.50")}
    assert {g: behaviour_coefficient(replace(SCORE, grade=g), good)[0] for g in Grade} == expected


def test_a_new_customer_gets_half_the_need():
    history = replace(HISTORY, seniority_months=3)
    r = recommend(inputs(history=history, score=score(ANALYSIS, history)))
    # 3 months: score 44 - 3 (seniority 40 months) - 4 (up to 5 months) = 37, still D (0.80); new: at most 0.50
    # need 12,345 x 3 x 0.50 = 18,517.50 -> 18,500
    assert r.coefficient == D("0.50")
    assert (r.binding_cap, r.limit) == (CapName.NEED, D("18500.00"))
    assert "new customer (3 months, under 6): at most 0.50" in r.explanation[0]


# --------------------------------------------------------------------------- rounding and review date
def test_round_down_to_the_step():
    assert round_down(D("29628.00"), D("100")) == D("29600.00")
    assert round_down(D("29600.00"), D("100")) == D("29600.00")
    assert round_down(D("99.99"), D("100")) == D("0.00")
    assert round_down(D("29628.00"), D("1000")) == D("29000.00")


@pytest.mark.parametrize("term_days, months", [(0, 1), (30, 2), (45, 3), (60, 3), (61, 4), (90, 4)])
def test_the_review_comes_term_plus_one_month_later(term_days, months):
    assert review_months(term_days) == months


@pytest.mark.parametrize("as_of, term_days, review", [
    (date(2025, 1, 31), 0, date(2025, 2, 28)),  # month end: 31 Jan + 1 month
    (date(2024, 1, 31), 0, date(2024, 2, 29)),  # leap year
    (date(2024, 2, 29), 60, date(2024, 5, 29)),  # from 29 February
    (date(2025, 11, 30), 60, date(2026, 2, 28)),  # across the year end
    (date(2025, 12, 31), 30, date(2026, 2, 28)),  # year end: 31 Dec + 2 months
])
def test_the_review_date_at_month_and_year_ends(as_of, term_days, review):
    assert recommend(inputs(as_of=as_of, term_days=term_days)).review_date == review


# --------------------------------------------------------------------------- validation
def test_impossible_inputs_and_parameters_are_refused():
    with pytest.raises(ValueError, match="term_days"):
        inputs(term_days=400)
    with pytest.raises(ValueError, match="monthly_sales"):
        inputs(monthly_sales=D("-1"))
    with pytest.raises(ValueError, match="insurer_limit"):
        inputs(insurer_limit=50000.0)
    with pytest.raises(ValueError, match="equity_share"):
        LimitParameters(equity_share=D("10"))  # a percent given as 10 instead of 0.10
    with pytest.raises(ValueError, match="better grade"):
        LimitParameters(grade_coefficients=((Grade.A, D("1")), (Grade.B, D("1.1")), (Grade.C, D("1")),
                                            (Grade.D, D("0.8")), (Grade.E, D("0.5"))))
    with pytest.raises(ValueError, match="step"):
        LimitParameters(step=D("0"))


# --------------------------------------------------------------------------- invariants
money = st.decimals(min_value=0, max_value=10**7, places=2)


@st.composite
def limit_inputs(draw, history: PaymentHistory | None = None) -> LimitInputs:
    history = history or draw(histories())
    analysis = draw(st.sampled_from([None, analyse([year_2023()]), ANALYSIS,
                                     analyse([year_2024(equity=D("-5000"), fixed_assets=D("900000"))])]))
    latest = analysis.latest.statements if analysis and analysis.latest else None
    return LimitInputs(as_of=date(2025, 5, 15), score=score(analysis, history), history=history,
                       term_days=draw(st.integers(0, 120)), monthly_sales=draw(st.none() | money),
                       statements=latest, insurer_limit=draw(st.none() | money),
                       own_annual_sales=draw(st.none() | money))


@given(limit_inputs(), st.sampled_from([D("1"), D("100"), D("1000")]))
def test_the_limit_never_exceeds_a_cap_and_is_the_smallest_rounded_down(i, step):
    r = recommend(i, LimitParameters(step=step, default_limit=D("7777")))
    computable = [cap.amount for cap in r.caps if cap.amount is not None]
    assert all(r.limit <= amount for amount in computable)
    assert r.limit >= 0 and r.limit % step == 0
    smallest = min(computable, default=D("7777"))
    assert smallest - step < r.limit <= smallest


@given(st.data())
def test_a_better_payment_history_never_lowers_the_limit(data):
    worse = data.draw(histories())
    good = data.draw(better(worse))
    i = data.draw(limit_inputs(worse))
    good_inputs = replace(i, history=good, score=score(analyse([i.statements]) if i.statements else None, good))
    worse_inputs = replace(i, score=score(analyse([i.statements]) if i.statements else None, worse))
    assert recommend(good_inputs).limit >= recommend(worse_inputs).limit
    assert recommend(good_inputs).coefficient >= recommend(worse_inputs).coefficient
