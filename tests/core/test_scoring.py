"""The score: the worked example of docs/credit-risk.md by hand, band edges, history only, bounds, and the
invariants (range, contributions add up, a better history never lowers the score)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encours.core.scoring import (
    Bands,
    Factor,
    Grade,
    PaymentHistory,
    ScoreParameters,
    explanation,
    grade,
    score,
    score_change,
)
from encours.core.solvency import analyse
from tests.core.test_solvency import year_2023, year_2024

D = Decimal

# The worked example's payment history.
HISTORY = PaymentHistory(average_days_late=D("12"), share_paid_late=D("0.25"), broken_promises_12m=1,
                         open_disputes=0, seniority_months=40, overdue_amount=D("8500.00"), overdue_days_max=25)


def points(s) -> dict[Factor, int]:
    return {c.factor: c.points for c in s.contributions}


# --------------------------------------------------------------------------- the worked example
def test_the_worked_example_scores_44_grade_d():
    s = score(analyse([year_2023(), year_2024()]), HISTORY)
    # 2024: equity ratio 31.75 % (20-35]: +5; margin 2.50 % (2-5]: 0; current ratio 1.30 (1-1.5]: 0;
    # debt / EBITDA 2.93 (1-3]: +2; flags serious -5, warning -2, warning -2 = -9.
    # history: 12 days late (5-15]: 0; 25 % late (10-30 %]: 0; one broken promise: -5; no dispute: 0;
    # 40 months (23-59]: +3; 25 days overdue (0-30]: -2.
    # 50 + 5 + 0 + 0 + 2 - 9 + 0 + 0 - 5 + 0 + 3 - 2 = 44 -> D (35 to 49)
    assert points(s) == {
        Factor.STATEMENTS: 0, Factor.EQUITY_RATIO: 5, Factor.OPERATING_MARGIN: 0, Factor.CURRENT_RATIO: 0,
        Factor.DEBT_TO_EBITDA: 2, Factor.FLAGS: -9, Factor.AVERAGE_DAYS_LATE: 0, Factor.SHARE_PAID_LATE: 0,
        Factor.BROKEN_PROMISES: -5, Factor.OPEN_DISPUTES: 0, Factor.SENIORITY: 3, Factor.OVERDUE: -2}
    assert (s.value, s.grade, s.history_only) == (44, Grade.D, False)
    flags = next(c for c in s.contributions if c.factor is Factor.FLAGS)
    assert flags.why == ("Flags negative_net_cash (serious), operating_margin_drop (warning), dso_increase "
                         "(warning): -5 -2 -2 = -9")
    lines = explanation(s)
    assert lines[0] == "Base: 50" and lines[-1] == "Score: 44 / 100, grade D"
    assert "equity_ratio: +5 (Equity ratio 31.75 %, band > 20 % and ≤ 35 %: +5)" in lines


def test_the_worked_example_a_year_earlier_scored_53_and_the_drop_is_the_flags():
    before = score(analyse([year_2023()]), HISTORY)
    # 2023: equity ratio 33.78 %: +5; margin 5.00 % (the 5 % edge is in (2-5]): 0; current ratio 1.50: 0;
    # debt / EBITDA 1.61: +2; no flag: 0. 50 + 7 - 4 (the same history) = 53 -> C
    assert (before.value, before.grade) == (53, Grade.C)
    change = score_change(before, score(analyse([year_2023(), year_2024()]), HISTORY))
    assert change.change == -9  # 44 - 53
    assert [(m.factor, m.before, m.after) for m in change.moves] == [(Factor.FLAGS, 0, -9)]
    assert change.alert  # grade C -> D, although the fall (9) is under 10 points


def test_a_fall_of_ten_points_within_a_grade_is_an_alert_nine_is_not():
    p = ScoreParameters(base=30)
    before = score(None, PaymentHistory(seniority_months=10), p)  # 30 + 0 (6-23 months) = 30, E
    ten = score(None, PaymentHistory(seniority_months=10, average_days_late=D("20"), open_disputes=2), p)
    # 20 days late (15-30]: -6; two disputes: -4 -> 20, still E
    assert (before.value, ten.value, ten.grade) == (30, 20, Grade.E)
    assert score_change(before, ten).alert
    nine = score(None, PaymentHistory(seniority_months=10, broken_promises_12m=1, open_disputes=2), p)
    # one broken promise -5, two disputes -4 -> 21
    assert nine.value == 21 and not score_change(before, nine).alert
    moves = score_change(before, nine).moves
    assert [(m.factor, m.change) for m in moves] == [(Factor.BROKEN_PROMISES, -5), (Factor.OPEN_DISPUTES, -4)]


# --------------------------------------------------------------------------- without statements
def test_without_statements_the_score_rests_on_the_history_and_says_so():
    for analysis in (None, analyse([])):
        s = score(analysis, HISTORY)
        # 50 + 0 + 0 - 5 + 0 + 3 - 2 = 46
        assert (s.value, s.grade, s.history_only) == (46, Grade.D, True)
        assert s.contributions[0].factor is Factor.STATEMENTS
        assert "payment history alone" in s.contributions[0].why
        assert Factor.EQUITY_RATIO not in points(s)


def test_a_new_customer_without_anything_known_scores_the_base_less_seniority():
    s = score(None, PaymentHistory())
    # no payment yet: 0, 0; no promise, dispute or overdue: 0; seniority 0 months (up to 5): -4 -> 46
    assert s.value == 46
    assert "no invoice paid yet" in next(c.why for c in s.contributions if c.factor is Factor.AVERAGE_DAYS_LATE)


# --------------------------------------------------------------------------- bands and special cases
def test_a_band_includes_its_upper_bound():
    p = ScoreParameters()
    assert p.equity_ratio.points(D("10")) == -8  # (0-10]
    assert p.equity_ratio.points(D("10.01")) == 0  # (10-20]
    assert p.equity_ratio.points(D("0")) == -20
    assert p.equity_ratio.points(D("80")) == 8
    assert p.average_days_late.points(D("-3")) == 8  # paid early
    assert p.broken_promises.points(D("7")) == -12


def test_debt_with_an_ebitda_of_zero_or_less_costs_eight_points():
    s = score(analyse([year_2024(ebitda=D("-20000"))]), HISTORY)
    assert points(s)[Factor.DEBT_TO_EBITDA] == -8
    without_debt = score(analyse([year_2024(ebitda=D("-20000"), long_term_debt=D("0"), short_term_bank_debt=D("0"),
                                            cash=D("180000"))]), HISTORY)
    assert points(without_debt)[Factor.DEBT_TO_EBITDA] == 0


def test_a_ratio_that_cannot_be_computed_scores_nothing_and_says_why():
    s = score(analyse([year_2024(total_assets=D("0"))]), HISTORY)
    equity = next(c for c in s.contributions if c.factor is Factor.EQUITY_RATIO)
    assert (equity.points, equity.why) == (0, "Equity ratio: not computable (no total assets): 0")


def test_the_flags_of_a_year_cost_at_most_twelve_points():
    # 2024 with equity -5,000 and a net loss, after 2023: negative equity (serious -5), net loss (warning -2),
    # FRNG -5,000 + 20,000 + 300,000 - 560,000 = -245,000 turned negative (serious -5), net cash turned negative
    # (serious -5), equity ratio fall, margin fall... = far below -12 -> -12
    s = score(analyse([year_2023(), year_2024(equity=D("-5000"), net_result=D("-80000"))]), HISTORY)
    assert points(s)[Factor.FLAGS] == -12
    assert "at most -12" in next(c.why for c in s.contributions if c.factor is Factor.FLAGS)


def test_the_score_is_kept_within_0_and_100_and_says_by_how_much():
    worst = PaymentHistory(average_days_late=D("200"), share_paid_late=D("1"), broken_promises_12m=5,
                           open_disputes=3, seniority_months=1, overdue_amount=D("1"), overdue_days_max=400)
    s = score(None, worst)
    # 50 - 18 - 8 - 12 - 4 - 4 - 15 = -11 -> 0, bounds +11
    assert s.value == 0 and points(s)[Factor.BOUNDS] == 11 and s.grade is Grade.E
    best = PaymentHistory(average_days_late=D("0"), share_paid_late=D("0"), seniority_months=100)
    high = score(None, best, ScoreParameters(base=95))
    # 95 + 8 + 4 + 5 = 112 -> 100, bounds -12
    assert high.value == 100 and points(high)[Factor.BOUNDS] == -12 and high.grade is Grade.A


@pytest.mark.parametrize("value, expected", [
    (100, Grade.A), (80, Grade.A), (79, Grade.B), (65, Grade.B), (64, Grade.C), (50, Grade.C), (49, Grade.D),
    (35, Grade.D), (34, Grade.E), (0, Grade.E)])
def test_grades_start_at_80_65_50_and_35(value, expected):
    assert grade(value) is expected


# --------------------------------------------------------------------------- parameters and inputs
def test_a_history_table_rewarding_worse_behaviour_is_refused():
    with pytest.raises(ValueError, match="average_days_late: a lower value must never get fewer points"):
        ScoreParameters(average_days_late=Bands.of(("10", 0), (None, 5)))
    with pytest.raises(ValueError, match="seniority_months: a higher value"):
        ScoreParameters(seniority_months=Bands.of((12, 5), (None, 0)))


def test_bad_bands_and_grade_floors_are_refused():
    with pytest.raises(ValueError, match="last band"):
        Bands.of(("10", 0), ("20", 5))
    with pytest.raises(ValueError, match="increase strictly"):
        Bands.of(("10", 0), ("5", 1), (None, 2))
    with pytest.raises(ValueError, match="grade_floors"):
        ScoreParameters(grade_floors=(80, 65, 65, 35))
    with pytest.raises(ValueError, match="flags can only take points away"):
        ScoreParameters(flags_floor=3)


@pytest.mark.parametrize("changes, message", [
    ({"share_paid_late": D("1.5")}, "share_paid_late: a fraction from 0 to 1"),
    ({"average_days_late": 12.0}, "average_days_late: must be a Decimal"),
    ({"broken_promises_12m": -1}, "broken_promises_12m: must be a whole number"),
    ({"overdue_amount": D("-1")}, "overdue_amount: cannot be negative"),
])
def test_an_impossible_payment_history_is_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        PaymentHistory(**changes)


# --------------------------------------------------------------------------- invariants
days = st.decimals(min_value=-30, max_value=400, places=1)
shares = st.decimals(min_value=0, max_value=1, places=2)
counts = st.integers(0, 10)


@st.composite
def histories(draw) -> PaymentHistory:
    return PaymentHistory(
        average_days_late=draw(st.none() | days), share_paid_late=draw(st.none() | shares),
        broken_promises_12m=draw(counts), open_disputes=draw(counts), seniority_months=draw(st.integers(0, 300)),
        overdue_amount=draw(st.decimals(min_value=0, max_value=10**7, places=2)),
        overdue_days_max=draw(st.integers(0, 500)))


@st.composite
def better(draw, h: PaymentHistory) -> PaymentHistory:
    """A history at least as good as ``h`` on every fact (unknown facts stay unknown)."""
    def lower(value, low):
        return None if value is None else draw(st.decimals(min_value=low, max_value=value, places=2))
    return PaymentHistory(
        average_days_late=lower(h.average_days_late, -30), share_paid_late=lower(h.share_paid_late, 0),
        broken_promises_12m=draw(st.integers(0, h.broken_promises_12m)),
        open_disputes=draw(st.integers(0, h.open_disputes)),
        seniority_months=draw(st.integers(h.seniority_months, 400)),
        overdue_amount=lower(h.overdue_amount, 0), overdue_days_max=draw(st.integers(0, h.overdue_days_max)))


analyses = st.sampled_from([None, analyse([year_2023()]), analyse([year_2023(), year_2024()]),
                            analyse([year_2023(), year_2024(equity=D("-5000"), net_result=D("-80000"))])])


@given(analyses, histories())
def test_the_score_stays_within_its_range_and_its_contributions_add_up(analysis, history):
    s = score(analysis, history)
    assert 0 <= s.value <= 100
    assert s.base + sum(c.points for c in s.contributions) == s.value
    assert s.grade is grade(s.value)
    assert score(analysis, history) == s  # deterministic


@given(analyses, st.data())
def test_a_better_payment_history_never_lowers_the_score(analysis, data):
    worse = data.draw(histories())
    good = data.draw(better(worse))
    assert score(analysis, good).value >= score(analysis, worse).value


@given(analyses, histories(), analyses, histories())
def test_the_moves_of_a_score_change_add_up_to_the_change(a1, h1, a2, h2):
    change = score_change(score(a1, h1), score(a2, h2))
    assert sum(m.change for m in change.moves) == change.change
    assert [m.change for m in change.moves] == sorted(m.change for m in change.moves)
