"""The credit assessment of a customer (encours/risk/assessment.py): the payment history read from a small ledger,
the monthly sales, the term in days, the score and the recommended limit, and the credit manager's decision.

Every expected figure is worked out by hand below from the tables of docs/credit-risk.md.

Ledger of AC01 "Atelier Carré", as of D = 30 June 2025 (company terms net:30; insured by "Allianz Trade" up to
5,000.00; the company's own annual sales 1,000,000.00 excluding tax):

  invoice  amount   dated       due         settled                       days late  in the 12 months?
  I0       500.00   2023-03-10  2023-04-09  2023-04-20 (P0)                  11      no (first invoice)
  I9       700.00   2024-05-02  2024-06-01  2024-06-30 (P9)                  29      no: closed on D - 365
  I4       400.00   2024-05-20  2024-06-19  2024-07-01 (P4)                  12      yes
  I1      1000.00   2025-01-10  2025-02-09  2025-02-19 (P1)                  10      yes
  I2      3000.00   2025-02-10  2025-03-12  2025-03-12 (P2)                   0      yes
  I3      2000.00   2025-03-01  2025-03-31  1500.00 on 04-10, 500.00 on 05-15  45   yes (closed 2025-05-15)
  I5      1200.00   2025-04-20  2025-05-20  200.00 paid (P5): open 1000.00, 41 days late at D
  I6       800.00   2025-05-25  2025-06-24  open, 6 days late at D
  I8       350.00   2025-05-31  2025-06-30  open, due on D: not overdue
  I7      2500.00   2025-06-15  2025-07-15  open, not due

Payment history at D:
  settled in (2024-06-30, 2025-06-30]: I4, I1, I2, I3; amounts 400 + 1000 + 3000 + 2000 = 6400.00
  average days late = (400 x 12 + 1000 x 10 + 3000 x 0 + 2000 x 45) / 6400 = (4800 + 10000 + 90000) / 6400
                    = 104800 / 6400 = 16.375 -> 16.4 (to 0.1, half up)
  share paid late   = (400 + 1000 + 2000) / 6400 = 3400 / 6400 = 0.53125 -> 0.53
  broken promises: one broken on 2025-01-15 (in), one broken on 2024-06-30 (= D - 365: out), one kept -> 1
  open disputes: one open, one resolved -> 1
  seniority: 2023-03-10 to 2025-06-30 = 2 years 3 months, and 30 >= 10 -> 27 months
  overdue now: I5 1000.00 + I6 800.00 = 1800.00; the oldest, I5, due 2025-05-20: 11 + 30 = 41 days late
Monthly sales: invoices dated in (2024-06-30, 2025-06-30]: I1 1000 + I2 3000 + I3 2000 + I5 1200 + I6 800
  + I8 350 + I7 2500 = 10850.00; 27 months of seniority -> / 12 = 904.1666... -> 904.17
"""
from __future__ import annotations

from datetime import date, datetime
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest

from encours.accounts.roles import Role
from encours.collections.models import Dispute, Promise, PromiseState
from encours.core.credit_limit import CapName
from encours.core.scoring import Factor, Grade
from encours.core.terms import PaymentTerms
from encours.customers.models import Customer
from encours.history.models import Event
from encours.risk.assessment import (
    LimitRefused,
    assess,
    decide_limit,
    monthly_sales,
    months_between,
    payment_history,
    term_days,
)
from encours.risk.models import FinancialStatement, LimitDecision
from tests.apps.conftest import make_doc
from tests.apps.test_web_pages import allocate, make_user

D = date(2025, 6, 30)


