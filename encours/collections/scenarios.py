"""The default scenarios shipped with Encours, and the scenarios of a company as core objects."""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from encours.collections.models import Action, ActionItem, Scenario, Step
from encours.core import dunning
from encours.core.dunning import Channel
from encours.customers.models import Company
from encours.history.services import record

E, L, P = Channel.EMAIL, Channel.LETTER, Channel.PHONE

# (name, offset, channel, template, claims interest, requires approval, min amount, formal notice)
# Names are stored in English and shown translated (``{% translate step.name %}``); a name a user types is
# shown as typed.
DEFAULTS = {
    # C. com. L441-10: interest and the 40 EUR indemnity are due without reminder; claimed from the last
    # reminder on, when the relationship is already strained.
    (gettext_noop("French B2B"), ""): [
        (gettext_noop("Preventive reminder"), -5, E, "preventive", False, False, Decimal("5000.00"), False),
        (gettext_noop("First reminder"), 3, E, "reminder-1", False, False, None, False),
        (gettext_noop("Second reminder"), 10, E, "reminder-2", False, False, None, False),
        (gettext_noop("Phone call"), 15, P, "", False, False, None, False),
        (gettext_noop("Last reminder"), 20, L, "last-reminder", True, False, None, False),
        (gettext_noop("Formal notice"), 30, L, "formal-notice", True, True, None, True),
    ],
    # Consumers owe no indemnity and no recovery costs (CPCE L111-8); legal interest only from the formal
    # notice (C. civ. 1231-6, 1344-1), so no step claims interest.
    (gettext_noop("French consumers"), "consumer"): [
        (gettext_noop("First reminder"), 5, E, "consumer-reminder-1", False, False, None, False),
        (gettext_noop("Second reminder"), 15, L, "consumer-reminder-2", False, False, None, False),
        (gettext_noop("Phone call"), 20, P, "", False, False, None, False),
        (gettext_noop("Formal notice"), 30, L, "consumer-formal-notice", False, True, None, True),
    ],
    # Public buyers owe interest (ECB + 8 points) and 40 EUR automatically after the payment period
    # (CCP L2192-13, R2192-31): every reminder states them.
    (gettext_noop("French public bodies"), "public"): [
        (gettext_noop("First reminder"), 5, E, "public-reminder-1", True, False, None, False),
        (gettext_noop("Second reminder"), 15, L, "public-reminder-2", True, False, None, False),
        (gettext_noop("Phone call"), 20, P, "", False, False, None, False),
        (gettext_noop("Formal notice"), 45, L, "public-formal-notice", True, True, None, True),
    ],
}


def ensure_default_scenarios(company: Company) -> None:
    """Create the default scenarios for a company that has none yet."""
    with transaction.atomic():
        if Scenario.objects.filter(company=company).exists():
            return
        for (name, kind), steps in DEFAULTS.items():
            scenario = Scenario.objects.create(company=company, name=name, customer_kind=kind)
            Step.objects.bulk_create(
                Step(scenario=scenario, position=i, name=n, offset_days=offset, channel=channel, template=template,
                     claims_interest=interest, requires_approval=approval, min_amount=minimum,
                     is_formal_notice=notice)
                for i, (n, offset, channel, template, interest, approval, minimum, notice) in enumerate(steps)
            )


def company_scenarios(company: Company) -> tuple[list[dunning.Assignment], dict[str, tuple[dunning.Scenario, list]]]:
    """The active scenarios' assignment rules, and each scenario by name as (core scenario, its Step rows)."""
    assignments, by_name = [], {}
    for scenario in Scenario.objects.filter(company=company, active=True).prefetch_related("steps"):
        rows = sorted(scenario.steps.all(), key=lambda s: s.position)
        core = dunning.Scenario(scenario.name, tuple(
            dunning.Step(s.name, s.offset_days, Channel(s.channel), s.template, s.claims_interest,
                         s.requires_approval, s.min_amount, s.is_formal_notice)
            for s in rows
        ))
        by_name[scenario.name] = (core, rows)
        assignments.append(dunning.Assignment(
            scenario.name, kind=scenario.customer_kind or None, segment=scenario.segment or None,
            payer_profile=scenario.payer_profile or None,
        ))
    return assignments, by_name


# --------------------------------------------------------------------------- editing (the scenario pages)
STEP_FIELDS = ("name", "offset_days", "channel", "template", "claims_interest", "requires_approval", "min_amount",
               "is_formal_notice")
CRITERIA = ("customer_kind", "segment", "payer_profile")
HISTORY_KIND = "scenario.changed"
CONSUMER = "consumer"


def day_label(offset_days: int) -> str:
    """A step's day from the due date as the pages write it: D-5, D+3 (J-5, J+3 in French)."""
    return _("D%(offset)+d") % {"offset": offset_days}


