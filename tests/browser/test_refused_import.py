"""A FEC with a bad amount and a bad date, uploaded on the Imports page: refused with both problems shown as
file:line:field: message, and nothing written."""
import re

import pytest
from playwright.sync_api import expect

from tests.apps.realdata import FEC_FILES
from tests.browser.conftest import login, new_context, screenshot, upload

pytestmark = pytest.mark.browser


def broken_copy(tmp_path):
    """A copy of a real FEC with line 6 (a 411 line) debit '0000000074,7O' and line 12 dated 31 February."""
    source = next(p for p in FEC_FILES if p.name.startswith("111111111"))
    lines = source.read_bytes().split(b"\n")
    header = lines[0].split(b"|")
    for number, column, value in ((6, b"Debit", b"0000000074,7O"), (12, b"EcritureDate", b"20230231")):
        fields = lines[number - 1].split(b"|")
        fields[header.index(column)] = value
        lines[number - 1] = b"|".join(fields)
    path = tmp_path / "111111111FEC20221231-broken.TXT"
    path.write_bytes(b"\n".join(lines))
    return path


def counts(server) -> tuple[int, int, int, int]:
    return tuple(server.scalar(f"SELECT count(*) FROM {table}") for table in
                 ("customers_customer", "ledger_document", "ledger_allocation", "ledger_importbatch"))


def test_a_file_with_a_bad_amount_and_a_bad_date_is_refused_with_both_problems_and_nothing_written(
        browser, import_server, imported, tmp_path):
    path = broken_copy(tmp_path)
    before = counts(import_server)
    assert all(before), before  # the real files are there: a partial write would show
    context = new_context(browser)
    page = context.new_page()
    login(page, import_server, "compta")

    assert upload(page, import_server, path) == "refused"
    problems = page.locator("ol.problems li").all_inner_texts()
    assert problems == [
        f"{path.name}:6:Debit: not a number: '0000000074,7O'",
        f"{path.name}:12:EcritureDate: not a date in AAAAMMJJ: '20230231'",
    ]
    assert all(re.fullmatch(r"[^:]+:\d+:\w+: .+", p) for p in problems)
    screenshot(page, "09-import-refused")
    assert counts(import_server) == before

    page.goto(import_server.url("/imports/"))
    row = page.locator("#import-jobs tbody tr", has=page.locator(f"a:text-is('{path.name}')"))
    expect(row.locator(".status-refused")).to_have_count(1)
    expect(row.locator("td").last).to_have_text("2")
    context.close()
