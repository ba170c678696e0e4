"""A collector's day, in the browser: the worklist, a reminder e-mail sent through a real SMTP server, a call
that ends with a promise, the invoice paused; then the payment arrives and the promise is kept.

The server runs on its own SQLite file with one customer, so that every figure is known; the e-mail goes
to an SMTP server (aiosmtpd) started by the test. Dates are relative to today, as the worklist is."""
from __future__ import annotations

import json
from datetime import date, timedelta

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
TODAY = date.today()
DUE = TODAY - timedelta(days=5)  # the first reminder (D+3) is due

SETUP = f"""
import django
django.setup()
from datetime import date
from decimal import Decimal
from django.contrib.auth import get_user_model
from encours.customers.models import Company, Contact, Customer
from encours.ledger.models import Document
company = Company.objects.create(name="Créancier SA", siren="732829320", email="relances@creancier.fr",
                                 iban="FR7630006000011234567890189", address="1 rue de la Paix\\n75002 Paris")
customer = Customer.objects.create(company=company, code="C100", name="Client Relance SARL",
                                   collector=get_user_model().objects.get(username="relance"))
Contact.objects.create(customer=customer, name="Service comptable", email="compta@client-relance.fr",
                       phone="01 23 45 67 89")
Document.objects.create(company=company, customer=customer, kind="invoice", number="F-100",
                        document_date=date.fromisoformat("{(DUE - timedelta(days=30)).isoformat()}"),
                        due_date=date.fromisoformat("{DUE.isoformat()}"), amount=Decimal("1500.00"),
                        source_key="inv:F-100")  # as a CSV import keys it
"""



@pytest.fixture(scope="module")
def collections_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("collections")
    with SmtpServer() as smtp:
        environment = {}

        def prepare(env):
            env.update(ENCOURS_SMTP_HOST="127.0.0.1", ENCOURS_SMTP_PORT=str(smtp.port), ENCOURS_SMTP_STARTTLS="false",
                       ENCOURS_DUNNING_AT="off")
            _run(["init"], env)
            _run(["user", "add", "relance", "--role", Role.COLLECTOR.value, "--password-stdin"], env,
                 stdin=PASSWORD + "\n")
            run_django(env, SETUP)
            environment.update(env)

        server = _launch("collections", tmp, prepare)
        server.env, server.smtp, server.tmp = environment, smtp.recorder, tmp
        yield server
        _shut_down(server, tmp)


def dunning_run(server, *args) -> dict:
    return json.loads(_run(["dunning", "run", "--format", "json", *args], server.env))


def test_a_reminder_a_call_with_a_promise_then_the_payment_keeps_the_promise(browser, collections_server):
    server = collections_server
    assert dunning_run(server)["actions_created"] == 1  # the first reminder, by e-mail
    page = new_context(browser).new_page()
    login(page, server, "relance")

    # The worklist: the reminder to send, for the collector's customer.
    page.goto(server.url("/collections/"))
    row = page.locator("#table-send tbody tr", has_text="Client Relance SARL")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("1\u202f500,00\u00a0€")
    screenshot(page, "worklist")
    with page.expect_navigation():
        row.get_by_role("link", name=french("Open")).click()
    expect(page.locator("main")).to_contain_text("F-100")
    with page.expect_navigation():
        page.click("#send")
    expect(page.locator("ul.messages")).to_be_visible()
    expect(page.locator("#table-send tbody")).not_to_contain_text("Client Relance SARL")

    [mail] = server.smtp.messages()
    assert mail["To"] == "compta@client-relance.fr" and "relances@creancier.fr" in mail["From"]
    assert "F-100" in mail.get_body(("plain",)).get_content()

    # The call: the customer promises to pay the invoice in a week.
    page.goto(server.url("/customers/"))
    customer_id = server.scalar("SELECT id FROM customers_customer WHERE code = 'C100'")
    page.goto(server.url(f"/customers/{customer_id}/call/"))
    page.fill("input[name=contact]", "Mme Martin")
    page.check("input[name=outcome][value=promise]")
    page.check(f"#doc-{server.scalar('SELECT id FROM ledger_document WHERE number = ?', ('F-100',))}")
    page.fill("input[name=amount]", "1500.00")
    page.fill("input[name=promised_on]", (TODAY + timedelta(days=7)).isoformat())
    page.fill("textarea[name=notes]", "Virement prévu la semaine prochaine")
    screenshot(page, "call-with-promise")
    with page.expect_navigation():
        page.click("#call-form button[type=submit]")
    assert server.query("SELECT amount, state FROM collections_promise") == [(150000, "pending")]

    # Paused: ten days later the second reminder would be due, but the invoice waits for the promise.
    later = dunning_run(server, "--date", (TODAY + timedelta(days=5)).isoformat(), "--dry-run")
    assert (later["actions_created"], later["paused"]) == (0, 1)
    page.goto(server.url("/collections/promises/"))
    expect(page.locator("main table")).to_contain_text("Client Relance SARL")

    # The payment arrives (the bank file is imported), the run sees the promise kept.
    payments = server.tmp / "payments.csv"
    payments.write_text("customer_code,reference,date,amount,invoice_number\n"
                        f"C100,VIR-1,{TODAY.isoformat()},1500.00,F-100\n")
    _run(["import", "csv", str(payments), "--mapping", "payments"], server.env)
    assert dunning_run(server)["promises_kept"] == 1
    page.goto(server.url("/collections/promises/"))
    expect(page.locator("main")).not_to_contain_text("Client Relance SARL")  # no pending promise left
    page.goto(server.url(f"/customers/{customer_id}/"))
    expect(page.locator("#overdue")).to_have_text("0,00\u00a0€")
    page.goto(server.url("/collections/"))
    expect(page.locator("main")).not_to_contain_text("Client Relance SARL")
    screenshot(page, "worklist-after-payment")
    page.context.close()