@pytest.fixture
def ac(company):
    company.annual_sales_excl_tax = Decimal("1000000.00")
    company.save()
    customer = Customer.objects.create(company=company, code="AC01", name="Atelier Carré", insurer="Allianz Trade",
                                       insurer_reference="AT-778", insured_limit=Decimal("5000.00"))
    docs = {}

    def invoice(name, amount, dated, due):
        docs[name] = make_doc(customer, "invoice", amount, dated, due, number=name)

    def pay(name, invoice_name, amount, on):
        docs[name] = make_doc(customer, "payment", amount, on, number=name)
        allocate(docs[invoice_name], docs[name], amount, on)

    invoice("I0", "500.00", "2023-03-10", "2023-04-09")
    pay("P0", "I0", "500.00", "2023-04-20")
    invoice("I9", "700.00", "2024-05-02", "2024-06-01")
    pay("P9", "I9", "700.00", "2024-06-30")
    invoice("I4", "400.00", "2024-05-20", "2024-06-19")
    pay("P4", "I4", "400.00", "2024-07-01")
    invoice("I1", "1000.00", "2025-01-10", "2025-02-09")
    pay("P1", "I1", "1000.00", "2025-02-19")
    invoice("I2", "3000.00", "2025-02-10", "2025-03-12")
    pay("P2", "I2", "3000.00", "2025-03-12")
    invoice("I3", "2000.00", "2025-03-01", "2025-03-31")
    pay("P3a", "I3", "1500.00", "2025-04-10")
    pay("P3b", "I3", "500.00", "2025-05-15")
    invoice("I5", "1200.00", "2025-04-20", "2025-05-20")
    pay("P5", "I5", "200.00", "2025-06-01")
    invoice("I6", "800.00", "2025-05-25", "2025-06-24")
    invoice("I8", "350.00", "2025-05-31", "2025-06-30")
    invoice("I7", "2500.00", "2025-06-15", "2025-07-15")
    promise = {"company": company, "customer": customer, "amount": Decimal("100.00"), "channel": "phone"}
    Promise.objects.create(**promise, made_on=date(2025, 1, 2), promised_on=date(2025, 1, 14),
                           state=PromiseState.BROKEN, settled_on=date(2025, 1, 15))
    Promise.objects.create(**promise, made_on=date(2024, 6, 20), promised_on=date(2024, 6, 29),
                           state=PromiseState.BROKEN, settled_on=date(2024, 6, 30))
    Promise.objects.create(**promise, made_on=date(2025, 3, 1), promised_on=date(2025, 3, 12),
                           state=PromiseState.KEPT, settled_on=date(2025, 3, 12))
    Dispute.objects.create(company=company, customer=customer, reason="price", owner="sales",
                           opened_on=date(2025, 6, 1))
    Dispute.objects.create(company=company, customer=customer, reason="quality", owner="sales",
                           opened_on=date(2025, 2, 1), resolution="credit_note", resolved_on=date(2025, 2, 20))
    return customer


# --------------------------------------------------------------------------- payment history
def test_the_payment_history_is_read_from_the_ledger(ac):
    h = payment_history(ac, D)
    assert h.average_days_late == Decimal("16.4")  # 104800 / 6400 = 16.375
    assert h.share_paid_late == Decimal("0.53")  # 3400 / 6400 = 0.53125
    assert h.broken_promises_12m == 1
    assert h.open_disputes == 1
    assert h.seniority_months == 27
    assert h.overdue_amount == Decimal("1800.00")  # I5 1000.00 + I6 800.00
    assert h.overdue_days_max == 41  # I5 due 20 May


def test_an_invoice_settled_on_the_first_day_of_the_window_counts_and_one_the_day_before_does_not(ac):
    # a day later (1 July 2025) the window is (2024-07-01, 2025-07-01]: I4, closed on 2024-07-01, leaves it
    # settled I1, I2, I3: (10000 + 0 + 90000) / 6000 = 16.666... -> 16.7; late (1000 + 2000) / 6000 = 0.50
    h = payment_history(ac, date(2025, 7, 1))
    assert h.average_days_late == Decimal("16.7")
    assert h.share_paid_late == Decimal("0.50")
    # I8 (due 30 June) is now overdue too: 1000 + 800 + 350 = 2150.00; I5 is 42 days late
    assert h.overdue_amount == Decimal("2150.00")
    assert h.overdue_days_max == 42


