"""The four real FEC files imported through the Imports page by the accountant: the worker runs each import,
and the pages then show every customer's 411 balance, computed here from the file without the reader."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.apps.realdata import FEC_FILES, fec_411_balances
from tests.browser.conftest import french_amount, login, new_context

pytestmark = pytest.mark.browser


def expected_balances() -> tuple[dict[str, Decimal], date]:
    """Every customer's 411 balance over the four files (their account codes differ), and the last date."""
    balances, latest = {}, "00000000"
    for path in FEC_FILES:
        of_file, last = fec_411_balances(path)
        assert not set(of_file) & set(balances), f"{path.name} shares customer codes with another file"
        balances |= of_file
        latest = max(latest, last)
    return balances, date(int(latest[:4]), int(latest[4:6]), int(latest[6:]))


@pytest.fixture
def compta(browser, import_server, imported):
    context = new_context(browser)
    page = context.new_page()
    login(page, import_server, "compta")
    yield page
    context.close()


def test_each_import_page_shows_its_summary(compta, import_server, imported):
    for name, url in imported.items():
        compta.goto(url)
        expect(compta.locator("#job-status")).to_have_class(re.compile(r"\bstatus-done\b"))
        summary = compta.locator("#import-summary")
        expect(summary).to_be_visible()
        created = summary.locator("tr").nth(1).locator("td").inner_text()  # documents created
        assert int(re.sub(r"\D", "", created)) > 0, name
    compta.goto(import_server.url("/imports/"))
    listed = compta.locator("#import-jobs tbody a").all_inner_texts()
    assert set(p.name for p in FEC_FILES) <= set(listed)


def test_the_customer_list_shows_each_customer_s_411_balance(compta, import_server, imported):
    expected, _latest = expected_balances()
    compta.goto(import_server.url("/customers/?sort=code"))
    shown = {}
    while True:
        for row in compta.locator("#customers tbody tr").all():
            cells = row.locator("td").all_inner_texts()
            code = cells[0].strip()
            assert code not in shown, f"{code} listed twice"
            shown[code] = french_amount(cells[5])
        following = compta.locator("nav.pagination a[rel=next]")
        if not following.count():
            break
        with compta.expect_navigation():
            following.click()
    assert set(shown) <= set(expected)
    for code, balance in expected.items():
        assert shown.get(code, Decimal("0.00")) == balance, code
    stored = import_server.scalar("SELECT count(*) FROM customers_customer")
    assert len(shown) == stored


def test_customer_pages_show_the_411_balance(compta, import_server, imported):
    expected, _latest = expected_balances()
    ids = dict(import_server.query("SELECT code, id FROM customers_customer"))
    # In each file the customer owing most, and every customer in credit.
    codes = set()
    for path in FEC_FILES:
        of_file, _ = fec_411_balances(path)
        codes.add(max(of_file, key=of_file.get))
        codes |= {code for code, balance in of_file.items() if balance < 0}
    for code in sorted(codes):
        response = compta.goto(import_server.url(f"/customers/{ids[code]}/"))
        assert response.status == 200, f"/customers/{ids[code]}/ ({code}): {response.status}"
        assert french_amount(compta.locator("#balance").inner_text()) == expected[code], code


def test_the_aged_balance_after_the_last_entry_totals_the_411_balances(compta, import_server, imported):
    expected, latest = expected_balances()
    as_of = latest + timedelta(days=1)
    compta.goto(import_server.url(f"/ageing/?as_of={as_of.isoformat()}"))
    expect(compta.locator("input[name=as_of]")).to_have_value(as_of.isoformat())
    assert french_amount(compta.locator("#ageing-total").inner_text()) == sum(expected.values())
