"""The unblock story, in the browser: a sales person checks an order above the customer's limit (blocked, with
the reason), records it (on hold: the credit manager is e-mailed by the worker), asks for an unblock; the
credit manager grants it from the queue until today; the sales person's next order passes under the unblock;
once the unblock has run out, the same order is blocked again.

The server and its worker run on their own SQLite file with one customer, so that every figure is known; the
e-mail goes to an SMTP server (aiosmtpd) started by the test.
C200 "Client Crédit SARL": limit 1,000.00; invoice 900.00 not due -> exposure 900.00
  an order of 250.00: 900 + 250 = 1,150.00 > 1,000.00 by 150.00 -> blocked
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from encours.accounts.roles import Role
from tests.apps.smtp_server import SmtpServer
from tests.browser.conftest import (
    PASSWORD,
    _launch,
    _run,
    _shut_down,
    french,
    login,
    new_context,
    run_django,
    screenshot,
)

pytestmark = pytest.mark.browser
# The server's today: pages and the credit check read the local date of Europe/Paris (settings.TIME_ZONE).
TODAY = datetime.now(ZoneInfo("Europe/Paris")).date()
EUR = "\u00a0€"
THOUSANDS = "\u202f"

SETUP = f"""
import django
django.setup()
from datetime import date
from decimal import Decimal
from django.contrib.auth import get_user_model
from encours.customers.models import Company, Customer
from encours.ledger.models import Document
company = Company.objects.create(name="Créancier SA", siren="732829320")
customer = Customer.objects.create(company=company, code="C200", name="Client Crédit SARL",
                                   account_manager=get_user_model().objects.get(username="vendeur"),
                                   credit_limit=Decimal("1000.00"))
Document.objects.create(company=company, customer=customer, kind="invoice", number="F-200",
                        document_date=date.fromisoformat("{(TODAY - timedelta(days=5)).isoformat()}"),
                        due_date=date.fromisoformat("{(TODAY + timedelta(days=25)).isoformat()}"),
                        amount=Decimal("900.00"), source_key="inv:F-200")
