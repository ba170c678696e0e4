"""Who may open what: every URL of the project, for each of the six roles, a user without a role and an
anonymous visitor, checked against the capability table of ``encours/accounts/roles.py``.

The matrix is computed from the URL configuration itself, so a new URL is in it the day it is added:

- a page states its capability with ``encours.web.decorators.requires`` (``view.required_capability``);
- an API operation states it in ``API_CAPABILITIES`` below (django-ninja operations carry no attribute);
- views anyone may reach are in ``PUBLIC``, each with the status an anonymous visitor gets;
- the Django admin is skipped (``SKIPPED``): it has its own staff checks, tested at the end.

A URL that is none of these, or that has a path parameter this file cannot fill, fails
``test_every_url_states_what_it_needs``.

Expected outcome of a request, from the table:
  anonymous                      -> pages: redirect to /login/?next=<path>; API: 401
  a user without a role          -> 403 (pages and API)
  a role without the capability  -> 403
  a role with it                 -> the view's success status (200; 202 for an API upload)
  ... but a sales person asking for an object outside their customers -> 404 (existence not revealed)
"""
from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import Client
from django.urls import URLResolver, get_resolver, path
from django.utils import timezone
from pypdf import PdfWriter

from encours.accounts.access import new_api_token
from encours.accounts.models import Profile
from encours.accounts.roles import SCOPED_TO_OWN_CUSTOMERS, Capability, Role, can
from encours.api.main import api
from encours.collections.default_templates import ensure_default_templates
from encours.collections.disputes import open_dispute
from encours.collections.models import Action, ActionItem, Message, MessageState, MessageTemplate, Step
from encours.collections.promises import make_promise
from encours.collections.scenarios import ensure_default_scenarios
from encours.imports import services as import_services
from encours.imports.models import ImportJob
from encours.risk.models import FinancialStatement
from encours.risk.unblocks import request_unblock
from encours.risk.orders import place_order
from tests.apps.conftest import make_doc

User = get_user_model()

ANONYMOUS = "anonymous"
NO_ROLE = "no_role"  # logged in, but no Profile and not a superuser
PRINCIPALS = [*[r.value for r in Role], NO_ROLE, ANONYMOUS]

# Route prefixes left out of the matrix, and why.
SKIPPED = {
    "admin/": "Django admin: staff-only by its own checks (see the admin tests at the end, and test_admin.py)",
    settings.STATIC_URL.lstrip("/"): "static files (WhiteNoise serves them; a URL pattern only in DEBUG)",
}

# Views anyone may reach (they check what they need themselves, or show nothing private), with what an
# anonymous GET gets.
PUBLIC = {
    "login": 200,
    "logout": 405,  # POST only: a GET must not log anybody out
    "set_language": 302,  # i18n/setlang/: stores the language, back to ``next``
    "api:api-root": 404,  # django-ninja's placeholder at /api/ (it only serves to reverse the prefix)
    "api:unknown_path": 404,  # the API's JSON 404 for any path no operation answers
}

# The capability each API operation checks with ``encours.api.auth.require`` (see encours/api/*.py).
API_CAPABILITIES = {
    ("GET", "/api/customers"): Capability.VIEW,
    ("GET", "/api/customers/{customer_id}"): Capability.VIEW,
    ("GET", "/api/customers/{customer_id}/open-items"): Capability.VIEW,
    ("GET", "/api/invoices"): Capability.VIEW,
    ("GET", "/api/credit-notes"): Capability.VIEW,
    ("GET", "/api/payments"): Capability.VIEW,
    ("GET", "/api/ageing"): Capability.VIEW,
    ("GET", "/api/kpis"): Capability.VIEW,
    ("POST", "/api/imports"): Capability.IMPORT,
    ("GET", "/api/imports"): Capability.VIEW,
    ("GET", "/api/imports/{job_id}"): Capability.VIEW,
    ("POST", "/api/orders/check"): Capability.CHECK_ORDERS,
    ("POST", "/api/orders"): Capability.CHECK_ORDERS,
    ("GET", "/api/orders/{order_id}"): Capability.CHECK_ORDERS,
    ("POST", "/api/orders/{order_id}/invoice"): Capability.CHECK_ORDERS,
    ("POST", "/api/orders/{order_id}/cancel"): Capability.CHECK_ORDERS,
}

