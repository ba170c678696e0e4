"""Encours speaks French by default and English on request.

The source strings are English; encours/locale/fr/LC_MESSAGES/django.po translates every one of them, and
scripts/compile_messages.py (run by scripts/bootstrap.sh) compiles it to the .mo Django loads.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from encours.accounts.models import Profile
from encours.customers.models import CustomerStatus

PO = Path(settings.BASE_DIR) / "encours" / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

# %(name)s, %s, %d, {name}, {{ name }}: what gets replaced when the string is used.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[sdi]|\{\{?\s*\w+\s*\}?\}")


def french_catalog():
    with PO.open("rb") as f:
        return read_po(f)


def messages():
    """The entries of the French catalog, header left out."""
    return [m for m in french_catalog() if m.id]


def forms(message) -> list[tuple[str, str]]:
    """(source, translation) pairs: one for a simple entry, one per plural form otherwise. French plural
    form 0 is for 0 and 1 (the msgid), the others for more (the msgid_plural)."""
    if not message.pluralizable:
        return [(message.id, message.string)]
    return [(message.id[0] if n == 0 else message.id[1], form) for n, form in enumerate(message.string)]


def test_the_french_catalog_has_no_untranslated_entry():
    untranslated = [m.id for m in messages() if not all(t for _, t in forms(m))]
    assert untranslated == [], "translate these in django.po, then run scripts/compile_messages.py"


def test_the_french_catalog_has_no_fuzzy_entry():
    catalog = french_catalog()
    assert not catalog.fuzzy, "the header is marked fuzzy"
    assert [m.id for m in messages() if m.fuzzy] == []


def test_the_french_catalog_has_every_plural_form():
    # nplurals=3 for French (0 and 1; a million "de"; the rest), from the Plural-Forms header.
    catalog = french_catalog()
    assert catalog.num_plurals == 3
    wrong = [m.id for m in messages() if m.pluralizable and len(m.string) != catalog.num_plurals]
    assert wrong == []


def test_each_translation_has_exactly_the_placeholders_of_its_source():
    mismatched = [
        (source, text) for m in messages() for source, text in forms(m)
        if text and set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(text))
    ]
    assert mismatched == []


def test_each_python_format_translation_formats_without_error():
    # catches a lone "%" (French "50 %" must be written "50 %%") and a misspelt %(name)s
    for m in messages():
        if "python-format" not in m.flags:
            continue
        for source, text in forms(m):
            names = re.findall(r"%\((\w+)\)", source)
            assert text % dict.fromkeys(names, 7), (source, text)


def test_french_punctuation_has_a_no_break_space_before_double_signs():
    # "Codes : cash, net:30" -> a space before ":" must be a no-break one; "net:30" has none and stays.
    ordinary_space = [t for m in messages() for _, t in forms(m) if re.search(r" [:;!?]| %(?!\()", t)]
    assert ordinary_space == []


def test_the_compiled_catalog_is_what_the_po_says():
    # The .mo is built by scripts/compile_messages.py (bootstrap.sh runs it); a stale one shows old words.
    assert MO.exists(), "run: .venv/bin/python scripts/compile_messages.py"
    stale = []
    with translation.override("fr"):
        for m in messages():
            if m.pluralizable:
                # French plural forms: 1 -> form 0, 1 000 000 -> form 1, 2 -> form 2
                got = [translation.ngettext(m.id[0], m.id[1], n) for n in (1, 1_000_000, 2)]
            else:
                got = translation.pgettext(m.context, m.id) if m.context else translation.gettext(m.id)
            if got != m.string and got != list(m.string):
                stale.append(m.id)
    assert stale == [], "the .mo is older than django.po: run .venv/bin/python scripts/compile_messages.py"


def test_french_is_the_default_language():
    assert settings.LANGUAGE_CODE == "fr"
    with translation.override("fr"):
        assert translation.gettext("Customers") == "Clients"
        assert translation.gettext("Aged balance") == "Balance âgée"
        assert str(CustomerStatus.WATCH.label) == "Sous surveillance"
        # French uses the singular for 0 and 1
        assert translation.ngettext("%(n)s customer", "%(n)s customers", 0) == "%(n)s client"
        assert translation.ngettext("%(n)s customer", "%(n)s customers", 2) == "%(n)s clients"
    with translation.override("en"):
        assert translation.gettext("Customers") == "Customers"
        assert str(CustomerStatus.WATCH.label) == "Under watch"


@pytest.fixture
def admin_client(client, customer):
    customer.status = CustomerStatus.WATCH
    customer.save()
    user = get_user_model().objects.create_user("ada", "ada@example.fr", "pw-for-tests-only")
    Profile.objects.create(user=user, role="admin")
    assert client.login(username="ada", password="pw-for-tests-only")
    return client


def page(client, path="/customers/", **headers) -> str:
    response = client.get(path, **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_a_page_is_in_french_by_default(admin_client):
    html = page(admin_client)
    assert '<html lang="fr">' in html
    for french in ["<h1>Clients</h1>", "Accueil", "Balance âgée", "Se déconnecter", "Administrateur",
                   "Tous les statuts", "Sous surveillance", "Entreprise", "Jours de retard", "1 client"]:
        assert french in html
    for english in ["Log out", "All statuses", "Under watch", "Days late"]:
        assert english not in html


def test_a_browser_asking_for_a_language_encours_does_not_speak_gets_french(admin_client):
    html = page(admin_client, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert '<html lang="fr">' in html and "Se déconnecter" in html


def test_choosing_english_shows_the_pages_in_english(admin_client):
    response = admin_client.post("/i18n/setlang/", {"language": "en", "next": "/customers/"})
    assert response.status_code == 302 and response["Location"] == "/customers/"
    html = page(admin_client)
    assert '<html lang="en">' in html
    for english in ["<h1>Customers</h1>", "Home", "Aged balance", "Log out", "Administrator",
                    "All statuses", "Under watch", "Business", "Days late", "1 customer"]:
        assert english in html
    for french in ["Se déconnecter", "Tous les statuts", "Sous surveillance"]:
        assert french not in html


def test_form_labels_come_from_the_translated_model_fields(admin_client, customer):
    # the edit form's labels are the fields' verbose names; the choices are the models' labels
    html = page(admin_client, f"/customers/{customer.pk}/edit/")
    for french in ["Profil payeur", "Mode de règlement", "Chargé de recouvrement", "Bon payeur", "Sous surveillance"]:
        assert french in html
    admin_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = page(admin_client, f"/customers/{customer.pk}/edit/")
    for english in ["Payer profile", "Payment method", "Collector", "Good payer", "Under watch"]:
        assert english in html


def test_choosing_french_again_brings_french_back(admin_client):
    admin_client.post("/i18n/setlang/", {"language": "en", "next": "/customers/"})
    admin_client.post("/i18n/setlang/", {"language": "fr", "next": "/customers/"})
    assert "Se déconnecter" in page(admin_client)


def test_the_login_page_is_in_french(client, db):
    html = page(client, "/login/")
    assert "Se connecter" in html and "Mot de passe" in html