def test_a_customer_without_a_settled_invoice_has_no_average_and_no_share(company):
    newcomer = Customer.objects.create(company=company, code="NW01", name="Nouveau")
    make_doc(newcomer, "invoice", "600.00", "2025-06-10", "2025-07-10")
    h = payment_history(newcomer, D)
    assert (h.average_days_late, h.share_paid_late) == (None, None)
    assert (h.seniority_months, h.overdue_amount, h.overdue_days_max) == (0, Decimal("0.00"), 0)
    # 600.00 of sales over less than a month: divided by one month
    assert monthly_sales(newcomer, D, 0) == Decimal("600.00")


def test_invoices_in_another_currency_are_left_out(ac):
    # a USD invoice paid 100 days late and another overdue would change every figure if they counted
    late = make_doc(ac, "invoice", "9000.00", "2025-01-01", "2025-01-31", number="U1", currency="USD")
    allocate(late, make_doc(ac, "payment", "9000.00", "2025-05-11", currency="USD"), "9000.00", "2025-05-11")
    make_doc(ac, "invoice", "5000.00", "2025-02-01", "2025-03-03", number="U2", currency="USD")
    h = payment_history(ac, D)
    assert (h.average_days_late, h.share_paid_late, h.overdue_amount, h.overdue_days_max) == (
        Decimal("16.4"), Decimal("0.53"), Decimal("1800.00"), 41)
    assert monthly_sales(ac, D, 27) == Decimal("904.17")


@pytest.mark.parametrize(("start", "end", "months"), [
    (date(2023, 3, 10), date(2025, 6, 30), 27),
    (date(2025, 1, 15), date(2025, 3, 14), 1),  # the 15th not reached yet
    (date(2025, 1, 31), date(2025, 2, 28), 0),  # no 31 February: not yet a whole month
    (date(2024, 2, 29), date(2025, 2, 28), 11),
    (date(2025, 7, 1), date(2025, 6, 30), 0),  # after the day: none
])
def test_seniority_counts_whole_months(start, end, months):
    assert months_between(start, end) == months


# --------------------------------------------------------------------------- sales and terms
def test_monthly_sales_are_the_invoices_of_the_twelve_months_divided_by_twelve(ac):
    assert monthly_sales(ac, D, 27) == Decimal("904.17")  # 10850.00 / 12 = 904.1666...
    # a customer of 5 months: divided by 5 -> 2170.00
    assert monthly_sales(ac, D, 5) == Decimal("2170.00")


def test_net_terms_are_their_days():
    assert term_days(PaymentTerms.parse("net:30"), D) == 30
    assert term_days(PaymentTerms.parse("cash"), D) == 0


def test_an_end_of_month_term_is_the_average_delay_over_a_year_of_invoices():
    # days_eom:45 as of 16 Nov 2025: invoices of 17 Nov 2024 .. 16 Nov 2025; + 45 days: 1 Jan .. 31 Dec 2025.
    # Each is due 45 days + the days to the end of that month; over a month of L days those add 0 + .. + L-1
    # = L(L-1)/2: 7 x 465 (31 days) + 4 x 435 (30) + 378 (28) = 5373; 5373 / 365 = 14.72; 45 + 14.72 = 59.72 -> 60
    assert term_days(PaymentTerms.parse("days_eom:45"), date(2025, 11, 16)) == 60
    # days_eom:30 as of 1 Dec 2025: + 30 days gives the same year 2025: 30 + 14.72 = 44.72 -> 45
    assert term_days(PaymentTerms.parse("days_eom:30"), date(2025, 12, 1)) == 45