# What fills a path parameter: the collection named just before it (customers/<int:pk>/,
# api/imports/<job_id>) -> an object of the fixture.
PATH_OBJECTS = {"customers": "customer", "users": "user", "imports": "job", "actions": "action",
                "messages": "message", "promises": "promise", "disputes": "dispute", "templates": "template",
                "scenarios": "scenario", "orders": "order", "statements": "statement",
                "requests": "unblock_request", "committee": "case"}

CUSTOMERS_CSV = b"code,name,kind\nC9,Client Neuf,business\n"


def _upload_data():
    file = io.BytesIO(CUSTOMERS_CSV)
    file.name = "customers.csv"
    return {"file": file, "kind": "csv", "mapping": "customers"}


# The body of API operations that take one; a valid body, so that the answer is about the caller's rights.
REQUEST_DATA = {
    ("POST", "/api/imports"): _upload_data,
    ("POST", "/api/orders/check"): lambda: {"customer": "C1", "amount": "10.00"},
    ("POST", "/api/orders"): lambda: {"customer": "C1", "reference": "PO-MATRIX", "amount": "10.00"},
    ("POST", "/api/orders/{order_id}/invoice"): lambda: {},
    ("POST", "/api/orders/{order_id}/cancel"): lambda: {"note": "matrix"},
}


# --------------------------------------------------------------------------- the URL list
@dataclass(frozen=True)
class Route:
    api: bool
    method: str  # pages: GET (the decorator guards every method alike; POST is checked apart)
    route: str  # Django's route with its include prefixes: "customers/<int:pk>/", "api/customers/<customer_id>"
    name: str  # "customer", "api:get_customer"
    capability: Capability | None
    ok_status: int

    @property
    def params(self) -> list[tuple[str, str]]:
        """(collection, parameter) of each path parameter: ("customers", "pk")."""
        return re.findall(r"([\w-]+)/<(?:\w+:)?(\w+)>", self.route)

    @property
    def openapi_path(self) -> str:
        return _openapi_path(self.route)

    @property
    def label(self) -> str:
        return f"{self.method} /{self.route}"


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            yield prefix + str(pattern.pattern), namespace + (pattern.name or ""), pattern


def _openapi_path(route: str) -> str:
    """Django's "api/customers/<customer_id>" -> OpenAPI's "/api/customers/{customer_id}"."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def _success(responses: dict) -> int:
    return min(int(code) for code in responses if str(code).startswith("2"))


def project_routes(patterns=None) -> tuple[list[Route], list[str]]:
    """(the routes to check, the routes skipped), from the URL patterns; API operations one per method."""
    schema_paths = api.get_openapi_schema()["paths"]
    routes: dict[tuple[str, str], Route] = {}
    skipped = []
    for route, name, pattern in _walk(get_resolver().url_patterns if patterns is None else patterns):
        if route.startswith(tuple(SKIPPED)):
            skipped.append(route)
            continue
        is_api = name.startswith(f"{api.urls_namespace}:")
        operations = schema_paths.get(_openapi_path(route)) if is_api else None
        if not operations:  # a page, or an API view outside the OpenAPI description (docs, catch-all)
            capability = getattr(pattern.callback, "required_capability", None)
            # the API's description and docs are guarded like pages (log-in redirect), by @requires
            page_like = capability is not None
            routes.setdefault(("GET", route), Route(is_api and not page_like, "GET", route, name, capability, 200))
            continue
        for method, operation in operations.items():
            method = method.upper()
            routes[(method, route)] = Route(True, method, route, f"api:{operation['operationId']}",
                                            API_CAPABILITIES.get((method, _openapi_path(route))),
                                            _success(operation["responses"]))
    return list(routes.values()), skipped


def coverage_problems(routes: list[Route]) -> list[str]:
    """What stops the matrix from covering ``routes``; empty when every URL is checked."""
    problems = []
    for r in routes:
        if r.name in PUBLIC:
            continue
        if r.capability is None:
            where = "API_CAPABILITIES" if r.api else "@requires(Capability.X) on the view"
            problems.append(f"{r.label} ({r.name}) states no capability: "
                            f"add it ({where}) or list it in PUBLIC")
        for collection, param in r.params:
            if collection not in PATH_OBJECTS:
                problems.append(f"{r.label}: no object fills <{param}> after {collection}/; add it to PATH_OBJECTS")
        if r.method != "GET" and (r.method, r.openapi_path) not in REQUEST_DATA:
            problems.append(f"{r.label}: add a valid request body to REQUEST_DATA")
    names = {r.name for r in routes}
    problems += [f"PUBLIC lists {name}, which is no URL of the project" for name in PUBLIC if name not in names]
    operations = {(r.method, r.openapi_path) for r in routes if r.api}
    problems += [f"API_CAPABILITIES lists {m} {p}, which is no operation" for m, p in API_CAPABILITIES
                 if (m, p) not in operations]
    return problems


ROUTES, SKIPPED_ROUTES = project_routes()
CHECKED = [r for r in ROUTES if r.name not in PUBLIC and r.capability is not None]


def _variants(route: Route) -> list[str]:
    """Customer pages are tried with the sales person's own customer and with another one."""
    if any(PATH_OBJECTS.get(collection) == "customer" for collection, _ in route.params):
        return ["own", "other"]
    return [""]


