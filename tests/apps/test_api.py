"""The REST API: authentication, the roles of the pages, sales scoping, filters, pages, errors, OpenAPI, CLI.

The small ledger (amounts in EUR, reports at 2025-03-31; buckets not_due, 1-30, 31-60, 61-90, over_90):

C1 "Client Un", managed by sam (sales)
  I1 invoice 1000.00 of 2025-01-10 due 2025-02-09, settled by P1 (payment 1000.00 of 2025-02-20)
  I2 invoice  600.00 of 2025-02-01 due 2025-03-03: 28 days late             -> 1-30, open 600 - 20 = 580
  I3 invoice  400.00 of 2025-03-15 due 2025-04-14                           -> not due
  N1 credit note 50.00 of 2025-03-20, 20.00 of it allocated to I2: 11 days  -> 1-30, open -30
C2 "Client Deux", managed by sol (another sales person)
  I4 invoice 2000.00 of 2024-11-15 due 2024-12-15: 16 + 31 + 28 + 31 = 106 days late -> over_90
C3 "Alpha Industrie", nobody's; public body, segment industry, under watch, collector colette
  I5 invoice  300.00 of 2025-03-01 due 2099-12-31                           -> not due (and not late today)
  P2 payment  100.00 of 2025-03-25, unallocated: 6 days                     -> 1-30, -100
"""
import io
import json
import logging
from datetime import date, timedelta
from decimal import Decimal

import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from encours.accounts.access import new_api_token, token_digest
from encours.accounts.models import ApiToken, Profile
from encours.accounts.roles import Role
from encours.cli import main as encours_cli
from encours.customers.models import Customer
from encours.imports import services as import_services
from encours.imports.models import ImportJob
from encours.ledger.models import Allocation
from tests.apps.conftest import make_doc

User = get_user_model()

READ_ENDPOINTS = [
    "/api/customers",
    "/api/customers/{c1}",
    "/api/customers/{c1}/open-items",
    "/api/invoices",
    "/api/credit-notes",
    "/api/payments",
    "/api/ageing?as_of=2025-03-31",
    "/api/kpis?as_of=2025-03-31",
    "/api/imports",
]
CAN_IMPORT = {Role.ADMIN, Role.CREDIT_MANAGER, Role.ACCOUNTANT}

CUSTOMERS_CSV = b"code,name,kind,siren,terms\nC7,Boulangerie Martin,business,732 829 320,days_eom:45\n"


def make_user(username, role=None, **extra):
    user = User.objects.create_user(username, password=None, **extra)
    if role is not None:
        Profile.objects.create(user=user, role=role)
    return user


def allocate(debit, credit, amount, day):
    Allocation.objects.create(company=debit.company, debit=debit, credit=credit, amount=Decimal(amount),
                              date=date.fromisoformat(day))


@pytest.fixture
def ledger(company, customer, other_customer):
    sam = make_user("sam", Role.SALES)
    sol = make_user("sol", Role.SALES)
    colette = make_user("colette", Role.COLLECTOR)
    c1, c2 = customer, other_customer
    c1.account_manager = sam
    c1.save()
    c2.account_manager = sol
    c2.save()
    c3 = Customer.objects.create(company=company, code="C3", name="Alpha Industrie", kind="public",
                                 segment="industry", status="watch", collector=colette, siren="732829320")
    docs = {
        "I1": make_doc(c1, "invoice", "1000.00", "2025-01-10", "2025-02-09", number="I1"),
        "I2": make_doc(c1, "invoice", "600.00", "2025-02-01", "2025-03-03", number="I2"),
        "I3": make_doc(c1, "invoice", "400.00", "2025-03-15", "2025-04-14", number="I3"),
        "N1": make_doc(c1, "credit_note", "50.00", "2025-03-20", number="N1"),
        "P1": make_doc(c1, "payment", "1000.00", "2025-02-20", number="P1"),
        "I4": make_doc(c2, "invoice", "2000.00", "2024-11-15", "2024-12-15", number="I4"),
        "I5": make_doc(c3, "invoice", "300.00", "2025-03-01", "2099-12-31", number="I5"),
        "P2": make_doc(c3, "payment", "100.00", "2025-03-25", number="P2"),
    }
    allocate(docs["I1"], docs["P1"], "1000.00", "2025-02-20")
    allocate(docs["I2"], docs["N1"], "20.00", "2025-03-20")
    return {"c1": c1, "c2": c2, "c3": c3, "sam": sam, "sol": sol, "colette": colette, **docs}


