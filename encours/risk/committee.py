"""The credit committee: the queue of cases to review, how they are found, and the decisions taken on them.

A case is opened for a customer when (docs/credit-committee.md):

- ``limit_exceeded``: the exposure (open receivables, never below zero, + accepted orders not invoiced) is more
  than the limit in force (the customer's, else the company's default; a limit of 0 with any exposure counts);
- ``overdue``: more than the company's tolerance amount is overdue by more than its tolerance in days: the same
  figures as the order check (``risk/orders.credit_context``), here for every customer in three grouped queries;
- ``score_drop``: the score now, against the last one recorded (a limit decision's, or a committee decision's),
  falls by 10 points or more or to a lower grade (``core.scoring.score_change``);
- ``unblock_request``: a sales person asks for an unblock (opened at once by ``request_unblock``);
- ``insolvency``: the customer's status is insolvency proceedings and no case was opened since it was set.

Customers in litigation or insolvency proceedings get no limit, overdue or score case: orders are refused to
them whatever the figures, and their file is with litigation.

At most one open case per customer and kind (a database constraint). A decided case is not reopened for the
same situation: a new one opens when the situation cleared after the decision (a review found it gone) and came
back, or is worse than at the decision (a larger excess over the limit, a larger overdue amount), or, for a
score, when it falls again from the score at the decision.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Max, Min, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone, translation
from django.utils.translation import gettext

from encours.core.money import ZERO, to_cents
from encours.core.records import DocumentKind
from encours.core.scoring import Contribution, Factor, Grade, Score, score_change
from encours.customers.models import Company, Customer, CustomerStatus
from encours.history.models import Event, EventKind
from encours.history.services import record
from encours.ledger.fields import AmountField
from encours.ledger.models import Document
from encours.risk.assessment import assess
from encours.risk.models import (
    CaseKind,
    CaseState,
    CommitteeCase,
    LimitDecision,
    Order,
    OrderState,
    UnblockRequest,
)
from encours.web.formatting import money, short_date

try:
    from django.tasks import task  # Django 6
except ImportError:  # Django 5.2: the django-tasks backport
    from django_tasks import task

FIRM = (CustomerStatus.LITIGATION, CustomerStatus.INSOLVENCY)  # no unblock lets an order through these
CHUNK = 500


# --------------------------------------------------------------------------- the figures
@dataclass(frozen=True)
class Figures:
    """A customer's credit figures as the order check reads them (amounts in the company's currency)."""

    open_receivables: Decimal = ZERO
    pending_orders: Decimal = ZERO
    limit: Decimal = ZERO
    default_limit: bool = True  # the company's default limit: the customer has none of its own
    overdue: Decimal = ZERO  # open part of the invoices due more than the tolerance in days ago
    oldest_overdue_due: date | None = None  # due date of the oldest of those invoices

    @property
    def exposure(self) -> Decimal:
        return max(self.open_receivables, ZERO) + self.pending_orders

    @property
    def excess(self) -> Decimal:
        return self.exposure - self.limit

    def as_facts(self, company: Company, today: date) -> dict:
        """The figures as kept on a case: amounts as text with two decimals ("10000.00")."""
        days = (today - self.oldest_overdue_due).days if self.oldest_overdue_due else 0
        return {
            "on": today.isoformat(), "currency": company.currency,
            "exposure": _text(self.exposure), "open_receivables": _text(self.open_receivables),
            "pending_orders": _text(self.pending_orders), "limit": _text(self.limit),
            "default_limit": self.default_limit, "excess": _text(self.excess), "overdue": _text(self.overdue),
            "tolerance_amount": _text(company.overdue_tolerance_amount),
            "tolerance_days": company.overdue_tolerance_days,
            "oldest_overdue_due": self.oldest_overdue_due.isoformat() if self.oldest_overdue_due else None,
            "days_late": days,
        }


def _text(amount) -> str:
    return str(to_cents(Decimal(amount)))  # Decimal(): a company just created still holds its default, the int 0


def credit_figures(company: Company, today: date, customer_ids=None) -> dict[int, Figures]:
    """Every customer's figures in three grouped queries (documents, orders, limits): customers with an open
    document or an accepted order, or those of ``customer_ids`` (listed even without any)."""
    overdue_before = today - timedelta(days=company.overdue_tolerance_days)
    open_part = F("amount") - F("allocated")
    invoice = Q(kind=DocumentKind.INVOICE)
    late = Q(kind=DocumentKind.INVOICE, due_date__lt=overdue_before)
    documents = Document.objects.filter(company_id=company.pk, currency=company.currency, closed_on__isnull=True)
    orders = Order.objects.filter(company_id=company.pk, state=OrderState.ACCEPTED)
    customers = Customer.objects.filter(company_id=company.pk)
    if customer_ids is not None:
        documents = documents.filter(customer_id__in=customer_ids)
        orders = orders.filter(customer_id__in=customer_ids)
        customers = customers.filter(pk__in=customer_ids)
    ledger = {row["customer_id"]: row for row in documents.order_by().values("customer_id").annotate(
        debit=Sum(open_part, filter=invoice, output_field=AmountField()),
        credit=Sum(open_part, filter=~invoice, output_field=AmountField()),
        overdue=Sum(open_part, filter=late, output_field=AmountField()),
        oldest=Min("due_date", filter=late),
    )}
    pending = dict(orders.order_by().values("customer_id").annotate(s=Sum("amount")).values_list("customer_id", "s"))
    wanted = set(ledger) | set(pending) | set(customer_ids or ())
    figures = {}
    for pk, limit in customers.order_by().values_list("pk", "credit_limit"):
        if pk not in wanted:
            continue
        row = ledger.get(pk, {})
        figures[pk] = Figures(
            open_receivables=(row.get("debit") or ZERO) - (row.get("credit") or ZERO),
            pending_orders=pending.get(pk) or ZERO,
            limit=company.default_credit_limit if limit is None else limit,
            default_limit=limit is None,
            overdue=row.get("overdue") or ZERO,
            oldest_overdue_due=row.get("oldest"),
        )
    return figures


def figures_of(customer: Customer, today: date) -> Figures:
    return credit_figures(customer.company, today, [customer.pk])[customer.pk]


# --------------------------------------------------------------------------- scores
def score_facts(score: Score, as_of: date) -> dict:
    """A score as kept on a case, in the form of a limit decision's explanation."""
    return {"value": score.value, "grade": score.grade.value, "as_of": as_of.isoformat(),
            "history_only": score.history_only,
            "contributions": [{"factor": c.factor.value, "points": c.points, "why": c.why}
                              for c in score.contributions]}


