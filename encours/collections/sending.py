"""Sending a reminder: the e-mail through SMTP, or the letter as a PDF to print; kept as a ``Message``.

``send_action`` locks the action, renders it, sends it and marks it done in one transaction, so two people
(or a person and the worker) cannot send the same action twice. The e-mail leaves before the transaction
commits: if the database then failed, the action would stay to do and a second send would repeat the
e-mail — at least once, never lost. A refused e-mail is kept as a failed message with the server's answer,
and the action stays to do.
"""
from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from encours.collections.letters import letter_pdf
from encours.collections.models import Action, ActionState, Message, MessageState
from encours.collections.rendering import TemplateMissing, render_action
from encours.core.dunning import Channel
from encours.customers.models import Company
from encours.history.services import record

SENDABLE = (Channel.EMAIL.value, Channel.LETTER.value)


class SendingFailed(Exception):
    """The action could not be sent; the message says why, for the person sending it."""


def send_action(action: Action, *, user=None, now: datetime | None = None) -> Message:
    """Send one pending e-mail or letter action; returns the message kept as evidence."""
    now = now or timezone.now()
    failure = None
    with transaction.atomic():
        action = (Action.objects.select_for_update().select_related("customer__company", "step", "company")
                  .get(pk=action.pk))
        if action.state != ActionState.TO_DO:
            raise SendingFailed(_("This action is not waiting to be sent (%(state)s).") % {
                "state": action.get_state_display()})
        if action.channel not in SENDABLE:
            raise SendingFailed(_("Calls and text messages are made by a person, not sent by Encours."))
        try:
            rendered = render_action(action, as_of=timezone.localdate(now))
        except TemplateMissing as error:
            raise SendingFailed(str(error)) from None
        pdf = letter_pdf(rendered)
        message = Message(
            company=action.company, customer=action.customer, action=action, channel=action.channel,
            language=rendered.language, template_code=action.step.template, subject=rendered.subject,
            body_text=rendered.text, body_html=rendered.html, total=rendered.total,
            interest=rendered.total_interest, indemnity=rendered.total_indemnity, currency=rendered.currency,
            sent_at=now, sent_by=user if getattr(user, "is_authenticated", False) else None,
            state=MessageState.SENT,
        )
        if action.channel == Channel.EMAIL:
            if not rendered.recipients:
                raise SendingFailed(_("%(customer)s has no e-mail address: add one to a billing contact or to the "
                                      "customer.") % {"customer": action.customer.name})
            message.recipients = "\n".join(rendered.recipients)
            failure = _send_email(action, rendered, pdf)
            if failure:
                message.state, message.error = MessageState.FAILED, failure
        else:
            message.pdf = pdf
        message.save()
        if not failure:
            action.state, action.done_at = ActionState.DONE, now
            action.done_by = message.sent_by
            action.save(update_fields=["state", "done_at", "done_by"])
        # the history is written in one language, whoever reads it
        how = "by e-mail to " + ", ".join(rendered.recipients) if action.channel == Channel.EMAIL else "as a letter"
        record(action.company, "message.failed" if failure else "message.sent",
               f"{action.step.name} {'not sent' if failure else 'sent'} {how}: {rendered.subject}",
               customer=action.customer, actor=user, after={"message": message.pk, "total": str(rendered.total)},
               reason=failure or "", at=now)
    if failure:
        raise SendingFailed(failure)
    return message


def _send_email(action: Action, rendered, pdf: bytes) -> str:
    """Send through the configured backend; returns "" or the server's refusal."""
    company: Company = action.company
    reply_to = [a for a in (getattr(action.customer.collector, "email", ""), company.email) if a][:1]
    email = EmailMultiAlternatives(
        subject=rendered.subject, body=rendered.text, to=list(rendered.recipients),
        from_email=_sender(company), reply_to=reply_to,
    )
    email.attach_alternative(rendered.html, "text/html")
    email.attach(f"{rendered.payment_reference or 'reminder'}.pdf", pdf, "application/pdf")
    try:
        email.send()
    except (smtplib.SMTPException, OSError) as error:
        return _("The mail server refused the e-mail: %(error)s") % {"error": error}
    return ""


def _sender(company: Company) -> str:
    address = company.email or settings.DEFAULT_FROM_EMAIL
    return f'"{company.name}" <{address}>' if company.name else address


@dataclass(frozen=True)
class Batch:
    sent: int
    failed: list[tuple[int, str]]  # (action id, why)

    def as_dict(self) -> dict:
        return {"sent": self.sent, "failed": [{"action": pk, "error": why} for pk, why in self.failed]}


def send_pending_emails(company: Company, on: date, *, user=None) -> Batch:
    """Send every e-mail action of ``company`` to do and planned on or before ``on``; one failure does not
    stop the others. Actions awaiting approval are left for the person who approves them."""
    pending = Action.objects.filter(company=company, state=ActionState.TO_DO, channel=Channel.EMAIL,
                                    planned_on__lte=on).order_by("planned_on", "id").values_list("pk", flat=True)
    sent, failed = 0, []
    for pk in list(pending):
        try:
            send_action(Action(pk=pk), user=user)
            sent += 1
        except SendingFailed as error:
            failed.append((pk, str(error)))
    return Batch(sent, failed)
