"""The credit committee: the cases a review opens (limit exceeded, overdue beyond the tolerance, score drop,
insolvency), the case an unblock request opens, idempotent reviews, and the decisions applied through the
credit services, or refused with nothing written.

Company: default limit 0, overdue tolerance 1,000.00 beyond 30 days (the defaults). Today D = 23 Nov 2026, so
an invoice is overdue beyond the tolerance when due before 24 Oct 2026 (D − 30).
"""
from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from encours.accounts.roles import Role
from encours.customers.models import Customer, CustomerStatus
from encours.history.models import Event, EventKind
from encours.history.services import record
from encours.ledger.services import allocate
from encours.risk.assessment import assess, decide_limit
from encours.risk.committee import committee_review, credit_figures, review_company
from encours.risk.committee_decisions import CaseRefused, decide_case
from encours.risk.models import (
    CaseKind,
    CaseState,
    CommitteeCase,
    LimitDecision,
    Order,
    OrderState,
    RequestState,
    Unblock,
)
from encours.risk.orders import credit_context
from encours.risk.unblocks import request_unblock
from tests.apps.conftest import make_doc
from tests.apps.test_web_pages import make_user

pytestmark = pytest.mark.db
TODAY = date(2026, 11, 23)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


NOW = at(TODAY)


def accepted_order(customer, reference, amount):
    return Order.objects.create(company=customer.company, customer=customer, reference=reference, amount=D(amount),
                                state=OrderState.ACCEPTED, exposure_before=D("0"), limit=D("0"), checked_at=NOW)


def kinds_of(customer) -> list[str]:
    return sorted(CommitteeCase.objects.filter(customer=customer).values_list("kind", flat=True))


def opened(review) -> list[tuple[str, str]]:
    return sorted((c.customer.code, c.kind) for c in review.opened)


@pytest.fixture
def carl(db):
    return make_user("carl", Role.CREDIT_MANAGER)


@pytest.fixture
def sam(db):
    return make_user("sam", Role.SALES)


@pytest.fixture
def over_limit(company):
    """Limit 10,000.00; 6,000.00 not due + 3,000.00 overdue 9 days (within 30) − a 500.00 credit note, and an
    accepted order of 1,500.01: exposure 6000 + 3000 − 500 + 1500.01 = 10,000.01, over the limit by 0.01.
    Overdue beyond the tolerance: nothing (due 14 Nov, after 24 Oct)."""
    customer = Customer.objects.create(company=company, code="LIM", name="Limite SA", credit_limit=D("10000.00"))
    make_doc(customer, "invoice", "6000.00", "2026-11-01", "2026-12-01")
    make_doc(customer, "invoice", "3000.00", "2026-10-15", "2026-11-14")
    make_doc(customer, "credit_note", "500.00", "2026-11-10")
    accepted_order(customer, "PO-LIM", "1500.01")
    return customer


@pytest.fixture
def overdue(company):
    """Limit 50,000.00; 1,000.01 due 23 Oct (31 days ago: beyond 30), 5,000.00 due 24 Oct (30 days: not beyond).
    Overdue beyond the tolerance 1,000.01 > 1,000.00; the oldest 31 days late."""
    customer = Customer.objects.create(company=company, code="OVD", name="Retard SARL", credit_limit=D("50000.00"))
    make_doc(customer, "invoice", "1000.01", "2026-09-23", "2026-10-23")
    make_doc(customer, "invoice", "5000.00", "2026-09-24", "2026-10-24")
    return customer