def _case_id(route: Route, principal: str, variant: str) -> str:
    return f"{route.label}{f' [{variant} customer]' if variant else ''} as {principal}"


MATRIX = [
    pytest.param(route, principal, variant, id=_case_id(route, principal, variant))
    for route in CHECKED for variant in _variants(route) for principal in PRINCIPALS
]


# --------------------------------------------------------------------------- the people and the objects
def make_user(username, role=None, **extra):
    user = User.objects.create_user(username, password=None, **extra)
    if role is not None:
        Profile.objects.create(user=user, role=role)
    return user


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.UPLOADS_DIR = tmp_path / "uploads"


@pytest.fixture
def world(company, customer, other_customer):
    """One user per role and one without a role; C1 managed by the sales user, C2 by another sales person;
    an import job uploaded by the administrator."""
    users = {role.value: make_user(f"u-{role.value}", role) for role in Role}
    users[NO_ROLE] = make_user("u-nobody")
    customer.account_manager, customer.collector = users[Role.SALES], users[Role.COLLECTOR]
    customer.save()
    other_customer.account_manager = make_user("u-other-sales", Role.SALES)  # and no collector
    other_customer.save()
    invoice = make_doc(customer, "invoice", "120.00", "2025-01-10", "2025-02-09")
    make_doc(other_customer, "invoice", "80.00", "2025-01-15", "2025-02-14")
    job = import_services.start_import(company, users[Role.ADMIN], ("customers.csv", CUSTOMERS_CSV), "csv",
                                       mapping="customers")
    return {"users": users, "own": customer, "other": other_customer, "job": job, "user": users[Role.COLLECTOR],
            **collections_of(company, customer, invoice)}


def blank_pdf() -> bytes:
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(595, 842)
    writer.write(out)
    return out.getvalue()


def collections_of(company, customer, invoice) -> dict:
    """A letter action, the letter sent, a promise, a dispute and a template, all of C1 (the sales user's)."""
    ensure_default_scenarios(company)
    ensure_default_templates(company)
    step = Step.objects.get(scenario__company=company, scenario__customer_kind="", name="Last reminder")
    action = Action.objects.create(company=company, customer=customer, step=step, channel=step.channel,
                                   planned_on=date(2025, 3, 1), total=invoice.amount)
    ActionItem.objects.create(action=action, document=invoice, step=step, position=step.position,
                              open_amount=invoice.amount)
    message = Message.objects.create(
        company=company, customer=customer, action=action, channel="letter", language="fr", subject="Relance",
        body_text="Relance", pdf=blank_pdf(), total=invoice.amount, state=MessageState.SENT,
        sent_at=timezone.now())
    promise = make_promise(customer, [invoice], invoice.amount, date(2025, 3, 20), "phone", made_on=date(2025, 3, 1))
    dispute = open_dispute(customer, [invoice], "price", "sales", opened_on=date(2025, 3, 2))
    template = MessageTemplate.objects.filter(company=company).first()
    customer.credit_limit = Decimal("1000.00")  # the order below is accepted, so it can be invoiced or cancelled
    customer.save()
    order = place_order(customer, "PO-WORLD", Decimal("10.00"))
    unblock_request = request_unblock(customer, reason="matrix", user=customer.account_manager, order=order)
    return {"action": action, "message": message, "promise": promise, "dispute": dispute, "template": template,
            "scenario": step.scenario,
            "order": order, "unblock_request": unblock_request, "case": unblock_request.committee_cases.get(),
            "statement": FinancialStatement.objects.create(
                customer=customer, year_end=date(2024, 12, 31), equity=Decimal("100"), long_term_debt=Decimal("0"),
                fixed_assets=Decimal("50"), inventories=Decimal("0"), trade_receivables=Decimal("30"),
                cash=Decimal("20"), trade_payables=Decimal("0"), total_assets=Decimal("100"),
                revenue=Decimal("300"), ebitda=Decimal("10"), operating_result=Decimal("5"), net_result=Decimal("3"))}


