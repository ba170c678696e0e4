from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encours.core.calendar import end_of_month
from encours.core.records import CustomerKind
from encours.core.terms import (
    DEFAULT_TERMS,
    InvalidTerms,
    PaymentTerms,
    TermsKind,
    TermsWarning,
    legal_warnings,
)

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
terms_values = st.one_of(
    st.just(PaymentTerms(TermsKind.CASH)),
    st.builds(
        PaymentTerms,
        st.sampled_from([TermsKind.NET, TermsKind.DAYS_EOM, TermsKind.EOM_DAYS]),
        st.integers(min_value=0, max_value=365),
    ),
    st.builds(
        PaymentTerms,
        st.just(TermsKind.EOM_DAY),
        st.integers(min_value=0, max_value=365),
        st.integers(min_value=1, max_value=31),
    ),
)


def due(code: str, invoice_date: date) -> date:
    return PaymentTerms.parse(code).due_date(invoice_date)


# --- the reference table (legal reference, section 1.1) ---------------------------------------------


@pytest.mark.parametrize(
    ("invoice_date", "method_a", "method_b", "net_60"),
    [
        # A: 15 Jan + 45 = 1 Mar -> 31 Mar. B: 31 Jan + 45 = 17 Mar. 60: 15 Jan + 60 = 16 Mar
        (date(2025, 1, 15), date(2025, 3, 31), date(2025, 3, 17), date(2025, 3, 16)),
        # A: 5 Oct + 45 = 19 Nov -> 30 Nov. B: 31 Oct + 45 = 15 Dec. 60: 5 Oct + 26 = 31 Oct, + 30 = 30 Nov, + 4 = 4 Dec
        (date(2025, 10, 5), date(2025, 11, 30), date(2025, 12, 15), date(2025, 12, 4)),
        # A: 22 Oct + 45 = 6 Dec -> 31 Dec. B: 31 Oct + 45 = 15 Dec. 60: 22 Oct + 9 = 31 Oct, + 30 = 30 Nov, + 21 = 21 Dec
        (date(2025, 10, 22), date(2025, 12, 31), date(2025, 12, 15), date(2025, 12, 21)),
    ],
)
def test_due_dates_match_the_reference_table(invoice_date, method_a, method_b, net_60):
    assert due("days_eom:45", invoice_date) == method_a
    assert due("eom_days:45", invoice_date) == method_b
    assert due("net:60", invoice_date) == net_60


def test_days_end_of_month_adds_days_then_goes_to_month_end():
    # 15 Jan + 45 days = 1 Mar; end of March = 31 Mar
    assert due("days_eom:45", date(2026, 1, 15)) == date(2026, 3, 31)


# --- each kind at month end, 29 February and year end ------------------------------------------------