# --------------------------------------------------------------------------- limit and overdue
def test_a_review_opens_a_case_for_the_limit_exceeded_with_the_figures(company, over_limit):
    review = review_company(company, TODAY, now=NOW)
    assert opened(review) == [("LIM", "limit_exceeded")]
    facts = review.opened[0].facts
    # 6000 + 3000 − 500 = 8500 open; + 1500.01 ordered = 10,000.01; − 10,000 = 0.01
    assert (facts["open_receivables"], facts["pending_orders"], facts["exposure"], facts["limit"],
            facts["excess"], facts["overdue"]) == ("8500.00", "1500.01", "10000.01", "10000.00", "0.01", "0.00")
    assert facts["default_limit"] is False
    assert review.as_dict()["opened"][0]["headline"] == "Exposure €10,000.01 over the limit €10,000.00 by €0.01"
    event = Event.objects.get(kind=EventKind.CASE_OPENED, customer=over_limit)
    assert event.after["case"] == review.opened[0].pk and event.after["exposure"] == "10000.01"


def test_an_exposure_equal_to_the_limit_opens_nothing(company, over_limit):
    Order.objects.filter(reference="PO-LIM").update(amount=D("1500.00"))  # exposure exactly 10,000.00
    assert review_company(company, TODAY, now=NOW).opened == []


def test_with_the_default_limit_of_zero_any_exposure_is_over_the_limit(company):
    cash = Customer.objects.create(company=company, code="CASH", name="Comptant")
    Customer.objects.create(company=company, code="NONE", name="Sans dette")  # exposure 0: 0 > 0 is false
    make_doc(cash, "invoice", "100.00", "2026-11-20", "2026-12-20")
    review = review_company(company, TODAY, now=NOW)
    assert opened(review) == [("CASH", "limit_exceeded")]
    assert (review.opened[0].facts["limit"], review.opened[0].facts["default_limit"]) == ("0.00", True)


def test_a_review_opens_a_case_for_the_overdue_beyond_the_tolerance(company, overdue):
    review = review_company(company, TODAY, now=NOW)
    assert opened(review) == [("OVD", "overdue")]
    facts = review.opened[0].facts
    # the 5,000.00 due on 24 Oct is exactly 30 days late: not beyond the tolerance
    assert (facts["overdue"], facts["tolerance_amount"], facts["tolerance_days"], facts["oldest_overdue_due"],
            facts["days_late"]) == ("1000.01", "1000.00", 30, "2026-10-23", 31)


def test_an_overdue_equal_to_the_tolerance_opens_nothing(company, overdue):
    invoice = overdue.documents.get(amount=D("1000.01"))
    payment = make_doc(overdue, "payment", "0.01", "2026-11-02")
    allocate(invoice, payment, D("0.01"), date(2026, 11, 2))  # 1,000.00 left: not more than the tolerance
    assert review_company(company, TODAY, now=NOW).opened == []


def test_the_grouped_figures_are_those_of_the_order_check(company, over_limit, overdue):
    figures = credit_figures(company, TODAY)
    for customer in (over_limit, overdue):
        context = credit_context(customer, TODAY)
        f = figures[customer.pk]
        assert (f.exposure, f.limit, f.overdue) == (context.exposure, context.limit,
                                                      context.overdue_beyond_tolerance_days)


def test_a_second_review_opens_nothing_and_the_open_case_stays_alone(company, over_limit, overdue):
    first = review_company(company, TODAY, now=NOW)
    assert opened(first) == [("LIM", "limit_exceeded"), ("OVD", "overdue")]
    second = review_company(company, TODAY + timedelta(days=1), now=NOW + timedelta(days=1))
    assert second.opened == []
    assert CommitteeCase.objects.count() == 2
    assert Event.objects.filter(kind=EventKind.CASE_OPENED).count() == 2


def test_a_decided_case_is_not_reopened_until_it_gets_worse_or_comes_back(company, over_limit, carl):
    case = review_company(company, TODAY, now=NOW).opened[0]
    decide_case(case, decision="keep_limit", note="paiement annoncé", user=carl, now=NOW)
    assert review_company(company, TODAY, now=NOW).opened == []  # the same excess of 0.01: decided
    accepted_order(over_limit, "PO-2", "0.01")  # excess 0.02 > 0.01 at the decision: worse
    again = review_company(company, TODAY, now=NOW)
    assert opened(again) == [("LIM", "limit_exceeded")] and again.opened[0].facts["excess"] == "0.02"
    decide_case(again.opened[0], decision="no_action", note="vu", user=carl, now=NOW)
    # the situation clears (both orders cancelled: exposure 8,500), then comes back with a smaller excess
    Order.objects.filter(customer=over_limit).update(state=OrderState.CANCELLED)
    cleared = review_company(company, TODAY, now=NOW)
    assert (cleared.opened, cleared.cleared) == ([], 2)  # both decided cases: cleared on D
    accepted_order(over_limit, "PO-4", "1500.01")  # excess 0.01 again, less than 0.02, but after clearing
    assert opened(review_company(company, TODAY, now=NOW)) == [("LIM", "limit_exceeded")]