def stored_score(value, grade: str, contributions: list[dict], history_only: bool = False) -> Score:
    """A score kept with a limit decision or a case, back as a ``Score`` for ``score_change``; the base is what
    the contributions leave (50 for scores computed with the default parameters)."""
    parts = tuple(Contribution(Factor(c["factor"]), int(c["points"]), c.get("why", "")) for c in contributions)
    value = int(value)
    return Score(value, Grade(grade), value - sum(c.points for c in parts), parts, history_only)


def _latest(queryset, *partition):
    """The latest row (by ``decided_at``, then id) of each ``partition`` group: one query, a window function."""
    return queryset.annotate(row=Window(RowNumber(), partition_by=[F(p) for p in partition],
                                        order_by=[F("decided_at").desc(), F("id").desc()])).filter(row=1)


def _reference_scores(company: Company) -> dict[int, tuple[datetime, Score, dict]]:
    """The last score recorded for each customer: its last limit decision with a score, or its last decided
    score-drop case (the score at the decision), whichever is later."""
    found: dict[int, tuple[datetime, Score, dict]] = {}
    decisions = _latest(LimitDecision.objects.filter(customer__company=company, score__isnull=False), "customer_id")
    for row in decisions.values("id", "customer_id", "decided_at", "score", "grade", "explanation"):
        kept = row["explanation"] or {}
        score = stored_score(row["score"], row["grade"], kept.get("score", []), kept.get("history_only", False))
        found[row["customer_id"]] = (row["decided_at"], score, {"source": "limit_decision", "id": row["id"],
                                                                "at": row["decided_at"].isoformat()})
    cases = _latest(CommitteeCase.objects.filter(company=company, kind=CaseKind.SCORE_DROP, state=CaseState.DECIDED,
                                                 decision_facts__has_key="score"), "customer_id")
    for row in cases.values("id", "customer_id", "decided_at", "decision_facts"):
        kept = row["decision_facts"]["score"]
        if row["customer_id"] not in found or found[row["customer_id"]][0] < row["decided_at"]:
            found[row["customer_id"]] = (row["decided_at"], stored_score(kept["value"], kept["grade"],
                                                                         kept["contributions"],
                                                                         kept.get("history_only", False)),
                                         {"source": "committee_case", "id": row["id"],
                                          "at": row["decided_at"].isoformat()})
    return found