def bearer(user, name="tests"):
    return {"Authorization": f"Bearer {new_api_token(user, name)}"}


class Caller:
    """Calls the API with a new token of ``user``."""

    def __init__(self, user):
        self.headers = bearer(user)

    def get(self, path, **kwargs):
        return Client().get(path, headers=self.headers, **kwargs)

    def post(self, path, data=None, **kwargs):
        return Client().post(path, data, headers=self.headers, **kwargs)


@pytest.fixture
def api_as(db):
    """api_as(role): a Caller for a user of that role (one user per role and test)."""
    made = {}

    def caller_for(role):
        if role not in made:
            made[role] = Caller(make_user(f"u-{role}", role))
        return made[role]

    return caller_for


@pytest.fixture
def admin(api_as):
    return api_as(Role.ADMIN)


@pytest.fixture
def sam_api(ledger):
    return Caller(ledger["sam"])


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.UPLOADS_DIR = tmp_path / "uploads"


def numbers(response):
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


def codes(response):
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


def upload(caller, data=CUSTOMERS_CSV, name="customers.csv", kind="csv", mapping="customers", **fields):
    file = io.BytesIO(data)
    file.name = name
    return caller.post("/api/imports", {"file": file, "kind": kind, "mapping": mapping, **fields})


# --------------------------------------------------------------------------- roles and authentication
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("path", READ_ENDPOINTS)
def test_every_role_may_read_every_endpoint(ledger, api_as, role, path):
    caller = api_as(role)
    if role == Role.SALES:  # a sales person reads their own customer's file
        Customer.objects.filter(pk=ledger["c1"].pk).update(account_manager=User.objects.get(username="u-sales"))
    response = caller.get(path.format(c1=ledger["c1"].pk))
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("path", READ_ENDPOINTS)
def test_a_user_without_a_role_is_refused_everywhere(ledger, path):
    nobody = make_user("nobody")
    response = Client().get(path.format(c1=ledger["c1"].pk), headers=bearer(nobody))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("path", [*READ_ENDPOINTS, "/api/imports/1"])
def test_an_anonymous_call_is_told_to_authenticate(ledger, path):
    response = Client().get(path.format(c1=ledger["c1"].pk))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_a_user_without_a_role_may_not_upload_even_from_a_session(company):
    assert upload(Caller(make_user("nobody"))).status_code == 403
    client = Client()
    client.force_login(make_user("nobody-browser"))
    assert client.get("/api/customers").status_code == 403
    assert ImportJob.objects.count() == 0


def test_an_anonymous_upload_is_told_to_authenticate(db):
    response = upload(Client())
    assert response.status_code == 401
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize("role", list(Role))
def test_only_roles_with_the_import_right_may_upload(company, api_as, role):
    response = upload(api_as(role))
    if role in CAN_IMPORT:
        assert response.status_code == 202, response.content
        assert response.json()["status"] == "queued"
    else:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
        assert ImportJob.objects.count() == 0