def test_the_review_reads_the_figures_in_the_same_queries_however_many_customers(company, over_limit, overdue):
    review_company(company, TODAY, now=NOW)
    with CaptureQueriesContext(connection) as two:
        assert review_company(company, TODAY, now=NOW).opened == []
    for n in range(5):
        customer = Customer.objects.create(company=company, code=f"N{n}", name=f"Nouveau {n}")
        make_doc(customer, "invoice", "1500.00", "2026-09-01", "2026-10-01")  # over the limit 0 and overdue
    assert len(review_company(company, TODAY, now=NOW).opened) == 10
    with CaptureQueriesContext(connection) as seven:
        assert review_company(company, TODAY, now=NOW).opened == []
    assert len(seven) == len(two)


def test_customers_in_litigation_get_no_limit_or_overdue_case(company, over_limit, overdue):
    Customer.objects.filter(pk__in=[over_limit.pk, overdue.pk]).update(status=CustomerStatus.LITIGATION)
    assert review_company(company, TODAY, now=NOW).opened == []


# --------------------------------------------------------------------------- score drop
@pytest.fixture
def scored(company, carl):
    """One invoice of 1,000.00 dated 19 Oct 2025, due 18 Nov 2025 (net 30), never paid; limit 5,000.00.

    On 13 Nov 2025 (not yet due): seniority 0 months (19 Oct → 13 Nov), band ≤ 5: −4; nothing overdue:
    50 − 4 = 46, grade D. Recorded with the limit decision of that day.
    On D: seniority 13 months (19 Oct 2025 → 23 Nov 2026), band 6–23: 0; overdue, the oldest 370 days late,
    band > 90: −15; no invoice paid: 0, 0; no promise, no dispute: 50 − 15 = 35, grade D.
    Fall 46 → 35 = 11 ≥ 10: a score drop."""
    customer = Customer.objects.create(company=company, code="SCO", name="Score SA")
    make_doc(customer, "invoice", "1000.00", "2025-10-19", "2025-11-18")
    earlier = date(2025, 11, 13)
    decide_limit(customer, decided=D("5000.00"), reason="ouverture", user=carl, assessment=assess(customer, earlier),
                 now=at(earlier))
    return customer


def test_a_score_drop_opens_a_case_with_the_moves(company, scored):
    review = review_company(company, TODAY, now=NOW)
    assert review.assessed == 1
    # 1,000.00 overdue is not more than the 1,000.00 tolerance, nor over the 5,000.00 limit: only the score
    assert opened(review) == [("SCO", "score_drop")]
    facts = next(c for c in review.opened if c.kind == "score_drop").facts
    assert (facts["score_before"]["value"], facts["score_before"]["grade"], facts["score_before"]["source"]) == (
        46, "D", "limit_decision")
    assert (facts["score_after"]["value"], facts["score_after"]["grade"], facts["score_change"]) == (35, "D", -11)
    # overdue 0 → −15, seniority −4 → 0: −15 + 4 = −11, the largest fall first
    assert [(m["factor"], m["before"], m["after"]) for m in facts["moves"]] == [("overdue", 0, -15),
                                                                             ("seniority", -4, 0)]


