"""The template pages: the list (defaults created on the first visit, the steps using each code, adding a
template), the edit page (preview of the unsaved text, validation, saving into the history), and who may
see them (MANAGE_COLLECTIONS: administrators and credit managers)."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from encours.accounts.models import Profile
from encours.accounts.roles import Role
from encours.collections.default_templates import DEFAULT_TEXTS, FRENCH
from encours.collections.models import MessageTemplate
from encours.collections.scenarios import ensure_default_scenarios
from encours.customers.models import Company
from encours.history.models import Event

pytestmark = pytest.mark.db

NNBSP, NBSP = "\u202f", "\u00a0"
LIST = reverse("message_templates")


def eur(text: str) -> str:
    return text.replace(" ", NNBSP) + NBSP + "€"


@pytest.fixture
def as_user(company):
    """as_user(role) -> a client logged in as a user with that role."""

    def login(role: Role):
        user = get_user_model().objects.create_user(f"user-{role.value}", first_name="Carla", last_name="Martin")
        Profile.objects.create(user=user, role=role)
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return login


@pytest.fixture
def manager(as_user):
    return as_user(Role.CREDIT_MANAGER)


def template(code="reminder-1", language="fr") -> MessageTemplate:
    return MessageTemplate.objects.get(code=code, language=language)


def edit_url(t: MessageTemplate) -> str:
    return reverse("message_template", args=[t.pk])


def form_data(t: MessageTemplate, button: str, **changes) -> dict:
    data = {"name": t.name, "subject": t.subject, "body": t.body, button: "1"}
    data.update(changes)
    return data


def test_the_list_shows_the_default_templates_in_both_languages(company, manager):
    response = manager.get(LIST)
    assert response.status_code == 200
    assert MessageTemplate.objects.filter(company=company).count() == len(DEFAULT_TEXTS) == 22
    page = response.content.decode()
    for t in MessageTemplate.objects.all():
        assert f'href="{edit_url(t)}"' in page
    assert FRENCH["formal-notice"].name in page
    assert response.context["nav"] == "templates"


def test_the_list_names_the_scenario_steps_using_each_code(company, manager):
    ensure_default_scenarios(company)
    rows = {(r["t"].code, r["t"].language): r["steps"] for r in manager.get(LIST).context["rows"]}
    # the default names are stored in English and shown in the user's language (French here)
    assert rows[("reminder-1", "fr")] == ["Entreprises (France): Première relance"]
    assert rows[("public-formal-notice", "en")] == ["Acheteurs publics (France): Mise en demeure"]


@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.SALES, Role.ACCOUNTANT, Role.AUDITOR])
def test_only_who_manages_collections_may_see_or_edit_templates(company, as_user, role):
    client = as_user(role)
    assert client.get(LIST).status_code == 403
    t = MessageTemplate.objects.create(company=company, code="x", language="fr", name="X", subject="s", body="b")
    assert client.get(edit_url(t)).status_code == 403
    assert client.post(edit_url(t), form_data(t, "save", subject="changed")).status_code == 403
    assert template("x").subject == "s"


def test_an_administrator_may_edit_templates(company, as_user):
    assert as_user(Role.ADMIN).get(LIST).status_code == 200


def test_adding_the_english_version_of_a_code_starts_from_the_other_language(company, manager):
    manager.get(LIST)
    french = template("reminder-1")
    french.code = "special"  # a code of the company's own, in French only
    french.save()
    response = manager.post(LIST, {"code": "special", "language": "en", "name": "Special reminder"})
    english = template("special", "en")
    assert response.status_code == 302 and response["Location"] == edit_url(english)
    assert (english.name, english.subject, english.body) == ("Special reminder", french.subject, french.body)
    assert english.updated_by == manager.user
    assert Event.objects.filter(kind="template.changed", actor=manager.user).count() == 1


def test_a_template_that_exists_already_is_not_added_twice(company, manager):
    manager.get(LIST)
    response = manager.post(LIST, {"code": "reminder-1", "language": "fr", "name": "Again"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert MessageTemplate.objects.filter(code="reminder-1").count() == 2


def test_the_edit_page_lists_the_merge_fields(company, manager):
    manager.get(LIST)
    page = manager.get(edit_url(template())).content.decode()
    for field in ("customer.name", "invoice_table", "total_claimed", "payment_reference", "collector.email"):
        assert f"{{{{ {field} }}}}" in page, field


def test_the_preview_renders_the_unsaved_text_with_amounts(company, manager):
    # No action yet: the example customer and its two invoices, 1 234.56 + 860.00 = 2 094.56
    manager.get(LIST)
    t = template()
    response = manager.post(edit_url(t), form_data(
        t, "preview", subject="Montant {{ total }}", body="Bonjour {{ customer.name }},\n\n{{ invoice_table }}"))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.subject == f"Montant {eur('2 094,56')}"
    page = response.content.decode()
    assert f"Montant {eur('2 094,56')}" in page
    assert "Bonjour Exemple SARL," in page and eur("1 234,56") in page
    assert '<div class="preview-html" id="preview-html"><div style=' in page and "<table" in page
    assert template().subject == t.subject  # nothing saved
    assert not Event.objects.exists()


def test_an_unknown_merge_field_is_refused_by_name_and_nothing_is_saved(company, manager):
    manager.get(LIST)
    t = template()
    for button in ("save", "preview"):
        response = manager.post(edit_url(t), form_data(t, button, body="Bonjour {{ customer.nmae }}"))
        assert response.status_code == 200
        assert "customer.nmae" in str(response.context["form"].non_field_errors())
        assert "customer.nmae" in response.content.decode().split('id="template-errors"')[1].split("</div>")[0]
        assert response.context["preview"] is None
    assert template().body == t.body
    assert not Event.objects.exists()


def test_a_syntax_error_is_refused_and_nothing_is_saved(company, manager):
    manager.get(LIST)
    t = template()
    response = manager.post(edit_url(t), form_data(t, "save", body="{% if total %}no end"))
    assert response.status_code == 200 and "endif" in str(response.context["form"].non_field_errors())
    assert template().body == t.body


def test_saving_records_the_change_in_the_history(company, manager):
    manager.get(LIST)
    t = template()
    response = manager.post(edit_url(t), form_data(t, "save", subject="Relance {{ customer.code }}"))
    assert response.status_code == 302
    saved = template()
    assert saved.subject == "Relance {{ customer.code }}" and saved.updated_by == manager.user
    [event] = Event.objects.filter(kind="template.changed")
    assert (event.actor, event.company) == (manager.user, company)
    assert event.before == {"subject": t.subject} and event.after == {"subject": "Relance {{ customer.code }}"}
    assert "reminder-1" in event.summary


def test_saving_an_unchanged_template_writes_no_history(company, manager):
    manager.get(LIST)
    t = template()
    # as a browser sends it: CRLF line ends, the final newline dropped
    body = t.body.rstrip("\n").replace("\n", "\r\n")
    assert manager.post(edit_url(t), form_data(t, "save", body=body)).status_code == 302
    assert template().body == t.body
    assert not Event.objects.exists()


def test_a_template_of_another_company_is_not_found(company, manager):
    other = Company.objects.create(name="Autre SA")
    foreign = MessageTemplate.objects.create(company=other, code="reminder-1", language="fr", name="X",
                                             subject="s", body="b")
    assert manager.get(edit_url(foreign)).status_code == 404
    assert manager.post(edit_url(foreign), form_data(foreign, "save", subject="t")).status_code == 404
    assert MessageTemplate.objects.get(pk=foreign.pk).subject == "s"


def test_the_list_follows_the_order_of_the_scenario_steps_french_first(company, manager):
    rows = [(r["t"].code, r["t"].language) for r in manager.get(LIST).context["rows"]]
    assert rows[:5] == [("preventive", "fr"), ("preventive", "en"), ("reminder-1", "fr"), ("reminder-1", "en"),
                        ("reminder-2", "fr")]
    assert rows[-1] == ("public-formal-notice", "en")
