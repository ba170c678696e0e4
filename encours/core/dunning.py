"""Dunning ("relance"): which step of its scenario each open item is due for on a run date.

The rules, so that a credit manager can check a run by hand:

- A scenario is an ordered list of steps; each has an offset in days from the item's due date (negative: a
  preventive reminder before it), a channel and a template.
- An item's next step is the first step after the last one done for it. A step is done once its action is
  created; an item whose last action is not yet sent (or validated, for a call) gets nothing new.
- The next step is due on the later of ``due date + offset`` and ``date of the last step + (its offset gap)``:
  an item first seen long after its due date starts with the first reminder and then keeps the rhythm of
  the scenario (D+3, D+10: seven days later), instead of receiving every step at once.
- A preventive step (negative offset) is for items not yet due on the run date, and a step with a minimum
  amount for items owing at least that much; other items pass over it. Non-preventive steps need the item
  to be overdue (run date after the due date).
- Items under an open dispute or a pending promise are paused (counted, nothing created); customers in
  litigation or insolvency proceedings are out of the amicable scenario (the caller leaves them out).
- Due items are grouped into one action per customer and step: one letter lists all the invoices concerned.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum


class Channel(StrEnum):
    EMAIL = "email"
    LETTER = "letter"
    PHONE = "phone"  # a call for a collector to make
    SMS = "sms"  # a text message for a collector to send

    @property
    def is_task(self) -> bool:
        """A task a person does (call, text) rather than a document the system sends."""
        return self in (Channel.PHONE, Channel.SMS)


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    offset_days: int  # from the due date; negative: preventive
    channel: Channel
    template: str = ""  # template code; the customer's language picks the variant
    claims_interest: bool = False  # adds late-payment interest and the recovery indemnity
    requires_approval: bool = False  # a person validates the action before it is sent
    min_amount: Decimal | None = None  # only for items owing at least this much (e.g. preventive calls)
    is_formal_notice: bool = False  # "mise en demeure": starts consumer interest, opens litigation

    @property
    def is_preventive(self) -> bool:
        return self.offset_days < 0


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    steps: tuple[Step, ...]

    def __post_init__(self) -> None:
        offsets = [s.offset_days for s in self.steps]
        if offsets != sorted(offsets):
            raise ValueError(f"the steps of scenario {self.name!r} must be in the order of their offsets: {offsets}")


@dataclass(frozen=True, slots=True)
class ItemState:
    """An open invoice as the run sees it."""

    id: int
    customer_id: int
    due_date: date
    open_amount: Decimal
    last_step: int | None = None  # index in the scenario of the last step done, None: none yet
    last_step_on: date | None = None  # the date that step was done
    awaiting: bool = False  # the last step's action is not sent yet
    paused: bool = False  # open dispute or pending promise


@dataclass(frozen=True, slots=True)
class PlannedAction:
    customer_id: int
    step_index: int
    step: Step
    item_ids: tuple[int, ...]


@dataclass
class Plan:
    actions: list[PlannedAction] = field(default_factory=list)
    paused_items: int = 0

    @property
    def items(self) -> int:
        return sum(len(a.item_ids) for a in self.actions)

    @property
    def customers(self) -> int:
        return len({a.customer_id for a in self.actions})


def step_date(item: ItemState, scenario: Scenario, index: int) -> date:
    """The date step ``index`` falls due for ``item``: see the module docstring."""
    step = scenario.steps[index]
    on = item.due_date + timedelta(days=step.offset_days)
    if item.last_step is not None and item.last_step_on is not None:
        gap = step.offset_days - scenario.steps[item.last_step].offset_days
        on = max(on, item.last_step_on + timedelta(days=gap))
    return on


def next_step(item: ItemState, scenario: Scenario, today: date) -> int | None:
    """Index of the step ``item`` is due for on ``today``, or None."""
    if item.paused or item.awaiting or item.open_amount <= 0:
        return None
    first = 0 if item.last_step is None else item.last_step + 1
    for index in range(first, len(scenario.steps)):
        step = scenario.steps[index]
        if step.min_amount is not None and item.open_amount < step.min_amount:
            continue
        if step.is_preventive != (today <= item.due_date):
            if step.is_preventive:
                continue  # too late for a preventive reminder: on to the reminders
            return None  # not overdue yet: the reminders wait
        return index if step_date(item, scenario, index) <= today else None
    return None


def plan(items: Iterable[ItemState], scenarios: Mapping[int, Scenario], today: date) -> Plan:
    """The actions due on ``today``: one per customer and step, items in the order given.

    ``scenarios`` maps a customer id to its scenario; customers without one are left alone.
    """
    result = Plan()
    grouped: dict[tuple[int, int], list[int]] = {}
    for item in items:
        scenario = scenarios.get(item.customer_id)
        if scenario is None:
            continue
        if item.paused:
            result.paused_items += 1
            continue
        index = next_step(item, scenario, today)
        if index is not None:
            grouped.setdefault((item.customer_id, index), []).append(item.id)
    for (customer_id, index), ids in grouped.items():
        result.actions.append(PlannedAction(customer_id, index, scenarios[customer_id].steps[index], tuple(ids)))
    return result


@dataclass(frozen=True, slots=True)
class Assignment:
    """A scenario for the customers matching every criterion given (None: any)."""

    scenario: str
    kind: str | None = None
    segment: str | None = None
    payer_profile: str | None = None

    def matches(self, kind: str, segment: str, payer_profile: str) -> bool:
        return all(
            wanted is None or wanted == value
            for wanted, value in ((self.kind, kind), (self.segment, segment), (self.payer_profile, payer_profile))
        )

    @property
    def precision(self) -> int:
        return sum(c is not None for c in (self.kind, self.segment, self.payer_profile))


def choose_scenario(assignments: Iterable[Assignment], kind: str, segment: str, payer_profile: str) -> str | None:
    """The scenario of the most precise matching assignment (most criteria); the first given on a tie."""
    best: Assignment | None = None
    for a in assignments:
        if a.matches(kind, segment, payer_profile) and (best is None or a.precision > best.precision):
            best = a
    return best.scenario if best else None
