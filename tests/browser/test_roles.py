"""Each demo user sees the links and opens the pages of their role, and no other; log-in, log-out, throttling."""
import re
import uuid

import pytest
from playwright.sync_api import expect

from encours.accounts.roles import CAPABILITIES, Capability, Role
from tests.browser.conftest import DEMO_CUSTOMERS, DEMO_USERS, french, login, new_context

pytestmark = pytest.mark.browser

NAV = [("/", Capability.VIEW), ("/customers/", Capability.VIEW), ("/ageing/", Capability.VIEW),
       ("/collections/", Capability.COLLECT), ("/collections/promises/", Capability.COLLECT),
       ("/collections/disputes/", Capability.VIEW), ("/orders/", Capability.CHECK_ORDERS),
       ("/credit/", Capability.MANAGE_CREDIT), ("/collections/templates/", Capability.MANAGE_COLLECTIONS),
       ("/imports/", Capability.IMPORT), ("/users/", Capability.MANAGE_USERS)]
PAGES = [
    ("/", Capability.VIEW), ("/customers/", Capability.VIEW), ("/customers/{id}/", Capability.VIEW),
    ("/customers/{id}/edit/", Capability.EDIT_CUSTOMERS), ("/ageing/", Capability.VIEW),
    ("/ageing/items/", Capability.VIEW), ("/imports/", Capability.IMPORT), ("/users/", Capability.MANAGE_USERS),
    ("/users/new/", Capability.MANAGE_USERS), ("/collections/", Capability.COLLECT),
    ("/collections/promises/", Capability.COLLECT), ("/collections/disputes/", Capability.VIEW),
    ("/collections/templates/", Capability.MANAGE_COLLECTIONS), ("/collections/runs/", Capability.MANAGE_COLLECTIONS),
    ("/collections/scenarios/", Capability.MANAGE_COLLECTIONS),
    ("/customers/{id}/statement/", Capability.VIEW), ("/customers/{id}/call/", Capability.COLLECT),
    ("/orders/", Capability.CHECK_ORDERS), ("/credit/", Capability.MANAGE_CREDIT),
    ("/credit/committee/", Capability.MANAGE_CREDIT), ("/credit/statements/import/", Capability.MANAGE_CREDIT),
    ("/customers/{id}/credit/", Capability.VIEW), ("/customers/{id}/statements/", Capability.VIEW),
    ("/customers/{id}/statements/new/", Capability.MANAGE_CREDIT),
]
THROTTLED = "Too many failed log-ins. Wait 15 minutes, or ask an administrator."


def customers_of(server, username: str) -> set[int]:
    return {row[0] for row in server.query(
        "SELECT c.id FROM customers_customer c JOIN auth_user u ON u.id = c.account_manager_id WHERE u.username = ?",
        (username,),
    )}


def a_customer_for(server, username: str) -> int:
    """A customer the user may see: one of their own for a sales person, else the first one."""
    if DEMO_USERS[username] == Role.SALES:
        return min(customers_of(server, username))
    return server.scalar("SELECT min(id) FROM customers_customer")


def listed_customer_ids(page) -> list[int]:
    """The ids of the customers in the list, page after page."""
    ids = []
    while True:
        hrefs = page.locator("#customers tbody a[href^='/customers/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))")
        ids += [int(re.fullmatch(r"/customers/(\d+)/", href).group(1)) for href in hrefs]
        following = page.locator("nav.pagination a[rel=next]")
        if not following.count():
            return ids
        with page.expect_navigation():
            following.click()


