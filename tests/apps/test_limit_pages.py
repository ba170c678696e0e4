"""The credit review page (customers/<pk>/credit/): the score with its explanation, the payment history, the
recommended limit with every cap, accepting it or setting another limit with a reason, the decision history;
who may do what.

Pages read today (D); the ledger is built around it. Amounts in EUR, shown in English (en_GB: €1,234.56).
KL01 "Kiosque Lemoine", account manager sam; company terms net:30; insured by Atradius up to 2,500.00;
the company's own annual sales unknown.
  F0 invoice   300.00 of D-400, due D-370, paid D-370: the first invoice; settled before the 12 months
  S1 invoice 1,200.00 of D-100, due D-70, paid on D-70: 0 days late
  O1 invoice   600.00 of D-50, due D-20: open, 20 days late
  N1 invoice 3,000.00 of D-5, due D+25: open, not due
Payment history: average 0.0 days late, share paid late 0.00, no broken promise, no dispute,
  seniority 13 months (400 days: 13 months are at most 397 days, 14 at least 424), overdue 600.00, oldest 20 days.
Score (no statements): 50 + 8 (average <= 0) + 4 (share <= 0.10) + 0 + 0 + 0 (13 months in 6-23) - 2 (1-30 days)
  = 60 -> grade C, coefficient 1.00.
Monthly sales: 1,200 + 600 + 3,000 = 4,800.00 dated in the 12 months / 12 = 400.00.
Caps: need 400.00 x (30 + 30) / 30 x 1.00 = 800.00; equity and FRNG not computable (no statements);
  insurer 2,500.00; concentration not computable (own sales unknown). Recommended: 800.00 (need), review D + 2 months.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from encours.accounts.roles import Role
from encours.core.calendar import add_months
from encours.customers.models import Customer
from encours.history.models import Event
from encours.risk.models import FinancialStatement, LimitDecision
from tests.apps.conftest import make_doc
from tests.apps.test_assessment import STATEMENTS
from tests.apps.test_promise_pages import client_of
from tests.apps.test_web_pages import allocate, day, html, make_user, rows

pytestmark = pytest.mark.db


def today():
    return timezone.localdate()


def en_date(d) -> str:
    return d.strftime("%d/%m/%Y")  # en_GB short date


@pytest.fixture
def people(db):
    return {name: make_user(name, role) for name, role in [
        ("ada", Role.ADMIN), ("carl", Role.CREDIT_MANAGER), ("colette", Role.COLLECTOR), ("sam", Role.SALES),
        ("olga", Role.SALES), ("audrey", Role.AUDITOR)]}


@pytest.fixture
def kl(company, people):
    customer = Customer.objects.create(company=company, code="KL01", name="Kiosque Lemoine",
                                       account_manager=people["sam"], insurer="Atradius",
                                       insured_limit=Decimal("2500.00"))
    for name, amount, dated, due in [("F0", "300.00", -400, -370), ("S1", "1200.00", -100, -70)]:
        invoice = make_doc(customer, "invoice", amount, day(dated), day(due), number=name)
        allocate(invoice, make_doc(customer, "payment", amount, day(due)), amount, day(due))
    make_doc(customer, "invoice", "600.00", day(-50), day(-20), number="O1")
    make_doc(customer, "invoice", "3000.00", day(-5), day(25), number="N1")
    return customer


def url(customer) -> str:
    return f"/customers/{customer.pk}/credit/"


def facts(page, dl_id: str) -> dict[str, str]:
    dl = page.find("dl", id=dl_id)
    return dict(zip([dt.text() for dt in dl.find_all("dt")], [dd.text() for dd in dl.find_all("dd")]))


# --------------------------------------------------------------------------- reading the page
def test_the_page_explains_the_score_row_by_row(kl, people):
    response = client_of(people["carl"], language="en").get(url(kl))
    page = html(response)
    assert page.find(id="score-value").text() == "60 / 100"
    assert page.find(id="score-grade").text() == "grade C"
    assert page.find(id="history-only").text() == "No financial statements: the score rests on the payment " \
                                                   "history alone."
    assert [r[:2] for r in rows(response, "score-contributions")] == [
        ["Base", "50"], ["Financial statements", "0"], ["Average days late", "+8"],
        ["Share of invoices paid late", "+4"], ["Promises broken in 12 months", "0"], ["Open disputes", "0"],
        ["Seniority", "0"], ["Overdue now", "-2"]]
    why = {r[0]: r[2] for r in rows(response, "score-contributions")}
    assert why["Average days late"] == "Average days late 0.0, band ≤ 0: +8"
    assert why["Overdue now"] == "Overdue now 600.00, oldest 20 days, band > 0 days and ≤ 30 days: -2"
    assert rows(response, "score-contributions", "tfoot") == [["Score", "60", "grade C"]]


def test_the_page_shows_the_payment_history(kl, people):
    page = html(client_of(people["carl"], language="en").get(url(kl)))
    assert facts(page, "payment-history") == {
        "Average days late": "0.0", "Share of invoices paid late": "0%", "Promises broken in 12 months": "0",
        "Open disputes": "0", "Seniority (months)": "13", "Overdue now": "€600.00",
        "Oldest overdue invoice (days late)": "20", "Term (days)": "30", "Monthly sales (12 months)": "€400.00"}


def test_the_page_shows_every_cap_and_highlights_the_binding_one(kl, people):
    response = client_of(people["carl"], language="en").get(url(kl))
    page = html(response)
    assert page.find(id="recommended-limit").text() == "€800.00"
    assert [r[:2] for r in rows(response, "limit-caps")] == [
        ["Need: sales over the term + 1 month binding", "€800.00"],
        ["Customer's equity", "not computable"],
        ["Customer's working capital (FRNG)", "not computable"],
        ["Credit insurer", "€2,500.00"],
        ["Concentration", "not computable"]]
    assert [r[2] for r in rows(response, "limit-caps")][1:] == [
        "no financial statements", "no financial statements", "the credit insurer's guaranteed limit",
        "the company's own annual sales unknown"]
    assert [tr.attrs.get("data-cap") for tr in page.find("table", id="limit-caps").find_all("tr", class_="binding")] \
        == ["need"]
    assert page.find(id="coefficient").text().startswith("1.00 Behaviour coefficient 1.00: grade C (score 60)")
    assert page.find(id="recommended-review").text() == en_date(add_months(today(), 2))  # 30 days: 1 + 1 months


def test_the_page_links_to_the_statements_and_back_to_the_customer(kl, people):
    page = html(client_of(people["carl"], language="en").get(url(kl)))
    assert page.find("a", id="statements-link").attrs["href"] == f"/customers/{kl.pk}/statements/"
    assert page.find("h1").find("a").attrs["href"] == f"/customers/{kl.pk}/"
    nav = page.find("nav", class_="mainnav")
    assert nav.find("a", class_="active").attrs["href"] == "/customers/"
    assert "/collections/" in [a.attrs["href"] for a in nav.find_all("a")]  # the worklist: the menu reads the rights


# --------------------------------------------------------------------------- deciding
def test_accepting_the_recommendation_sets_it_in_one_click(kl, people):
    client = client_of(people["carl"], language="en")
    response = client.post(url(kl), {"action": "accept", "recommended": "800.00"})
    assert response.status_code == 302 and response["Location"] == url(kl)
    kl.refresh_from_db()
    assert (kl.credit_limit, kl.credit_limit_review_on) == (Decimal("800.00"), add_months(today(), 2))
    decision = LimitDecision.objects.get(customer=kl)
    assert (decision.recommended, decision.decided, decision.reason, decision.decided_by) == (
        Decimal("800.00"), Decimal("800.00"), "", people["carl"])
    assert (decision.score, decision.grade) == (Decimal("60"), "C")
    assert Event.objects.filter(customer=kl, kind="credit.limit_decided").count() == 1
    page = client.get(url(kl))
    assert rows(page, "limit-decisions") == [[en_date(today()), "carl", "€800.00", "€800.00",
                                              en_date(add_months(today(), 2)), "60 C", "recommendation followed"]]
    assert html(page).find(id="credit-limit").text() == "€800.00"


def test_a_recommendation_that_changed_since_the_page_was_shown_is_not_accepted(kl, people):
    response = client_of(people["carl"], language="en").post(url(kl), {"action": "accept", "recommended": "700.00"},
                                                             follow=True)
    assert "The recommendation has changed since the page was shown: it is now €800.00." in \
        html(response).find("ul", class_="messages").text()
    kl.refresh_from_db()
    assert kl.credit_limit is None
    assert not LimitDecision.objects.exists()


def test_another_limit_without_a_reason_is_refused_and_nothing_is_written(kl, people):
    response = client_of(people["carl"], language="en").post(url(kl), {
        "action": "override", "amount": "3000.00", "review_on": "", "reason": "  "})
    page = html(response)  # the page again, 200, with the error
    assert "This field is required." in page.find("form", id="override-form").text()
    kl.refresh_from_db()
    assert kl.credit_limit is None
    assert not LimitDecision.objects.exists()
    assert not Event.objects.filter(kind="credit.limit_decided").exists()


def test_a_review_date_in_the_past_is_refused(kl, people):
    response = client_of(people["carl"], language="en").post(url(kl), {
        "action": "override", "amount": "3000.00", "review_on": day(-1), "reason": "Bank guarantee"})
    assert "The review date cannot be in the past." in html(response).find("form", id="override-form").text()
    assert not LimitDecision.objects.exists()


def test_another_limit_with_a_reason_is_kept_with_the_recommendation_newest_first(kl, people):
    client = client_of(people["carl"], language="en")
    client.post(url(kl), {"action": "accept", "recommended": "800.00"})
    review = add_months(today(), 6)
    response = client.post(url(kl), {"action": "override", "amount": "3000.00", "review_on": review.isoformat(),
                                     "reason": "Bank guarantee of 3,000.00"})
    assert response.status_code == 302
    kl.refresh_from_db()
    assert (kl.credit_limit, kl.credit_limit_review_on) == (Decimal("3000.00"), review)
    latest = LimitDecision.objects.order_by("-decided_at", "-id").first()
    assert (latest.recommended, latest.decided, latest.reason) == (
        Decimal("800.00"), Decimal("3000.00"), "Bank guarantee of 3,000.00")
    assert latest.explanation["binding_cap"] == "need"
    event = Event.objects.filter(customer=kl, kind="credit.limit_decided").order_by("-at", "-id").first()
    assert (event.before, event.after["credit_limit"]) == ({"credit_limit": "800.00"}, "3000.00")
    page = client.get(url(kl))
    assert [r[1:] for r in rows(page, "limit-decisions")] == [
        ["carl", "€800.00", "€3,000.00", en_date(review), "60 C", "Bank guarantee of 3,000.00"],
        ["carl", "€800.00", "€800.00", en_date(add_months(today(), 2)), "60 C", "recommendation followed"]]
    assert "Credit limit set to €3,000.00" in html(page).find("ul", class_="messages").text()


def test_an_empty_review_date_takes_the_recommended_one(kl, people):
    client_of(people["ada"], language="en").post(url(kl), {"action": "override", "amount": "0",
                                                           "reason": "Cash on order until the dispute is settled"})
    kl.refresh_from_db()
    assert (kl.credit_limit, kl.credit_limit_review_on) == (Decimal("0.00"), add_months(today(), 2))


def test_invalid_stored_statements_leave_no_recommendation_but_a_limit_can_still_be_set(kl, people):
    # a year of 30 months (the core accepts 1 to 24), stored around the forms, e.g. in the admin
    FinancialStatement.objects.create(customer=kl, year_end=today().replace(month=1, day=1), months=30,
                                      **{name: Decimal(v[1]) for name, v in STATEMENTS.items()})
    client = client_of(people["carl"], language="en")
    page = html(client.get(url(kl)))
    assert page.find("section", id="assessment-invalid").find("div", class_="mono").text().startswith("months: ")
    assert not page.find_all(id="recommended-limit") and not page.find_all("form", id="accept-form")
    assert client.post(url(kl), {"action": "accept", "recommended": "800.00"}).status_code == 302
    assert not LimitDecision.objects.exists()
    client.post(url(kl), {"action": "override", "amount": "1500.00", "reason": "Known for years"})
    decision = LimitDecision.objects.get(customer=kl)
    assert (decision.recommended, decision.decided, decision.score, decision.review_on) == (
        None, Decimal("1500.00"), None, None)
    assert rows(client.get(url(kl)), "limit-decisions")[0][1:] == [
        "carl", "—", "€1,500.00", "—", "—", "Known for years"]


# --------------------------------------------------------------------------- who may do what
@pytest.mark.parametrize("name", ["colette", "sam", "audrey"])
def test_readers_see_the_page_without_the_decision_form(kl, people, name):
    page = html(client_of(people[name], language="en").get(url(kl)))
    assert page.find(id="recommended-limit").text() == "€800.00"
    assert not page.find_all("form", id="accept-form") and not page.find_all("form", id="override-form")


@pytest.mark.parametrize("name", ["colette", "sam", "audrey"])
def test_only_credit_managers_may_post_a_decision(kl, people, name):
    client = client_of(people[name])
    assert client.post(url(kl), {"action": "accept", "recommended": "800.00"}).status_code == 403
    assert client.post(url(kl), {"action": "override", "amount": "9000.00", "reason": "x"}).status_code == 403
    kl.refresh_from_db()
    assert kl.credit_limit is None
    assert not LimitDecision.objects.exists()


def test_another_sales_persons_customer_is_not_found(kl, people):
    client = client_of(people["olga"])
    assert client.get(url(kl)).status_code == 404
    assert client.post(url(kl), {"action": "accept", "recommended": "800.00"}).status_code == 404


def test_an_unknown_customer_is_not_found(kl, people):
    assert client_of(people["carl"]).get("/customers/999999/credit/").status_code == 404


def test_the_page_is_in_french_by_default(kl, people):
    page = html(client_of(people["carl"]).get(url(kl)))
    assert page.find(id="recommended-limit").text() == "800,00\u00a0€"