"""



@pytest.fixture(scope="module")
def credit_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("credit")
    with SmtpServer() as smtp:
        environment = {}

        def prepare(env):
            env.update(ENCOURS_SMTP_HOST="127.0.0.1", ENCOURS_SMTP_PORT=str(smtp.port), ENCOURS_SMTP_STARTTLS="false",
                       ENCOURS_DUNNING_AT="off")
            _run(["init"], env)
            _run(["user", "add", "vendeur", "--role", Role.SALES.value, "--password-stdin"], env, stdin=PASSWORD + "\n")
            _run(["user", "add", "credit", "--role", Role.CREDIT_MANAGER.value, "--email", "credit@creancier.fr",
                  "--password-stdin"], env, stdin=PASSWORD + "\n")
            run_django(env, SETUP)
            environment.update(env)

        server = _launch("credit", tmp, prepare)
        server.env, server.smtp = environment, smtp.recorder
        yield server
        _shut_down(server, tmp)


def fill_order(page, server, amount: str, reference: str = "") -> None:
    page.goto(server.url("/orders/"))
    page.fill("input[name=customer]", "C200")
    page.fill("input[name=amount]", amount)
    page.fill("input[name=reference]", reference)


def check(page, server, amount: str) -> None:
    fill_order(page, server, amount)
    with page.expect_navigation():
        page.click("#check")


def record(page, server, amount: str, reference: str) -> None:
    fill_order(page, server, amount, reference)
    with page.expect_navigation():
        page.click("#record")


def wait_for_mail(smtp, count: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while len(smtp.envelopes) < count:
        assert time.monotonic() < deadline, "the worker sent no e-mail"
        time.sleep(0.1)  # polling a condition: the worker looks at its queue every 0.2 s


def test_a_blocked_order_an_unblock_granted_from_the_queue_then_its_expiry(browser, credit_server):
    server = credit_server
    sales = new_context(browser).new_page()
    login(sales, server, "vendeur")

    # "Can this order be accepted?" 900 + 250 = 1,150 > 1,000: blocked, by 150.00; nothing is recorded.
    check(sales, server, "250.00")
    expect(sales.locator("#decision")).to_have_text(french("Blocked"))
    reasons = sales.locator("#reasons li")
    expect(reasons).to_have_count(1)
    for amount in (f"1{THOUSANDS}150,00{EUR}", f"1{THOUSANDS}000,00{EUR}", f"150,00{EUR}"):
        expect(reasons).to_contain_text(amount)
    expect(sales.locator("#exposure")).to_have_text(f"900,00{EUR}")
    screenshot(sales, "order-check-blocked")
    assert server.scalar("SELECT COUNT(*) FROM risk_order") == 0

    # Recorded: on hold, and the credit manager is told by e-mail (sent by the worker).
    record(sales, server, "250.00", "PO-200")
    expect(sales.locator("#order-state")).to_have_text(french("On hold"))
    assert server.query("SELECT state FROM risk_order WHERE reference = 'PO-200'") == [("on_hold",)]
    wait_for_mail(server.smtp, 1)
    [mail] = server.smtp.messages()
    assert mail["To"] == "credit@creancier.fr" and "C200" in mail.get_content() and "/credit/" in mail.get_content()

    # The sales person asks for an unblock from the order's page.
    sales.fill("#ask-unblock textarea[name=reason]", "Commande de fin d'année, client fidèle")
    with sales.expect_navigation():
        sales.click("#ask-unblock button[type=submit]")
    assert server.query("SELECT state, reason FROM risk_unblockrequest") == [
        ("pending", "Commande de fin d'année, client fidèle")]

    # The credit manager sees the request in the queue and grants it until today (the order is released too).
    manager = new_context(browser).new_page()
    login(manager, server, "credit")
    manager.goto(server.url("/credit/"))
    expect(manager.locator("#pending-count")).to_have_text("(1)")
    expect(manager.locator("#on-hold-count")).to_have_text("(1)")
    request = manager.locator("#pending-requests tbody tr", has_text="Client Crédit SARL")
    expect(request).to_contain_text("Commande de fin d'année, client fidèle")
    request.locator("input[name=valid_until]").fill(TODAY.isoformat())
    request.locator("input[name=reason]").fill("Accord du directeur financier")
    screenshot(manager, "credit-queue")
    with manager.expect_navigation():
        request.locator("button[value=grant]").click()
    expect(manager.locator("#pending-count")).to_have_text("(0)")
    expect(manager.locator("#on-hold-count")).to_have_text("(0)")
    assert server.query("SELECT state FROM risk_unblockrequest") == [("granted",)]
    assert server.query("SELECT unblocked_until FROM customers_customer WHERE code = 'C200'") == [
        (TODAY.isoformat(),)]
    assert server.query("SELECT state FROM risk_order WHERE reference = 'PO-200'") == [("accepted",)]
    manager.context.close()

    # The next order passes, under the unblock: 900 + 250 (PO-200, released) + 250 = 1,400 > 1,000.
    record(sales, server, "250.00", "PO-201")
    expect(sales.locator("#order-state")).to_have_text(french("Accepted"))
    expect(sales.locator(".page-head")).to_contain_text(french("under an unblock"))
    assert server.query("SELECT state, overridden FROM risk_order WHERE reference = 'PO-201'") == [("accepted", 1)]

    # The next day the unblock has run out. The server's clock cannot be moved, so the unblock's end is moved
    # back instead, through the ORM: until yesterday is, for the check, what "until today" is tomorrow.
    run_django(server.env, f"""
import django
django.setup()
from datetime import date
from encours.customers.models import Customer
Customer.objects.filter(code="C200").update(unblocked_until=date.fromisoformat("{(TODAY - timedelta(days=1))}"))
""")
    check(sales, server, "250.00")
    expect(sales.locator("#decision")).to_have_text(french("Blocked"))
    # 900 + 250 + 250 = 1,400 before this order; 1,650 with it
    expect(sales.locator("#exposure")).to_have_text(f"1{THOUSANDS}400,00{EUR}")
    expect(sales.locator("#exposure-after")).to_have_text(f"1{THOUSANDS}650,00{EUR}")
    screenshot(sales, "order-check-blocked-again")
    sales.context.close()