# --------------------------------------------------------------------------- assessment end to end
def test_the_assessment_scores_the_history_alone_and_recommends_the_need(ac):
    a = assess(ac, D)
    # Score, history only: base 50; average 16.4 days in (15-30]: -6; share 0.53 in (0.30-0.60]: -4;
    # one broken promise: -5; one open dispute: -2; 27 months in 24-59: +3; oldest overdue 41 days in 31-60: -6
    # 50 - 6 - 4 - 5 - 2 + 3 - 6 = 30 -> grade E (below 35)
    assert a.score.history_only
    points = {c.factor: c.points for c in a.score.contributions}
    assert points == {Factor.STATEMENTS: 0, Factor.AVERAGE_DAYS_LATE: -6, Factor.SHARE_PAID_LATE: -4,
                      Factor.BROKEN_PROMISES: -5, Factor.OPEN_DISPUTES: -2, Factor.SENIORITY: 3, Factor.OVERDUE: -6}
    assert (a.score.value, a.score.grade) == (30, Grade.E)
    assert (a.term_days, a.monthly_sales, a.analysis, a.statements) == (30, Decimal("904.17"), None, ())
    r = a.recommendation
    # coefficient: grade E 0.50; no rule goes lower (invoices paid, 27 months, oldest overdue 41 <= 60 days)
    assert r.coefficient == Decimal("0.50")
    caps = {c.name: c.amount for c in r.caps}
    assert caps == {
        CapName.NEED: Decimal("904.17"),  # 904.17 x (30 + 30) / 30 x 0.50 = 904.17
        CapName.CUSTOMER_EQUITY: None, CapName.CUSTOMER_FRNG: None,  # no statements
        CapName.INSURER: Decimal("5000.00"),
        CapName.CONCENTRATION: Decimal("50000.00"),  # 5 % x 1,000,000.00
    }
    assert (r.binding_cap, r.limit) == (CapName.NEED, Decimal("900.00"))  # 904.17 rounded down to 100
    assert r.review_date == date(2025, 8, 30)  # 30 days = 1 month, + 1 = 2 months after 30 June


def test_the_explanation_keeps_the_contributions_and_the_caps(ac):
    explained = assess(ac, D).explanation()
    assert explained["as_of"] == "2025-06-30"
    assert explained["history_only"] is True
    assert [(c["factor"], c["points"]) for c in explained["score"]] == [
        ("statements", 0), ("average_days_late", -6), ("share_paid_late", -4), ("broken_promises", -5),
        ("open_disputes", -2), ("seniority", 3), ("overdue", -6)]
    assert [(c["name"], c["amount"]) for c in explained["caps"]] == [
        ("need", "904.17"), ("customer_equity", None), ("customer_frng", None), ("insurer", "5000.00"),
        ("concentration", "50000.00")]
    assert (explained["binding_cap"], explained["coefficient"]) == ("need", "0.50")


def test_a_customer_without_any_cap_gets_the_company_default(company):
    company.default_credit_limit = Decimal("2550.00")
    company.save()
    bare = Customer.objects.create(company=company, code="BR01", name="Sans Rien")
    r = assess(bare, D).recommendation
    # no sales, no statements, no insurer, own sales unknown: the default 2550.00, rounded down to 2500.00
    assert (r.binding_cap, r.limit) == (CapName.DEFAULT, Decimal("2500.00"))


# --------------------------------------------------------------------------- the decision
NOW = datetime(2025, 6, 30, 9, 15, tzinfo=dt_timezone.utc)


@pytest.fixture
def carl(db):
    return make_user("carl", Role.CREDIT_MANAGER)


def test_following_the_recommendation_needs_no_reason(ac, carl):
    a = assess(ac, D)
    decision = decide_limit(ac, decided=Decimal("900.00"), reason="", user=carl, assessment=a, now=NOW)
    ac.refresh_from_db()
    assert (ac.credit_limit, ac.credit_limit_review_on) == (Decimal("900.00"), date(2025, 8, 30))
    decision.refresh_from_db()
    assert (decision.recommended, decision.decided, decision.reason) == (Decimal("900.00"), Decimal("900.00"), "")
    assert (decision.score, decision.grade, decision.review_on) == (Decimal("30"), "E", date(2025, 8, 30))
    assert (decision.decided_by, decision.decided_at) == (carl, NOW)
    assert decision.explanation["binding_cap"] == "need"
    event = Event.objects.get(customer=ac, kind="credit.limit_decided")
    assert event.before == {"credit_limit": None}
    assert event.after["credit_limit"] == "900.00" and event.after["recommended"] == "900.00"


def test_an_override_without_a_reason_is_refused_and_nothing_is_written(ac, carl):
    ac.credit_limit = Decimal("1500.00")
    ac.save()
    with pytest.raises(LimitRefused, match="say why"):
        decide_limit(ac, decided=Decimal("3000.00"), reason="   ", user=carl, assessment=assess(ac, D), now=NOW)
    ac.refresh_from_db()
    assert ac.credit_limit == Decimal("1500.00")
    assert not LimitDecision.objects.exists()
    assert not Event.objects.filter(kind="credit.limit_decided").exists()