@pytest.mark.parametrize(("before", "expected"), [(45, ["score_drop"]), (44, [])])
def test_a_fall_of_ten_points_opens_a_case_nine_does_not(company, before, expected):
    """The same customer as ``scored`` scores 35 (D) on D; the score recorded is 45 (fall 10) or 44 (fall 9),
    both grade D: no grade fall."""
    customer = Customer.objects.create(company=company, code="S2", name="Score Deux", credit_limit=D("5000.00"))
    make_doc(customer, "invoice", "1000.00", "2025-10-19", "2025-11-18")
    LimitDecision.objects.create(customer=customer, decided=D("5000.00"), score=D(before), grade="D",
                                 explanation={"score": [{"factor": "overdue", "points": before - 50, "why": "x"}]},
                                 decided_at=at(date(2026, 6, 1)))
    review = review_company(company, TODAY, now=NOW)
    assert [c.kind for c in review.opened if c.kind == "score_drop"] == expected


def test_after_a_decision_the_score_is_compared_with_the_one_at_the_decision(company, scored, carl):
    case = next(c for c in review_company(company, TODAY, now=NOW).opened if c.kind == "score_drop")
    decide_case(case, decision="keep_limit", note="suivi mensuel", user=carl, now=NOW)
    case.refresh_from_db()
    assert (case.decision_facts["score"]["value"], case.decision_facts["score"]["grade"]) == (35, "D")
    again = review_company(company, TODAY, now=NOW)
    assert again.assessed == 1 and again.opened == []  # 35 against 35


# --------------------------------------------------------------------------- insolvency
def set_status(customer, status, when, actor=None):
    before = customer.status
    Customer.objects.filter(pk=customer.pk).update(status=status)
    record(customer.company, EventKind.CUSTOMER_CHANGED, "Changed: status", customer=customer, actor=actor,
           before={"status": before}, after={"status": status}, reason="jugement d'ouverture", at=when)


def test_insolvency_news_opens_one_case_until_the_status_is_set_again(company, carl, overdue):
    set_status(overdue, CustomerStatus.INSOLVENCY, NOW - timedelta(hours=2), actor=carl)
    review = review_company(company, TODAY, now=NOW)
    assert opened(review) == [("OVD", "insolvency")]  # no overdue case: the customer is in proceedings
    facts = review.opened[0].facts
    assert (facts["status_before"], facts["changed_by"], facts["reason"]) == ("open", "carl", "jugement d'ouverture")
    assert review_company(company, TODAY, now=NOW).opened == []
    decide_case(review.opened[0], decision="hand_over", note="déclaration de créance", user=carl, now=NOW)
    overdue.refresh_from_db()
    assert overdue.status == CustomerStatus.INSOLVENCY  # handing over keeps the proceedings' status
    assert review_company(company, TODAY, now=NOW + timedelta(hours=1)).opened == []
    set_status(overdue, CustomerStatus.OPEN, NOW + timedelta(hours=2))
    set_status(overdue, CustomerStatus.INSOLVENCY, NOW + timedelta(hours=3))  # a second judgment
    assert opened(review_company(company, TODAY, now=NOW + timedelta(hours=4))) == [("OVD", "insolvency")]


def test_a_status_set_without_a_trace_in_the_history_opens_one_case(company):
    customer = Customer.objects.create(company=company, code="INS", name="Procédure", status="insolvency")
    assert opened(review_company(company, TODAY, now=NOW)) == [("INS", "insolvency")]
    assert review_company(company, TODAY, now=NOW).opened == []
    assert kinds_of(customer) == ["insolvency"]


# --------------------------------------------------------------------------- unblock requests
def test_an_unblock_request_opens_a_case_at_once_and_a_second_one_joins_it(company, over_limit, sam):
    first = request_unblock(over_limit, reason="commande urgente", user=sam, now=NOW)
    case = CommitteeCase.objects.get(customer=over_limit)
    assert (case.kind, case.state, case.unblock_request) == (CaseKind.UNBLOCK_REQUEST, CaseState.OPEN, first)
    assert (case.facts["exposure"], case.facts["limit"]) == ("10000.01", "10000.00")
    assert [(r["id"], r["requested_by"], r["reason"]) for r in case.facts["requests"]] == [
        (first.pk, "sam", "commande urgente")]
    second = request_unblock(over_limit, reason="autre commande", user=sam, now=NOW)
    case.refresh_from_db()
    assert [r["id"] for r in case.facts["requests"]] == [first.pk, second.pk]
    assert CommitteeCase.objects.filter(customer=over_limit).count() == 1
    assert Event.objects.filter(kind=EventKind.CASE_OPENED, customer=over_limit).count() == 1
    assert Event.objects.get(kind=EventKind.CASE_OPENED).actor == sam


