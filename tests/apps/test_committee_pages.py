"""The credit committee's pages: the queue (open cases oldest first, by kind, decided ones), "review now", one
case with its figures and the decision form; only credit managers and administrators reach them.

Pages read today (D); the ledger is built around it. Company defaults: tolerance 1,000.00 beyond 30 days.
LIM "Limite SA": limit 10,000.00, invoice 12,000.00 due D+20: exposure 12,000.00, over the limit by 2,000.00.
OVD "Retard SARL": limit 50,000.00, invoice 1,500.00 due D−40: 1,500.00 overdue beyond 30 days > 1,000.00.
"""
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.test import Client
from django.utils import timezone

from encours.accounts.roles import Role
from encours.customers.models import Customer
from encours.risk.committee import review_company
from encours.risk.models import CaseState, CommitteeCase, LimitDecision
from encours.risk.unblocks import request_unblock
from tests.apps.conftest import make_doc
from tests.apps.test_promise_pages import client_of
from tests.apps.test_web_pages import day, html, make_user, rows

pytestmark = pytest.mark.db


@pytest.fixture
def people(db):
    return {name: make_user(name, role) for name, role in (
        ("ada", Role.ADMIN), ("carl", Role.CREDIT_MANAGER), ("colette", Role.COLLECTOR), ("sam", Role.SALES))}


@pytest.fixture
def ledger(company, people):
    lim = Customer.objects.create(company=company, code="LIM", name="Limite SA", credit_limit=D("10000.00"),
                                  account_manager=people["sam"])
    ovd = Customer.objects.create(company=company, code="OVD", name="Retard SARL", credit_limit=D("50000.00"))
    make_doc(lim, "invoice", "12000.00", day(-10), day(20))
    make_doc(ovd, "invoice", "1500.00", day(-70), day(-40))
    return {"lim": lim, "ovd": ovd}


def test_review_now_opens_the_cases_and_says_how_many(ledger, people):
    page = client_of(people["carl"], language="en").post("/credit/committee/", follow=True)
    assert "Review done: 2 cases opened." in html(page).text()
    # both opened today: age 0; same time, so by id (LIM's customer id is lower, found in the same order)
    assert [(r[1], r[2], r[3]) for r in rows(page, "cases")] == [
        ("0", "Limite SA LIM", "Limit exceeded"), ("0", "Retard SARL OVD", "Overdue beyond the tolerance")]
    assert rows(page, "cases")[0][4] == "Exposure €12,000.00 over the limit €10,000.00 by €2,000.00"
    assert rows(page, "cases")[1][4] == "€1,500.00 overdue by more than 30 days (tolerance €1,000.00)"
    again = client_of(people["carl"], language="en").post("/credit/committee/", follow=True)
    assert "Review done: 0 cases opened." in html(again).text()


def test_the_queue_shows_the_oldest_case_first_and_filters_by_kind(company, ledger, people):
    review_company(company, timezone.localdate())
    older = CommitteeCase.objects.get(customer=ledger["ovd"])
    CommitteeCase.objects.filter(pk=older.pk).update(opened_on=timezone.localdate() - timedelta(days=5),
                                                     opened_at=timezone.now() - timedelta(days=5))
    client = client_of(people["ada"], language="en")
    page = client.get("/credit/committee/")
    assert [(r[1], r[2]) for r in rows(page, "cases")] == [("5", "Retard SARL OVD"), ("0", "Limite SA LIM")]
    assert "Overdue beyond the tolerance (1)" in html(page).find("nav", id="case-kinds").text()
    only = client.get("/credit/committee/?kind=limit_exceeded")
    assert [r[2] for r in rows(only, "cases")] == ["Limite SA LIM"]
    assert rows(client.get("/credit/committee/?state=decided"), "cases") == []


def test_the_case_page_shows_the_figures_the_links_and_records_a_limit_change(company, ledger, people):
    review_company(company, timezone.localdate())
    case = CommitteeCase.objects.get(customer=ledger["lim"])
    client = client_of(people["carl"], language="en")
    page = client.get(f"/credit/committee/{case.pk}/")
    figures = {r[0]: r[1:] for r in rows(page, "case-figures")}
    assert figures["Exposure"] == ["€12,000.00", "€12,000.00"]  # at opening, now
    assert figures["Limit in force"] == ["€10,000.00", "€10,000.00"]
    assert figures["Exposure over the limit"] == ["€2,000.00", "€2,000.00"]
    links = [a.attrs.get("href") for a in html(page).find_all("a")]
    assert f"/customers/{ledger['lim'].pk}/" in links and f"/customers/{ledger['lim'].pk}/credit/" in links
    done = client.post(f"/credit/committee/{case.pk}/", {"decision": "change_limit", "new_limit": "15000.00",
                                                         "note": "commandes saisonnières"}, follow=True)
    assert "Decision recorded." in html(done).text()
    decision = html(done).find("dl", id="case-decision").text()
    assert "Change the limit" in decision and "€15,000.00" in decision and "commandes saisonnières" in decision
    assert LimitDecision.objects.get(customer=ledger["lim"]).decided == D("15000.00")
    # 12,000 − 15,000 = −3,000 at the decision and now
    assert {r[0]: r[1:] for r in rows(done, "case-figures")}["Exposure over the limit"] == [
        "€2,000.00", "-€3,000.00", "-€3,000.00"]
    assert html(done).find_all("form", id="decision-form") == []