# --------------------------------------------------------------------------- finding the cases
@dataclass
class Finding:
    customer_id: int
    kind: CaseKind
    facts: dict
    measure: Decimal | None = None  # excess or overdue: compared with the figure at the last decision


def _figure_findings(company: Company, today: date, figures: dict[int, Figures], statuses: dict[int, str]):
    """Limit exceeded and overdue beyond the tolerance; also the customers in each situation, firm status or not."""
    findings, present = [], {CaseKind.LIMIT_EXCEEDED: set(), CaseKind.OVERDUE: set()}
    for pk, f in figures.items():
        for kind, holds, measure in ((CaseKind.LIMIT_EXCEEDED, f.exposure > f.limit, f.excess),
                                     (CaseKind.OVERDUE, f.overdue > company.overdue_tolerance_amount, f.overdue)):
            if holds:
                present[kind].add(pk)
                if statuses.get(pk) not in FIRM:
                    findings.append(Finding(pk, kind, f.as_facts(company, today), measure))
    return findings, present


def _score_findings(company: Company, today: date, figures: dict[int, Figures]) -> tuple[list[Finding], int]:
    """Score drops, for the customers with a recorded score and no open score-drop case: one ``assess`` each
    (seven small queries), the cost of the review that grows with the customers scored."""
    references = _reference_scores(company)
    if not references:
        return [], 0
    scored = (Q(pk__in=LimitDecision.objects.filter(customer__company=company, score__isnull=False)
                .values("customer_id"))
              | Q(pk__in=CommitteeCase.objects.filter(company=company, kind=CaseKind.SCORE_DROP).values("customer_id")))
    busy = CommitteeCase.objects.filter(company=company, kind=CaseKind.SCORE_DROP, state=CaseState.OPEN)
    customers = (Customer.objects.filter(scored, company=company).exclude(status__in=FIRM)
                 .exclude(pk__in=busy.values("customer_id")).order_by("pk"))
    findings, assessed = [], 0
    for customer in customers.iterator(chunk_size=CHUNK):
        if customer.pk not in references:
            continue
        customer.company = company
        _, before, source = references[customer.pk]
        now = assess(customer, today).score
        assessed += 1
        change = score_change(before, now)
        if change.alert:
            facts = figures.get(customer.pk, _no_figures(company, customer.credit_limit))
            findings.append(Finding(customer.pk, CaseKind.SCORE_DROP, {
                **facts.as_facts(company, today),
                "score_before": {"value": before.value, "grade": before.grade.value, **source},
                "score_after": score_facts(now, today),
                "score_change": change.change,
                "moves": [{"factor": m.factor.value, "before": m.before, "after": m.after, "change": m.change}
                          for m in change.moves],
            }))
    return findings, assessed


def _no_figures(company: Company, limit: Decimal | None) -> Figures:
    """The figures of a customer without open documents nor accepted orders."""
    return Figures(limit=company.default_credit_limit if limit is None else limit, default_limit=limit is None)


def _insolvency_findings(company: Company, today: date, figures: dict[int, Figures]) -> list[Finding]:
    """Customers in insolvency proceedings without a case opened since the status was last set (from the
    customer-edit history; a status set without a trace there needs a case once)."""
    insolvent = list(Customer.objects.filter(company=company, status=CustomerStatus.INSOLVENCY)
                     .order_by("pk").values_list("pk", "credit_limit"))
    if not insolvent:
        return []
    changes = Event.objects.filter(company=company, kind=EventKind.CUSTOMER_CHANGED,
                                   customer__status=CustomerStatus.INSOLVENCY, after__status=CustomerStatus.INSOLVENCY)
    since = dict(changes.order_by().values("customer_id").annotate(at=Max("at")).values_list("customer_id", "at"))
    last = dict(CommitteeCase.objects.filter(company=company, kind=CaseKind.INSOLVENCY).order_by()
                .values("customer_id").annotate(at=Max("opened_at")).values_list("customer_id", "at"))
    findings = []
    for pk, limit in insolvent:
        if pk in last and (pk not in since or last[pk] >= since[pk]):
            continue
        event = changes.filter(customer_id=pk).order_by("-at", "-id").first()
        f = figures.get(pk, _no_figures(company, limit))
        findings.append(Finding(pk, CaseKind.INSOLVENCY, {
            **f.as_facts(company, today),
            "status": CustomerStatus.INSOLVENCY.value,
            "since": event.at.isoformat() if event else None,
            "status_before": (event.before or {}).get("status") if event else None,
            "changed_by": event.actor.get_username() if event and event.actor else None,
            "reason": event.reason if event else "",
        }))
    return findings


