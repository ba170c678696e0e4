"""`encours dunning run` end to end, in a subprocess, on a demo portfolio."""
import json

from tests.apps.test_cli import run

KEYS = {"date", "actions_created", "customers", "items", "paused", "promises_kept", "promises_broken", "dry_run"}


def test_the_daily_run_reports_in_json_and_a_second_run_creates_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'dunning.sqlite3'}"
    run(url, "demo", "--customers", "30", "--invoices", "400", "--seed", "5", "--as-of", "2026-06-30",
        "--no-serve")
    # the demo ran its day's dunning already: a run that day creates nothing
    text = run(url, "dunning", "run", "--date", "2026-06-30").stdout
    assert text.startswith("2026-06-30: created 0 actions for 0 customers")
    dry = json.loads(run(url, "dunning", "run", "--date", "2026-07-20", "--dry-run", "--format", "json").stdout)
    assert set(dry) == KEYS and dry["dry_run"] is True and dry["date"] == "2026-07-20"
    assert dry["actions_created"] > 0 and dry["items"] >= dry["actions_created"] >= dry["customers"] > 0
    first = json.loads(run(url, "dunning", "run", "--date", "2026-07-20", "--format", "json").stdout)
    assert {k: v for k, v in first.items() if k != "dry_run"} == {k: v for k, v in dry.items() if k != "dry_run"}
    again = json.loads(run(url, "dunning", "run", "--date", "2026-07-20", "--format", "json").stdout)
    assert (again["actions_created"], again["items"]) == (0, 0)


def test_a_bad_date_is_refused_with_a_message(tmp_path):
    result = run(f"sqlite:///{tmp_path / 'x.sqlite3'}", "dunning", "run", "--date", "2026-02-30", check=False)
    assert result.returncode == 2 and "2026-02-30" in result.stderr
