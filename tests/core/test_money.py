from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encours.core.money import (
    CurrencyMismatch,
    Money,
    cents_to_decimal,
    decimal_to_cents,
    parse_amount,
    to_cents,
)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0.125", "0.13"),  # exactly half a cent: up
        ("0.124", "0.12"),
        ("2.675", "2.68"),  # the float 2.675 is 2.67499..., the Decimal is exact
        ("-0.125", "-0.13"),  # half away from zero, not towards +infinity
        ("-0.124", "-0.12"),
        ("7", "7.00"),
    ],
)
def test_to_cents_rounds_half_away_from_zero(amount, expected):
    result = to_cents(Decimal(amount))
    assert result == Decimal(expected)
    assert str(result) == expected  # always two places


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234,50", "1234.50"),
        ("0000000074,70", "74.70"),  # FEC zero-padded amount
        ("-12,3", "-12.3"),
        ("1 234,50", "1234.50"),
        ("1\u00a0234,50", "1234.50"),  # non-breaking space as thousands separator
        ("  42 ", "42"),
    ],
)
def test_parse_amount_reads_french_amounts(text, expected):
    assert parse_amount(text) == Decimal(expected)


def test_parse_amount_reads_a_decimal_point_when_asked():
    assert parse_amount("1234.50", decimal_comma=False) == Decimal("1234.50")


@pytest.mark.parametrize("text", ["", "   ", "-", ",", "abc", "12,5,0", "1.234,50", "12a", "NaN", "Infinity", "1e"])
def test_parse_amount_refuses_junk_with_a_value_error_quoting_it(text):
    with pytest.raises(ValueError, match="not a number"):
        parse_amount(text)


def test_decimal_to_cents_gives_integer_hundredths():
    # 12.34 EUR = 1234 cents; -0.05 EUR = -5 cents; a trailing zero is not a sub-cent amount
    assert decimal_to_cents(Decimal("12.34")) == 1234
    assert decimal_to_cents(Decimal("-0.05")) == -5
    assert decimal_to_cents(Decimal("12.340")) == 1234


def test_decimal_to_cents_refuses_a_sub_cent_amount_instead_of_rounding_it():
    with pytest.raises(ValueError, match="more than two decimal places"):
        decimal_to_cents(Decimal("12.345"))


def test_cents_to_decimal_gives_two_places():
    assert str(cents_to_decimal(1234)) == "12.34"
    assert str(cents_to_decimal(-5)) == "-0.05"


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_cents_survive_a_round_trip_through_decimal(cents):
    assert decimal_to_cents(cents_to_decimal(cents)) == cents


def test_money_in_different_currencies_cannot_be_added_subtracted_or_compared():
    eur, usd = Money(Decimal("10.00"), "EUR"), Money(Decimal("10.00"), "USD")
    with pytest.raises(CurrencyMismatch, match="EUR and USD"):
        eur + usd
    with pytest.raises(CurrencyMismatch):
        eur - usd
    with pytest.raises(CurrencyMismatch):
        eur < usd


def test_money_adds_and_subtracts_in_the_same_currency():
    # 10.00 + 2.50 = 12.50; 10.00 - 2.50 = 7.50
    a, b = Money(Decimal("10.00")), Money(Decimal("2.50"))
    assert a + b == Money(Decimal("12.50"))
    assert a - b == Money(Decimal("7.50"))
    assert b < a


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        Money(12.5)
    with pytest.raises(TypeError):
        Money(Decimal("1")) * 1.5


def test_money_prints_rounded_to_the_cent_with_its_currency():
    # 12.345 -> 12.35 (half up)
    assert str(Money(Decimal("12.345"), "EUR")) == "12.35 EUR"