def test_an_override_with_a_reason_sets_the_limit_and_keeps_both_figures(ac, carl):
    ac.credit_limit = Decimal("1500.00")
    ac.save()
    decision = decide_limit(ac, decided=Decimal("3000.00"), reason="Parent company guarantee", user=carl,
                            assessment=assess(ac, D), review_on=date(2025, 9, 30), now=NOW)
    ac.refresh_from_db()
    assert (ac.credit_limit, ac.credit_limit_review_on) == (Decimal("3000.00"), date(2025, 9, 30))
    decision.refresh_from_db()
    assert (decision.recommended, decision.decided) == (Decimal("900.00"), Decimal("3000.00"))
    assert (decision.reason, decision.decided_by, decision.decided_at) == ("Parent company guarantee", carl, NOW)
    assert decision.explanation["caps"][3] == {"name": "insurer", "amount": "5000.00",
                                               "why": "the credit insurer's guaranteed limit"}
    events = list(Event.objects.filter(customer=ac, kind="credit.limit_decided"))
    assert len(events) == 1
    assert events[0].before == {"credit_limit": "1500.00"}
    assert events[0].after == {"credit_limit": "3000.00", "recommended": "900.00", "review_on": "2025-09-30",
                               "decision": decision.pk}
    assert (events[0].actor, events[0].reason) == (carl, "Parent company guarantee")


@pytest.mark.parametrize("decided", [Decimal("-1.00"), Decimal("10.001"), Decimal("NaN")])
def test_an_impossible_limit_is_refused(ac, carl, decided):
    with pytest.raises(LimitRefused):
        decide_limit(ac, decided=decided, reason="because", user=carl, assessment=assess(ac, D), now=NOW)
    assert not LimitDecision.objects.exists()


# --------------------------------------------------------------------------- with two years of statements
STATEMENTS = {  # docs/credit-risk.md, worked example (EUR)
    "equity": ("380000", "400000"), "provisions": ("15000", "20000"), "long_term_debt": ("340000", "300000"),
    "fixed_assets": ("540000", "560000"), "inventories": ("150000", "180000"),
    "trade_receivables": ("330000", "450000"), "other_operating_receivables": ("25000", "30000"),
    "cash": ("80000", "40000"), "short_term_bank_debt": ("30000", "140000"),
    "trade_payables": ("250000", "280000"), "tax_social_payables": ("110000", "120000"),
    "total_assets": ("1125000", "1260000"), "revenue": ("2500000", "2400000"),
    "purchases": ("1250000", "1200000"), "ebitda": ("230000", "150000"), "operating_result": ("125000", "60000"),
    "net_result": ("60000", "20000"),
}


@pytest.fixture
def worked_example(company):
    """The worked example of docs/credit-risk.md rebuilt as a ledger, as of 15 May 2025 (terms net:60):

    first invoice F0 on 2022-01-15: 40 months of seniority on 2025-05-15
    settled in the 12 months: S1, S2, S3 30,000.00 each on their due date, L 30,000.00 due 2025-01-30 paid
      2025-03-19 (1 + 28 + 19 = 48 days late): average 30,000 x 48 / 120,000 = 12.0 days; share 30 / 120 = 0.25
    O1 8,500.00 due 2025-04-20, open: 25 days late; N1 19,640.00 not due
    sales dated in the 12 months: 4 x 30,000 + 8,500 + 19,640 = 148,140.00 -> 12,345.00 a month
    one promise broken on 2025-02-01; no dispute; insurer limit 50,000.00; own sales 3,000,000.00
    """
    company.annual_sales_excl_tax = Decimal("3000000.00")
    company.save()
    customer = Customer.objects.create(company=company, code="WE01", name="Exemple", payment_terms="net:60",
                                       insurer="Coface", insured_limit=Decimal("50000.00"))
    for name, dated, due, paid in [("F0", "2022-01-15", "2022-03-16", "2022-03-16"),
                                   ("S1", "2024-06-01", "2024-07-31", "2024-07-31"),
                                   ("S2", "2024-08-01", "2024-09-30", "2024-09-30"),
                                   ("S3", "2024-10-01", "2024-11-30", "2024-11-30"),
                                   ("L", "2024-12-01", "2025-01-30", "2025-03-19")]:
        amount = "1000.00" if name == "F0" else "30000.00"
        invoice = make_doc(customer, "invoice", amount, dated, due, number=name)
        allocate(invoice, make_doc(customer, "payment", amount, paid), amount, paid)
    make_doc(customer, "invoice", "8500.00", "2025-02-19", "2025-04-20", number="O1")
    make_doc(customer, "invoice", "19640.00", "2025-05-10", "2025-07-09", number="N1")
    Promise.objects.create(company=company, customer=customer, amount=Decimal("8500.00"), channel="phone",
                           made_on=date(2025, 1, 20), promised_on=date(2025, 1, 31), state=PromiseState.BROKEN,
                           settled_on=date(2025, 2, 1))
    for i, year_end in enumerate((date(2023, 12, 31), date(2024, 12, 31))):
        FinancialStatement.objects.create(customer=customer, year_end=year_end,
                                          **{name: Decimal(v[i]) for name, v in STATEMENTS.items()})
    return customer


