"""The daily dunning run: promises checked, the steps due chosen by ``core.dunning``, actions created.

One transaction: a run killed midway leaves nothing, and running it again does it once. Each step reaches an
invoice once (``dunning_step_once_per_document``) and an invoice whose last action is not done gets nothing
new, so running twice for the same date creates nothing the second time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from encours.collections.models import Action, ActionItem, ActionState, Dispute, Promise, PromiseState, Run, Step
from encours.collections.promises import check_promises
from encours.collections.scenarios import company_scenarios, ensure_default_scenarios
from encours.core import dunning
from encours.core.money import decimal_to_cents
from encours.core.records import DocumentKind
from encours.customers.models import Company, Customer, CustomerStatus
from encours.ledger.bulk import insert_rows, stored_date, stored_now
from encours.ledger.models import Document

# customers out of the amicable scenario: their files are handled by litigation
OUT_OF_SCENARIO = (CustomerStatus.LITIGATION, CustomerStatus.INSOLVENCY)


@dataclass(frozen=True)
class RunSummary:
    date: date
    actions_created: int
    customers: int
    items: int
    paused: int
    promises_kept: int
    promises_broken: int
    dry_run: bool

    def as_dict(self) -> dict:
        return {
            "date": self.date.isoformat(), "actions_created": self.actions_created, "customers": self.customers,
            "items": self.items, "paused": self.paused, "promises_kept": self.promises_kept,
            "promises_broken": self.promises_broken, "dry_run": self.dry_run,
        }


class DryRun(Exception):
    """Raised inside the run's transaction to roll a dry run back."""


def run_dunning(company: Company, on: date, *, dry_run: bool = False, user=None) -> RunSummary:
    """Run the dunning of ``company`` for the date ``on``; with ``dry_run`` report what it would do, change nothing."""
    ensure_default_scenarios(company)
    summary = None
    try:
        with transaction.atomic():
            summary = _run(company, on, dry_run, user)
            if dry_run:
                raise DryRun
    except DryRun:
        pass
    return summary


def _run(company: Company, on: date, dry_run: bool, user) -> RunSummary:
    kept, broken = check_promises(company, on)
    assignments, scenarios = company_scenarios(company)
    customer_scenario: dict[int, str] = {}
    for pk, kind, segment, profile in (
        Customer.objects.filter(company=company).exclude(status__in=OUT_OF_SCENARIO)
        .values_list("id", "kind", "segment", "payer_profile")
    ):
        name = dunning.choose_scenario(assignments, kind, segment, profile)
        if name is not None:
            customer_scenario[pk] = name
    items = list(_item_states(company, customer_scenario, scenarios))
    plan = dunning.plan(items, {c: scenarios[name][0] for c, name in customer_scenario.items()}, on)
    amounts = {item.id: item.open_amount for item in items}
    if not dry_run:
        _create_actions(company, on, plan, customer_scenario, scenarios, amounts, user)
    return RunSummary(on, len(plan.actions), plan.customers, plan.items, plan.paused_items, kept, broken, dry_run)


def _item_states(company: Company, customer_scenario: dict[int, str], scenarios: dict):
    """One ``ItemState`` per open invoice of the customers in a scenario."""
    # one currency per letter: the company's (invoices in other currencies are not dunned yet)
    open_invoices = Document.objects.filter(
        company=company, kind=DocumentKind.INVOICE, currency=company.currency, closed_on__isnull=True,
    )
    paused = _paused_documents(company)
    last = _last_steps(company)
    step_offsets = dict(Step.objects.filter(scenario__company=company).values_list("id", "offset_days"))
    for pk, customer_id, due, amount, allocated in open_invoices.order_by("customer_id", "due_date", "id").values_list(
        "id", "customer_id", "due_date", "amount", "allocated"
    ):
        name = customer_scenario.get(customer_id)
        if name is None:
            continue
        last_step = last_on = None
        awaiting = False
        if pk in last:
            step_id, last_on, state = last[pk]
            last_step = _index_in(scenarios[name][1], step_id, step_offsets)
            awaiting = state in (ActionState.TO_APPROVE, ActionState.TO_DO)
        yield dunning.ItemState(pk, customer_id, due, amount - allocated, last_step, last_on, awaiting, pk in paused)


def _index_in(rows: list[Step], step_id: int, step_offsets: dict[int, int]) -> int | None:
    """Index of the step done in the customer's current scenario; for a step of another scenario (the
    customer changed scenario), the last of the current one at the same offset or before."""
    for index, row in enumerate(rows):
        if row.id == step_id:
            return index
    offset = step_offsets.get(step_id)
    before = [i for i, row in enumerate(rows) if offset is not None and row.offset_days <= offset]
    return before[-1] if before else None


def _last_steps(company: Company) -> dict[int, tuple[int, date, str]]:
    """document id -> (step id, planned date, action state) of its latest action not cancelled."""
    last: dict[int, tuple[int, date, str]] = {}
    rows = (
        ActionItem.objects.filter(action__company=company, cancelled=False, document__closed_on__isnull=True)
        .order_by("action__planned_on", "position", "id")
        .values_list("document_id", "step_id", "action__planned_on", "action__state")
    )
    for document_id, step_id, planned_on, state in rows:
        last[document_id] = (step_id, planned_on, state)
    return last


def _paused_documents(company: Company) -> set[int]:
    """Invoices under an open dispute or a pending promise."""
    disputed = Dispute.objects.filter(company=company, resolution="").values_list("documents", flat=True)
    promised = Promise.objects.filter(company=company, state=PromiseState.PENDING).values_list("documents", flat=True)
    return {pk for pk in (*disputed, *promised) if pk is not None}


ACTION_COLUMNS = ("company_id", "customer_id", "run_id", "step_id", "channel", "state", "planned_on", "total",
                  "currency", "created_at")
ITEM_COLUMNS = ("action_id", "document_id", "step_id", "position", "open_amount", "cancelled")


def _create_actions(company, on, plan, customer_scenario, scenarios, amounts, user) -> None:
    """The run, its actions and their items (bulk inserts: 100,000 items in about a second)."""
    run = Run.objects.create(company=company, date=on, started_at=timezone.now(), started_by=user,
                             actions_created=len(plan.actions), items=plan.items, customers=plan.customers,
                             paused=plan.paused_items)
    now, day = stored_now(), stored_date(on)
    planned_steps = [(planned, scenarios[customer_scenario[planned.customer_id]][1][planned.step_index])
                     for planned in plan.actions]
    rows = []
    for planned, step in planned_steps:
        state = ActionState.TO_APPROVE if step.requires_approval else ActionState.TO_DO
        total = sum(decimal_to_cents(amounts[i]) for i in planned.item_ids)
        rows.append((company.id, planned.customer_id, run.id, step.id, step.channel, state.value, day, total,
                     company.currency, now))
    insert_rows(Action._meta.db_table, ACTION_COLUMNS, rows)
    # one action per (customer, step) in a run: their ids read back by that key
    ids = {(c, s): pk for pk, c, s in Action.objects.filter(run=run).values_list("id", "customer_id", "step_id")}
    items = [
        (ids[(planned.customer_id, step.id)], item_id, step.id, step.position, decimal_to_cents(amounts[item_id]),
         False)
        for planned, step in planned_steps for item_id in planned.item_ids
    ]
    insert_rows(ActionItem._meta.db_table, ITEM_COLUMNS, items)