# --------------------------------------------------------------------------- the review
@dataclass
class Review:
    on: date
    opened: list[CommitteeCase] = field(default_factory=list)
    assessed: int = 0  # scores computed
    cleared: int = 0  # cases whose situation this review no longer found

    def as_dict(self) -> dict:
        """The output of `encours credit review --format json`: a contract, keep it stable."""
        with translation.override("en"):
            return {"date": self.on.isoformat(), "assessed": self.assessed, "cleared": self.cleared,
                    "opened": [{"id": c.pk, "kind": c.kind, "customer": c.customer.code,
                                "customer_name": c.customer.name, "headline": headline(c.kind, c.facts)}
                               for c in self.opened]}

    def lines(self) -> list[str]:
        """The text output of `encours credit review`."""
        data = self.as_dict()
        out = [f"{len(self.opened)} case(s) opened on {data['date']} ({self.assessed} score(s) computed, "
               f"{self.cleared} situation(s) cleared)"]
        out += [f"  #{c['id']} {c['kind']} {c['customer']} {c['customer_name']}: {c['headline']}"
                for c in data["opened"]]
        return out


def review_company(company: Company, today: date, *, now: datetime | None = None) -> Review:
    """Open the cases the company's customers call for on ``today``; idempotent (see the module docstring)."""
    now = now or timezone.now()
    figures = credit_figures(company, today)
    statuses = _statuses(company)
    findings, present = _figure_findings(company, today, figures, statuses)
    drops, assessed = _score_findings(company, today, figures)
    findings += drops + _insolvency_findings(company, today, figures)
    review = Review(today, assessed=assessed)
    with transaction.atomic():
        Company.objects.select_for_update().filter(pk=company.pk).first()  # one review of a company at a time
        review.opened = _open(company, findings, today, now)
        review.cleared = _mark_cleared(company, present, today)
    return review


def _statuses(company: Company) -> dict[int, str]:
    return dict(Customer.objects.filter(company=company).exclude(status=CustomerStatus.OPEN).order_by()
                .values_list("pk", "status"))


def _open(company: Company, findings: list[Finding], today: date, now: datetime) -> list[CommitteeCase]:
    open_now = set(CommitteeCase.objects.filter(company=company, state=CaseState.OPEN)
                   .values_list("customer_id", "kind"))
    decided = {(row["customer_id"], row["kind"]): row for row in _latest(
        CommitteeCase.objects.filter(company=company, state=CaseState.DECIDED,
                                     kind__in=[CaseKind.LIMIT_EXCEEDED, CaseKind.OVERDUE]), "customer_id", "kind",
    ).values("customer_id", "kind", "cleared_on", "decision_facts")}
    new = []
    for finding in findings:
        key = (finding.customer_id, finding.kind.value)
        if key in open_now:
            continue
        last = decided.get(key)
        if last is not None and last["cleared_on"] is None:
            at_decision = Decimal(last["decision_facts"].get(
                "excess" if finding.kind is CaseKind.LIMIT_EXCEEDED else "overdue", "0"))
            if finding.measure <= max(at_decision, ZERO):
                continue  # the situation the committee decided on, not worse
        open_now.add(key)
        new.append(CommitteeCase(company=company, customer_id=finding.customer_id, kind=finding.kind,
                                 opened_on=today, opened_at=now, facts=finding.facts))
    cases = CommitteeCase.objects.bulk_create(new, batch_size=CHUNK)
    customers = Customer.objects.in_bulk([c.customer_id for c in cases])
    for case in cases:
        case.customer = customers[case.customer_id]
        _record_opening(case)
    return cases


def _record_opening(case: CommitteeCase, actor=None) -> None:
    with translation.override("en"):
        summary = f"Committee case opened: {case.get_kind_display()}: {headline(case.kind, case.facts)}"
    record(case.company, EventKind.CASE_OPENED, summary, customer=case.customer, actor=actor,
           after={"case": case.pk, "kind": case.kind, **{k: v for k, v in case.facts.items()
                                                          if k in ("exposure", "limit", "overdue")}},
           at=case.opened_at)