def test_an_unblock_decision_grants_every_request_of_the_case(company, over_limit, sam, carl):
    first = request_unblock(over_limit, reason="commande urgente", user=sam, now=NOW)
    second = request_unblock(over_limit, reason="autre commande", user=sam, now=NOW)
    case = CommitteeCase.objects.get(customer=over_limit)
    decided = decide_case(case, decision="unblock", until=TODAY + timedelta(days=7), note="accord du comité",
                          user=carl, now=NOW)
    over_limit.refresh_from_db()
    assert over_limit.unblocked_until == date(2026, 11, 30)  # 23 + 7
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (RequestState.GRANTED, RequestState.GRANTED)
    assert decided.unblock == first.unblock and decided.unblock.valid_until == date(2026, 11, 30)
    assert (decided.state, decided.decision, decided.until, decided.decided_by) == (
        "decided", "unblock", date(2026, 11, 30), carl)
    assert Event.objects.filter(kind=EventKind.CASE_DECIDED, customer=over_limit).count() == 1


def test_any_other_decision_refuses_the_request_with_the_note(company, over_limit, sam, carl):
    request = request_unblock(over_limit, reason="commande urgente", user=sam, now=NOW)
    decide_case(CommitteeCase.objects.get(customer=over_limit), decision="no_action", note="encours trop élevé",
                user=carl, now=NOW)
    request.refresh_from_db()
    assert (request.state, request.note) == (RequestState.REFUSED, "encours trop élevé")
    assert not Unblock.objects.exists()


def test_requests_decided_from_the_credit_queue_settle_their_case_once_none_is_waiting(
        company, over_limit, sam, carl):
    from encours.risk.unblocks import grant_unblock, refuse_request

    first = request_unblock(over_limit, reason="commande urgente", user=sam, now=NOW)
    second = request_unblock(over_limit, reason="autre commande", user=sam, now=NOW)
    refuse_request(first, user=carl, note="trop tôt", now=NOW)
    case = CommitteeCase.objects.get(customer=over_limit)
    assert case.state == CaseState.OPEN  # the second request still waits
    unblock = grant_unblock(over_limit, valid_until=TODAY + timedelta(days=3), reason="virement reçu", user=carl,
                            request=second, now=NOW)
    case.refresh_from_db()
    assert (case.state, case.decision, case.until, case.unblock, case.decided_by, case.note) == (
        CaseState.DECIDED, "unblock", date(2026, 11, 26), unblock, carl, "virement reçu")
    assert Event.objects.filter(kind=EventKind.CASE_DECIDED, customer=over_limit).count() == 1
    third = request_unblock(over_limit, reason="encore", user=sam, now=NOW)  # a new case, refused from the queue
    refuse_request(third, user=carl, note="non", now=NOW)
    assert list(CommitteeCase.objects.filter(customer=over_limit).order_by("pk").values_list("decision", flat=True)) \
        == ["unblock", "no_action"]


# --------------------------------------------------------------------------- decisions
def test_a_limit_change_is_a_limit_decision_with_the_score(company, over_limit, carl):
    case = review_company(company, TODAY, now=NOW).opened[0]
    decided = decide_case(case, decision="change_limit", new_limit=D("12000.00"), note="croissance", user=carl,
                          now=NOW)
    over_limit.refresh_from_db()
    limit = LimitDecision.objects.get(customer=over_limit)
    assert (over_limit.credit_limit, limit.decided, limit.reason, limit.decided_by) == (
        D("12000.00"), D("12000.00"), "croissance", carl)
    assert limit.score is not None and decided.limit_decision == limit
    # 10,000.01 − 12,000.00 = −1,999.99: no longer over the limit
    assert (decided.decision_facts["limit"], decided.decision_facts["excess"]) == ("12000.00", "-1999.99")
    kinds = list(Event.objects.filter(customer=over_limit).order_by("id").values_list("kind", flat=True))
    assert kinds == ["committee.opened", "credit.limit_decided", "committee.decided"]


