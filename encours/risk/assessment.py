"""A customer's credit assessment: the payment history read from the ledger, the solvency analysis of the
statements entered, the score and the recommended limit (rules in ``encours.core``); and the credit manager's
decision on the limit, kept with the recommendation it followed or overrode.

Payment history, as of a day D (docs/credit-risk.md, "Payment history"):

- invoices settled in the 12 months up to D (``closed_on`` in (D − 365, D]): average days late weighted by
  amount, Σ amount × (settled − due) / Σ amount, to 0.1 day; share paid late = amount settled after its due
  date / amount settled, to 0.01;
- promises broken in the 12 months up to D; disputes open now;
- seniority: whole months from the customer's first invoice to D;
- overdue now: open part of the invoices due before D, and the days late of the oldest.

Monthly sales: invoices dated in the 12 months up to D, divided by 12 (by the months of seniority, at least
one, for a customer of less than a year); none: unknown.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, F, Min, Q, Sum
from django.utils import timezone

from encours.collections.models import Dispute, Promise, PromiseState
from encours.core import credit_limit, scoring, solvency
from encours.core.money import ZERO, to_cents
from encours.core.records import DocumentKind
from encours.core.terms import PaymentTerms
from encours.customers.models import Customer
from encours.history.services import record
from encours.ledger.fields import AmountField
from encours.ledger.models import Document
from encours.risk.models import FinancialStatement, LimitDecision

YEAR = timedelta(days=365)


class LimitRefused(ValueError):
    """A limit decision that cannot be recorded as given."""


@dataclass(frozen=True)
class Assessment:
    as_of: date
    statements: tuple[solvency.Statements, ...]
    analysis: solvency.Analysis | None
    history: scoring.PaymentHistory
    score: scoring.Score
    term_days: int
    monthly_sales: Decimal | None
    recommendation: credit_limit.Recommendation

    def explanation(self) -> dict:
        """What is kept with a limit decision: the score's contributions and the recommendation's reasoning."""
        return {
            "as_of": self.as_of.isoformat(),
            "score": [{"factor": c.factor.value, "points": c.points, "why": c.why}
                      for c in self.score.contributions],
            "history_only": self.score.history_only,
            "caps": [{"name": c.name.value, "amount": None if c.amount is None else str(c.amount), "why": c.why}
                     for c in self.recommendation.caps],
            "binding_cap": self.recommendation.binding_cap.value,
            "coefficient": str(self.recommendation.coefficient),
            "recommendation": list(self.recommendation.explanation),
        }


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (0 when ``end`` is before ``start``): 15 Jan → 14 Mar is 1."""
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(months, 0)


def term_days(terms: PaymentTerms, as_of: date) -> int:
    """Average days from invoice to due date under ``terms``, over the invoice days of the year up to
    ``as_of`` (an end-of-month term gives a different delay each day), rounded half up."""
    days = [as_of - timedelta(days=n) for n in range(365)]
    total = sum((terms.due_date(d) - d).days for d in days)
    return min(int((Decimal(total) / len(days)).quantize(Decimal(1), ROUND_HALF_UP)), 365)


def payment_history(customer: Customer, as_of: date) -> scoring.PaymentHistory:
    # in the company's currency, like the order check's exposure: amounts of two currencies do not add up
    invoices = Document.objects.filter(customer_id=customer.pk, kind=DocumentKind.INVOICE,
                                       currency=customer.company.currency, document_date__lte=as_of)
    settled = list(invoices.filter(closed_on__gt=as_of - YEAR, closed_on__lte=as_of)
                   .values_list("amount", "due_date", "closed_on"))
    average = share = None
    weight = sum((amount for amount, _, _ in settled), ZERO)
    if weight > 0:
        late_days = sum((amount * (closed - due).days for amount, due, closed in settled), ZERO)
        late_amount = sum((amount for amount, due, closed in settled if closed > due), ZERO)
        average = (late_days / weight).quantize(Decimal("0.1"), ROUND_HALF_UP)
        share = (late_amount / weight).quantize(Decimal("0.01"), ROUND_HALF_UP)
    now = invoices.aggregate(
        first=Min("document_date"),
        overdue=Sum(F("amount") - F("allocated"), filter=Q(closed_on__isnull=True, due_date__lt=as_of),
                    output_field=AmountField()),
        oldest_due=Min("due_date", filter=Q(closed_on__isnull=True, due_date__lt=as_of)),
    )
    broken = Promise.objects.filter(customer_id=customer.pk, state=PromiseState.BROKEN,
                                    settled_on__gt=as_of - YEAR, settled_on__lte=as_of).aggregate(n=Count("id"))["n"]
    disputes = Dispute.objects.filter(customer_id=customer.pk, resolution="").aggregate(n=Count("id"))["n"]
    return scoring.PaymentHistory(
        average_days_late=average,
        share_paid_late=share,
        broken_promises_12m=broken,
        open_disputes=disputes,
        seniority_months=months_between(now["first"], as_of) if now["first"] else 0,
        overdue_amount=to_cents(now["overdue"] or ZERO),
        overdue_days_max=(as_of - now["oldest_due"]).days if now["oldest_due"] else 0,
    )