def test_the_worked_example_of_the_documentation_end_to_end(worked_example):
    a = assess(worked_example, date(2025, 5, 15))
    h = a.history
    assert (h.average_days_late, h.share_paid_late, h.broken_promises_12m, h.open_disputes) == (
        Decimal("12.0"), Decimal("0.25"), 1, 0)
    assert (h.seniority_months, h.overdue_amount, h.overdue_days_max) == (40, Decimal("8500.00"), 25)
    assert (a.term_days, a.monthly_sales) == (60, Decimal("12345.00"))
    assert len(a.statements) == 2 and not a.score.history_only
    # equity ratio 31.75 % +5; margin 2.50 % 0; current ratio 1.30 0; debt / EBITDA 2.93 +2; flags -5 -2 -2 = -9;
    # 12 days late 0; share 0.25 0; one broken promise -5; no dispute 0; 40 months +3; oldest 25 days -2
    points = {c.factor: c.points for c in a.score.contributions}
    assert points == {Factor.STATEMENTS: 0, Factor.EQUITY_RATIO: 5, Factor.OPERATING_MARGIN: 0,
                      Factor.CURRENT_RATIO: 0, Factor.DEBT_TO_EBITDA: 2, Factor.FLAGS: -9,
                      Factor.AVERAGE_DAYS_LATE: 0, Factor.SHARE_PAID_LATE: 0, Factor.BROKEN_PROMISES: -5,
                      Factor.OPEN_DISPUTES: 0, Factor.SENIORITY: 3, Factor.OVERDUE: -2}
    assert (a.score.value, a.score.grade) == (44, Grade.D)  # 50 + 5 + 2 - 9 - 5 + 3 - 2
    r = a.recommendation
    assert r.coefficient == Decimal("0.80")  # grade D
    assert {c.name: c.amount for c in r.caps} == {
        CapName.NEED: Decimal("29628.00"),  # 12,345.00 x (60 + 30) / 30 x 0.80
        CapName.CUSTOMER_EQUITY: Decimal("40000.00"),  # 10 % x 400,000
        CapName.CUSTOMER_FRNG: Decimal("32000.00"),  # 20 % x (400 + 20 + 300 - 560) thousand
        CapName.INSURER: Decimal("50000.00"),
        CapName.CONCENTRATION: Decimal("150000.00"),  # 5 % x 3,000,000
    }
    assert (r.binding_cap, r.limit, r.review_date) == (CapName.NEED, Decimal("29600.00"), date(2025, 8, 15))


def test_statements_after_the_day_of_the_assessment_are_left_out(worked_example):
    # on 30 June 2024 only the 2023 year has ended: its flags are none, its margin 5.00 % is in (2-5]: 0
    a = assess(worked_example, date(2024, 6, 30))
    assert [s.year_end for s in a.statements] == [date(2023, 12, 31)]
    assert a.score.points_of(Factor.FLAGS) == 0