@pytest.mark.parametrize(
    ("code", "invoice_date", "expected"),
    [
        ("cash", date(2025, 1, 31), date(2025, 1, 31)),
        ("cash", date(2024, 2, 29), date(2024, 2, 29)),
        ("cash", date(2025, 12, 31), date(2025, 12, 31)),
        # 31 Jan + 28 = 28 Feb, + 2 = 2 Mar
        ("net:30", date(2025, 1, 31), date(2025, 3, 2)),
        # 29 Feb + 1 = 1 Mar, + 30 = 30 Mar
        ("net:30", date(2024, 2, 29), date(2024, 3, 30)),
        # 31 Dec + 1 = 1 Jan
        ("net:1", date(2025, 12, 31), date(2026, 1, 1)),
        # 31 Dec + 31 = 31 Jan, + 28 = 28 Feb, + 1 = 1 Mar
        ("net:60", date(2025, 12, 31), date(2026, 3, 1)),
        # 31 Jan + 30 = 2 Mar -> 31 Mar
        ("days_eom:30", date(2025, 1, 31), date(2025, 3, 31)),
        # 2024: 15 Jan + 16 = 31 Jan, + 29 = 29 Feb -> end of February is 29 Feb (2025 gives 31 Mar)
        ("days_eom:45", date(2024, 1, 15), date(2024, 2, 29)),
        # 29 Feb + 0 = 29 Feb, its own month end
        ("days_eom:0", date(2024, 2, 29), date(2024, 2, 29)),
        # 31 Dec + 31 = 31 Jan, + 14 = 14 Feb -> 28 Feb
        ("days_eom:45", date(2025, 12, 31), date(2026, 2, 28)),
        # end of January 31 Jan + 30 = 2 Mar
        ("eom_days:30", date(2025, 1, 31), date(2025, 3, 2)),
        # 2024: 31 Jan + 29 = 29 Feb, + 16 = 16 Mar (2025 gives 17 Mar)
        ("eom_days:45", date(2024, 1, 15), date(2024, 3, 16)),
        # 29 Feb is already the month end: + 1 = 1 Mar, + 29 = 30 Mar
        ("eom_days:30", date(2024, 2, 29), date(2024, 3, 30)),
        # 31 Dec + 31 = 31 Jan, + 14 = 14 Feb
        ("eom_days:45", date(2025, 12, 20), date(2026, 2, 14)),
        # 15 Jan + 45 = 1 Mar -> 31 Mar -> 10 April
        ("eom_day:45:10", date(2025, 1, 15), date(2025, 4, 10)),
        # 31 Jan + 0 -> 31 Jan -> the 31st of February is clamped to 28 Feb
        ("eom_day:0:31", date(2025, 1, 31), date(2025, 2, 28)),
        # same in a leap year: 29 Feb
        ("eom_day:0:31", date(2024, 1, 15), date(2024, 2, 29)),
        # 29 Feb + 0 -> 29 Feb -> 31 Mar exists
        ("eom_day:0:31", date(2024, 2, 29), date(2024, 3, 31)),
        # 10 Mar -> 31 Mar -> 31 April is clamped to 30 Apr
        ("eom_day:0:31", date(2025, 3, 10), date(2025, 4, 30)),
        # 15 Dec + 30 = 14 Jan -> 31 Jan -> 10 Feb
        ("eom_day:30:10", date(2025, 12, 15), date(2026, 2, 10)),
        # 10 Dec + 0 -> 31 Dec -> 5 Jan of the next year
        ("eom_day:0:5", date(2025, 12, 10), date(2026, 1, 5)),
    ],
)
def test_due_date_follows_the_terms_at_month_ends_leap_days_and_year_ends(code, invoice_date, expected):
    assert due(code, invoice_date) == expected


@given(terms_values, dates)
def test_a_due_date_is_never_before_the_invoice_date(terms, invoice_date):
    assert terms.due_date(invoice_date) >= invoice_date


@given(st.integers(min_value=0, max_value=365), dates)
def test_days_end_of_month_always_falls_on_a_month_end(n, invoice_date):
    result = PaymentTerms(TermsKind.DAYS_EOM, n).due_date(invoice_date)
    assert result == end_of_month(result)
    assert result - invoice_date >= timedelta(days=n)


# --- parsing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("cash", PaymentTerms(TermsKind.CASH)),
        ("net:30", PaymentTerms(TermsKind.NET, 30)),
        ("net:0", PaymentTerms(TermsKind.NET, 0)),
        ("net:365", PaymentTerms(TermsKind.NET, 365)),
        ("days_eom:45", PaymentTerms(TermsKind.DAYS_EOM, 45)),
        ("eom_days:45", PaymentTerms(TermsKind.EOM_DAYS, 45)),
        ("eom_day:30:10", PaymentTerms(TermsKind.EOM_DAY, 30, 10)),
        (" Days_EOM : 45 ", PaymentTerms(TermsKind.DAYS_EOM, 45)),
        ("NET:30", PaymentTerms(TermsKind.NET, 30)),
        ("\tCASH\n", PaymentTerms(TermsKind.CASH)),
        ("EOM_DAY: 30 :10", PaymentTerms(TermsKind.EOM_DAY, 30, 10)),
    ],
)
def test_parse_reads_codes_whatever_the_case_and_spaces(code, expected):
    assert PaymentTerms.parse(code) == expected