def url_for(route: Route, world, variant: str) -> str:
    objects = {"customer": world[variant or "own"], **{name: world[name] for name in (
        "user", "job", "action", "message", "promise", "dispute", "template", "scenario", "order", "statement",
        "unblock_request", "case")}}

    def fill(match):
        collection = match.group(1)
        return f"{collection}/{objects[PATH_OBJECTS[collection]].pk}"

    return "/" + re.sub(r"([\w-]+)/<(?:\w+:)?(\w+)>", fill, route.route)


def client_for(principal: str, world, api_call: bool) -> tuple[Client, dict]:
    """A client and its headers: pages use a session, the API a bearer token; anonymous has neither."""
    client = Client()
    if principal == ANONYMOUS:
        return client, {}
    user = world["users"][principal]
    if api_call:
        return client, {"Authorization": f"Bearer {new_api_token(user, 'matrix')}"}
    client.force_login(user)
    return client, {}


def hidden_from_sales(route: Route, variant: str) -> bool:
    """The URL names an object outside a sales person's view: another manager's customer, or the import job
    (uploaded by the administrator; sales see only their own uploads)."""
    return variant == "other" or any(PATH_OBJECTS.get(c) == "job" for c, _ in route.params)


def expected_status(route: Route, principal: str, variant: str) -> int:
    if principal == ANONYMOUS:
        return 401 if route.api else 302
    role = None if principal == NO_ROLE else Role(principal)
    if not can(role, route.capability):
        return 403
    if role in SCOPED_TO_OWN_CUSTOMERS and hidden_from_sales(route, variant):
        return 404
    return route.ok_status


# --------------------------------------------------------------------------- the matrix
@pytest.mark.parametrize(("route", "principal", "variant"), MATRIX)
def test_each_url_answers_each_role_as_the_capability_table_says(world, route, principal, variant):
    url = url_for(route, world, variant)
    client, headers = client_for(principal, world, route.api)
    if route.method == "GET":
        response = client.get(url, headers=headers)
    else:
        data = REQUEST_DATA[(route.method, route.openapi_path)]()
        if any(hasattr(value, "read") for value in data.values()):  # an upload: multipart
            response = getattr(client, route.method.lower())(url, data, headers=headers)
        else:
            response = getattr(client, route.method.lower())(url, json.dumps(data), content_type="application/json",
                                                              headers=headers)
    expected = expected_status(route, principal, variant)
    assert response.status_code == expected, (url, principal, response.content[:300])
    if expected == 302 and principal == ANONYMOUS:
        location = urlsplit(response["Location"])
        assert location.path == "/login/" and parse_qs(location.query)["next"] == [url]
    if route.api and expected >= 400:
        code = {401: "unauthenticated", 403: "forbidden", 404: "not_found"}[expected]
        assert response.json()["error"]["code"] == code


DENIED_POSTS = [
    pytest.param(route, principal, id=f"POST /{route.route} as {principal}")
    for route in CHECKED if not route.api
    for principal in PRINCIPALS
    if principal == ANONYMOUS or not can(None if principal == NO_ROLE else Role(principal), route.capability)
]