def test_blocking_sets_the_status_blocked_with_the_change_in_the_history(company, overdue, carl):
    case = review_company(company, TODAY, now=NOW).opened[0]
    decide_case(case, decision="block", note="retards répétés", user=carl, now=NOW)
    overdue.refresh_from_db()
    assert overdue.status == CustomerStatus.BLOCKED
    change = Event.objects.get(kind=EventKind.CUSTOMER_CHANGED, customer=overdue)
    assert (change.before, change.after, change.reason, change.actor) == (
        {"status": "open"}, {"status": "blocked"}, "retards répétés", carl)
    assert credit_context(overdue, TODAY).status == "blocked"


@pytest.mark.parametrize(("decision", "extra", "message"), [
    ("keep_limit", {"note": " "}, "needs a note"),
    ("change_limit", {}, "needs the new limit"),
    ("unblock", {}, "needs the date"),
    ("unblock", {"until": TODAY - timedelta(days=1)}, "until today at least"),
    ("change_limit", {"new_limit": D("-1.00")}, "zero or more"),
    ("block", {"status": CustomerStatus.INSOLVENCY}, "already refused"),
    ("reopen", {}, "unknown decision"),
])
def test_a_refused_decision_writes_nothing(company, over_limit, carl, decision, extra, message):
    case = review_company(company, TODAY, now=NOW).opened[0]
    if "status" in extra:
        Customer.objects.filter(pk=over_limit.pk).update(status=extra.pop("status"))
    events = Event.objects.count()
    with pytest.raises(CaseRefused, match=message):
        decide_case(case, decision=decision, user=carl, now=NOW, **{"note": "motif", **extra})
    case.refresh_from_db()
    assert (case.state, case.decision, case.decided_at) == ("open", "", None)
    assert Event.objects.count() == events
    assert not LimitDecision.objects.exists() and not Unblock.objects.exists()
    over_limit.refresh_from_db()
    assert over_limit.credit_limit == D("10000.00")


def test_a_case_already_decided_is_refused(company, over_limit, carl):
    case = review_company(company, TODAY, now=NOW).opened[0]
    stale = CommitteeCase.objects.get(pk=case.pk)
    decide_case(case, decision="no_action", note="vu", user=carl, now=NOW)
    with pytest.raises(CaseRefused, match="already decided"):
        decide_case(stale, decision="change_limit", new_limit=D("1.00"), note="non", user=carl, now=NOW)
    assert not LimitDecision.objects.exists()
    assert Event.objects.filter(kind=EventKind.CASE_DECIDED).count() == 1


def test_the_daily_task_runs_the_review_of_a_company(company, over_limit):
    result = committee_review.call(company.pk, TODAY.isoformat())
    assert [(c["customer"], c["kind"]) for c in result["opened"]] == [("LIM", "limit_exceeded")]
    assert result["date"] == "2026-11-23"
    assert committee_review.call(company.pk, TODAY.isoformat())["opened"] == []
    assert committee_review.call(company.pk + 1000, TODAY.isoformat()) == {}


def test_the_review_in_lines_for_the_command(company, over_limit):
    lines = review_company(company, TODAY, now=NOW).lines()
    case = CommitteeCase.objects.get()
    assert lines == ["1 case(s) opened on 2026-11-23 (0 score(s) computed, 0 situation(s) cleared)",
                     f"  #{case.pk} limit_exceeded LIM Limite SA: Exposure €10,000.01 over the limit €10,000.00 "
                     "by €0.01"]