@pytest.mark.parametrize(
    ("code", "complaint"),
    [
        ("", "expected one of"),
        ("net30", "expected one of"),
        ("30 jours", "expected one of"),
        ("net", "expected net:N"),
        ("net:30:5", "expected net:N"),
        ("cash:0", "expected cash"),
        ("eom_day:30", "expected eom_day:N:D"),
        ("net:-1", "whole number"),
        ("net:+5", "whole number"),
        ("net:3.5", "whole number"),
        ("net:", "whole number"),
        ("net:thirty", "whole number"),
        ("net:366", "between 0 and 365"),
        ("eom_day:30:0", "between 1 and 31"),
        ("eom_day:30:32", "between 1 and 31"),
    ],
)
def test_parse_refuses_anything_else_naming_the_code_and_the_fault(code, complaint):
    with pytest.raises(InvalidTerms, match=complaint) as caught:
        PaymentTerms.parse(code)
    assert repr(code) in str(caught.value)
    assert caught.value.code == code


def test_invalid_terms_is_a_value_error():
    assert issubclass(InvalidTerms, ValueError)


@pytest.mark.parametrize(
    "build",
    [
        lambda: PaymentTerms(TermsKind.CASH, 5),
        lambda: PaymentTerms(TermsKind.NET, 366),
        lambda: PaymentTerms(TermsKind.NET, -1),
        lambda: PaymentTerms(TermsKind.NET, 30, 10),
        lambda: PaymentTerms(TermsKind.EOM_DAY, 30),
        lambda: PaymentTerms("net", 30),
    ],
)
def test_the_constructor_refuses_what_parse_refuses(build):
    with pytest.raises(InvalidTerms):
        build()


@given(terms_values)
def test_the_code_parses_back_to_the_same_terms(terms):
    assert PaymentTerms.parse(terms.code) == terms


def test_the_default_terms_are_30_days_net():
    # C. com. L441-10 I: 30 days when nothing is agreed
    assert DEFAULT_TERMS.code == "net:30"
    assert DEFAULT_TERMS.due_date(date(2025, 1, 31)) == date(2025, 3, 2)  # 31 Jan + 28 = 28 Feb, + 2 = 2 Mar


# --- description -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "french", "english"),
    [
        ("cash", "paiement comptant", "cash payment"),
        ("net:30", "30 jours net", "net 30 days"),
        ("net:1", "1 jour net", "net 1 day"),
        ("days_eom:45", "45 jours fin de mois", "45 days end of month"),
        ("eom_days:45", "fin de mois + 45 jours", "end of month + 45 days"),
        (
            "eom_day:30:10",
            "30 jours fin de mois, le 10 du mois suivant",
            "30 days end of month, on the 10th of the following month",
        ),
        (
            "eom_day:45:1",
            "45 jours fin de mois, le 1er du mois suivant",
            "45 days end of month, on the 1st of the following month",
        ),
        ("eom_day:0:22", "0 jour fin de mois, le 22 du mois suivant", "0 days end of month, on the 22nd of the following month"),
        ("eom_day:0:13", "0 jour fin de mois, le 13 du mois suivant", "0 days end of month, on the 13th of the following month"),
    ],
)
def test_describe_puts_the_terms_in_words(code, french, english):
    terms = PaymentTerms.parse(code)
    assert terms.describe() == french
    assert terms.describe("fr") == french
    assert terms.describe("en") == english


def test_describe_refuses_an_unknown_language():
    with pytest.raises(ValueError, match="'de'"):
        DEFAULT_TERMS.describe("de")


# --- legal warnings: businesses (C. com. L441-10 I) -----------------------------------------------


def warnings_for(code: str, kind: CustomerKind | None, invoice_date: date) -> list[TermsWarning]:
    return legal_warnings(PaymentTerms.parse(code), kind, invoice_date)


