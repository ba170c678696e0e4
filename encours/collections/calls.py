"""Calls to customers, written down: the call, the promise or dispute it brought, the phone step done.

``log_call`` does it all in one transaction: a promise refused (no invoice, a date in the past…) leaves no
call behind, and the call is on the customer's timeline exactly when it is saved.
"""
from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone, translation

from encours.collections.disputes import open_dispute
from encours.collections.models import Action, ActionState, Call, CallOutcome
from encours.collections.promises import make_promise
from encours.core.dunning import Channel
from encours.customers.models import ContactRole, Customer
from encours.history.services import record

# whom to ask for first: the person who pays, then billing
CONTACT_ORDER = [ContactRole.ACCOUNTS_PAYABLE, ContactRole.BILLING, ContactRole.DECISION_MAKER, ContactRole.OTHER]


class CallRefused(ValueError):
    """A call that cannot be recorded as given; the message says why, for the person entering it."""


def log_call(customer: Customer, *, outcome: str, user, called_at: datetime, contact: str = "", phone: str = "",
             notes: str = "", next_action_on: date | None = None, action: Action | None = None,
             promise: dict | None = None, dispute: dict | None = None) -> Call:
    """Record a call to ``customer``.

    ``promise`` (outcome "promise"): ``documents``, ``amount``, ``promised_on``; made through
    ``promises.make_promise`` and linked to the call. ``dispute`` (outcome "dispute"): ``documents``, ``reason``,
    ``owner`` and optionally ``seller_at_fault`` and ``description``; opened through ``disputes.open_dispute``.
    ``action``: the phone step this call answers, marked done. Raises CallRefused, PromiseRefused or
    DisputeRefused, and then nothing is saved.
    """
    if outcome not in CallOutcome.values:
        raise CallRefused(f"unknown outcome {outcome!r}")
    if outcome == CallOutcome.PROMISE and not promise:
        raise CallRefused("a call ending in a promise needs the promise: invoices, amount and date")
    if outcome == CallOutcome.DISPUTE and not dispute:
        raise CallRefused("a call ending in a dispute needs the dispute: invoices, reason and owner")
    if action is not None and (action.customer_id != customer.pk or action.channel != Channel.PHONE):
        raise CallRefused("the action is not a call to make to this customer")
    day = timezone.localdate(called_at)
    actor = user if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        call = Call(company_id=customer.company_id, customer=customer, action=action, called_at=called_at,
                    called_by=actor, contact=contact, phone=phone, outcome=outcome, notes=notes,
                    next_action_on=next_action_on)
        if outcome == CallOutcome.PROMISE:
            call.promise = make_promise(customer, promise["documents"], promise["amount"], promise["promised_on"],
                                        channel=Channel.PHONE.value, made_on=day, user=user, notes=notes)
        elif outcome == CallOutcome.DISPUTE:
            call.dispute = open_dispute(customer, dispute["documents"], dispute["reason"], dispute["owner"],
                                        opened_on=day, user=user, seller_at_fault=dispute.get("seller_at_fault"),
                                        description=dispute.get("description") or notes)
        call.save()
        if action is not None:
            # done once: a second call for the same step leaves the first one's date and person
            Action.objects.filter(pk=action.pk, state=ActionState.TO_DO).update(
                state=ActionState.DONE, done_at=called_at, done_by=actor)
        # the history is written in one language, whoever reads it
        who = contact or phone or "the customer"
        with translation.override("en"):
            summary = f"Call to {who}: {CallOutcome(outcome).label}"
        if next_action_on:
            summary += f"; next action on {next_action_on.isoformat()}"
        record(customer.company, "call.logged", summary, customer=customer, actor=user, reason=notes,
               after={"call": call.pk, "outcome": outcome}, at=called_at)
    return call


def contact_to_call(customer: Customer, contacts) -> tuple[str, str]:
    """(name, phone) to call: the first of ``contacts`` with a phone by CONTACT_ORDER, else the customer's phone."""
    with_phone = sorted((c for c in contacts if c.phone), key=lambda c: CONTACT_ORDER.index(c.role))
    if with_phone:
        return with_phone[0].name, with_phone[0].phone
    return "", customer.phone
