"""A collector's list for today: actions to approve, e-mails and letters to send, calls to make.

Each entry carries what its priority reads (``encours.core.worklist``): the open amount of its overdue
invoices now, the days late of the oldest, the customer's payer profile and status, and the promises the
customer broke in the last 180 days. Three queries whatever the number of entries: the actions with their
invoices summed in SQL, the calls to make back, the broken promises counted per customer (plus one for the
overdue invoices of the customers to call back).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from encours.accounts.access import visible_customer_ids
from encours.collections.models import Action, ActionState, Call, Promise, PromiseState
from encours.core import worklist as core
from encours.core.dunning import Channel
from encours.core.records import DocumentKind
from encours.customers.models import Company, CustomerStatus
from encours.history.services import record
from encours.ledger.fields import AmountField
from encours.ledger.models import Document

MINE, ALL, UNASSIGNED = "", "all", "none"  # the collector filter; otherwise a collector's user id
SEND_CHANNELS = (Channel.EMAIL.value, Channel.LETTER.value)
PENDING = (ActionState.TO_APPROVE, ActionState.TO_DO)


@dataclass
class Row:
    """One entry of the worklist: a pending action, or a call to make back (``call``, no action)."""

    customer: object  # Customer
    action: Action | None
    call: Call | None  # the call asking for this one to be made (follow-ups only)
    invoices: int
    total: Decimal  # open now, overdue or not
    overdue: Decimal  # open now and past its due date
    days_late: int | None  # of the oldest invoice; None or <= 0: none late
    broken_promises: int
    entry: core.Entry
    priority: core.Priority = field(init=False)

    def __post_init__(self) -> None:
        self.priority = core.priority(self.entry)

    @property
    def is_follow_up(self) -> bool:
        return self.action is None


@dataclass
class Worklist:
    to_approve: list[Row]
    to_send: list[Row]
    to_call: list[Row]

    @property
    def letters(self) -> list[Row]:
        """The letters to produce, in priority order."""
        return [r for r in self.to_send if r.action.channel == Channel.LETTER]


def by_collector(qs: QuerySet, user, choice: str, prefix: str = "customer__") -> QuerySet:
    """Keep the rows of the customers ``choice`` selects: MINE (the user's customers and the unassigned
    ones), ALL, UNASSIGNED, or a collector's id. Anything else reads as MINE."""
    if choice == ALL:
        return qs
    if choice == UNASSIGNED:
        return qs.filter(**{f"{prefix}collector__isnull": True})
    if choice.isdigit():
        return qs.filter(**{f"{prefix}collector_id": int(choice)})
    return qs.filter(Q(**{f"{prefix}collector": user}) | Q(**{f"{prefix}collector__isnull": True}))


def broken_promises(company: Company, today: date) -> dict[int, int]:
    """customer id -> promises broken in the last BROKEN_PROMISE_DAYS days (up to ``today``)."""
    since = today - timedelta(days=core.BROKEN_PROMISE_DAYS)
    rows = (Promise.objects.filter(company=company, state=PromiseState.BROKEN, settled_on__gt=since,
                                   settled_on__lte=today)
            .order_by().values("customer_id").annotate(n=Count("id")).values_list("customer_id", "n"))
    return dict(rows)


def pending_actions(company: Company, user, today: date, choice: str = MINE) -> QuerySet[Action]:
    """The actions to approve or to do planned for ``today`` or before, of the customers the user sees and
    ``choice`` selects, with their invoices' open amounts summed now."""
    open_now = F("items__document__amount") - F("items__document__allocated")
    overdue = Q(items__document__due_date__lt=today)
    qs = Action.objects.filter(
        company=company, state__in=PENDING, planned_on__lte=today,
    )
    ids = visible_customer_ids(user, company)
    if ids is not None:
        qs = qs.filter(customer_id__in=ids)
    return by_collector(qs, user, choice).select_related("customer__collector", "step").annotate(
        n_items=Count("items"),
        open_now=Sum(open_now, output_field=AmountField()),
        overdue_now=Sum(open_now, filter=overdue, output_field=AmountField()),
        oldest_due=Min("items__document__due_date"),
    )


def follow_up_calls(company: Company, user, today: date, choice: str = MINE) -> QuerySet[Call]:
    """Each customer's latest call, when it asked for a next action on ``today`` or before."""
    later = Call.objects.filter(customer=OuterRef("customer_id")).filter(
        Q(called_at__gt=OuterRef("called_at")) | Q(called_at=OuterRef("called_at"), pk__gt=OuterRef("pk"))
    )
    qs = Call.objects.filter(company=company, next_action_on__lte=today).exclude(Exists(later))
    ids = visible_customer_ids(user, company)
    if ids is not None:
        qs = qs.filter(customer_id__in=ids)
    return by_collector(qs, user, choice).select_related("customer__collector", "called_by")


