"""French by default, English through the language selector; amounts written the French way: 1 234,56 €."""
import re
import urllib.request
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import french, french_amount, french_catalogue_compiled, login

pytestmark = pytest.mark.browser

ENGLISH_AMOUNT = re.compile(r"(-)?€(\d{1,3}(?:,\d{3})*)\.(\d{2})")


def english_amount(text: str) -> Decimal:
    match = ENGLISH_AMOUNT.fullmatch(text.strip())
    assert match, f"not an amount in English: {text!r}"
    sign, units, cents = match.groups()
    return Decimal(f"{sign or ''}{units.replace(',', '')}.{cents}")


def test_a_browser_that_states_no_language_gets_french(demo_server):
    request = urllib.request.Request(demo_server.url("/login/"))  # urllib sends no Accept-Language
    with urllib.request.urlopen(request, timeout=30) as response:
        assert '<html lang="fr">' in response.read().decode()


def test_pages_are_in_french_by_default(page, demo_server):
    login(page, demo_server, "admin")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    customers = page.locator("nav.mainnav a[href='/customers/']")
    expect(customers).to_have_text(french("Customers"))
    if french_catalogue_compiled():
        expect(customers).to_have_text("Clients")
        expect(page.locator("nav.mainnav a[href='/ageing/']")).to_have_text("Balance âgée")


def test_the_language_selector_switches_the_pages_to_english_and_back(page, demo_server):
    login(page, demo_server, "admin")
    page.goto(demo_server.url("/ageing/"))
    total_in_french = french_amount(page.locator("#ageing-total").inner_text())

    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.url.startswith(demo_server.url("/ageing/"))  # back on the same page
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("nav.mainnav a[href='/customers/']")).to_have_text("Customers")
    expect(page.locator("h1")).to_have_text("Aged balance")
    assert english_amount(page.locator("#ageing-total").inner_text()) == total_in_french

    page.goto(demo_server.url("/"))  # the choice holds for the next pages
    expect(page.locator("html")).to_have_attribute("lang", "en")
    with page.expect_navigation():
        page.select_option("select[name=language]", "fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")


def test_amounts_are_written_the_french_way(page, demo_server):
    login(page, demo_server, "admin")
    page.goto(demo_server.url("/ageing/"))
    text = page.locator("#ageing-total").inner_text()
    total = french_amount(text)  # 1 234,56 €: U+202F between thousands, U+00A0 before the sign
    assert total >= 1000, text  # so that the thousands separator is there to check
    assert "\u202f" in text and text.endswith("\u00a0€") and " " not in text
    for cell in page.locator("#ageing tbody td.num").all_inner_texts():
        if cell.strip():
            french_amount(cell)