@pytest.mark.parametrize(
    ("code", "invoice_date"),
    [
        ("net:60", date(2025, 1, 31)),  # exactly 60 days is allowed
        ("net:60", date(2024, 2, 29)),
        ("net:60", date(2025, 12, 31)),
        # 45 days end of month may end beyond 60 days: 15 Jan -> 31 Mar (60 days: 16 Mar)
        ("days_eom:45", date(2025, 1, 15)),
        # method B too: 5 Oct -> 15 Dec (60 days: 4 Dec)
        ("eom_days:45", date(2025, 10, 5)),
        # leap day, method B: 29 Feb is the month end, + 45 = 14 Apr (60 days: 29 Apr)
        ("eom_days:45", date(2024, 2, 29)),
        # year end: 31 Dec + 45 = 14 Feb 2026 -> 28 Feb (60 days: 1 Mar)
        ("days_eom:45", date(2025, 12, 31)),
        # N > 45 but within 60 days: 1 Jan + 46 = 16 Feb -> 28 Feb (60 days: 2 Mar)
        ("days_eom:46", date(2025, 1, 1)),
        # eom_day beyond 60 days but not after method A: 15 Jan + 30 = 14 Feb -> 28 Feb -> 20 Mar;
        # 60 days: 16 Mar; method A: 31 Mar
        ("eom_day:30:20", date(2025, 1, 15)),
    ],
)
def test_business_terms_within_60_days_or_45_days_end_of_month_raise_no_warning(code, invoice_date):
    assert warnings_for(code, CustomerKind.BUSINESS, invoice_date) == []


@pytest.mark.parametrize(
    ("code", "invoice_date", "excess"),
    [
        # 15 Jan + 61 = 17 Mar; 60 days = 16 Mar: 1 day over
        ("net:61", date(2025, 1, 15), "1 day"),
        # 29 Feb + 61 = 30 Apr (1 Mar = +1, 31 Mar = +31, 30 Apr = +61); 60 days = 29 Apr: 1 day over
        ("net:61", date(2024, 2, 29), "1 day"),
        # 31 Jan + 90 = 1 May; 60 days = 1 Apr: 30 days over
        ("net:90", date(2025, 1, 31), "30 days"),
        # 31 Dec + 90 = 31 Mar 2026; 60 days = 1 Mar 2026: 30 days over
        ("net:90", date(2025, 12, 31), "30 days"),
    ],
)
def test_net_terms_over_60_days_break_l441_10_and_say_by_how_much(code, invoice_date, excess):
    [warning] = warnings_for(code, CustomerKind.BUSINESS, invoice_date)
    assert warning.rule == "C. com. L441-10 I"
    assert f"is {excess} beyond the 60-day maximum" in warning.message


def test_end_of_month_terms_over_45_days_and_beyond_60_days_break_l441_10():
    # 31 Jan + 60 = 1 Apr -> 30 Apr. 60 days: 1 Apr, so 29 days over.
    # Method A: 31 Jan + 45 = 17 Mar -> 31 Mar, so 30 days over.
    [warning] = warnings_for("days_eom:60", CustomerKind.BUSINESS, date(2025, 1, 31))
    assert warning.rule == "C. com. L441-10 I"
    assert "2025-04-30 is 29 days beyond the 60-day maximum" in warning.message
    assert "30 days beyond 45 days end of month (2025-03-31)" in warning.message


def test_method_b_over_45_days_is_measured_against_method_b():
    # 31 Jan + 60 = 1 Apr (+28 = 28 Feb, +31 = 31 Mar, +1). 60 days from 15 Jan: 16 Mar, so 16 days over.
    # Method B: 31 Jan + 45 = 17 Mar, so 15 days over.
    [warning] = warnings_for("eom_days:60", CustomerKind.BUSINESS, date(2025, 1, 15))
    assert "2025-04-01 is 16 days beyond the 60-day maximum" in warning.message
    assert "15 days beyond 45 days end of month (2025-03-17)" in warning.message


def test_days_end_of_month_over_45_warns_even_when_it_lands_on_the_45_day_date():
    # 15 Jan + 46 = 2 Mar -> 31 Mar, the same date as 45 days end of month, but N = 46 > 45;
    # 60 days = 16 Mar: 15 days over
    [warning] = warnings_for("days_eom:46", CustomerKind.BUSINESS, date(2025, 1, 15))
    assert "15 days beyond the 60-day maximum" in warning.message
    assert "46 days is more than the 45 days end of month alternative allows" in warning.message