def step_problems(customer_kind: str, steps: list[dunning.Step]) -> list[str]:
    """Why ``steps``, in their order, cannot be the steps of a scenario for customers of ``customer_kind``
    (empty: any kind); an empty list when they can."""
    problems = []
    offsets = [s.offset_days for s in steps]
    try:
        dunning.Scenario("", tuple(steps))  # the run needs the offsets in order
        increasing = len(set(offsets)) == len(offsets)  # and two steps on the same day would be one reminder
    except ValueError:
        increasing = False
    if not increasing:
        problems.append(_("Each step must come after the one before it: in the order of the positions the days "
                          "are %(days)s. Change a position or a number of days.")
                        % {"days": ", ".join(day_label(o) for o in offsets)})
    notices = [s for s in steps if s.is_formal_notice]
    if len(notices) > 1:
        problems.append(_("A scenario has one formal notice at most, not %(count)s: %(steps)s.")
                        % {"count": len(notices), "steps": ", ".join(s.name for s in notices)})
    elif notices and steps[-1] is not notices[0]:
        problems.append(_("The formal notice must be the last step: %(step)s comes after it.")
                        % {"step": steps[-1].name})
    if customer_kind == CONSUMER:
        claiming = [s.name for s in steps if s.claims_interest and not s.is_formal_notice]
        if claiming:
            # C. civ. 1231-6 and 1344-1: interest from the formal notice; CPCE L111-8: no recovery costs
            problems.append(_("A consumer owes late interest only from the formal notice (C. civ. 1231-6) and "
                              "never the recovery indemnity (CPCE L111-8): in a consumer scenario only the formal "
                              "notice may claim interest, not %(steps)s.") % {"steps": ", ".join(claiming)})
    return problems


def same_criteria_scenario(company: Company, customer_kind: str, segment: str, payer_profile: str,
                           exclude_pk: int | None = None) -> Scenario | None:
    """An active scenario of ``company`` with exactly these criteria (other than ``exclude_pk``): a second one
    would make the choice of a customer's scenario ambiguous."""
    return (Scenario.objects.filter(company=company, active=True, customer_kind=customer_kind, segment=segment,
                                    payer_profile=payer_profile)
            .exclude(pk=exclude_pk).order_by("name").first())


def used_steps(steps: list[Step]) -> list[Step]:
    """The steps among ``steps`` that reminders were created for: kept as evidence, they cannot be deleted."""
    ids = [s.pk for s in steps if s.pk is not None]
    used = set(Action.objects.filter(step_id__in=ids).values_list("step_id", flat=True))
    used |= set(ActionItem.objects.filter(step_id__in=ids).values_list("step_id", flat=True))
    return [s for s in steps if s.pk in used]


def scenario_snapshot(scenario: Scenario, steps: list[Step]) -> dict:
    """The scenario and its steps, in order, as the history keeps them (JSON)."""
    data = {name: getattr(scenario, name) for name in ("name", *CRITERIA, "active")}
    data["steps"] = [
        {name: (f"{value:.2f}" if isinstance(value, Decimal) else value)
         for name, value in ((name, getattr(step, name)) for name in STEP_FIELDS)}
        for step in steps
    ]
    return data


def create_scenario(company: Company, name: str, criteria: dict, copy_from: Scenario | None, *, actor) -> Scenario:
    """A new scenario, inactive until its steps are checked, with a copy of the steps of ``copy_from``."""
    with transaction.atomic():
        scenario = Scenario.objects.create(company=company, name=name, active=False,
                                           **{c: criteria.get(c, "") for c in CRITERIA})
        steps = []
        if copy_from is not None:
            steps = Step.objects.bulk_create(
                Step(scenario=scenario, position=i, **{f: getattr(s, f) for f in STEP_FIELDS})
                for i, s in enumerate(copy_from.steps.order_by("position"))
            )
        if copy_from is None:
            summary = _("Scenario %(name)s created") % {"name": name}
        else:
            summary = _("Scenario %(name)s created from %(source)s") % {"name": name, "source": copy_from.name}
        record(company, HISTORY_KIND, summary, actor=actor, before=None, after=scenario_snapshot(scenario, steps))
    return scenario


def save_scenario(scenario: Scenario, steps: list[Step], deleted: list[Step], *, actor) -> list[str]:
    """Save ``scenario`` (its fields set, not saved) and ``steps`` (new or changed rows, in their order) in one
    transaction: the ``deleted`` steps removed, the positions renumbered 0..n-1, the change recorded in the
    history. Returns what changed (the scenario's fields, "steps"); nothing is written when nothing changed.

    Raises ``ProtectedError`` if a deleted step was used meanwhile (check ``used_steps`` first)."""
    with transaction.atomic():
        stored = Scenario.objects.select_for_update().get(pk=scenario.pk)
        before = scenario_snapshot(stored, list(stored.steps.order_by("position")))
        after = scenario_snapshot(scenario, steps)
        changed = [key for key in after if before[key] != after[key]]
        if not changed:
            return []
        Step.objects.filter(pk__in=[s.pk for s in deleted if s.pk is not None]).delete()
        # (scenario, position) is unique and checked row by row: move the kept rows out of the way first
        existing = [s for s in steps if s.pk is not None]
        current = Step.objects.filter(scenario=scenario).values_list("position", flat=True)
        free = max(max(current, default=-1) + 1, len(steps))
        for i, step in enumerate(existing):
            Step.objects.filter(pk=step.pk).update(position=free + i)
        for position, step in enumerate(steps):
            step.scenario, step.position = scenario, position
            step.save()
        scenario.save()
        record(scenario.company, HISTORY_KIND,
               _("Scenario %(name)s changed: %(fields)s") % {"name": scenario.name, "fields": ", ".join(changed)},
               actor=actor, before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return changed
