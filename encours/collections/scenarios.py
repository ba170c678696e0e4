"""The default scenarios shipped with Encours, and the scenarios of a company as core objects."""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from encours.collections.models import Scenario, Step
from encours.core import dunning
from encours.core.dunning import Channel
from encours.customers.models import Company

E, L, P = Channel.EMAIL, Channel.LETTER, Channel.PHONE

# (name, offset, channel, template, claims interest, requires approval, min amount, formal notice)
DEFAULTS = {
    # C. com. L441-10: interest and the 40 EUR indemnity are due without reminder; claimed from the last
    # reminder on, when the relationship is already strained.
    ("French B2B", ""): [
        ("Preventive reminder", -5, E, "preventive", False, False, Decimal("5000.00"), False),
        ("First reminder", 3, E, "reminder-1", False, False, None, False),
        ("Second reminder", 10, E, "reminder-2", False, False, None, False),
        ("Phone call", 15, P, "", False, False, None, False),
        ("Last reminder", 20, L, "last-reminder", True, False, None, False),
        ("Formal notice", 30, L, "formal-notice", True, True, None, True),
    ],
    # Consumers owe no indemnity and no recovery costs (CPCE L111-8); legal interest only from the formal
    # notice (C. civ. 1231-6, 1344-1), so no step claims interest.
    ("French consumers", "consumer"): [
        ("First reminder", 5, E, "consumer-reminder-1", False, False, None, False),
        ("Second reminder", 15, L, "consumer-reminder-2", False, False, None, False),
        ("Phone call", 20, P, "", False, False, None, False),
        ("Formal notice", 30, L, "consumer-formal-notice", False, True, None, True),
    ],
    # Public buyers owe interest (ECB + 8 points) and 40 EUR automatically after the payment period
    # (CCP L2192-13, R2192-31): every reminder states them.
    ("French public bodies", "public"): [
        ("First reminder", 5, E, "public-reminder-1", True, False, None, False),
        ("Second reminder", 15, L, "public-reminder-2", True, False, None, False),
        ("Phone call", 20, P, "", False, False, None, False),
        ("Formal notice", 45, L, "public-formal-notice", True, True, None, True),
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
