"""The customer page: identity, terms, contacts, open items, balance, own aged balance, credit panel, timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from encours.accounts.access import visible_customers
from encours.accounts.roles import Capability
from encours.collections.models import Action, ActionState, Dispute, Message, Promise, PromiseState
from encours.core.ageing import DEFAULT_BUCKETS
from encours.history.models import Event
from encours.ledger.models import Allocation, Document
from encours.reporting.ageing import aged_balance
from encours.risk.panel import credit_panel
from encours.web.decorators import requires
from encours.web.labels import bucket_title, terms_in_words
from encours.web.scope import company_for

ITEMS_PER_PAGE = 100
TIMELINE = 25


@dataclass
class Moment:
    at: datetime
    kind: str  # css class and icon: import, invoice, credit_note, payment, allocation, change
    text: str
    actor: str = ""
    detail: str = ""
    amount: object = None  # Decimal
    url: str = ""


@requires(Capability.VIEW)
def customer_detail(request, pk: int):
    company = company_for(request)
    customer = get_object_or_404(
        visible_customers(request.user, company).select_related("collector", "account_manager", "company"), pk=pk
    )
    as_of = timezone.localdate()
    report = aged_balance(company, as_of, DEFAULT_BUCKETS, customer_ids=[customer.pk])
    buckets = report.customers[0].buckets if report.customers else [0] * len(DEFAULT_BUCKETS)
    open_items = Document.objects.filter(customer=customer, closed_on__isnull=True).order_by("due_date", "id")
    page = Paginator(open_items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "web/customer_detail.html", {
        "nav": "customers",
        "customer": customer,
        "currency": company.currency,
        "as_of": as_of,
        "terms": terms_in_words(customer.payment_terms or company.default_terms),
        "terms_is_default": not customer.payment_terms,
        "contacts": list(customer.contacts.all()),
        "balance": sum(buckets),
        "overdue": sum(c for c, b in zip(buckets, DEFAULT_BUCKETS) if b.is_overdue),
        "ageing": [
            {"title": bucket_title(b), "cents": c, "overdue": b.is_overdue} for b, c in zip(DEFAULT_BUCKETS, buckets)
        ],
        "page": page,
        "items": [_item(d, as_of) for d in page.object_list],
        "timeline": timeline(customer),
        "collections": collections_summary(customer),
        "credit": credit_panel(customer, as_of),
    })


def collections_summary(customer) -> dict:
    """What is under way in the collection of this customer: actions to do, pending promises, open disputes,
    the last messages sent."""
    return {
        "actions": list(Action.objects.filter(customer=customer, state__in=[ActionState.TO_APPROVE, ActionState.TO_DO])
                        .select_related("step").order_by("planned_on", "id")[:10]),
        "promises": list(Promise.objects.filter(customer=customer, state=PromiseState.PENDING)
                         .order_by("promised_on")[:10]),
        "disputes": list(Dispute.objects.filter(customer=customer, resolution="").order_by("opened_on")[:10]),
        "messages": list(Message.objects.filter(customer=customer).order_by("-sent_at", "-id")
                         .only("id", "subject", "channel", "state", "sent_at", "total", "currency")[:5]),
    }


def _item(doc: Document, as_of: date) -> dict:
    sign = 1 if doc.is_debit else -1
    late = (as_of - doc.due_date).days if doc.is_debit else None
    return {"doc": doc, "open": sign * doc.open_amount, "amount": sign * doc.amount,
            "days_late": late if late and late > 0 else None}


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def _event_url(event: Event) -> str:
    message = (event.after or {}).get("message") if event.kind.startswith("message.") else None
    return reverse("message", args=[message]) if message else ""


def timeline(customer) -> list[Moment]:
    """The latest events of the customer's file, newest first: history, documents, settlements."""
    moments = [
        Moment(e.at, e.kind.replace(".", "-"), e.summary, e.actor.get_username() if e.actor else "", e.reason,
               url=_event_url(e))
        for e in Event.objects.filter(customer=customer).select_related("actor").order_by("-at", "-id")[:TIMELINE]
    ]
    kinds = {"invoice": _("Invoice %(n)s issued"), "credit_note": _("Credit note %(n)s"),
             "payment": _("Payment %(n)s received")}
    for d in Document.objects.filter(customer=customer).order_by("-document_date", "-id")[:TIMELINE]:
        moments.append(Moment(_at(d.document_date), d.kind, kinds[d.kind] % {"n": d.number}, amount=d.amount))
    settled = (
        Allocation.objects.filter(debit__customer=customer)
        .select_related("debit", "credit").order_by("-date", "-id")[:TIMELINE]
    )
    for a in settled:
        moments.append(Moment(
            _at(a.date), "allocation",
            _("%(credit)s settles %(invoice)s") % {"credit": a.credit.number, "invoice": a.debit.number},
            amount=a.amount,
        ))
    moments.sort(key=lambda m: m.at, reverse=True)
    return moments[:TIMELINE]
