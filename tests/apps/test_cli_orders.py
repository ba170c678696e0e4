"""`encours order check` end to end, in a subprocess: the JSON answer, and exit code 2 on a malformed request."""
import json

from tests.apps.test_cli import run


def test_order_check_answers_in_json_and_refuses_malformed_requests(tmp_path):
    url = f"sqlite:///{tmp_path / 'orders.sqlite3'}"
    customers = tmp_path / "customers.csv"
    customers.write_text("code,name,kind\nC9,Client Neuf,business\n")
    run(url, "init")
    run(url, "import", "csv", str(customers), "--mapping", "customers")
    # a new customer has the company's default limit, 0: cash on order until reviewed
    answer = json.loads(run(url, "order", "check", "--customer", "C9", "--amount", "120.50", "--format",
                            "json").stdout)
    assert answer["decision"] == "block" and (answer["exposure"], answer["limit"]) == ("0.00", "0.00")
    assert [r["code"] for r in answer["reasons"]] == ["limit_exceeded"]
    assert "by 120.50" in answer["reasons"][0]["message"]
    recorded = json.loads(run(url, "order", "check", "--customer", "C9", "--amount", "120.50", "--record", "PO-1",
                              "--format", "json").stdout)
    assert (recorded["decision"], recorded["state"], recorded["order"]) == ("block", "on_hold", "PO-1")
    text = run(url, "order", "check", "--customer", "C9", "--amount", "10").stdout
    assert text.startswith("BLOCK: exposure 0.00 -> 10.00, limit 0.00")
    for args, message in ((["--customer", "C9", "--amount", "-3"], "more than zero"),
                          (["--customer", "C9", "--amount", "douze"], "not an amount"),
                          (["--customer", "NOPE", "--amount", "3"], "no customer")):
        refused = run(url, "order", "check", *args, "--format", "json", check=False)
        assert refused.returncode == 2 and message in refused.stderr and refused.stdout == ""


def test_credit_review_opens_each_case_once_and_prints_them(customer):
    """C1: limit 1,000.00, invoice 1,500.00 open (exposure 1,500.00 > 1,000.00): one "limit exceeded" case; the
    invoice is due 2026-06-20, 10 days before the review (not beyond the 30 days' tolerance): no overdue case."""
    from decimal import Decimal

    from click.testing import CliRunner

    from encours.cli import main
    from encours.risk.models import CommitteeCase
    from tests.apps.conftest import make_doc

    customer.credit_limit = Decimal("1000.00")
    customer.save()
    make_doc(customer, "invoice", "1500.00", "2026-05-21", "2026-06-20")
    first = CliRunner().invoke(main, ["credit", "review", "--date", "2026-06-30", "--format", "json"])
    assert first.exit_code == 0, first.output
    opened = json.loads(first.output)["opened"]
    assert [(c["kind"], c["customer"]) for c in opened] == [("limit_exceeded", "C1")]
    again = CliRunner().invoke(main, ["credit", "review", "--date", "2026-06-30"])
    assert again.exit_code == 0 and again.output.startswith("0 case(s) opened on 2026-06-30")
    assert CommitteeCase.objects.count() == 1
    bad = CliRunner().invoke(main, ["credit", "review", "--date", "30/06/2026"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