def monthly_sales(customer: Customer, as_of: date, seniority_months: int) -> Decimal | None:
    total = Document.objects.filter(
        customer_id=customer.pk, kind=DocumentKind.INVOICE, currency=customer.company.currency,
        document_date__gt=as_of - YEAR, document_date__lte=as_of,
    ).aggregate(s=Sum("amount"))["s"]
    if not total:
        return None
    return to_cents(total / min(12, max(1, seniority_months)))


def core_statements(row: FinancialStatement) -> solvency.Statements:
    from encours.risk.statements import to_core  # the statements' own module converts its rows

    return to_core(row)


def assess(customer: Customer, as_of: date | None = None) -> Assessment:
    """Score and recommended limit of ``customer`` as of ``as_of`` (today by default), from the ledger and the
    statements entered; nothing is recorded."""
    as_of = as_of or timezone.localdate()
    company = customer.company
    statements = tuple(core_statements(s) for s in FinancialStatement.objects.filter(
        customer_id=customer.pk, year_end__lte=as_of).order_by("year_end"))
    analysis = solvency.analyse(statements) if statements else None
    history = payment_history(customer, as_of)
    score = scoring.score(analysis, history)
    days = term_days(customer.terms(), as_of)
    sales = monthly_sales(customer, as_of, history.seniority_months)
    insured = customer.insured_limit if (customer.insurer or customer.insured_limit is not None) else None
    inputs = credit_limit.LimitInputs(
        as_of=as_of, score=score, history=history, term_days=days, monthly_sales=sales,
        statements=statements[-1] if statements else None, insurer_limit=insured,
        own_annual_sales=company.annual_sales_excl_tax,
    )
    parameters = credit_limit.LimitParameters(default_limit=company.default_credit_limit)
    return Assessment(as_of, statements, analysis, history, score, days, sales,
                      credit_limit.recommend(inputs, parameters))


def decide_limit(customer: Customer, *, decided: Decimal, reason: str, user, assessment: Assessment | None = None,
                 review_on: date | None = None, now=None) -> LimitDecision:
    """Set the customer's credit limit. Following the recommendation of ``assessment`` needs no reason;
    anything else (an override, or a limit set without an assessment) does. The decision keeps the
    recommendation, the score and their explanation; the history keeps the limit before and after."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not isinstance(decided, Decimal) or not decided.is_finite() or decided < 0:
        raise LimitRefused("the limit must be an amount, zero or more")
    if decided != decided.quantize(Decimal("0.01")):
        raise LimitRefused("the limit has more than two decimal places")
    recommended = assessment.recommendation.limit if assessment else None
    if decided != recommended and not reason:
        raise LimitRefused("say why the limit differs from the recommendation")
    review_on = review_on or (assessment.recommendation.review_date if assessment else None)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().select_related("company").get(pk=customer.pk)
        decision = LimitDecision.objects.create(
            customer=customer, recommended=recommended, decided=decided, reason=reason, review_on=review_on,
            score=assessment.score.value if assessment else None,
            grade=assessment.score.grade.value if assessment else "",
            explanation=assessment.explanation() if assessment else {},
            decided_by=user if getattr(user, "is_authenticated", False) else None, decided_at=now,
        )
        before = customer.credit_limit
        customer.credit_limit, customer.credit_limit_review_on = decided, review_on
        customer.save(update_fields=["credit_limit", "credit_limit_review_on"])
        how = "recommendation followed" if decided == recommended else (
            f"recommended {recommended}" if recommended is not None else "no recommendation")
        record(customer.company, "credit.limit_decided", f"Credit limit {decided} ({how})", customer=customer,
               actor=user, before={"credit_limit": None if before is None else str(before)},
               after={"credit_limit": str(decided), "recommended": None if recommended is None else str(recommended),
                      "review_on": review_on.isoformat() if review_on else None, "decision": decision.pk},
               reason=reason, at=now)
    return decision
