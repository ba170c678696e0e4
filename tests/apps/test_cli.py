"""The `encours` command end to end, in a subprocess, on its own database (SQLite file or PostgreSQL)."""
import csv
import io
import json
import os
import subprocess
import sys
import uuid
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.apps.realdata import FEC_FILES, fec_411_balances

ENCOURS = [sys.executable, "-m", "encours.cli"]


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    url = os.environ.get("ENCOURS_DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path_factory.mktemp('cli') / 'cli.sqlite3'}"
        return
    import psycopg

    base, _, _ = url.rpartition("/")
    name = f"encours_cli_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{base}/{name}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(database_url, *args, check=True):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(ENCOURS_DATABASE_URL=database_url, ENCOURS_DEBUG="false")
    env.pop("ENCOURS_SECRET_KEY", None)
    result = subprocess.run([*ENCOURS, *map(str, args)], capture_output=True, text=True, env=env, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}")
    return result


@pytest.fixture(scope="module")
def loaded(database_url):
    run(database_url, "init")
    path = next(p for p in FEC_FILES if p.name.startswith("111111111"))
    result = run(database_url, "import", "fec", path, "--format", "json")
    return database_url, path, json.loads(result.stdout)


def test_terms_due_date_answers_in_json_with_the_legal_warning():
    result = run("sqlite:///unused.sqlite3", "terms", "due-date", "--terms", "net:75", "--invoice-date",
                 "2025-01-31", "--kind", "business", "--format", "json")
    answer = json.loads(result.stdout)
    # 31 Jan 2025 + 75 days = 16 Apr 2025 (28 in Feb, 31 in Mar: 75 - 28 - 31 = 16)
    assert answer["due_date"] == "2025-04-16"
    assert len(answer["warnings"]) == 1 and "L441-10" in answer["warnings"][0]


def test_terms_due_date_refuses_an_unknown_code_with_exit_code_2():
    result = run("sqlite:///unused.sqlite3", "terms", "due-date", "--terms", "net:abc", "--invoice-date",
                 "2025-01-31", check=False)
    assert result.returncode == 2
    assert "net:abc" in result.stderr


def test_import_reports_what_it_created(loaded):
    _, _, summary = loaded
    assert summary["documents_created"] > 0 and summary["customers_created"] > 0


def test_ageing_json_follows_the_contract_and_matches_the_file(loaded):
    database_url, path, _ = loaded
    expected, _ = fec_411_balances(path)
    answer = json.loads(run(database_url, "ageing", "--as-of", "2024-03-31", "--format", "json").stdout)
    assert answer["as_of"] == "2024-03-31" and answer["currency"] == "EUR"
    assert [b["label"] for b in answer["buckets"]] == ["not_due", "1-30", "31-60", "61-90", "over_90"]
    assert Decimal(answer["total"]) == sum(expected.values())
    assert Decimal(answer["total"]) == sum(Decimal(b["amount"]) for b in answer["buckets"])
    assert Decimal(answer["overdue"]) == Decimal(answer["total"]) - Decimal(answer["buckets"][0]["amount"])
    for customer in answer["customers"]:
        assert set(customer) == {"id", "code", "name", "total", "buckets"}
        assert Decimal(customer["total"]) == expected[customer["code"]]
        assert [b["label"] for b in customer["buckets"]] == [b["label"] for b in answer["buckets"]]


def test_ageing_with_other_buckets_and_csv_and_xlsx_exports(loaded, tmp_path):
    database_url, path, _ = loaded
    expected, _ = fec_411_balances(path)
    text = run(database_url, "ageing", "--as-of", "2024-03-31", "--buckets", "45,90", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["code", "name", "not_due", "1-45", "46-90", "over_90", "total"]
    assert rows[-1][0] == "TOTAL" and Decimal(rows[-1][-1]) == sum(expected.values())
    target = tmp_path / "aged.xlsx"
    run(database_url, "ageing", "--as-of", "2024-03-31", "--format", "xlsx", "--output", target)
    sheet = load_workbook(target).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == "Code" and values[-1][0] == "TOTAL"
    assert Decimal(str(values[-1][-1])) == sum(expected.values())


def test_bad_arguments_exit_with_code_2(loaded):
    database_url, _, _ = loaded
    assert run(database_url, "ageing", "--as-of", "2024-02-30", check=False).returncode == 2
    assert run(database_url, "ageing", "--as-of", "2024-02-01", "--buckets", "60,30", check=False).returncode == 2


def test_kpi_json_has_every_figure(loaded):
    database_url, _, _ = loaded
    answer = json.loads(run(database_url, "kpi", "--as-of", "2023-12-31", "--format", "json").stdout)
    for key in ("outstanding", "overdue", "overdue_rate", "dso_accounting", "dso_countback", "top5_share",
                "top10_share"):
        assert key in answer
    assert Decimal(answer["top5_share"]) <= Decimal(answer["top10_share"]) <= 100


def test_a_refused_file_exits_2_lists_every_problem_and_writes_nothing(loaded, tmp_path):
    database_url, path, _ = loaded
    before = run(database_url, "ageing", "--as-of", "2030-01-01", "--format", "json").stdout
    lines = path.read_bytes().split(b"\n")
    lines[5] = lines[5].replace(b"0000000074,70", b"00000000x4,70")
    lines[9] = lines[9].replace(b"20230118", b"2023011", 1)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\n".join(lines))
    result = run(database_url, "import", "fec", bad, check=False)
    assert result.returncode == 2
    assert "bad.txt:6:Debit" in result.stderr
    assert "bad.txt:10:EcritureDate" in result.stderr
    assert run(database_url, "ageing", "--as-of", "2030-01-01", "--format", "json").stdout == before


def test_reimporting_the_same_file_changes_nothing(loaded):
    database_url, path, _ = loaded
    before = run(database_url, "ageing", "--as-of", "2030-01-01", "--format", "json").stdout
    result = run(database_url, "import", "fec", path, "--format", "json")
    assert json.loads(result.stdout)["already_imported"] is True
    assert run(database_url, "ageing", "--as-of", "2030-01-01", "--format", "json").stdout == before


def test_demo_loads_a_portfolio_without_serving(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    result = run(url, "demo", "--customers", "30", "--invoices", "400", "--seed", "5", "--as-of", "2026-06-30",
                 "--no-serve")
    assert "admin" in result.stdout
    answer = json.loads(run(url, "kpi", "--as-of", "2026-06-30", "--format", "json").stdout)
    assert Decimal(answer["outstanding"]) > 0
    # the next day, `encours demo` keeps the portfolio it loaded
    again = run(url, "demo", "--customers", "30", "--invoices", "400", "--seed", "5", "--as-of", "2026-07-01",
                "--no-serve")
    assert "nothing added" in again.stdout
    assert json.loads(run(url, "kpi", "--as-of", "2026-06-30", "--format", "json").stdout) == answer