def test_a_decision_without_a_note_is_refused_on_the_form(company, ledger, people):
    review_company(company, timezone.localdate())
    case = CommitteeCase.objects.get(customer=ledger["ovd"])
    page = client_of(people["carl"], language="en").post(f"/credit/committee/{case.pk}/",
                                                         {"decision": "block", "note": ""})
    assert "A decision needs a note saying why" in html(page).find("div", class_="error").text()
    case.refresh_from_db()
    assert case.state == CaseState.OPEN
    ledger["ovd"].refresh_from_db()
    assert ledger["ovd"].status == "open"


@pytest.mark.parametrize("who", ["sam", "colette"])
def test_sales_and_collectors_may_not_see_the_committee(company, ledger, people, who):
    review_company(company, timezone.localdate())
    case = CommitteeCase.objects.get(customer=ledger["lim"])  # sam's own customer
    client = client_of(people[who])
    assert client.get("/credit/committee/").status_code == 403
    assert client.post("/credit/committee/").status_code == 403
    assert client.get(f"/credit/committee/{case.pk}/").status_code == 403
    assert client.post(f"/credit/committee/{case.pk}/", {"decision": "no_action", "note": "x"}).status_code == 403
    assert CommitteeCase.objects.filter(state=CaseState.DECIDED).count() == 0


def test_an_anonymous_visitor_is_sent_to_log_in(ledger):
    page = Client().get("/credit/committee/")
    assert (page.status_code, page.url) == (302, "/login/?next=/credit/committee/")


def test_an_unblock_request_case_lists_the_requests_and_an_unblock_grants_them(company, ledger, people):
    request = request_unblock(ledger["lim"], reason="commande urgente", user=people["sam"])
    case = CommitteeCase.objects.get(customer=ledger["lim"])
    client = client_of(people["carl"], language="en")
    page = client.get(f"/credit/committee/{case.pk}/")
    assert html(page).find("p", id="case-headline").text() == "Unblock requested by sam: commande urgente"
    assert rows(page, "case-requests") == [["sam", "commande urgente", "—", "", "Pending"]]
    until = timezone.localdate() + timedelta(days=3)
    done = client.post(f"/credit/committee/{case.pk}/", {"decision": "unblock", "until": until.isoformat(),
                                                         "note": "accord"}, follow=True)
    assert rows(done, "case-requests") == [["sam", "commande urgente", "—", "", "Granted"]]
    request.refresh_from_db()
    ledger["lim"].refresh_from_db()
    assert (request.state, ledger["lim"].unblocked_until) == ("granted", until)


def test_a_score_drop_case_shows_the_moves(company, people):
    """Invoice 1,000.00 of D−400 due D−370, unpaid: seniority 13 months (0), the oldest 370 days late (−15):
    50 − 15 = 35 (D). Recorded before: 45 (D), its only points overdue −5. Fall 10: a case, one move."""
    customer = Customer.objects.create(company=company, code="SCO", name="Score SA", credit_limit=D("5000.00"))
    make_doc(customer, "invoice", "1000.00", day(-400), day(-370))
    LimitDecision.objects.create(customer=customer, decided=D("5000.00"), score=D("45"), grade="D",
                                 explanation={"score": [{"factor": "overdue", "points": -5, "why": "x"}]},
                                 decided_at=timezone.now() - timedelta(days=60))
    review_company(company, timezone.localdate())
    case = CommitteeCase.objects.get(customer=customer, kind="score_drop")
    page = client_of(people["carl"], language="en").get(f"/credit/committee/{case.pk}/")
    assert html(page).find("p", id="case-headline").text() == "Score 45 (D) to 35 (D)"
    assert rows(page, "score-moves") == [["Overdue now", "-5", "-15", "-10"]]


def test_an_insolvency_case_page(company, people):
    customer = Customer.objects.create(company=company, code="INS", name="Procédure", status="insolvency")
    review_company(company, timezone.localdate())
    case = CommitteeCase.objects.get(customer=customer)
    page = client_of(people["carl"], language="en").get(f"/credit/committee/{case.pk}/")
    assert html(page).find("p", id="case-headline").text() == "In insolvency proceedings"
    assert "In insolvency proceedings" in html(page).find("dl", id="case-status").text()
