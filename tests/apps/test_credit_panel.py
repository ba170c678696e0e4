"""The credit panel (encours/risk/panel.py): exposure against the internal and the insurer's limits, the uninsured
part, and the state of the limit; on the customer page and for a sales person's own customer.

Pages read today (D); the ledger is built around it. Amounts in EUR, shown in English (en_GB: €1,234.56).
AT01 "Atelier Tissier", account manager sam; own limit 5,000.00; insured by Atradius (ref. AX-1) up to 2,500.00
  O1 invoice 600.00 due D-20 (not beyond the 30-day tolerance); N1 invoice 3,000.00 due D+25;
  C1 credit note 100.00, not allocated      -> open receivables 600 + 3,000 - 100 = 3,500.00
  PO-1 order 400.00, accepted               -> exposure 3,500 + 400 = 3,900.00
  headroom 5,000 - 3,900 = 1,100.00; uninsured 3,900 - 2,500 = 1,400.00; gauge 3,900 / 5,000 = 78 %
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from encours.accounts.roles import Role
from encours.customers.models import Customer
from encours.risk.models import LimitDecision, OrderState
from encours.risk.orders import place_order
from encours.risk.panel import credit_panel, used_percent
from tests.apps.conftest import make_doc
from tests.apps.test_promise_pages import client_of
from tests.apps.test_web_pages import day, html, make_user, rows

pytestmark = pytest.mark.db


def today():
    return timezone.localdate()


@pytest.fixture
def people(db):
    return {name: make_user(name, role) for name, role in [
        ("carl", Role.CREDIT_MANAGER), ("sam", Role.SALES), ("olga", Role.SALES), ("colette", Role.COLLECTOR)]}


@pytest.fixture
def at(company, people):
    customer = Customer.objects.create(company=company, code="AT01", name="Atelier Tissier",
                                       account_manager=people["sam"], credit_limit=Decimal("5000.00"))
    make_doc(customer, "invoice", "600.00", day(-50), day(-20), number="O1")
    make_doc(customer, "invoice", "3000.00", day(-5), day(25), number="N1")
    make_doc(customer, "credit_note", "100.00", day(-3), number="C1")
    # accepted before the customer is insured: 3,500 + 400 = 3,900 <= 5,000
    assert place_order(customer, "PO-1", Decimal("400.00"), user=people["sam"]).state == OrderState.ACCEPTED
    customer.insurer, customer.insurer_reference, customer.insured_limit = "Atradius", "AX-1", Decimal("2500.00")
    customer.save()
    return customer


def test_the_panel_adds_up_exposure_headroom_and_the_uninsured_part(at):
    p = credit_panel(at, today())
    assert (p["open_receivables"], p["pending_orders"], p["exposure"]) == (
        Decimal("3500.00"), Decimal("400.00"), Decimal("3900.00"))
    assert (p["limit"], p["own_limit"], p["cash_on_order"]) == (Decimal("5000.00"), True, False)
    assert (p["headroom"], p["exceeded_by"], p["used_percent"]) == (Decimal("1100.00"), None, 78)
    assert (p["insured"], p["insured_limit"], p["uninsured"]) == (True, Decimal("2500.00"), Decimal("1400.00"))
    assert (p["overdue_beyond_tolerance"], p["over_tolerance"]) == (Decimal("0.00"), False)
    assert (p["blocked"], p["unblocked_until"], p["review_on"], p["last_decision"]) == (False, None, None, None)


def test_the_customer_page_shows_the_panel_with_a_link_to_the_credit_review(at, people):
    page = html(client_of(people["carl"], language="en").get(f"/customers/{at.pk}/"))
    panel = page.find("section", id="credit-panel")
    assert panel.find(id="credit-exposure").text() == "€3,900.00"
    assert panel.find(id="credit-limit").text() == "€5,000.00"
    assert panel.find(id="credit-limit-source").text() == "the customer's own limit"
    assert panel.find(id="credit-headroom").text() == "€1,100.00"
    assert panel.find(id="credit-uninsured").text() == "€1,400.00"
    assert panel.find(id="credit-insurer").text() == "Atradius AX-1"
    assert panel.find(id="credit-insured-limit").text() == "€2,500.00"
    assert panel.find("progress", id="credit-gauge").attrs["value"] == "78"
    assert panel.find("a", id="credit-review-link").attrs["href"] == f"/customers/{at.pk}/credit/"


def test_a_sales_person_sees_the_panel_of_their_own_customer_only(at, people):
    mine = html(client_of(people["sam"], language="en").get(f"/customers/{at.pk}/"))
    assert mine.find(id="credit-exposure").text() == "€3,900.00"
    assert client_of(people["olga"]).get(f"/customers/{at.pk}/").status_code == 404


def test_the_panel_links_to_what_each_role_may_do(at, people):
    def links(user):
        page = html(client_of(people[user], language="en").get(f"/customers/{at.pk}/"))
        return {a.text(): a.attrs["href"] for a in page.find(id="credit-actions").find_all("a")}

    statements = f"/customers/{at.pk}/statements/"
    assert links("sam") == {"Financial statements": statements, "Check an order": "/orders/?customer=AT01",
                            "Ask for an unblock": f"/customers/{at.pk}/unblock-request/"}
    assert links("carl")["Unblock"] == f"/customers/{at.pk}/unblock/" and len(links("carl")) == 4
    assert links("colette") == {"Financial statements": statements}


def test_a_customer_without_its_own_limit_under_a_zero_default_is_cash_on_order_and_exceeded(company, people):
    # company default limit 0: cash on order; exposure 250.00 -> exceeded by 250.00; not insured
    bare = Customer.objects.create(company=company, code="BR01", name="Sans Limite")
    make_doc(bare, "invoice", "250.00", day(-1), day(29))
    p = credit_panel(bare, today())
    assert (p["limit"], p["own_limit"], p["cash_on_order"]) == (Decimal("0.00"), False, True)
    assert (p["headroom"], p["exceeded_by"], p["used_percent"]) == (Decimal("-250.00"), Decimal("250.00"), 100)
    assert (p["insured"], p["uninsured"]) == (False, None)
    page = html(client_of(people["carl"], language="en").get(f"/customers/{bare.pk}/"))
    assert page.find(id="credit-limit").text() == "Cash on order"
    assert page.find(id="credit-limit-source").text() == "company default"
    assert page.find(id="credit-headroom").text() == "€250.00"
    assert "danger" in page.find(id="credit-headroom").attrs["class"]
    assert page.find(id="credit-insurer").text() == "Not insured"
    assert not page.find_all(id="credit-uninsured")


def test_exposure_within_the_insurer_limit_leaves_nothing_uninsured(company, people):
    # exposure 1,000.00, insurer's limit 1,000.00: uninsured max(1,000 - 1,000, 0) = 0
    c = Customer.objects.create(company=company, code="IN01", name="Assuré", credit_limit=Decimal("800.00"),
                                insured_limit=Decimal("1000.00"))
    make_doc(c, "invoice", "1000.00", day(-1), day(29))
    p = credit_panel(c, today())
    assert (p["uninsured"], p["headroom"], p["exceeded_by"]) == (Decimal("0.00"), Decimal("-200.00"),
                                                                  Decimal("200.00"))


def test_the_panel_says_when_the_review_is_overdue_and_shows_the_last_decision(at, people):
    at.credit_limit_review_on = today() - timedelta(days=1)
    at.save()
    now = timezone.now()
    for decided, recommended, ago in (("4000.00", "4000.00", 2), ("5000.00", "3200.00", 1)):
        LimitDecision.objects.create(customer=at, decided=Decimal(decided), recommended=Decimal(recommended),
                                     reason="x", decided_by=people["carl"], decided_at=now - timedelta(days=ago))
    p = credit_panel(at, today())
    assert p["review_overdue"] is True
    assert p["last_decision"].decided == Decimal("5000.00")  # the newer of the two
    page = html(client_of(people["carl"], language="en").get(f"/customers/{at.pk}/"))
    assert "review overdue" in page.find(id="credit-review").text()
    last = page.find(id="credit-last-decision").text()
    assert last.startswith("€5,000.00 on ") and "by carl" in last and last.endswith("recommended €3,200.00")


def test_the_review_date_of_today_is_not_overdue(at):
    at.credit_limit_review_on = today()
    at.save()
    assert credit_panel(at, today())["review_overdue"] is False


def test_overdue_beyond_the_tolerance_is_shown_in_danger(at, people):
    # 1,500.00 due D-31: beyond the 30 days, and more than the 1,000.00 tolerated
    make_doc(at, "invoice", "1500.00", day(-61), day(-31), number="O2")
    p = credit_panel(at, today())
    assert (p["overdue_beyond_tolerance"], p["over_tolerance"]) == (Decimal("1500.00"), True)
    cells = dict((r[0], r[1]) for r in rows(client_of(people["carl"], language="en").get(f"/customers/{at.pk}/"),
                                             "credit-facts"))
    assert cells["Overdue beyond the tolerance"] == "€1,500.00 (more than 30 days late; tolerated up to €1,000.00)"


def test_a_customer_in_litigation_is_shown_blocked_and_an_unblock_in_force_is_shown(at, people):
    at.status = "litigation"
    at.unblocked_until = today()
    at.save()
    p = credit_panel(at, today())
    assert (p["blocked"], p["unblocked_until"]) == (True, today())
    page = html(client_of(people["carl"], language="en").get(f"/customers/{at.pk}/"))
    assert page.find(id="credit-blocked").text() == "Orders are blocked: In litigation."
    # an unblock that ended yesterday is not shown
    at.unblocked_until = today() - timedelta(days=1)
    at.save()
    assert credit_panel(at, today())["unblocked_until"] is None


@pytest.mark.parametrize(("exposure", "limit", "percent"), [
    ("0", "1000", 0), ("-50", "1000", 0), ("999.99", "1000", 99), ("1000", "1000", 100), ("2500", "1000", 100),
    ("1", "0", 100), ("0", "0", 0),
])
def test_the_gauge_is_a_whole_percentage_from_0_to_100(exposure, limit, percent):
    assert used_percent(Decimal(exposure), Decimal(limit)) == percent