def test_a_wrong_token_is_refused(ledger):
    response = Client().get("/api/customers", headers={"Authorization": "Bearer enc_not-a-token"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_a_revoked_token_is_refused(ledger):
    headers = bearer(ledger["colette"])
    assert Client().get("/api/customers", headers=headers).status_code == 200
    ApiToken.objects.filter(user=ledger["colette"]).delete()  # revoking a token deletes it
    assert Client().get("/api/customers", headers=headers).status_code == 401


def test_the_token_of_a_deactivated_user_is_refused(ledger):
    headers = bearer(ledger["colette"])
    User.objects.filter(pk=ledger["colette"].pk).update(is_active=False)
    assert Client().get("/api/customers", headers=headers).status_code == 401


def test_a_wrong_token_is_refused_even_with_a_logged_in_session(ledger):
    client = Client()
    client.force_login(ledger["colette"])
    response = client.get("/api/customers", headers={"Authorization": "Bearer enc_wrong"})
    assert response.status_code == 401


def test_last_use_of_a_token_is_written_at_most_once_a_minute(ledger):
    token = new_api_token(ledger["colette"], "script")
    headers = {"Authorization": f"Bearer {token}"}
    stored = ApiToken.objects.get(digest=token_digest(token))
    assert stored.last_used_at is None
    Client().get("/api/customers", headers=headers)
    first = ApiToken.objects.get(pk=stored.pk).last_used_at
    assert first is not None
    Client().get("/api/customers", headers=headers)
    assert ApiToken.objects.get(pk=stored.pk).last_used_at == first
    two_minutes_ago = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=stored.pk).update(last_used_at=two_minutes_ago)
    Client().get("/api/customers", headers=headers)
    assert ApiToken.objects.get(pk=stored.pk).last_used_at > two_minutes_ago


def test_a_logged_in_session_reads_the_api(ledger):
    client = Client()
    client.force_login(ledger["colette"])
    assert codes(client.get("/api/customers")) == ["C3", "C2", "C1"]


def test_a_session_upload_needs_the_csrf_token(company):
    accountant = make_user("alice", Role.ACCOUNTANT)
    client = Client(enforce_csrf_checks=True)
    client.force_login(accountant)
    refused = upload(client)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["error"]["message"]
    secret = "s" * 32  # the CSRF cookie a page would have set, sent back in the header
    client.cookies["csrftoken"] = secret
    file = io.BytesIO(CUSTOMERS_CSV)
    file.name = "customers.csv"
    accepted = client.post("/api/imports", {"file": file, "kind": "csv", "mapping": "customers"},
                           headers={"X-CSRFToken": secret})
    assert accepted.status_code == 202, accepted.content


def test_a_token_upload_needs_no_csrf_token(company):
    headers = bearer(make_user("alice", Role.ACCOUNTANT))
    client = Client(enforce_csrf_checks=True)
    file = io.BytesIO(CUSTOMERS_CSV)
    file.name = "customers.csv"
    response = client.post("/api/imports", {"file": file, "kind": "csv", "mapping": "customers"}, headers=headers)
    assert response.status_code == 202


# --------------------------------------------------------------------------- sales scoping
def test_sales_list_only_their_customers(sam_api):
    assert codes(sam_api.get("/api/customers")) == ["C1"]
    assert sam_api.get("/api/customers").json()["count"] == 1


def test_another_managers_customer_is_not_found_as_if_it_did_not_exist(ledger, sam_api):
    theirs = sam_api.get(f"/api/customers/{ledger['c2'].pk}")
    missing = sam_api.get("/api/customers/999999")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json() == {
        "error": {"code": "not_found", "message": "customer not found", "details": None}
    }
    assert sam_api.get(f"/api/customers/{ledger['c2'].pk}/open-items").status_code == 404


def test_sales_see_the_documents_of_their_customers_only(sam_api):
    assert numbers(sam_api.get("/api/invoices")) == ["I1", "I2", "I3"]
    assert numbers(sam_api.get("/api/payments")) == ["P1"]
    assert numbers(sam_api.get("/api/credit-notes")) == ["N1"]


def test_a_sales_filter_on_another_managers_customer_finds_nothing(ledger, sam_api):
    response = sam_api.get(f"/api/invoices?customer={ledger['c2'].pk}")
    assert numbers(response) == [] and response.json()["count"] == 0


def test_the_ageing_of_a_sales_person_totals_their_customers_only(ledger, sam_api):
    answer = sam_api.get("/api/ageing?as_of=2025-03-31").json()
    # C1 alone: not due I3 400; 1-30: I2 580 - N1 30 = 550; total 950, overdue 550
    assert [c["code"] for c in answer["customers"]] == ["C1"]
    assert [b["amount"] for b in answer["buckets"]] == ["400.00", "550.00", "0.00", "0.00", "0.00"]
    assert answer["total"] == "950.00" and answer["overdue"] == "550.00"


def test_the_kpis_of_a_sales_person_are_over_their_customers(sam_api):
    answer = sam_api.get("/api/kpis?as_of=2025-03-31").json()
    # overdue rate 550 / 950 x 100 = 57.894... -> 57.89 %
    # C1's sales over 365 days: I1 1000 + I2 600 + I3 400 - N1 50 = 1950; DSO 950 / 1950 x 365 = 177.82 -> 177.8
    assert answer["outstanding"] == "950.00" and answer["overdue"] == "550.00"
    assert answer["overdue_rate"] == "57.89"
    assert answer["sales"] == "1950.00" and answer["dso_accounting"] == "177.8"


def test_sales_see_no_import_job(company, ledger, sam_api):
    job = import_services.start_import(company, ledger["colette"], ("customers.csv", CUSTOMERS_CSV), "csv",
                                       mapping="customers")
    assert sam_api.get("/api/imports").json()["count"] == 0
    assert sam_api.get(f"/api/imports/{job.pk}").status_code == 404


# --------------------------------------------------------------------------- customers
def test_customers_are_listed_by_name_with_their_details(ledger, admin):
    answer = admin.get("/api/customers").json()
    assert answer["count"] == 3 and answer["limit"] == 50 and answer["offset"] == 0
    assert [c["name"] for c in answer["items"]] == ["Alpha Industrie", "Client Deux", "Client Un"]
    alpha = answer["items"][0]
    assert alpha["collector"] == {"id": ledger["colette"].pk, "username": "colette"}
    assert alpha["kind"] == "public" and alpha["status"] == "watch" and alpha["account_manager"] is None


@pytest.mark.parametrize("query, expected", [
    ("q=client", ["C2", "C1"]),  # in the name, any case
    ("q=c1", ["C1"]),  # in the code
    ("q=732829", ["C3"]),  # start of the SIREN
    ("segment=industry", ["C3"]),
    ("kind=public", ["C3"]),
    ("kind=business", ["C2", "C1"]),
    ("status=watch", ["C3"]),
    ("overdue=true", ["C2", "C1"]),  # I4 and I2 are past due; C3's only invoice is due in 2099
    ("overdue=false", ["C3"]),
    ("q=client&overdue=true&limit=1&offset=1", ["C1"]),
])
def test_customer_filters(ledger, admin, query, expected):
    assert codes(admin.get(f"/api/customers?{query}")) == expected


def test_customers_filtered_by_collector(ledger, admin):
    assert codes(admin.get(f"/api/customers?collector={ledger['colette'].pk}")) == ["C3"]


def test_an_unknown_kind_filter_is_a_422_with_the_field_named(ledger, admin):
    response = admin.get("/api/customers?kind=martian")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["details"][0]["loc"][-1] == "kind"


def test_one_customer_with_contacts_and_todays_balance(ledger, admin):
    ledger["c1"].contacts.create(role="billing", name="Mme Compta", email="compta@client-un.fr")
    answer = admin.get(f"/api/customers/{ledger['c1'].pk}").json()
    assert answer["code"] == "C1" and answer["account_manager"]["username"] == "sam"
    assert answer["contacts"] == [{"role": "billing", "name": "Mme Compta", "email": "compta@client-un.fr",
                                   "phone": ""}]
    # today (after 2025-04-14) every open item of C1 is late: 580 + 400 - 30 = 950
    assert answer["as_of"] == timezone.localdate().isoformat()
    assert answer["currency"] == "EUR" and answer["outstanding"] == "950.00" and answer["overdue"] == "950.00"


def test_open_items_of_a_customer_by_due_date_with_what_is_left_open(ledger, admin):
    answer = admin.get(f"/api/customers/{ledger['c1'].pk}/open-items").json()
    # I1 and P1 settle each other; I2 is due 03-03, N1 (a credit) 03-20, I3 04-14
    assert [(i["number"], i["amount"], i["open_amount"]) for i in answer["items"]] == [
        ("I2", "600.00", "580.00"), ("N1", "50.00", "30.00"), ("I3", "400.00", "400.00"),
    ]
    assert answer["count"] == 3


# --------------------------------------------------------------------------- documents
@pytest.mark.parametrize("query, expected", [
    ("", ["I4", "I1", "I2", "I5", "I3"]),  # by document date
    ("open=true", ["I4", "I2", "I5", "I3"]),
    ("open=false", ["I1"]),
    ("date_from=2025-02-01&date_to=2025-03-01", ["I2", "I5"]),  # both ends included
    ("due_before=2025-03-03", ["I4", "I1"]),  # strictly before: I2, due that day, is not
    ("limit=2&offset=1", ["I1", "I2"]),
    ("open=true&limit=2&offset=3", ["I3"]),
])
def test_invoice_filters_and_pages(ledger, admin, query, expected):
    assert numbers(admin.get(f"/api/invoices?{query}")) == expected


def test_invoices_of_one_customer(ledger, admin):
    assert numbers(admin.get(f"/api/invoices?customer={ledger['c1'].pk}")) == ["I1", "I2", "I3"]


def test_a_page_gives_the_total_count_and_amounts_as_decimal_strings(ledger, admin):
    answer = admin.get("/api/invoices?limit=1").json()
    assert answer["count"] == 5 and answer["limit"] == 1 and len(answer["items"]) == 1
    i4 = answer["items"][0]
    assert i4 == {
        "id": ledger["I4"].pk, "kind": "invoice", "number": "I4",
        "customer": {"id": ledger["c2"].pk, "code": "C2", "name": "Client Deux"},
        "document_date": "2024-11-15", "due_date": "2024-12-15", "amount": "2000.00", "open_amount": "2000.00",
        "currency": "EUR", "label": "", "payment_method": "", "closed_on": None,
    }


def test_payments_and_credit_notes_with_their_state(ledger, admin):
    payments = admin.get("/api/payments").json()["items"]
    assert [(p["number"], p["open_amount"], p["closed_on"]) for p in payments] == [
        ("P1", "0.00", "2025-02-20"), ("P2", "100.00", None),
    ]
    assert numbers(admin.get("/api/payments?open=true")) == ["P2"]
    assert numbers(admin.get("/api/credit-notes?open=true")) == ["N1"]


@pytest.mark.parametrize("query", ["limit=501", "limit=0", "offset=-1", "date_from=31/03/2025", "open=maybe"])
def test_bad_page_or_filter_values_are_422(ledger, admin, query):
    response = admin.get(f"/api/invoices?{query}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_a_page_of_500_is_allowed(ledger, admin):
    assert admin.get("/api/invoices?limit=500").json()["limit"] == 500


# --------------------------------------------------------------------------- reports
def test_ageing_for_the_whole_company_in_the_cli_json_shape(ledger, admin):
    answer = admin.get("/api/ageing?as_of=2025-03-31").json()
    # not due: I3 400 + I5 300 = 700; 1-30: C1 550 - P2 100 = 450; over 90: I4 2000; total 3150
    assert answer["as_of"] == "2025-03-31" and answer["currency"] == "EUR"
    assert answer["buckets"] == [
        {"label": "not_due", "amount": "700.00"}, {"label": "1-30", "amount": "450.00"},
        {"label": "31-60", "amount": "0.00"}, {"label": "61-90", "amount": "0.00"},
        {"label": "over_90", "amount": "2000.00"},
    ]
    assert answer["total"] == "3150.00" and answer["overdue"] == "2450.00"
    c3 = next(c for c in answer["customers"] if c["code"] == "C3")
    assert c3 == {"id": ledger["c3"].pk, "code": "C3", "name": "Alpha Industrie", "total": "200.00",
                  "buckets": [{"label": "not_due", "amount": "300.00"}, {"label": "1-30", "amount": "-100.00"},
                              {"label": "31-60", "amount": "0.00"}, {"label": "61-90", "amount": "0.00"},
                              {"label": "over_90", "amount": "0.00"}]}


def test_ageing_is_the_same_document_as_the_cli_json(ledger, admin):
    from encours.core.ageing import buckets_from_limits
    from encours.reporting.ageing import aged_balance, customer_labels
    from encours.reporting.exports import ageing_dict

    report = aged_balance(ledger["c1"].company, date(2025, 3, 31), buckets_from_limits((45,)))
    expected = ageing_dict(report, customer_labels(ledger["c1"].company))
    assert admin.get("/api/ageing?as_of=2025-03-31&buckets=45").json() == expected


def test_ageing_with_other_buckets(ledger, admin):
    answer = admin.get("/api/ageing?as_of=2025-03-31&buckets=10,100").json()
    # 1-10: P2 -100 (6 days); 11-100: C1 550 (28 and 11 days); over_100: I4 2000 (106 days)
    assert [(b["label"], b["amount"]) for b in answer["buckets"]] == [
        ("not_due", "700.00"), ("1-10", "-100.00"), ("11-100", "550.00"), ("over_100", "2000.00"),
    ]


@pytest.mark.parametrize("buckets", ["60,30", "0", "abc", "30,,x"])
def test_bad_buckets_are_a_400_saying_why(ledger, admin, buckets):
    response = admin.get(f"/api/ageing?as_of=2025-03-31&buckets={buckets}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_request" and error["message"].startswith("buckets:")


def test_kpis_of_the_company(ledger, admin):
    answer = admin.get("/api/kpis?as_of=2025-03-31").json()
    # overdue rate 2450 / 3150 x 100 = 77.777... -> 77.78
    # sales over 365 days: invoices 2000 + 1000 + 600 + 300 + 400 - credit note 50 = 4250
    # DSO 3150 / 4250 x 365 = 270.529... -> 270.5 days
    assert answer["outstanding"] == "3150.00" and answer["overdue"] == "2450.00"
    assert answer["overdue_rate"] == "77.78"
    assert answer["sales"] == "4250.00" and answer["dso_accounting"] == "270.5"
    assert answer["currency"] == "EUR" and answer["dso_period_days"] == 365


# --------------------------------------------------------------------------- imports
def test_an_upload_is_queued_then_followed_to_its_summary(company, api_as, django_capture_on_commit_callbacks):
    caller = api_as(Role.ACCOUNTANT)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(caller, default_terms="net:30")
    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "queued" and job["filename"] == "customers.csv" and job["kind"] == "csv"
    assert job["created_by"]["username"] == f"u-{Role.ACCOUNTANT}" and job["problems"] == []
    import_services.run_job(job["id"])  # what `encours worker` does
    done = caller.get(f"/api/imports/{job['id']}").json()
    assert done["status"] == "done" and done["summary"]["customers_created"] == 1
    assert done["finished_at"] is not None
    assert [j["id"] for j in caller.get("/api/imports").json()["items"]] == [job["id"]]


def test_a_refused_file_lists_its_problems_by_file_and_line(company, admin):
    job = upload(admin, b"code,name,kind\nC8,Client,martian\n", name="bad.csv").json()
    import_services.run_job(job["id"])
    refused = admin.get(f"/api/imports/{job['id']}").json()
    assert refused["status"] == "refused" and refused["problem_count"] >= 1
    assert refused["problems"][0].startswith("bad.csv:2:")


@pytest.mark.parametrize("fields, message", [
    ({"kind": "xls"}, "unknown kind of file 'xls'"),
    ({"mapping": "orders"}, "a CSV needs a mapping"),
    ({"kind": "fec", "mapping": "customers"}, "a FEC is read without a mapping"),
    ({"default_terms": "net:abc"}, "net:abc"),
])
def test_a_bad_kind_mapping_or_terms_is_a_400_with_the_reason(company, admin, fields, message):
    response = upload(admin, **fields)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert message in response.json()["error"]["message"]
    assert ImportJob.objects.count() == 0


def test_an_upload_without_a_file_is_a_422(company, admin):
    response = admin.post("/api/imports", {"kind": "csv", "mapping": "customers"})
    assert response.status_code == 422


def test_an_unknown_import_job_is_404(company, admin):
    assert admin.get("/api/imports/424242").json()["error"]["code"] == "not_found"


# --------------------------------------------------------------------------- errors and OpenAPI
def test_an_unexpected_error_is_a_generic_500_and_is_logged(ledger, admin, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("encours.api.reports.compute_kpis", broken)
    with caplog.at_level(logging.ERROR, logger="encours.api"):
        response = admin.get("/api/kpis?as_of=2025-03-31")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.content.decode()
    assert json.loads(body) == {"error": {"code": "internal_error",
                                          "message": "an unexpected error occurred; it has been logged",
                                          "details": None}}
    assert "Traceback" not in body and "secret internals" not in body
    assert "secret internals" in caplog.text


def test_an_unknown_path_under_the_api_is_a_json_404(db):
    response = Client().get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "endpoint not found", "details": None}}


def test_the_openapi_description_lists_every_path_with_tags_and_summaries(db):
    client = Client()
    client.force_login(make_user("reader", Role.AUDITOR))
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert set(schema["paths"]) == {
        "/api/customers", "/api/customers/{customer_id}", "/api/customers/{customer_id}/open-items",
        "/api/invoices", "/api/credit-notes", "/api/payments", "/api/ageing", "/api/kpis",
        "/api/imports", "/api/imports/{job_id}", "/api/orders/check", "/api/orders", "/api/orders/{order_id}",
        "/api/orders/{order_id}/invoice", "/api/orders/{order_id}/cancel",
    }
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert all(op["summary"] and op["tags"] for op in operations)
    assert set(schema["components"]["securitySchemes"]) == {"BearerToken", "Session"}


def test_the_api_docs_page_is_served_to_users_with_a_role_from_local_files(db):
    assert Client().get("/api/docs").status_code == 302  # to the log-in page
    client = Client()
    client.force_login(make_user("reader", Role.AUDITOR))
    response = client.get("/api/docs")
    assert response.status_code == 200 and b"openapi.json" in response.content
    assert b"/static/ninja/swagger-ui-bundle.js" in response.content and b"cdn." not in response.content


# --------------------------------------------------------------------------- queries
def _add_rows(company, customer, first, n):
    for i in range(first, first + n):
        other = Customer.objects.create(company=company, code=f"Q{i:03}", name=f"Quantité {i:03}")
        make_doc(other, "invoice", "10.00", "2025-03-01")
        make_doc(other, "payment", "5.00", "2025-03-02")
        make_doc(other, "credit_note", "1.00", "2025-03-03")
        make_doc(customer, "invoice", "1.00", "2025-03-04")
        import_services.start_import(company, None, (f"f{i}.csv", CUSTOMERS_CSV + str(i).encode()), "csv",
                                     mapping="customers")


@pytest.mark.parametrize("path", ["/api/customers", "/api/invoices", "/api/payments", "/api/credit-notes",
                                  "/api/imports", "/api/customers/{c1}/open-items"])
def test_list_queries_do_not_grow_with_the_rows(company, customer, admin, path):
    url = path.format(c1=customer.pk) + "?limit=500"
    admin.get(url)  # the token's first use writes its last_used_at; not the next calls within a minute

    def measure():
        with CaptureQueriesContext(connection) as queries:
            response = admin.get(url)
        assert response.status_code == 200
        return len(response.json()["items"]), len(queries)

    _add_rows(company, customer, 0, 5)
    rows_5, queries_5 = measure()
    _add_rows(company, customer, 5, 45)
    rows_50, queries_50 = measure()
    assert rows_5 >= 5 and rows_50 >= 50
    assert queries_50 == queries_5 <= 6


# --------------------------------------------------------------------------- CLI
def cli(*args, input=None):
    return CliRunner().invoke(encours_cli, list(args), input=input)


def test_cli_adds_a_user_with_a_role_and_a_password(db):
    result = cli("user", "add", "claire", "--role", "credit_manager", "--email", "claire@example.fr",
                 "--password-stdin", input="un mot de passe assez long\n")
    assert result.exit_code == 0, result.output
    claire = User.objects.get(username="claire")
    assert claire.encours_profile.role == "credit_manager" and claire.email == "claire@example.fr"
    assert claire.check_password("un mot de passe assez long")


def test_cli_adds_a_token_only_user_without_a_password(db):
    assert cli("user", "add", "robot", "--role", "auditor").exit_code == 0
    assert not User.objects.get(username="robot").has_usable_password()


def test_cli_refuses_a_bad_role_with_exit_code_2(db):
    result = cli("user", "add", "claire", "--role", "boss")
    assert result.exit_code == 2 and "boss" in result.output
    assert not User.objects.filter(username="claire").exists()


def test_cli_refuses_an_existing_user_and_a_weak_password(db):
    make_user("claire", Role.SALES)
    assert cli("user", "add", "claire", "--role", "sales").exit_code == 2
    result = cli("user", "add", "paul", "--role", "sales", "--password-stdin", input="short\n")
    assert result.exit_code == 2 and "password" in result.output
    assert not User.objects.filter(username="paul").exists()


def test_cli_sets_a_role(db):
    make_user("claire", Role.SALES)
    result = cli("user", "set-role", "claire", "auditor")
    assert result.exit_code == 0
    assert Profile.objects.get(user__username="claire").role == "auditor"
    assert cli("user", "set-role", "claire", "boss").exit_code == 2
    result = cli("user", "set-role", "nobody", "auditor")
    assert result.exit_code == 2 and "no user named 'nobody'" in result.output


def test_cli_token_is_printed_once_and_opens_the_api(company):
    make_user("robot", Role.AUDITOR)
    result = cli("token", "create", "robot", "--name", "nightly export")
    assert result.exit_code == 0
    token = result.output.strip()
    stored = ApiToken.objects.get(user__username="robot")
    assert stored.name == "nightly export" and stored.digest == token_digest(token) and token not in stored.digest
    assert Client().get("/api/customers", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_cli_token_for_an_unknown_user_exits_with_2(db):
    result = cli("token", "create", "ghost")
    assert result.exit_code == 2 and "ghost" in result.output
