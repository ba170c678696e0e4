"""Unblocking: only a credit manager (or an administrator) lets a blocked customer's orders through, with a
reason and an expiry date; a sales person may ask for it. Each step is in the history."""
from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from encours.customers.models import Customer
from encours.history.services import record
from encours.risk.models import Order, RequestState, Unblock, UnblockRequest
from encours.risk.orders import OrderRefused


def grant_unblock(customer: Customer, *, valid_until: date, reason: str, user, request: UnblockRequest | None = None,
                  now=None) -> Unblock:
    """Orders of ``customer`` pass the limit and overdue checks up to ``valid_until`` (included)."""
    now = now or timezone.now()
    if not reason.strip():
        raise OrderRefused("say why the customer is unblocked")
    if valid_until < timezone.localdate(now):
        raise OrderRefused("the unblock must run until today at least")
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        unblock = Unblock.objects.create(customer=customer, valid_until=valid_until, reason=reason, granted_by=user,
                                         granted_at=now)
        before = customer.unblocked_until
        customer.unblocked_until = valid_until
        customer.save(update_fields=["unblocked_until"])
        if request is not None:
            _decide(request, RequestState.GRANTED, user, reason, now, unblock=unblock)
        record(customer.company, "credit.unblocked", f"Unblocked until {valid_until}", customer=customer, actor=user,
               before={"unblocked_until": str(before or "")}, after={"unblocked_until": str(valid_until)},
               reason=reason, at=now)
    return unblock


def request_unblock(customer: Customer, *, reason: str, user, order: Order | None = None, now=None) -> UnblockRequest:
    now = now or timezone.now()
    if not reason.strip():
        raise OrderRefused("say why the customer should be unblocked")
    with transaction.atomic():
        request = UnblockRequest.objects.create(customer=customer, order=order, reason=reason, requested_by=user,
                                                requested_at=now)
        record(customer.company, "credit.unblock_requested",
               f"Unblock requested{f' for order {order.reference}' if order else ''}", customer=customer, actor=user,
               reason=reason, at=now)
        from encours.risk.committee import open_unblock_case  # the committee imports this module

        open_unblock_case(request, now=now)
    return request


def refuse_request(request: UnblockRequest, *, user, note: str, now=None) -> None:
    if not note.strip():
        raise OrderRefused("say why the request is refused")
    with transaction.atomic():
        _decide(request, RequestState.REFUSED, user, note, now or timezone.now())
        record(request.customer.company, "credit.unblock_refused", "Unblock request refused",
               customer=request.customer, actor=user, reason=note)


def _decide(request: UnblockRequest, state: str, user, note: str, now, unblock: Unblock | None = None) -> None:
    updated = UnblockRequest.objects.filter(pk=request.pk, state=RequestState.PENDING).update(
        state=state, decided_by=user, decided_at=now, note=note, unblock=unblock)
    if not updated:
        raise OrderRefused("this request was already decided")
    from encours.risk.committee_decisions import settle_request_case  # the committee builds on this module

    request.refresh_from_db()
    settle_request_case(request, user=user, note=note, now=now, unblock=unblock)