def _mark_cleared(company: Company, present: dict[CaseKind, set[int]], today: date) -> int:
    """Cases whose situation a review no longer finds get ``cleared_on`` (once); an open case whose situation
    came back loses it."""
    cleared = 0
    for kind, customers in present.items():
        rows = CommitteeCase.objects.filter(company=company, kind=kind).filter(
            Q(cleared_on__isnull=True) | Q(state=CaseState.OPEN)).values_list("pk", "customer_id", "cleared_on")
        gone = [pk for pk, customer, on in rows if on is None and customer not in customers]
        back = [pk for pk, customer, on in rows if on is not None and customer in customers]
        for i in range(0, len(gone), CHUNK):
            cleared += CommitteeCase.objects.filter(pk__in=gone[i:i + CHUNK]).update(cleared_on=today)
        for i in range(0, len(back), CHUNK):
            CommitteeCase.objects.filter(pk__in=back[i:i + CHUNK], state=CaseState.OPEN).update(cleared_on=None)
    return cleared


@task()
def committee_review(company_id: int, on: str) -> dict:
    """The committee review of a company for a date (ISO text: task arguments are JSON)."""
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        return {}
    return review_company(company, date.fromisoformat(on)).as_dict()


# --------------------------------------------------------------------------- unblock requests
def request_facts(request: UnblockRequest) -> dict:
    order = request.order
    return {"id": request.pk, "reason": request.reason, "requested_by": request.requested_by.get_username(),
            "requested_at": request.requested_at.isoformat(),
            "order": None if order is None else {"reference": order.reference, "amount": str(order.amount),
                                                 "reasons": order.reasons}}


def open_unblock_case(request: UnblockRequest, *, now: datetime | None = None) -> CommitteeCase:
    """The case of an unblock request, opened when it is made (call inside its transaction). A request made while
    the customer's unblock case is open joins that case: its decision answers every request in it."""
    now = now or timezone.now()
    customer = Customer.objects.select_for_update().select_related("company").get(pk=request.customer_id)
    case = CommitteeCase.objects.filter(customer=customer, kind=CaseKind.UNBLOCK_REQUEST,
                                        state=CaseState.OPEN).first()
    if case is not None:
        case.facts["requests"] = [*case.facts.get("requests", []), request_facts(request)]
        case.save(update_fields=["facts"])
        return case
    today = timezone.localdate(now)
    case = CommitteeCase.objects.create(
        company=customer.company, customer=customer, kind=CaseKind.UNBLOCK_REQUEST, opened_on=today, opened_at=now,
        unblock_request=request,
        facts={**figures_of(customer, today).as_facts(customer.company, today), "requests": [request_facts(request)]},
    )
    _record_opening(case, actor=request.requested_by)
    return case


# --------------------------------------------------------------------------- what a case says, in a line
def headline(kind: str, facts: dict) -> str:
    """The main fact of a case, in the active language."""
    currency = facts.get("currency", "EUR")
    if kind == CaseKind.LIMIT_EXCEEDED:
        return gettext("Exposure %(exposure)s over the limit %(limit)s by %(excess)s") % {
            "exposure": money(facts["exposure"], currency), "limit": money(facts["limit"], currency),
            "excess": money(facts["excess"], currency)}
    if kind == CaseKind.OVERDUE:
        return gettext("%(overdue)s overdue by more than %(days)s days (tolerance %(tolerance)s)") % {
            "overdue": money(facts["overdue"], currency), "days": facts["tolerance_days"],
            "tolerance": money(facts["tolerance_amount"], currency)}
    if kind == CaseKind.SCORE_DROP:
        before, after = facts["score_before"], facts["score_after"]
        return gettext("Score %(before)s (%(before_grade)s) to %(after)s (%(after_grade)s)") % {
            "before": before["value"], "before_grade": before["grade"], "after": after["value"],
            "after_grade": after["grade"]}
    if kind == CaseKind.UNBLOCK_REQUEST:
        first = facts["requests"][0]
        reason = first["reason"] if len(first["reason"]) <= 80 else first["reason"][:79] + "…"
        return gettext("Unblock requested by %(user)s: %(reason)s") % {"user": first["requested_by"],
                                                                       "reason": reason}
    if facts.get("since"):
        return gettext("In insolvency proceedings since %(day)s") % {
            "day": short_date(timezone.localdate(datetime.fromisoformat(facts["since"])))}
    return gettext("In insolvency proceedings")
