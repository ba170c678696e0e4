"""Telling people about orders: an order's reasons in words (for the pages and the e-mails), and the e-mail to
the credit managers when an order goes on hold.

``place_order`` queues ``tasks.tell_credit_managers`` once the order on hold is committed; the worker calls
``notify_on_hold``. Each person gets their own e-mail, so that a server refusing one address does not hide
who else was told; the history event ``order.notified`` says who was told and who could not be. A refused
e-mail never undoes the order: it was saved before the task was queued.
"""
from __future__ import annotations

import smtplib
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from encours.accounts.roles import Role
from encours.history.services import record
from encours.risk.models import Order, OrderState
from encours.web.formatting import money


class NotificationFailed(Exception):
    """Nobody could be told: every e-mail was refused (the task is then marked failed, with the reasons)."""


def reason_text(code: str, message: str, currency: str, figures: dict | None = None) -> str:
    """One reason of a credit check (``{code, message, figures}`` of ``Order.reasons``) as a sentence for a
    person, in the active language; without its figures, the sentence without them."""
    figures = {k: v if k == "tolerance_days" else money(Decimal(v), currency) for k, v in (figures or {}).items()}
    if code == "limit_exceeded":
        if figures:
            return _("The exposure with this order, %(exposure_after)s, exceeds the limit of %(limit)s by "
                     "%(excess)s.") % figures
        return _("The exposure with this order exceeds the credit limit.")
    if code == "insured_limit_exceeded":
        if figures:
            return _("The exposure with this order, %(exposure_after)s, exceeds the credit insurer's limit of "
                     "%(limit)s by %(excess)s: that part would not be insured.") % figures
        return _("The exposure with this order exceeds the credit insurer's limit: the excess would not be insured.")
    if code == "overdue":
        if figures:
            days = int(figures["tolerance_days"])
            return ngettext("%(overdue)s is overdue by more than %(days)s day, beyond the tolerance of %(tolerance)s.",
                            "%(overdue)s is overdue by more than %(days)s days, beyond the tolerance of "
                            "%(tolerance)s.", days) % {"overdue": figures["overdue"], "days": days,
                                                       "tolerance": figures["tolerance_amount"]}
        return _("Invoices are overdue beyond the tolerance.")
    if code == "litigation":
        return _("The customer is in litigation: no unblock lets an order through.")
    if code == "insolvency":
        return _("The customer is in insolvency proceedings: no unblock lets an order through.")
    if code == "blocked_by_hand":
        return _("The customer's account is blocked.")
    return message


def reason_texts(reasons: list[dict], currency: str) -> list[str]:
    return [reason_text(r.get("code", ""), r.get("message", ""), currency, r.get("figures")) for r in reasons]


# --------------------------------------------------------------------------- who is told
def recipients() -> list:
    """The active credit managers with an e-mail address; when none has one, the administrators with one
    (superusers without a role count as administrators)."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="").order_by("username")
    managers = list(users.filter(encours_profile__role=Role.CREDIT_MANAGER))
    if managers:
        return managers
    return list(users.filter(encours_profile__role=Role.ADMIN)) + list(
        users.filter(is_superuser=True, encours_profile__isnull=True))


def queue_link() -> str:
    """The credit queue's address: absolute when ``ENCOURS_BASE_URL`` is set, else the path alone."""
    base = getattr(settings, "ENCOURS_BASE_URL", "") or ""
    return base.rstrip("/") + reverse("credit_queue")


# --------------------------------------------------------------------------- the e-mail
def on_hold_mail(order: Order) -> tuple[str, str]:
    """(subject, text) of the e-mail, in the active language."""
    customer, currency = order.customer, order.currency
    amount = money(order.amount, currency)
    subject = _("Order on hold: %(customer)s, %(amount)s") % {"customer": customer.name, "amount": amount}
    checker = (order.checked_by.get_full_name() or order.checked_by.get_username()) if order.checked_by else "—"
    lines = [
        _("An order is waiting for a credit manager: release it or reject it."),
        "",
        _("Customer: %(name)s (%(code)s)") % {"name": customer.name, "code": customer.code},
        _("Order: %(reference)s") % {"reference": order.reference},
        _("Amount: %(amount)s") % {"amount": amount},
        _("Exposure before the order: %(exposure)s; limit: %(limit)s") % {
            "exposure": money(order.exposure_before, currency), "limit": money(order.limit, currency)},
        _("Checked by: %(user)s") % {"user": checker},
        "",
        _("Why it is on hold:"),
        *[f"- {text}" for text in reason_texts(order.reasons, currency)],
        "",
        _("The credit queue: %(link)s") % {"link": queue_link()},
    ]
    return subject, "\n".join(lines) + "\n"


def notify_on_hold(order_id: int, *, now=None) -> dict:
    """E-mail the credit managers about an order on hold; returns who was told and who could not be."""
    order = Order.objects.select_related("customer__company", "checked_by").filter(pk=order_id).first()
    if order is None or order.state != OrderState.ON_HOLD:  # deleted, or already decided: nothing to say
        return {"order": order_id, "skipped": order.state if order else "missing"}
    people = recipients()
    with translation.override(settings.LANGUAGE_CODE):
        subject, text = on_hold_mail(order)
    told, refused = [], []
    for person in people:
        mail = EmailMessage(subject=subject, body=text, to=[person.email], from_email=settings.DEFAULT_FROM_EMAIL)
        try:
            mail.send()
        except (smtplib.SMTPException, OSError) as error:
            refused.append({"to": person.email, "error": str(error)})
        else:
            told.append(person.email)
    # the history is written in one language, whoever reads it
    if told:
        summary = f"Order {order.reference} on hold: told {', '.join(told)}"
    elif not people:
        summary = f"Order {order.reference} on hold: nobody told, no credit manager nor administrator has an e-mail"
    else:
        summary = f"Order {order.reference} on hold: nobody told, the mail server refused every address"
    if refused and told:
        summary += f"; refused: {', '.join(r['to'] for r in refused)}"
    result = {"order": order.pk, "told": told, "refused": refused}
    record(order.customer.company, "order.notified", summary, customer=order.customer, after=result,
           at=now or timezone.now())
    if refused and not told:
        raise NotificationFailed("; ".join(f"{r['to']}: {r['error']}" for r in refused))
    return result
