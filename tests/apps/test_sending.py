"""Sending reminders: e-mails through a real SMTP server started by the test, letters as PDFs; each kept as
a message, on the customer's timeline, and never sent twice."""
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import django
import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from encours.collections.models import Action, ActionState, Message, MessageState
from encours.collections.run import run_dunning
from encours.collections.sending import SendingFailed, send_action, send_pending_emails
from encours.customers.models import Contact
from encours.history.models import Event
from tests.apps.conftest import make_doc
from tests.apps.smtp_server import SmtpServer

pytestmark = pytest.mark.db
RUN_DAY = date(2026, 4, 3)  # D+3 after 31 March: the first reminder, by e-mail
LETTER_AT = timezone.make_aware(datetime(2026, 4, 20, 9, 30))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        options = {"host": "127.0.0.1", "port": server.port, "use_tls": False, "use_ssl": False, "timeout": 10}
        if django.VERSION >= (6, 1):
            settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                            "OPTIONS": options}}
        else:
            settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
            settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
            settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield server.recorder


@pytest.fixture
def debtor(company, customer):
    company.email, company.iban = "relances@creancier.fr", "FR7630006000011234567890189"
    company.save()
    Contact.objects.create(customer=customer, name="Service comptable", email="compta@client-un.fr")
    Contact.objects.create(customer=customer, name="Paul Payeur", email="paul@client-un.fr")
    make_doc(customer, "invoice", "1000.00", "2026-03-01", due="2026-03-31", number="F-001")
    make_doc(customer, "invoice", "250.50", "2026-03-02", due="2026-03-31", number="F-002")
    return customer


def test_the_emails_of_a_run_arrive_with_recipients_amounts_and_the_letter_attached(company, debtor, smtp):
    assert run_dunning(company, RUN_DAY).actions_created == 1
    batch = send_pending_emails(company, RUN_DAY)
    assert (batch.sent, batch.failed) == (1, [])

    [envelope] = smtp.envelopes
    assert envelope.mail_from == "relances@creancier.fr"
    assert sorted(envelope.rcpt_tos) == ["compta@client-un.fr", "paul@client-un.fr"]
    [mail] = smtp.messages()
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for part in (text, html):
        assert "F-001" in part and "F-002" in part
        assert "1\u00a0250,50\u00a0€" in part.replace("\u202f", "\u00a0")  # 1,000.00 + 250.50, French format
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    letter = pdf_text(attachment.get_content())
    assert "F-001" in letter and "F-002" in letter and "FR76" in letter.replace(" ", "")

    message = Message.objects.get()
    assert (message.state, message.channel, message.total, message.customer) == (
        MessageState.SENT, "email", Decimal("1250.50"), debtor)
    assert message.recipients.splitlines() == ["compta@client-un.fr", "paul@client-un.fr"]
    assert Action.objects.get().state == ActionState.DONE
    assert Event.objects.filter(customer=debtor, kind="message.sent").count() == 1

    assert send_pending_emails(company, RUN_DAY).sent == 0  # nothing twice
    assert len(smtp.envelopes) == 1


def test_a_refused_email_is_kept_as_failed_and_the_action_stays_to_do(company, debtor, smtp):
    smtp.refuse = {"compta@client-un.fr", "paul@client-un.fr"}
    run_dunning(company, RUN_DAY)
    batch = send_pending_emails(company, RUN_DAY)
    assert batch.sent == 0 and len(batch.failed) == 1 and "550" in batch.failed[0][1]
    message = Message.objects.get()
    assert message.state == MessageState.FAILED and "550" in message.error
    assert Action.objects.get().state == ActionState.TO_DO
    smtp.refuse = set()
    assert send_pending_emails(company, RUN_DAY).sent == 1  # sent once the address works
    assert Action.objects.get().state == ActionState.DONE


def test_a_customer_without_an_email_address_is_refused_with_a_clear_reason(company, customer, smtp):
    make_doc(customer, "invoice", "80.00", "2026-03-01", due="2026-03-31")
    run_dunning(company, RUN_DAY)
    with translation.override("en"), pytest.raises(SendingFailed, match="no e-mail address"):
        send_action(Action.objects.get())
    assert Message.objects.count() == 0 and smtp.envelopes == []


def test_a_letter_is_produced_as_a_pdf_and_kept(company, debtor):
    run_dunning(company, RUN_DAY)
    Action.objects.update(state=ActionState.DONE)
    for day in (date(2026, 4, 10), date(2026, 4, 15), date(2026, 4, 20)):  # second reminder, call, last reminder
        run_dunning(company, day)
        Action.objects.filter(state=ActionState.TO_DO).exclude(channel="letter").update(state=ActionState.DONE)
    letter = Action.objects.get(channel="letter", state=ActionState.TO_DO)
    message = send_action(letter, now=LETTER_AT)
    text = pdf_text(bytes(message.pdf))
    assert "F-001" in text and "F-002" in text
    # The last reminder claims interest and the 40 EUR indemnity per invoice: 2 × 40 = 80
    assert message.indemnity == Decimal("80.00") and message.interest > 0
    assert "80,00" in text
    with pytest.raises(SendingFailed):
        send_action(letter)  # already done
