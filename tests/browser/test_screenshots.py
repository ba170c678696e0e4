"""Screenshots at 1440×900 of the main pages of the demo, for people to look at (var/artifacts/screenshots/).

The import result and the refused import are taken by the import tests. Each page must open, show its table
and fit the width of the window."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser


def fits_the_window(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_screenshots_of_the_main_pages(page, demo_server):
    page.goto(demo_server.url("/login/"))
    expect(page.locator("form.login")).to_be_visible()
    screenshot(page, "01-login")

    login(page, demo_server, "admin")
    expect(page.locator(".chart svg")).to_be_visible()
    expect(page.locator("#top-overdue tbody tr").first).to_be_visible()
    assert fits_the_window(page), "home"
    screenshot(page, "02-home")

    page.goto(demo_server.url("/customers/?sort=-overdue"))
    expect(page.locator("#customers tbody tr")).to_have_count(50)
    assert fits_the_window(page), "customers"
    screenshot(page, "03-customers")

    page.locator("#customers tbody tr").first.locator("a").click()
    expect(page.locator("#open-items tbody tr").first).to_be_visible()
    assert fits_the_window(page), "customer"
    screenshot(page, "04-customer")

    page.goto(demo_server.url("/ageing/"))
    expect(page.locator("#ageing-total")).to_be_visible()
    assert fits_the_window(page), "ageing"
    screenshot(page, "05-ageing")

    page.locator("#ageing tr.totals a").last.click()  # the items of the oldest bucket
    expect(page.locator("#items tbody tr").first).to_be_visible()
    assert page.url.startswith(demo_server.url("/ageing/items/"))
    assert fits_the_window(page), "drill-down"
    screenshot(page, "06-ageing-items")

    page.goto(demo_server.url("/users/"))
    expect(page.locator("#users tbody tr")).to_have_count(8)
    assert fits_the_window(page), "users"
    screenshot(page, "10-users")


def test_screenshots_of_the_credit_pages(page, demo_server):
    """The demo's credit file: orders on hold and unblock requests, the committee's first review, and a customer
    with three years of statements (the first one listed in the committee's queue that has some)."""
    login(page, demo_server, "credit")
    page.goto(demo_server.url("/credit/"))
    expect(page.locator("#orders-on-hold tbody tr")).to_have_count(2)
    expect(page.locator("#pending-requests tbody tr")).to_have_count(2)
    if not fits_the_window(page):
        screenshot(page, "20-credit-queue-overflow")
    assert fits_the_window(page), "credit queue"
    screenshot(page, "20-credit-queue")

    page.goto(demo_server.url("/credit/committee/"))
    expect(page.locator("#cases tbody tr").first).to_be_visible()
    assert fits_the_window(page), "committee"
    screenshot(page, "21-committee")
    page.locator("#cases tbody tr").first.locator("a").first.click()
    expect(page.locator("form textarea[name=note]")).to_be_visible()
    assert fits_the_window(page), "committee case"
    screenshot(page, "22-committee-case")

    page.goto(demo_server.url("/orders/"))
    expect(page.locator("input[name=amount]")).to_be_visible()
    screenshot(page, "23-orders")


def test_screenshots_of_a_customer_credit_file(page, demo_server):
    login(page, demo_server, "credit")
    page.goto(demo_server.url("/customers/?sort=-total"))
    page.locator("#customers tbody tr").first.locator("a").click()
    expect(page.locator("#credit-panel")).to_be_visible()
    page.locator("#credit-review-link").click()
    expect(page.locator("#limit-caps tbody tr").first).to_be_visible()
    assert fits_the_window(page), "credit review"
    screenshot(page, "24-credit-review")
    page.locator("a[href$='/statements/']").first.click()
    expect(page.locator("h1")).to_be_visible()
    assert "/statements/" in page.url
    assert fits_the_window(page), "statements"
    screenshot(page, "25-statements")