@pytest.mark.parametrize(("route", "principal"), DENIED_POSTS)
def test_a_refused_post_is_refused_like_a_get_and_changes_nothing(world, route, principal):
    url = url_for(route, world, "own")
    client, _ = client_for(principal, world, api_call=False)
    before = (User.objects.count(), ImportJob.objects.count(), world["own"].name)
    response = client.post(url, {"name": "Changed", "username": "intruder", "role": "admin", "password": "x" * 12,
                                 "kind": "csv", "mapping": "customers"})
    assert response.status_code == (302 if principal == ANONYMOUS else 403)
    world["own"].refresh_from_db()
    assert (User.objects.count(), ImportJob.objects.count(), world["own"].name) == before


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_a_public_url_answers_an_anonymous_visitor(db, name):
    route = next(r for r in ROUTES if r.name == name)
    url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", "no-such-thing", route.route)
    response = Client().get(url)
    assert response.status_code == PUBLIC[name], url
    if name == "api:unknown_path":
        assert response.json()["error"]["code"] == "not_found"


def test_a_sales_person_with_a_session_is_scoped_in_the_api_too(world):
    """The API's second way in, the browser session, gives the same answers as the bearer token."""
    client = Client()
    client.force_login(world["users"][Role.SALES])
    assert client.get(f"/api/customers/{world['own'].pk}").status_code == 200
    assert client.get(f"/api/customers/{world['other'].pk}").status_code == 404
    nobody = Client()
    nobody.force_login(world["users"][NO_ROLE])
    assert nobody.get("/api/customers").status_code == 403


def test_a_superuser_without_a_profile_counts_as_administrator(db, company):
    boss = User.objects.create_superuser("boss", "boss@example.fr", password=None)
    client = Client()
    client.force_login(boss)
    assert client.get("/users/").status_code == 200


def test_a_deactivated_user_is_sent_back_to_the_login_page(world):
    collector = world["users"][Role.COLLECTOR]
    client = Client()
    client.force_login(collector)
    User.objects.filter(pk=collector.pk).update(is_active=False)
    response = client.get("/customers/")
    assert response.status_code == 302 and urlsplit(response["Location"]).path == "/login/"


# --------------------------------------------------------------------------- coverage of the URL list
def test_every_url_states_what_it_needs():
    assert coverage_problems(ROUTES) == []


def test_the_matrix_holds_every_page_and_every_api_operation():
    labels = {r.label for r in CHECKED}
    # a sample of what must be there, so that a broken walk of the URL list cannot pass with an empty matrix
    assert {"GET /", "GET /customers/<int:pk>/edit/", "GET /users/<int:pk>/", "GET /imports/<int:pk>/status.json",
            "GET /api/customers/<customer_id>/open-items", "POST /api/imports", "GET /api/imports"} <= labels
    assert len({r.route for r in CHECKED if not r.api}) >= 12
    assert {(r.method, r.openapi_path) for r in CHECKED if r.api} == set(API_CAPABILITIES)


def test_only_the_admin_site_is_skipped():
    assert SKIPPED_ROUTES and all(route.startswith("admin/") for route in SKIPPED_ROUTES)


def _plain_view(request):
    return HttpResponse("no capability checked")


def test_a_url_added_without_a_capability_fails_the_coverage_check():
    added = [path("reports/", _plain_view, name="reports"), *get_resolver().url_patterns]
    routes, _ = project_routes(added)
    assert coverage_problems(routes) == [
        "GET /reports/ (reports) states no capability: "
        "add it (@requires(Capability.X) on the view) or list it in PUBLIC"
    ]


def test_a_url_added_with_a_capability_enters_the_matrix():
    from encours.web.decorators import requires

    added = [path("reports/<int:pk>/", requires(Capability.EXPORT)(_plain_view), name="report"),
             *get_resolver().url_patterns]
    routes, _ = project_routes(added)
    new = next(r for r in routes if r.name == "report")
    assert new.capability == Capability.EXPORT
    assert coverage_problems(routes) == [
        "GET /reports/<int:pk>/: no object fills <pk> after reports/; add it to PATH_OBJECTS"
    ]


# --------------------------------------------------------------------------- the Django admin
@pytest.mark.parametrize("principal", [Role.ADMIN.value, Role.CREDIT_MANAGER.value, NO_ROLE, ANONYMOUS])
def test_the_admin_site_sends_a_non_staff_visitor_to_its_login_page(world, principal):
    client, _ = client_for(principal, world, api_call=False)
    response = client.get("/admin/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/admin/login/" and parse_qs(location.query)["next"] == ["/admin/"]


def test_the_admin_site_opens_for_a_superuser(db):
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.fr", password=None))
    assert client.get("/admin/").status_code == 200