def _overdue_by_customer(company: Company, customer_ids: list[int], today: date) -> dict[int, tuple]:
    """customer id -> (overdue invoices, their open amount, oldest due date)."""
    if not customer_ids:
        return {}
    rows = (
        Document.objects.filter(company=company, customer_id__in=customer_ids, kind=DocumentKind.INVOICE,
                                closed_on__isnull=True, due_date__lt=today)
        .order_by().values("customer_id")
        .annotate(n=Count("id"), open=Sum(F("amount") - F("allocated"), output_field=AmountField()),
                  oldest=Min("due_date"))
        .values_list("customer_id", "n", "open", "oldest")
    )
    return {pk: (n, amount, oldest) for pk, n, amount, oldest in rows}


def _entry(key: int, customer, overdue: Decimal, days_late: int | None, broken: int, approval: bool) -> core.Entry:
    return core.Entry(key=key, overdue=overdue, days_late=days_late or 0, payer_profile=customer.payer_profile,
                      watch=customer.status == CustomerStatus.WATCH, broken_promises=broken,
                      awaiting_approval=approval)


def build(company: Company, user, today: date, choice: str = MINE) -> Worklist:
    """Today's worklist, each section in priority order."""
    broken = broken_promises(company, today)
    to_approve, to_send, to_call = [], [], []
    phoning: set[int] = set()  # customers with a call to make already: no follow-up row as well
    for a in pending_actions(company, user, today, choice):
        customer = a.customer
        days = (today - a.oldest_due).days if a.oldest_due else None
        overdue = a.overdue_now or Decimal("0")
        waiting = a.state == ActionState.TO_APPROVE
        # keys: even for actions, odd for follow-ups, so that both kinds sort together in the call section
        row = Row(customer, a, None, a.n_items, a.open_now or Decimal("0"), overdue, days, broken.get(customer.pk, 0),
                  _entry(2 * a.pk, customer, overdue, days, broken.get(customer.pk, 0), waiting))
        if waiting:
            to_approve.append(row)
        elif a.channel in SEND_CHANNELS:
            to_send.append(row)
        else:
            to_call.append(row)
            phoning.add(customer.pk)
    calls = [c for c in follow_up_calls(company, user, today, choice) if c.customer_id not in phoning]
    figures = _overdue_by_customer(company, [c.customer_id for c in calls], today)
    for c in calls:
        n, overdue, oldest = figures.get(c.customer_id, (0, Decimal("0"), None))
        days = (today - oldest).days if oldest else None
        b = broken.get(c.customer_id, 0)
        to_call.append(Row(c.customer, None, c, n, overdue, overdue, days, b,
                           _entry(2 * c.pk + 1, c.customer, overdue, days, b, False)))
    return Worklist(*(sorted(rows, key=lambda r: core.sort_key(r.entry)) for rows in (to_approve, to_send, to_call)))


# --------------------------------------------------------------------------- what a collector does with an action
class ActionRefused(ValueError):
    """An action that cannot be approved, skipped or done as asked (someone else just did); says why."""


def approve_action(action: Action, user) -> None:
    """An action awaiting approval becomes to do (to send, to call)."""
    with transaction.atomic():
        if not Action.objects.filter(pk=action.pk, state=ActionState.TO_APPROVE).update(state=ActionState.TO_DO):
            raise ActionRefused("this action is no longer waiting for approval")
        record(action.company, "action.approved", f"{action.step.name} approved", customer=action.customer,
               actor=user, before={"state": ActionState.TO_APPROVE.value}, after={"state": ActionState.TO_DO.value})
    action.state = ActionState.TO_DO


def skip_action(action: Action, user, reason: str) -> None:
    """Cancel a pending action, saying why. Its invoices keep their step (their items are not cancelled): the
    step counts as passed and the next run goes on to the following one."""
    reason = reason.strip()
    if not reason:
        raise ActionRefused("say why the step is skipped")
    with transaction.atomic():
        before = Action.objects.filter(pk=action.pk).values_list("state", flat=True).first()
        if not Action.objects.filter(pk=action.pk, state__in=PENDING).update(state=ActionState.CANCELLED):
            raise ActionRefused("this action is no longer pending")
        record(action.company, "action.skipped", f"{action.step.name} skipped", customer=action.customer,
               actor=user, before={"state": before}, after={"state": ActionState.CANCELLED.value}, reason=reason)
    action.state = ActionState.CANCELLED


def mark_done(action: Action, user) -> None:
    """A text message sent by hand: the step is done. (A call is done by logging it: ``calls.log_call``.)"""
    if action.channel != Channel.SMS:
        raise ActionRefused("only a text message is marked done by hand; log a call, send an e-mail or a letter")
    actor = user if getattr(user, "is_authenticated", False) else None
    now = timezone.now()
    with transaction.atomic():
        if not Action.objects.filter(pk=action.pk, state=ActionState.TO_DO).update(
                state=ActionState.DONE, done_at=now, done_by=actor):
            raise ActionRefused("this action is no longer to do")
        record(action.company, "action.done", f"{action.step.name} done by hand", customer=action.customer,
               actor=user, after={"state": ActionState.DONE.value}, at=now)
    action.state = ActionState.DONE
