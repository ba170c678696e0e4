"""The Django admin of the collections models: every list opens, a legal interest rate starts a half-year,
and the messages sent are evidence that nobody can add, change or delete there."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from encours.collections.models import Call, InterestRate, Message, MessageTemplate, Scenario

MODELS = ["scenario", "action", "run", "promise", "dispute", "messagetemplate", "message", "call", "interestrate"]


@pytest.fixture
def staff(client, db):
    user = get_user_model().objects.create_superuser("boss", "boss@example.fr", "pw-for-tests-only")
    client.force_login(user)
    return client


@pytest.fixture
def filled(company, customer):
    Scenario.objects.create(company=company, name="Défaut")
    MessageTemplate.objects.create(company=company, code="reminder-1", language="fr", name="Première relance",
                                   subject="Relance", body="Bonjour {{ customer.name }}")
    message = Message.objects.create(company=company, customer=customer, channel="email", language="fr",
                                     subject="Relance", body_text="Bonjour", total=Decimal("120.00"), state="sent",
                                     sent_at=datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    Call.objects.create(company=company, customer=customer, called_at=datetime(2026, 3, 3, 10, 0, tzinfo=timezone.utc),
                        outcome="no_answer")
    InterestRate.objects.create(series="ecb", starts_on=date(2026, 3, 11), percent=Decimal("2.150"))
    return {"message": message}


@pytest.mark.parametrize("model", MODELS)
def test_each_collections_list_opens_for_a_superuser(staff, filled, model):
    response = staff.get(reverse(f"admin:collections_{model}_changelist"))
    assert response.status_code == 200


def test_the_message_template_list_filters_by_language_and_searches_codes(staff, filled, company):
    MessageTemplate.objects.create(company=company, code="reminder-1", language="en", name="First reminder",
                                   subject="Reminder", body="Hello")
    url = reverse("admin:collections_messagetemplate_changelist")
    assert staff.get(url, {"language__exact": "en"}).context["cl"].result_count == 1
    assert staff.get(url, {"q": "reminder-1"}).context["cl"].result_count == 2
    assert staff.get(url, {"q": "formal"}).context["cl"].result_count == 0


def test_the_call_list_filters_by_outcome(staff, filled):
    url = reverse("admin:collections_call_changelist")
    assert staff.get(url, {"outcome__exact": "no_answer"}).context["cl"].result_count == 1
    assert staff.get(url, {"outcome__exact": "promise"}).context["cl"].result_count == 0


def rate_form(series, starts_on, percent="2.76"):
    return {"series": series, "starts_on": starts_on, "percent": percent, "source": "JORF"}


@pytest.mark.parametrize("starts_on", ["2026-07-01", "2027-01-01"])
def test_a_legal_rate_starting_a_half_year_is_saved(staff, db, starts_on):
    response = staff.post(reverse("admin:collections_interestrate_add"), rate_form("legal_other", starts_on))
    assert response.status_code == 302
    rate = InterestRate.objects.get()
    assert (rate.series, rate.starts_on, rate.percent) == ("legal_other", date.fromisoformat(starts_on),
                                                           Decimal("2.760"))


@pytest.mark.parametrize(("series", "starts_on"), [
    ("legal_other", "2026-07-15"), ("legal_private", "2026-02-01"), ("legal_private", "2026-12-31"),
])
def test_a_legal_rate_not_starting_on_1_january_or_1_july_is_refused(staff, db, series, starts_on):
    response = staff.post(reverse("admin:collections_interestrate_add"), rate_form(series, starts_on),
                          headers={"accept-language": "en"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "starts_on" in errors and "1 January or 1 July" in errors["starts_on"][0]
    assert InterestRate.objects.count() == 0


def test_an_ecb_rate_may_start_on_any_day(staff, db):
    # ECB decisions take effect on a meeting's date, e.g. 11 June 2025
    response = staff.post(reverse("admin:collections_interestrate_add"), rate_form("ecb", "2025-06-11", "2.15"))
    assert response.status_code == 302
    assert InterestRate.objects.get().starts_on == date(2025, 6, 11)


def test_a_message_sent_can_be_read_but_not_added_changed_or_deleted(staff, filled):
    message = filled["message"]
    change = reverse("admin:collections_message_change", args=[message.pk])
    page = staff.get(change)
    assert page.status_code == 200 and "Relance" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert staff.post(change, {"subject": "Changed", "state": "failed"}).status_code == 403
    assert staff.get(reverse("admin:collections_message_add")).status_code == 403
    assert staff.post(reverse("admin:collections_message_delete", args=[message.pk]), {"post": "yes"}).status_code \
        == 403
    message.refresh_from_db()
    assert (message.subject, message.state) == ("Relance", "sent")
    assert Message.objects.count() == 1
