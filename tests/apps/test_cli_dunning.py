"""`encours dunning run` end to end, in a subprocess, on a demo portfolio."""
import json

from tests.apps.smtp_server import SmtpServer
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


def test_dunning_send_sends_the_waiting_emails_through_smtp_once(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'send.sqlite3'}"
    run(url, "demo", "--customers", "12", "--invoices", "150", "--seed", "3", "--as-of", "2026-06-30", "--no-serve")
    with SmtpServer() as smtp:
        for name, value in {"ENCOURS_SMTP_HOST": "127.0.0.1", "ENCOURS_SMTP_PORT": str(smtp.port),
                            "ENCOURS_SMTP_STARTTLS": "false"}.items():
            monkeypatch.setenv(name, value)
        smtp.recorder.refuse = Everyone()
        refused = run(url, "dunning", "send", "--date", "2026-06-30", "--format", "json", check=False)
        failed = json.loads(refused.stdout)["failed"]
        assert refused.returncode == 1 and failed and smtp.recorder.envelopes == []
        assert all("550" in f["error"] for f in failed)  # the server's answer, kept for the person who retries
        smtp.recorder.refuse = set()
        sent = json.loads(run(url, "dunning", "send", "--date", "2026-06-30", "--format", "json").stdout)
        assert sent == {"sent": len(failed), "failed": []}  # the refused ones stayed to do
        assert len(smtp.recorder.envelopes) == sent["sent"]
        assert all(e.mail_from == "relances@demo-distribution.example" for e in smtp.recorder.envelopes)
        text = run(url, "dunning", "send", "--date", "2026-06-30").stdout
        assert text.startswith("sent 0 e-mails") and len(smtp.recorder.envelopes) == sent["sent"]


class Everyone:
    def __contains__(self, address) -> bool:
        return True
