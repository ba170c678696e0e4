"""The credit decision on an order: figures chosen by hand, every reason listed."""
from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encours.core.order_check import Decision, OrderContext, Reason, check_order

TODAY = date(2026, 11, 23)


def ctx(**kw):
    base = dict(open_receivables=D("6000.00"), pending_orders=D("1500.00"), limit=D("10000.00"))
    return OrderContext(**{**base, **kw})


def codes(answer):
    return [code for code, _ in answer.reasons]


def test_an_order_within_the_limit_is_accepted():
    answer = check_order(D("2500.00"), ctx(), TODAY)  # 6000 + 1500 + 2500 = 10000: exactly the limit
    assert (answer.decision, answer.reasons, answer.exposure, answer.exposure_after) == (
        Decision.ACCEPT, [], D("7500.00"), D("10000.00"))


def test_one_cent_over_the_limit_blocks_and_says_by_how_much():
    answer = check_order(D("2500.01"), ctx(), TODAY)
    assert answer.decision is Decision.BLOCK and codes(answer) == [Reason.LIMIT_EXCEEDED]
    assert "by 0.01" in answer.reasons[0][1]
    # 6000 + 1500 + 2500.01 = 10000.01, over 10000 by 0.01
    assert answer.figures == {Reason.LIMIT_EXCEEDED: {"exposure_after": D("10000.01"), "limit": D("10000.00"),
                                                      "excess": D("0.01")}}


def test_credits_never_lower_the_exposure_below_the_pending_orders():
    answer = check_order(D("100.00"), ctx(open_receivables=D("-800.00"), limit=D("1600.00")), TODAY)
    assert (answer.exposure, answer.exposure_after, answer.decision) == (D("1500.00"), D("1600.00"), Decision.ACCEPT)


def test_the_uninsured_part_blocks_even_within_the_internal_limit():
    answer = check_order(D("1000.00"), ctx(insured_limit=D("8000.00")), TODAY)  # 8500 > 8000
    assert codes(answer) == [Reason.INSURED_LIMIT_EXCEEDED] and "by 500.00" in answer.reasons[0][1]
    assert answer.figures[Reason.INSURED_LIMIT_EXCEEDED] == {"exposure_after": D("8500.00"), "limit": D("8000.00"),
                                                             "excess": D("500.00")}


def test_overdue_beyond_the_tolerance_blocks_an_amount_not_a_count_of_invoices():
    small = ctx(overdue_beyond_tolerance_days=D("200.00"), tolerance_amount=D("500.00"), tolerance_days=30)
    assert check_order(D("10.00"), small, TODAY).decision is Decision.ACCEPT
    large = ctx(overdue_beyond_tolerance_days=D("500.01"), tolerance_amount=D("500.00"), tolerance_days=30)
    assert codes(check_order(D("10.00"), large, TODAY)) == [Reason.OVERDUE]
    assert check_order(D("10.00"), large, TODAY).figures == {Reason.OVERDUE: {
        "overdue": D("500.01"), "tolerance_days": 30, "tolerance_amount": D("500.00")}}


def test_every_reason_is_listed():
    answer = check_order(D("5000.00"), ctx(status="blocked", overdue_beyond_tolerance_days=D("900.00"),
                                           tolerance_amount=D("0.00"), insured_limit=D("9000.00")), TODAY)
    assert codes(answer) == [Reason.LIMIT_EXCEEDED, Reason.INSURED_LIMIT_EXCEEDED, Reason.OVERDUE,
                             Reason.BLOCKED_BY_HAND]


def test_an_unblock_lets_orders_through_until_its_expiry_not_after():
    blocked = ctx(status="blocked", unblocked_until=date(2026, 11, 30))
    on_time = check_order(D("5000.00"), blocked, date(2026, 11, 30))
    assert (on_time.decision, on_time.overridden) == (Decision.ACCEPT, True)
    assert codes(on_time) == [Reason.LIMIT_EXCEEDED, Reason.BLOCKED_BY_HAND]  # kept, for the record
    assert check_order(D("5000.00"), blocked, date(2026, 12, 1)).decision is Decision.BLOCK


@pytest.mark.parametrize(("status", "reason"), [("litigation", Reason.LITIGATION),
                                                ("insolvency", Reason.INSOLVENCY)])
def test_no_unblock_passes_litigation_or_insolvency(status, reason):
    answer = check_order(D("1.00"), ctx(status=status, unblocked_until=date(2027, 1, 1)), TODAY)
    assert answer.decision is Decision.BLOCK and codes(answer) == [reason]


@pytest.mark.parametrize("amount", [D("0"), D("-5.00"), D("NaN"), 12.5])
def test_an_order_amount_must_be_a_positive_decimal(amount):
    with pytest.raises(ValueError, match="positive"):
        check_order(amount, ctx(), TODAY)


amounts = st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2)


@given(amounts, amounts, amounts, amounts)
def test_accepted_without_override_means_within_every_limit(amount, open_, pending, limit):
    answer = check_order(amount, OrderContext(open_, pending, limit), TODAY)
    assert answer.accepted == (open_ + pending + amount <= limit)
    assert answer.exposure_after == answer.exposure + amount


@given(amounts, amounts, amounts)
def test_a_larger_order_is_never_accepted_when_a_smaller_one_is_blocked(small, extra, limit):
    context = OrderContext(D("0"), D("0"), limit)
    if not check_order(small, context, TODAY).accepted:
        assert not check_order(small + extra, context, TODAY).accepted