@pytest.mark.parametrize("username", list(DEMO_USERS))
def test_each_demo_user_sees_the_links_and_opens_the_pages_of_their_role_only(browser, demo_server, username):
    capabilities = CAPABILITIES[DEMO_USERS[username]]
    context = new_context(browser)
    page = context.new_page()
    response = login(page, demo_server, username)
    assert response.status == 200
    assert page.url == demo_server.url("/")

    links = page.locator("nav.mainnav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert links == [href for href, needed in NAV if needed in capabilities]

    customer = a_customer_for(demo_server, username)
    for pattern, needed in PAGES:
        path = pattern.format(id=customer)
        response = page.goto(demo_server.url(path))
        expected = 200 if needed in capabilities else 403
        assert response.status == expected, f"{username} {path}: {response.status}, expected {expected}"
        if expected == 200:
            expect(page.locator("header.topbar")).to_be_visible()
    # The API's documentation is open to every user with a role; its scripts are served by the app.
    assert page.goto(demo_server.url("/api/docs"), wait_until="domcontentloaded").status == 200
    context.close()


def test_a_sales_person_lists_only_their_customers_and_gets_404_for_another(browser, demo_server):
    own = customers_of(demo_server, "commercial1")
    others = customers_of(demo_server, "commercial2")
    assert own and others and not own & others
    context = new_context(browser)
    page = context.new_page()
    login(page, demo_server, "commercial1")
    page.goto(demo_server.url("/customers/?sort=code"))
    expect(page.locator(".page-head .muted")).to_contain_text(str(len(own)))
    listed = listed_customer_ids(page)
    assert len(listed) == len(set(listed))
    assert set(listed) == own

    assert page.goto(demo_server.url(f"/customers/{min(own)}/")).status == 200
    assert page.goto(demo_server.url(f"/customers/{min(others)}/")).status == 404
    # Nor can the drill-down of the aged balance show another's items.
    page.goto(demo_server.url(f"/ageing/items/?customer={min(others)}"))
    expect(page.locator("#items tbody td.empty")).to_have_count(1)
    context.close()


def test_a_manager_without_scope_lists_every_customer(browser, demo_server):
    context = new_context(browser)
    page = context.new_page()
    login(page, demo_server, "relance1")
    page.goto(demo_server.url("/customers/?sort=code"))
    expect(page.locator(".page-head .muted")).to_contain_text(str(DEMO_CUSTOMERS))
    assert demo_server.scalar("SELECT count(*) FROM customers_customer") == DEMO_CUSTOMERS
    context.close()


def test_the_auditor_has_no_edit_button_and_a_posted_edit_is_refused(browser, demo_server):
    customer = a_customer_for(demo_server, "audit")
    name = demo_server.scalar("SELECT name FROM customers_customer WHERE id = ?", (customer,))
    edit = demo_server.url(f"/customers/{customer}/edit/")

    context = new_context(browser)
    page = context.new_page()
    login(page, demo_server, "credit")  # the credit manager has the button: the check below is not vacuous
    page.goto(demo_server.url(f"/customers/{customer}/"))
    expect(page.locator(f".page-head a[href='/customers/{customer}/edit/']")).to_have_count(1)
    context.close()

    context = new_context(browser)
    page = context.new_page()
    login(page, demo_server, "audit")
    page.goto(demo_server.url(f"/customers/{customer}/"))
    expect(page.locator("#balance")).to_be_visible()
    expect(page.locator("a[href$='/edit/']")).to_have_count(0)
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    response = page.request.post(edit, form={
        "csrfmiddlewaretoken": token, "name": "Renamed by the auditor", "payer_profile": "good", "status": "open",
    }, headers={"Referer": page.url}, max_redirects=0)
    assert response.status == 403
    assert "CSRF" not in response.text()  # refused for the role, not for a missing token
    assert demo_server.scalar("SELECT name FROM customers_customer WHERE id = ?", (customer,)) == name
    context.close()


def test_log_out_ends_the_session(page, demo_server):
    login(page, demo_server, "relance2")
    expect(page.locator("header.topbar")).to_be_visible()
    with page.expect_navigation():
        page.click("form[action='/logout/'] button[type=submit]")
    assert page.url.startswith(demo_server.url("/login/"))
    page.goto(demo_server.url("/customers/"))
    assert page.url.startswith(demo_server.url("/login/?next="))
    expect(page.locator("header.topbar")).to_have_count(0)


def test_a_wrong_password_is_shown_as_an_error(page, demo_server):
    response = login(page, demo_server, "relance2", "not-the-password")
    assert response.status == 200
    assert page.url == demo_server.url("/login/")
    alert = page.locator("form.login [role=alert]")
    expect(alert).to_be_visible()
    expect(alert).not_to_have_text(french(THROTTLED))
    expect(page.locator("header.topbar")).to_have_count(0)


def test_the_sixth_failed_log_in_for_a_user_name_is_throttled(page, demo_server):
    username = f"nobody-{uuid.uuid4().hex[:8]}"  # throw-away: no real user gets locked
    for attempt in range(1, 6):
        response = login(page, demo_server, username, f"guess-{attempt}")
        assert response.status == 200, attempt
        alert = page.locator("form.login [role=alert]")
        expect(alert).to_be_visible()
        expect(alert).not_to_have_text(french(THROTTLED))
    response = login(page, demo_server, username, "guess-6")
    assert response.status == 429
    expect(page.locator("form.login [role=alert]")).to_have_text(french(THROTTLED))
    failures = demo_server.scalar("SELECT count(*) FROM accounts_loginfailure WHERE username = ?", (username,))
    assert failures == 5
