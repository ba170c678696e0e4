"""`encours interest`: the JSON contract and the refusals (exit code 2). Needs no database."""
import json

import pytest
from click.testing import CliRunner

from encours.cli import main

EXAMPLE = ["interest", "--amount", "10000.00", "--due", "2025-05-15", "--paid", "2025-08-14"]


def run(*args):
    return CliRunner().invoke(main, [*args])


def test_the_reference_example_in_json_splits_by_half_year():
    # 46 days at 13.15 % + 45 days at 12.15 %: 60,490 / 365 + 54,675 / 365 = 115,165 / 365 = 315.520… -> 315.52
    result = run(*EXAMPLE, "--kind", "business", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "interest": "315.52",
        "indemnity": "40.00",
        "periods": [
            {"from": "2025-05-16", "to": "2025-06-30", "days": 46, "rate": "13.15"},
            {"from": "2025-07-01", "to": "2025-08-14", "days": 45, "rate": "12.15"},
        ],
    }


def test_frozen_keeps_the_first_rate_for_the_whole_delay():
    # 10,000 × 0.1315 × 91 / 365 = 119,665 / 365 = 327.849… -> 327.85
    answer = json.loads(run(*EXAMPLE, "--kind", "business", "--frozen", "--format", "json").output)
    assert answer["interest"] == "327.85"
    assert answer["periods"] == [{"from": "2025-05-16", "to": "2025-08-14", "days": 91, "rate": "13.15"}]


def test_a_contractual_rate_in_percent_is_raised_to_the_floor():
    # --rate 12 in 2024 H1: floor 3 × 5.07 = 15.21 %; 29 days on 36,500 = 29 × 15.21 = 441.09
    answer = json.loads(run("interest", "--amount", "36500", "--due", "2024-02-15", "--paid", "2024-03-15",
                            "--kind", "business", "--rate", "12", "--format", "json").output)
    assert answer["interest"] == "441.09"
    assert [p["rate"] for p in answer["periods"]] == ["15.21"]


def test_a_consumer_with_a_formal_notice_owes_interest_but_no_indemnity():
    # 10 days × 3.71 + 45 days × 2.76 on 36,500 = 37.10 + 124.20 = 161.30
    answer = json.loads(run("interest", "--amount", "36500", "--due", "2025-05-15", "--paid", "2025-08-14",
                            "--kind", "consumer", "--formal-notice", "2025-06-20", "--format", "json").output)
    assert (answer["interest"], answer["indemnity"]) == ("161.30", "0.00")


def test_an_insolvent_debtor_owes_no_indemnity():
    answer = json.loads(run(*EXAMPLE, "--kind", "public", "--insolvent", "--format", "json").output)
    assert answer["indemnity"] == "0.00"


def test_the_table_shows_the_periods_and_the_totals():
    result = run(*EXAMPLE, "--kind", "business")
    assert result.exit_code == 0, result.output
    assert "165.73" in result.output and "149.79" in result.output
    assert "interest: 315.52 EUR" in result.output
    assert "recovery indemnity: 40.00 EUR" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--amount", "100", "--due", "2025-05-15", "--paid", "2025-05-14", "--kind", "business"], "before the due"),
        (["--amount", "100", "--due", "2025-05-15", "--paid", "2025-06-14", "--kind", "company"], "company"),
        (["--amount", "12,5,0", "--due", "2025-05-15", "--paid", "2025-06-14", "--kind", "business"], "not a number"),
        (["--amount", "-100", "--due", "2025-05-15", "--paid", "2025-06-14", "--kind", "business"], "negative"),
        (["--amount", "100", "--due", "2025-02-30", "--paid", "2025-06-14", "--kind", "business"], "YYYY-MM-DD"),
        (["--amount", "100", "--due", "2025-05-15", "--paid", "2025-06-14", "--kind", "business", "--rate", "x"],
         "not a number"),
        (["--amount", "100", "--due", "2025-05-15", "--paid", "2025-06-14", "--kind", "public", "--rate", "12"],
         "business customers only"),
        (["--amount", "100", "--due", "2026-06-15", "--paid", "2026-07-14", "--kind", "business"], "2026 H2"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_exit_code_2(args, message):
    result = run("interest", *args, "--format", "json")
    assert result.exit_code == 2
    assert message in result.output
