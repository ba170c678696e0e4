"""The credit committee's decisions: recorded on the case and applied through the credit services, in one
transaction; and the case of an unblock request settled when the request is decided from the credit queue."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from encours.customers.models import Customer, CustomerStatus
from encours.history.models import EventKind
from encours.history.services import record
from encours.risk.assessment import LimitRefused, assess, decide_limit
from encours.risk.committee import FIRM, figures_of, score_facts
from encours.risk.models import (
    CaseDecision,
    CaseKind,
    CaseState,
    CommitteeCase,
    RequestState,
    UnblockRequest,
)
from encours.risk.orders import OrderRefused
from encours.risk.unblocks import grant_unblock, refuse_request


class CaseRefused(ValueError):
    """A decision that cannot be recorded as given; nothing was written."""


def decide_case(case: CommitteeCase, *, decision: str, note: str, user, new_limit: Decimal | None = None,
                until: date | None = None, now: datetime | None = None) -> CommitteeCase:
    """Record the committee's decision on an open case and apply it, all in one transaction:

    - ``change_limit``: a limit decision of ``new_limit`` (``assessment.decide_limit``, with today's score);
    - ``unblock``: an unblock until ``until`` (``unblocks.grant_unblock``);
    - ``block``: the customer's status set to blocked, as by hand (the order check refuses its orders);
    - ``hand_over``: the status set to in litigation (kept when already in litigation or insolvency);
    - ``keep_limit``, ``no_action``: nothing else changes.

    The case of an unblock request grants its pending requests with an unblock and refuses them otherwise.
    Refused, with nothing written: no note, a limit change without an amount, an unblock without a date, a case
    already decided, or what the services refuse (a negative limit, an unblock ending before today)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    note = (note or "").strip()
    try:
        decision = CaseDecision(decision)
    except ValueError:
        raise CaseRefused(f"unknown decision {decision!r}") from None
    if not note:
        raise CaseRefused("a decision needs a note saying why")
    if user is None or not getattr(user, "is_authenticated", False):
        raise CaseRefused("a decision is taken by a person")
    if decision is CaseDecision.CHANGE_LIMIT and new_limit is None:
        raise CaseRefused("a limit change needs the new limit")
    if decision is CaseDecision.UNBLOCK and until is None:
        raise CaseRefused("an unblock needs the date it runs until")
    try:
        with transaction.atomic():
            claimed = CommitteeCase.objects.filter(pk=case.pk, state=CaseState.OPEN).update(
                state=CaseState.DECIDED, decision=decision, note=note, decided_by=user, decided_at=now,
                new_limit=new_limit if decision is CaseDecision.CHANGE_LIMIT else None,
                until=until if decision is CaseDecision.UNBLOCK else None)
            if claimed != 1:
                raise CaseRefused("this case was already decided")
            case = CommitteeCase.objects.select_related("customer", "customer__company", "unblock_request").get(
                pk=case.pk)
            customer = case.customer
            score = None
            if decision is CaseDecision.CHANGE_LIMIT:
                assessment = assess(customer, today)
                score = assessment.score
                case.limit_decision = decide_limit(customer, decided=new_limit, reason=note, user=user,
                                                   assessment=assessment, now=now)
            elif decision is CaseDecision.UNBLOCK:
                if customer.status in FIRM:
                    raise CaseRefused("orders of a customer in litigation or insolvency proceedings are refused "
                                      "whatever the unblock")
                requests = _pending_requests(case) or [None]
                unblocks = [grant_unblock(customer, valid_until=until, reason=note, user=user, request=r, now=now)
                            for r in requests]
                case.unblock = unblocks[0]
            elif decision in (CaseDecision.BLOCK, CaseDecision.HAND_OVER):
                _set_status(customer, decision, user, note, now)
            if decision is not CaseDecision.UNBLOCK:
                for request in _pending_requests(case):
                    refuse_request(request, user=user, note=note, now=now)
            if case.kind == CaseKind.SCORE_DROP and score is None:
                score = assess(customer, today).score
            customer.refresh_from_db()
            case.decision_facts = figures_of(customer, today).as_facts(customer.company, today)
            if score is not None:
                case.decision_facts["score"] = score_facts(score, today)
            case.save(update_fields=["decision_facts", "limit_decision", "unblock"])
            record(customer.company, EventKind.CASE_DECIDED,
                   f"Committee decision: {CaseDecision(decision).label} ({CaseKind(case.kind).label})",
                   customer=customer, actor=user, before={"state": CaseState.OPEN.value},
                   after={"case": case.pk, "kind": case.kind, "decision": decision.value,
                          "new_limit": None if case.new_limit is None else str(case.new_limit),
                          "until": until.isoformat() if case.until else None},
                   reason=note, at=now)
    except (LimitRefused, OrderRefused) as error:
        raise CaseRefused(str(error)) from None
    return case


def _pending_requests(case: CommitteeCase) -> list[UnblockRequest]:
    """The requests of an unblock case still waiting: the one that opened it, then those that joined it."""
    if case.kind != CaseKind.UNBLOCK_REQUEST:
        return []
    ids = [r["id"] for r in case.facts.get("requests", [])] or [case.unblock_request_id]
    found = UnblockRequest.objects.filter(pk__in=ids, state=RequestState.PENDING).in_bulk()
    return [found[pk] for pk in ids if pk in found]


def _set_status(customer: Customer, decision: CaseDecision, user, note: str, now: datetime) -> None:
    """Block the account or hand it over to litigation through its status, as the customer page does, with the
    change in the history."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if decision is CaseDecision.BLOCK:
        if customer.status in FIRM:
            raise CaseRefused("the customer is in litigation or insolvency proceedings: its orders are already "
                              "refused, and blocking would replace that status")
        status = CustomerStatus.BLOCKED
    else:
        status = CustomerStatus.LITIGATION
    if customer.status == status or customer.status == CustomerStatus.INSOLVENCY:
        return  # already so; insolvency proceedings stay the status of a customer handed over
    before = customer.status
    customer.status = status
    customer.save(update_fields=["status", "updated_at"])
    record(customer.company, EventKind.CUSTOMER_CHANGED, "Changed: status", customer=customer, actor=user,
           before={"status": before}, after={"status": status.value}, reason=note, at=now)


def settle_request_case(request: UnblockRequest, *, user, note: str, now: datetime, unblock=None) -> None:
    """A request granted or refused from the credit queue also decides its committee case (unblock, or no
    action), once no other request of that case is waiting. Called by ``unblocks`` in the decision's
    transaction; a case being decided by the committee itself is no longer open and is left alone."""
    case = CommitteeCase.objects.filter(customer_id=request.customer_id, kind=CaseKind.UNBLOCK_REQUEST,
                                        state=CaseState.OPEN).select_related("customer__company").first()
    ids = [r["id"] for r in case.facts.get("requests", [])] if case else []
    if case is None or request.pk not in ids + [case.unblock_request_id] or _pending_requests(case):
        return
    decision = CaseDecision.UNBLOCK if unblock is not None else CaseDecision.NO_ACTION
    customer, today = case.customer, timezone.localdate(now)
    CommitteeCase.objects.filter(pk=case.pk, state=CaseState.OPEN).update(
        state=CaseState.DECIDED, decision=decision, note=note, decided_by=user, decided_at=now,
        until=unblock.valid_until if unblock is not None else None, unblock=unblock,
        decision_facts=figures_of(customer, today).as_facts(customer.company, today))
    record(customer.company, EventKind.CASE_DECIDED,
           f"Committee case settled by the request's decision: {decision.label}", customer=customer, actor=user,
           before={"state": CaseState.OPEN.value}, after={"case": case.pk, "kind": case.kind,
                                                         "decision": decision.value},
           reason=note, at=now)