def test_eom_day_after_method_a_and_after_60_days_warns_in_a_leap_year():
    # 5 Jan 2024 + 30 = 4 Feb -> 29 Feb -> 10 Mar.
    # 60 days: 5 Jan + 26 = 31 Jan, + 29 = 29 Feb, + 5 = 5 Mar, so 5 days over.
    # Method A: 5 Jan + 45 = 19 Feb -> 29 Feb, so 10 days over.
    [warning] = warnings_for("eom_day:30:10", CustomerKind.BUSINESS, date(2024, 1, 5))
    assert "2024-03-10 is 5 days beyond the 60-day maximum from the invoice date (2024-03-05)" in warning.message
    assert "10 days beyond 45 days end of month (2024-02-29)" in warning.message


def test_an_unclassified_customer_is_checked_as_a_business():
    assert warnings_for("net:61", None, date(2025, 1, 15)) == warnings_for("net:61", CustomerKind.BUSINESS, date(2025, 1, 15))


@given(st.integers(min_value=0, max_value=365), dates)
def test_business_net_terms_warn_exactly_when_over_60_days(n, invoice_date):
    assert bool(legal_warnings(PaymentTerms(TermsKind.NET, n), CustomerKind.BUSINESS, invoice_date)) == (n > 60)


@given(st.sampled_from([TermsKind.DAYS_EOM, TermsKind.EOM_DAYS]), st.integers(min_value=0, max_value=45), dates)
def test_business_end_of_month_terms_up_to_45_days_never_warn(kind, n, invoice_date):
    assert legal_warnings(PaymentTerms(kind, n), CustomerKind.BUSINESS, invoice_date) == []


# --- legal warnings: public buyers (CCP R2192-10) and consumers ------------------------------------


@pytest.mark.parametrize("invoice_date", [date(2025, 1, 31), date(2024, 2, 29), date(2025, 12, 31)])
def test_public_buyers_allow_30_days(invoice_date):
    assert warnings_for("net:30", CustomerKind.PUBLIC, invoice_date) == []


@pytest.mark.parametrize(
    ("code", "invoice_date", "excess"),
    [
        # 31 Jan + 31 = 3 Mar; 30 days = 2 Mar: 1 day over
        ("net:31", date(2025, 1, 31), "1 day"),
        # 29 Feb + 45 = 14 Apr; 30 days = 30 Mar: 15 days over
        ("net:45", date(2024, 2, 29), "15 days"),
        # 15 Dec + 30 = 14 Jan -> 31 Jan 2026; 30 days = 14 Jan: 17 days over
        ("days_eom:30", date(2025, 12, 15), "17 days"),
    ],
)
def test_public_buyer_terms_over_30_days_break_r2192_10_and_name_the_longer_caps(code, invoice_date, excess):
    [warning] = warnings_for(code, CustomerKind.PUBLIC, invoice_date)
    assert warning.rule == "CCP R2192-10"
    assert f"is {excess} beyond the 30-day maximum" in warning.message
    assert "R2192-11" in warning.message
    assert "health establishments (50 days)" in warning.message
    assert "public undertakings (60 days)" in warning.message


def test_a_public_buyer_does_not_get_the_business_warning_as_well():
    # net:90 breaks both caps; the public buyer is only under the CCP
    [warning] = warnings_for("net:90", CustomerKind.PUBLIC, date(2025, 1, 15))
    assert warning.rule == "CCP R2192-10"


@given(terms_values, dates)
def test_consumers_never_get_a_warning(terms, invoice_date):
    assert legal_warnings(terms, CustomerKind.CONSUMER, invoice_date) == []


@given(st.sampled_from([CustomerKind.BUSINESS, CustomerKind.PUBLIC, CustomerKind.CONSUMER, None]), dates)
def test_cash_never_warns(kind, invoice_date):
    assert legal_warnings(PaymentTerms.parse("cash"), kind, invoice_date) == []
