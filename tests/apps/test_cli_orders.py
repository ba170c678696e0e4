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
