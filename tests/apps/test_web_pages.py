"""The web pages: figures checked by hand on a small ledger, search, filters, sort, pages, exports, editing,
users, log-in throttling, language, and the number of queries of the list pages.

Pages read ``get_company()`` (the first company) and ``timezone.localdate()`` (today, D below), so the
ledger is built relative to today. Amounts in EUR; buckets not due, 1–30, 31–60, 61–90, > 90 days.

BM01 "Boulangerie Martin", SIREN 732829320, retail, collector colette, account manager sam (sales)
  I1 invoice 1000.00 of D-70 due D-40: 40 days late; 400.00 settled by P1 (payment of D-10) -> 31–60, 600.00
  I2 invoice 1234.56 of D-20 due D+10                                                    -> not due 1234.56
  N1 credit note 34.56 of D-5, unallocated: a credit is aged by its own date, 5 days      -> 1–30, -34.56
  balance 1234.56 - 34.56 + 600 = 1800.00; overdue -34.56 + 600 = 565.44; oldest overdue I1: 40 days
ZI02 "Zinc Industrie", SIREN 552100554, industry, public body, under watch, no collector, no account manager
  I3 invoice 2000.00 of D-130 due D-100: 100 days late                                   -> > 90, 2000.00
MD03 "Menuiserie Dupont", no SIREN, retail, collector colette
  I4 invoice 100.00 of D-45 due D-20: 20 days late                                       -> 1–30, 100.00
CS04 "Client Sans Dette", consumer, blocked: nothing

Company at D: not due 1234.56 | 1–30 100 - 34.56 = 65.44 | 31–60 600.00 | 61–90 0 | > 90 2000.00
  outstanding 1234.56 + 65.44 + 600 + 2000 = 3900.00; overdue 65.44 + 600 + 2000 = 2665.44
  overdue rate 2665.44 / 3900 x 100 = 68.344... -> 68.34 % -> shown with one decimal: 68,3 %
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from encours.accounts.access import role_of
from encours.accounts.models import LoginFailure, Profile
from encours.accounts.roles import Role
from encours.customers.models import Customer
from encours.history.models import Event, EventKind
from encours.ledger.models import Allocation
from tests.apps.conftest import make_doc

User = get_user_model()

NNBSP = "\u202f"  # French thousands separator (CLDR)
NBSP = "\u00a0"  # before the euro sign and the percent sign


def eur(text: str) -> str:
    """'1 234,56' -> the French display '1\u202f234,56\u00a0€' (thousands with U+202F, U+00A0 before €)."""
    return text.replace(" ", NNBSP) + NBSP + "€"


# --------------------------------------------------------------------------- reading pages
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self) -> str:
        """The text inside, ASCII white space collapsed; U+00A0 and U+202F are kept as they are."""
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return re.sub(r"[ \t\r\n\f]+", " ", " ".join(p for p in parts if p)).strip()

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, **attrs):
        def matches(node):
            if tag is not None and node.tag != tag:
                return False
            for name, value in attrs.items():
                name = name.rstrip("_").replace("_", "-")
                have = node.attrs.get(name)
                if have is None or (value not in have.split() if name == "class" else have != value):
                    return False
            return True

        return [n for n in self.iter() if matches(n)]

    def find(self, tag=None, **attrs):
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag or '*'} {attrs}> in the page"
        return found[0]


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def html(response) -> Node:
    assert response.status_code == 200, (response.status_code, response.content[:500])
    parser = _Parser()
    parser.feed(response.content.decode())
    return parser.root


def rows(response, table_id: str, section: str = "tbody") -> list[list[str]]:
    """The cells' texts of each row of a table's body (or head), empty-table line left out."""
    table = html(response).find("table", id=table_id)
    body = table.find(section)
    return [[cell.text() for cell in tr.children if isinstance(cell, Node) and cell.tag in ("td", "th")]
            for tr in body.find_all("tr") if not tr.find_all("td", class_="empty")]


def column(response, table_id: str, index: int) -> list[str]:
    return [row[index] for row in rows(response, table_id)]


def codes(response) -> list[str]:
    return column(response, "customers", 0)


def day(offset: int) -> str:
    """D + offset days, as the ISO text make_doc takes."""
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


def d_fr(offset: int) -> str:
    """D + offset days as the French pages show it."""
    return (timezone.localdate() + timedelta(days=offset)).strftime("%d/%m/%Y")


# --------------------------------------------------------------------------- the ledger and the people
def make_user(username, role=None, password=None, **extra):
    user = User.objects.create_user(username, password=password, **extra)
    if role is not None:
        Profile.objects.create(user=user, role=role)
    return user


def allocate(debit, credit, amount, on):
    Allocation.objects.create(company=debit.company, debit=debit, credit=credit, amount=Decimal(amount),
                              date=date.fromisoformat(on))


@pytest.fixture
def people(db):
    return {
        "ada": make_user("ada", Role.ADMIN),
        "carl": make_user("carl", Role.CREDIT_MANAGER),
        "colette": make_user("colette", Role.COLLECTOR),
        "sam": make_user("sam", Role.SALES),
    }


@pytest.fixture
def ledger(company, people):
    colette, sam = people["colette"], people["sam"]
    bm = Customer.objects.create(company=company, code="BM01", name="Boulangerie Martin", siren="732829320",
                                 segment="retail", collector=colette, account_manager=sam)
    zi = Customer.objects.create(company=company, code="ZI02", name="Zinc Industrie", siren="552100554",
                                 segment="industry", kind="public", status="watch")
    md = Customer.objects.create(company=company, code="MD03", name="Menuiserie Dupont", segment="retail",
                                 collector=colette)
    cs = Customer.objects.create(company=company, code="CS04", name="Client Sans Dette", kind="consumer",
                                 status="blocked")
    docs = {
        "I1": make_doc(bm, "invoice", "1000.00", day(-70), day(-40), number="I1"),
        "P1": make_doc(bm, "payment", "400.00", day(-10), number="P1"),
        "I2": make_doc(bm, "invoice", "1234.56", day(-20), day(10), number="I2"),
        "N1": make_doc(bm, "credit_note", "34.56", day(-5), number="N1"),
        "I3": make_doc(zi, "invoice", "2000.00", day(-130), day(-100), number="I3"),
        "I4": make_doc(md, "invoice", "100.00", day(-45), day(-20), number="I4"),
    }
    allocate(docs["I1"], docs["P1"], "400.00", day(-10))
    return {"bm": bm, "zi": zi, "md": md, "cs": cs, **docs, **people}


@pytest.fixture
def as_user(people):
    """as_user("carl") -> a client logged in as that person."""

    def login(name):
        client = Client()
        client.force_login(people[name])
        return client

    return login


# --------------------------------------------------------------------------- home
def kpi(page: Node, name: str) -> str:
    return page.find("a", **{"data-kpi": name}).find("span", class_="kpi-value").text()


def test_home_shows_the_outstanding_the_overdue_and_the_overdue_rate_in_french(ledger, as_user):
    page = html(as_user("carl").get("/"))
    assert kpi(page, "outstanding") == eur("3 900,00")
    assert kpi(page, "overdue") == eur("2 665,44")
    assert kpi(page, "overdue_rate") == "68,3" + NBSP + "%"


def test_home_shows_the_amount_of_each_bucket(ledger, as_user):
    table = html(as_user("carl").get("/")).find("table", class_="compact")
    amounts = [tr.find("td").text() for tr in table.find_all("tr")]
    assert amounts == [eur("1 234,56"), eur("65,44"), eur("600,00"), eur("0,00"), eur("2 000,00")]


def test_home_lists_the_largest_overdue_customers_first(ledger, as_user):
    response = as_user("carl").get("/")
    # overdue: ZI02 2000.00 (100 days), BM01 565.44 (I1: 40 days), MD03 100.00 (20 days); CS04 owes nothing
    assert [r[0] for r in rows(response, "top-overdue")] == [
        "Zinc Industrie ZI02", "Boulangerie Martin BM01", "Menuiserie Dupont MD03"]
    assert [r[1:] for r in rows(response, "top-overdue")] == [
        [eur("2 000,00"), eur("2 000,00"), "100"],
        [eur("565,44"), eur("1 800,00"), "40"],
        [eur("100,00"), eur("100,00"), "20"],
    ]


def test_home_of_a_sales_person_adds_up_their_customers_only(ledger, as_user):
    response = as_user("sam").get("/")
    page = html(response)
    # BM01 alone: outstanding 1800.00, overdue 565.44; rate 565.44 / 1800 x 100 = 31.413... -> 31,4 %
    assert kpi(page, "outstanding") == eur("1 800,00")
    assert kpi(page, "overdue") == eur("565,44")
    assert kpi(page, "overdue_rate") == "31,4" + NBSP + "%"
    assert [r[0] for r in rows(response, "top-overdue")] == ["Boulangerie Martin BM01"]


def test_home_follows_a_new_payment_at_once(ledger, as_user):
    client = as_user("carl")
    assert kpi(html(client.get("/")), "outstanding") == eur("3 900,00")
    payment = make_doc(ledger["zi"], "payment", "500.00", day(0), number="P2")
    allocate(ledger["I3"], payment, "500.00", day(0))
    # I3 now 1500.00 open: outstanding 3400.00, overdue 2165.44
    page = html(client.get("/"))
    assert kpi(page, "outstanding") == eur("3 400,00")
    assert kpi(page, "overdue") == eur("2 165,44")


# --------------------------------------------------------------------------- customer list
def test_the_customer_list_shows_each_customers_balance_overdue_and_days_late(ledger, as_user):
    response = as_user("carl").get("/customers/")
    assert codes(response) == ["BM01", "CS04", "MD03", "ZI02"]  # by name
    assert [r[5:] for r in rows(response, "customers")] == [
        [eur("1 800,00"), eur("565,44"), "40"],
        [eur("0,00"), "", ""],
        [eur("100,00"), eur("100,00"), "20"],
        [eur("2 000,00"), eur("2 000,00"), "100"],
    ]
    assert column(response, "customers", 4) == ["colette", "", "colette", ""]


@pytest.mark.parametrize(("q", "expected"), [
    ("martin", ["BM01"]),  # part of the name, any case
    ("dupont", ["MD03"]),
    ("md0", ["MD03"]),  # start of the code
    ("732829320", ["BM01"]),  # SIREN
    ("552 100", ["ZI02"]),  # start of the SIREN, typed with a space
    ("nobody", []),
])
def test_the_customer_list_searches_names_codes_and_sirens(ledger, as_user, q, expected):
    assert codes(as_user("carl").get("/customers/", {"q": q})) == expected


@pytest.mark.parametrize(("query", "expected"), [
    ({"segment": "retail"}, ["BM01", "MD03"]),
    ({"segment": "industry"}, ["ZI02"]),
    ({"kind": "public"}, ["ZI02"]),
    ({"kind": "consumer"}, ["CS04"]),
    ({"status": "watch"}, ["ZI02"]),
    ({"status": "blocked"}, ["CS04"]),
    ({"collector": "none"}, ["CS04", "ZI02"]),
    ({"overdue": "1"}, ["BM01", "MD03", "ZI02"]),
    ({"balance": "1"}, ["BM01", "MD03", "ZI02"]),
    ({"segment": "retail", "overdue": "1", "q": "menuiserie"}, ["MD03"]),
])
def test_each_customer_list_filter_keeps_the_matching_customers(ledger, as_user, query, expected):
    assert codes(as_user("carl").get("/customers/", query)) == expected


def test_the_collector_filter_keeps_that_collectors_customers(ledger, as_user):
    assert codes(as_user("carl").get("/customers/", {"collector": ledger["colette"].pk})) == ["BM01", "MD03"]


@pytest.mark.parametrize(("sort", "expected"), [
    ("balance", ["CS04", "MD03", "BM01", "ZI02"]),  # no balance, 100, 1800, 2000
    ("-balance", ["ZI02", "BM01", "MD03", "CS04"]),
    ("overdue", ["CS04", "MD03", "BM01", "ZI02"]),  # none, 100, 565.44, 2000
    ("-overdue", ["ZI02", "BM01", "MD03", "CS04"]),
    ("days_late", ["CS04", "MD03", "BM01", "ZI02"]),  # none, 20, 40, 100
    ("-days_late", ["ZI02", "BM01", "MD03", "CS04"]),
    ("-name", ["ZI02", "MD03", "CS04", "BM01"]),
    ("code", ["BM01", "CS04", "MD03", "ZI02"]),
])
def test_the_customer_list_sorts(ledger, as_user, sort, expected):
    assert codes(as_user("carl").get("/customers/", {"sort": sort})) == expected


@pytest.mark.parametrize(("query", "expected"), [
    ({"overdue": "1", "sort": "-overdue"}, ["ZI02", "BM01", "MD03"]),  # 2000, 565.44, 100
    ({"overdue": "1", "sort": "overdue"}, ["MD03", "BM01", "ZI02"]),
    ({"balance": "1", "sort": "-balance"}, ["ZI02", "BM01", "MD03"]),  # 2000, 1800, 100
    ({"balance": "1", "sort": "balance"}, ["MD03", "BM01", "ZI02"]),
    ({"overdue": "1", "sort": "-days_late"}, ["ZI02", "BM01", "MD03"]),
])
def test_the_customer_list_sorts_the_customers_it_keeps(ledger, as_user, query, expected):
    assert codes(as_user("carl").get("/customers/", query)) == expected


def test_customers_with_the_same_overdue_amount_keep_one_order_across_pages(ledger, as_user):
    twins = Customer.objects.bulk_create(
        Customer(company=ledger["bm"].company, code=f"T{i:02}", name=f"Twin {i:02}") for i in range(60)
    )
    for twin in twins:
        make_doc(twin, "invoice", "300.00", day(-60), day(-30))
    client = as_user("carl")
    pages = [codes(client.get("/customers/", {"overdue": "1", "sort": "-overdue", "page": n})) for n in (1, 2)]
    listed = pages[0] + pages[1]
    assert listed[0] == "ZI02" and listed[1] == "BM01" and listed[-1] == "MD03"
    assert sorted(listed[2:-1]) == [f"T{i:02}" for i in range(60)] and len(set(listed)) == 63


def test_the_segment_filter_offers_each_segment_once(ledger, as_user):
    Customer.objects.bulk_create(
        Customer(company=ledger["bm"].company, code=f"R{i:02}", name=f"Retailer {i:02}", segment="retail")
        for i in range(5)
    )
    page = html(as_user("carl").get("/customers/"))
    options = [o.attrs.get("value") for o in page.find("select", name="segment").find_all("option")]
    assert options == ["", "industry", "retail"]


def test_the_customer_list_shows_fifty_customers_a_page(ledger, as_user):
    Customer.objects.bulk_create(
        Customer(company=ledger["bm"].company, code=f"F{i:02}", name=f"Filler {i:02}") for i in range(50)
    )
    client = as_user("carl")
    # 54 customers by name: Boulangerie, Client Sans Dette, Filler 00..49, Menuiserie, Zinc
    first = codes(client.get("/customers/", {"sort": "name"}))
    assert first == ["BM01", "CS04", *[f"F{i:02}" for i in range(48)]]
    second = client.get("/customers/", {"sort": "name", "page": "2"})
    assert codes(second) == ["F48", "F49", "MD03", "ZI02"]
    links = html(second).find("nav", class_="pagination").find_all("a")
    assert [parse_qs(urlsplit(a.attrs["href"]).query) for a in links[:2]] == [
        {"sort": ["name"], "page": ["1"]}, {"sort": ["name"], "page": ["1"]}]
    assert codes(client.get("/customers/", {"sort": "name", "page": "99"})) == codes(second)  # the last page


def test_the_customer_list_remembers_its_filters_until_reset(ledger, as_user):
    client = as_user("carl")
    assert codes(client.get("/customers/", {"segment": "retail", "sort": "-balance"})) == ["BM01", "MD03"]
    back = client.get("/customers/")
    assert back.status_code == 302
    assert parse_qs(urlsplit(back["Location"]).query) == {"segment": ["retail"], "sort": ["-balance"]}
    assert codes(client.get(back["Location"])) == ["BM01", "MD03"]
    reset = client.get("/customers/", {"reset": "1"})
    assert reset.status_code == 302 and reset["Location"] == "/customers/"
    assert codes(client.get("/customers/")) == ["BM01", "CS04", "MD03", "ZI02"]


def test_remembered_filters_are_each_persons_own(ledger, as_user):
    as_user("carl").get("/customers/", {"segment": "retail"})
    assert codes(as_user("colette").get("/customers/")) == ["BM01", "CS04", "MD03", "ZI02"]


@pytest.mark.parametrize("url", ["/customers/", "/ageing/"])
def test_after_an_export_the_bare_page_comes_back_to_the_list_not_to_the_download(ledger, as_user, url):
    client = as_user("carl")
    assert client.get(url, {"q": "z", "export": "csv"})["Content-Type"].startswith("text/csv")
    back = client.get(url)
    assert back.status_code == 302
    assert "export" not in parse_qs(urlsplit(back["Location"]).query)


def test_the_customer_list_exports_the_filtered_rows_to_excel(ledger, as_user):
    response = as_user("carl").get("/customers/", {"segment": "retail", "sort": "-balance", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith(f'customers-{day(0)}.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *data = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(header) == 10 and header[2] == "SIREN"
    amounts = [[Decimal(str(v)) for v in r[7:9]] for r in data]
    assert [r[:7] + [r[9]] for r in data] == [
        ["BM01", "Boulangerie Martin", "732829320", "business", "retail", "open", "colette", 40],
        ["MD03", "Menuiserie Dupont", None, "business", "retail", "open", "colette", 20],
    ]
    assert amounts == [[Decimal("1800.00"), Decimal("565.44")], [Decimal("100.00"), Decimal("100.00")]]


def test_the_customer_list_exports_the_filtered_rows_to_csv(ledger, as_user):
    response = as_user("carl").get("/customers/", {"overdue": "1", "sort": "-overdue", "export": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # so that Excel reads it as UTF-8
    header, *data = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert header[2] == "SIREN"
    assert data == [
        ["ZI02", "Zinc Industrie", "552100554", "public", "industry", "watch", "", "2000.00", "2000.00", "100"],
        ["BM01", "Boulangerie Martin", "732829320", "business", "retail", "open", "colette", "1800.00", "565.44",
         "40"],
        ["MD03", "Menuiserie Dupont", "", "business", "retail", "open", "colette", "100.00", "100.00", "20"],
    ]


def test_a_sales_person_lists_and_exports_their_customers_only(ledger, as_user):
    client = as_user("sam")
    assert codes(client.get("/customers/")) == ["BM01"]
    text = client.get("/customers/", {"sort": "name", "export": "csv"}).content.decode("utf-8")
    assert [line.split(";")[0] for line in text[1:].splitlines()[1:]] == ["BM01"]


# --------------------------------------------------------------------------- customer page
def test_the_customer_page_shows_balance_overdue_and_own_ageing(ledger, as_user):
    page = html(as_user("carl").get(f"/customers/{ledger['bm'].pk}/"))
    assert page.find(id="balance").text() == eur("1 800,00")
    assert page.find(id="overdue").text() == eur("565,44")
    ageing = [d.find("span", class_="kpi-value").text() for d in page.find_all("div", class_="small")]
    assert ageing == [eur("1 234,56"), "-" + eur("34,56"), eur("600,00"), eur("0,00"), eur("0,00")]


def test_the_customer_page_lists_the_open_items_with_their_days_late(ledger, as_user):
    response = as_user("carl").get(f"/customers/{ledger['bm'].pk}/")
    # by due date: I1 (D-40), N1 (D-5, its own date), I2 (D+10); P1 is fully allocated, so closed
    assert [r[1:] for r in rows(response, "open-items")] == [
        ["I1", d_fr(-70), d_fr(-40), eur("1 000,00"), eur("600,00"), "40"],
        ["N1", d_fr(-5), d_fr(-5), "-" + eur("34,56"), "-" + eur("34,56"), ""],
        ["I2", d_fr(-20), d_fr(10), eur("1 234,56"), eur("1 234,56"), ""],
    ]


def test_a_sales_person_cannot_open_another_managers_customer(ledger, as_user):
    client = as_user("sam")
    assert client.get(f"/customers/{ledger['bm'].pk}/").status_code == 200
    assert client.get(f"/customers/{ledger['md'].pk}/").status_code == 404


def test_the_page_of_a_customer_without_collector_nor_account_manager_shows_dashes(ledger, as_user):
    page = html(as_user("carl").get(f"/customers/{ledger['zi'].pk}/"))
    facts = page.find("dl", class_="facts")
    values = dict(zip([dt.text() for dt in facts.find_all("dt")], [dd.text() for dd in facts.find_all("dd")]))
    assert list(values.values()).count("—") == 2  # account manager, collector
    assert page.find(id="balance").text() == eur("2 000,00")


def _form_data(customer, **changes):
    data = {
        "name": customer.name, "segment": customer.segment, "payer_profile": customer.payer_profile,
        "status": customer.status, "payment_terms": customer.payment_terms,
        "payment_method": customer.payment_method,
        "account_manager": customer.account_manager_id or "", "collector": customer.collector_id or "",
        "email": customer.email, "phone": customer.phone, "address": customer.address, "notes": customer.notes,
        "reason": "",
    }
    return {**data, **changes}


def test_editing_a_customer_records_the_before_and_after_values_in_the_history(ledger, as_user):
    bm = ledger["bm"]
    client = as_user("carl")
    response = client.post(f"/customers/{bm.pk}/edit/", _form_data(
        bm, payment_terms="days_eom:45", segment="food", reason="Accord du 12 mars"))
    assert response.status_code == 302 and response["Location"] == f"/customers/{bm.pk}/"
    bm.refresh_from_db()
    assert (bm.payment_terms, bm.segment) == ("days_eom:45", "food")
    event = Event.objects.get(customer=bm)
    assert event.kind == EventKind.CUSTOMER_CHANGED
    assert event.actor == ledger["carl"] and event.reason == "Accord du 12 mars"
    assert event.before == {"payment_terms": "", "segment": "retail"}
    assert event.after == {"payment_terms": "days_eom:45", "segment": "food"}

    timeline = html(client.get(f"/customers/{bm.pk}/")).find("ol", class_="timeline")
    newest = timeline.find("li")
    assert newest.attrs["class"] == "t-customer_changed"
    change = newest.text()
    assert "payment_terms, segment" in change and "carl" in change and "Accord du 12 mars" in change


def test_changing_the_collector_records_the_user_ids(ledger, as_user):
    bm, carl = ledger["bm"], ledger["carl"]
    as_user("carl").post(f"/customers/{bm.pk}/edit/", _form_data(bm, collector=carl.pk))
    event = Event.objects.get(customer=bm)
    assert (event.before, event.after) == ({"collector": str(ledger["colette"].pk)}, {"collector": str(carl.pk)})


def test_saving_an_unchanged_customer_writes_no_history(ledger, as_user):
    bm = ledger["bm"]
    response = as_user("carl").post(f"/customers/{bm.pk}/edit/", _form_data(bm))
    assert response.status_code == 302
    assert not Event.objects.exists()


def test_a_bad_payment_terms_code_is_a_form_error_and_changes_nothing(ledger, as_user):
    bm = ledger["bm"]
    response = as_user("carl").post(f"/customers/{bm.pk}/edit/", _form_data(bm, payment_terms="net:abc",
                                                                             segment="food"))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["payment_terms"]
    assert html(response).find_all(class_="errorlist")
    bm.refresh_from_db()
    assert (bm.payment_terms, bm.segment) == ("", "retail")
    assert not Event.objects.exists()


# --------------------------------------------------------------------------- aged balance
def totals(response) -> list[str]:
    return rows(response, "ageing", "thead")[1][1:]


def test_the_aged_balance_totals_and_rows(ledger, as_user):
    response = as_user("carl").get("/ageing/")
    assert totals(response) == [eur("1 234,56"), eur("65,44"), eur("600,00"), eur("0,00"), eur("2 000,00"),
                                eur("3 900,00")]
    # by total, largest first; empty buckets left blank
    assert rows(response, "ageing") == [
        ["Zinc Industrie ZI02", "", "", "", "", eur("2 000,00"), eur("2 000,00")],
        ["Boulangerie Martin BM01", eur("1 234,56"), "-" + eur("34,56"), eur("600,00"), "", "", eur("1 800,00")],
        ["Menuiserie Dupont MD03", "", eur("100,00"), "", "", "", eur("100,00")],
    ]


def test_the_aged_balance_with_custom_buckets(ledger, as_user):
    response = as_user("carl").get("/ageing/", {"buckets": "15,45"})
    # not due, 1–15, 16–45, > 45: N1 (5 days) alone in 1–15; I4 (20) and I1 (40) in 16–45; I3 (100) over 45
    headers = rows(response, "ageing", "thead")[0][1:-1]
    assert [re.findall(r"\d+", h) for h in headers] == [[], ["1", "15"], ["16", "45"], ["45"]]
    assert totals(response) == [eur("1 234,56"), "-" + eur("34,56"), eur("700,00"), eur("2 000,00"),
                                eur("3 900,00")]
    assert rows(response, "ageing")[1] == [
        "Boulangerie Martin BM01", eur("1 234,56"), "-" + eur("34,56"), eur("600,00"), "", eur("1 800,00")]


def test_the_aged_balance_at_a_past_date_counts_a_later_payment_as_not_yet_received(ledger, as_user):
    response = as_user("carl").get("/ageing/", {"as_of": day(-30)})
    # at D-30: I1 dated D-70 due D-40 is 10 days late and wholly open (P1 comes at D-10) -> 1–30, 1000.00
    # I3 due D-100: 70 days -> 61–90; I4 due D-20: not due yet; I2, N1, P1 not issued yet
    assert totals(response) == [eur("100,00"), eur("1 000,00"), eur("0,00"), eur("2 000,00"), eur("0,00"),
                                eur("3 100,00")]
    assert [r[0] for r in rows(response, "ageing")] == [
        "Zinc Industrie ZI02", "Boulangerie Martin BM01", "Menuiserie Dupont MD03"]


def test_the_aged_balance_of_one_bucket_lists_its_customers_by_amount(ledger, as_user):
    response = as_user("carl").get("/ageing/", {"bucket": "1"})
    # 1–30: MD03 100.00, BM01 -34.56; nobody else has anything there
    assert [r[0] for r in rows(response, "ageing")] == ["Menuiserie Dupont MD03", "Boulangerie Martin BM01"]


def test_the_aged_balance_of_a_sales_person_covers_their_customers(ledger, as_user):
    client = as_user("sam")
    response = client.get("/ageing/")
    assert totals(response) == [eur("1 234,56"), "-" + eur("34,56"), eur("600,00"), eur("0,00"), eur("0,00"),
                                eur("1 800,00")]
    assert [r[0] for r in rows(response, "ageing")] == ["Boulangerie Martin BM01"]
    text = client.get("/ageing/", {"buckets": "30,60,90", "export": "csv"}).content.decode("utf-8")
    lines = [line.split(";") for line in text[1:].splitlines()[1:]]
    assert [(line[0], line[-1]) for line in lines] == [("BM01", "1800.00"), ("", "1800.00")]


@pytest.mark.parametrize("typed", ["60,30", "0,30", "30,abc"])
def test_aged_balance_limits_that_make_no_buckets_fall_back_to_30_60_90(ledger, as_user, typed):
    response = as_user("carl").get("/ageing/", {"buckets": typed})
    assert html(response).find("input", name="buckets").attrs["value"] == "30,60,90"
    assert totals(response)[-1] == eur("3 900,00") and len(totals(response)) == 6


def test_the_aged_balance_exports_its_rows_and_totals(ledger, as_user):
    response = as_user("carl").get("/ageing/", {"as_of": day(-30), "buckets": "30,60,90", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *data = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(header) == 8
    as_text = [[v if isinstance(v, str) or v is None else str(Decimal(str(v)).quantize(Decimal("0.01")))
                for v in r] for r in data]
    # by customer id (BM01, ZI02, MD03 created in that order), then the total line
    assert [r[0] for r in as_text] == ["BM01", "ZI02", "MD03", None]  # None: the empty code of the total line
    assert as_text[0][2:] == ["0.00", "1000.00", "0.00", "0.00", "0.00", "1000.00"]
    assert as_text[-1][2:] == ["100.00", "1000.00", "0.00", "2000.00", "0.00", "3100.00"]


def test_the_drill_down_shows_the_open_amount_at_the_date(ledger, as_user):
    response = as_user("carl").get("/ageing/items/", {"as_of": day(-30), "customer": ledger["bm"].pk})
    # at D-30 only I1 is issued; P1's 400.00 comes at D-10, so all 1000.00 is open; 10 days late
    assert [r[1:] for r in rows(response, "items")] == [
        ["I1", d_fr(-70), d_fr(-40), eur("1 000,00"), eur("1 000,00"), "10"]]
    today = as_user("carl").get("/ageing/items/", {"customer": ledger["bm"].pk})
    assert [(r[1], r[5], r[6]) for r in rows(today, "items")] == [
        ("I1", eur("600,00"), "40"), ("N1", "-" + eur("34,56"), ""), ("I2", eur("1 234,56"), "")]


def test_the_drill_down_of_a_bucket_lists_its_items_across_customers(ledger, as_user):
    response = as_user("carl").get("/ageing/items/", {"bucket": "1"})
    # 1–30 days at D: I4 (due D-20, MD03) then N1 (dated D-5, BM01)
    assert [(r[0], r[2], r[6], r[7]) for r in rows(response, "items")] == [
        ("Menuiserie Dupont", "I4", eur("100,00"), "20"), ("Boulangerie Martin", "N1", "-" + eur("34,56"), "")]


def test_the_drill_down_of_another_managers_customer_is_empty_for_a_sales_person(ledger, as_user):
    response = as_user("sam").get("/ageing/items/", {"customer": ledger["zi"].pk})
    assert rows(response, "items") == []


# --------------------------------------------------------------------------- users
@pytest.fixture
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only: speed


def user_form(**values):
    return {"username": "", "first_name": "", "last_name": "", "email": "", "role": "", "is_active": "on",
            "password": "", **values}


def test_an_administrator_creates_a_user_with_a_role(ledger, as_user, fast_hashing):
    response = as_user("ada").post("/users/new/", user_form(
        username="nina", first_name="Nina", last_name="Roux", email="nina@example.fr", role="collector",
        password="Un-mot-de-passe-solide-42"))
    assert response.status_code == 302 and response["Location"] == "/users/"
    nina = User.objects.get(username="nina")
    assert role_of(nina) == Role.COLLECTOR and nina.check_password("Un-mot-de-passe-solide-42")
    event = Event.objects.get(kind=EventKind.USER_CHANGED)
    assert event.actor == ledger["ada"] and event.before is None
    assert event.after == {"username": "nina", "role": "collector", "active": True}
    listed = rows(as_user("ada").get("/users/"), "users")
    assert [r[0] for r in listed] == ["ada", "carl", "colette", "nina", "sam"]


def test_an_administrator_changes_a_role_and_the_history_keeps_both(ledger, as_user):
    colette = ledger["colette"]
    response = as_user("ada").post(f"/users/{colette.pk}/", user_form(username="colette", role="auditor"))
    assert response.status_code == 302
    assert role_of(User.objects.get(pk=colette.pk)) == Role.AUDITOR
    event = Event.objects.get(kind=EventKind.USER_CHANGED)
    assert event.before == {"username": "colette", "role": "collector", "active": True}
    assert event.after == {"username": "colette", "role": "auditor", "active": True}
    assert event.actor == ledger["ada"]


@pytest.mark.parametrize("change", [{"role": "collector"}, {"role": "admin", "is_active": ""}])
def test_an_administrator_cannot_remove_their_own_admin_access(ledger, as_user, change):
    ada = ledger["ada"]
    response = as_user("ada").post(f"/users/{ada.pk}/", user_form(username="ada", **change))
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    ada.refresh_from_db()
    assert role_of(ada) == Role.ADMIN and ada.is_active
    assert not Event.objects.exists()


def test_a_new_user_needs_a_password_that_passes_the_validators(ledger, as_user):
    response = as_user("ada").post("/users/new/", user_form(username="nina", role="sales", password="123"))
    assert response.status_code == 200 and "password" in response.context["form"].errors
    assert not User.objects.filter(username="nina").exists()


# --------------------------------------------------------------------------- log-in
PASSWORD = "Bon-mot-de-passe-1"


def log_in(client, password, username="colette"):
    return client.post("/login/", {"username": username, "password": password})


def test_after_five_failures_the_sixth_log_in_is_refused_even_with_the_right_password(db, fast_hashing):
    make_user("colette", Role.COLLECTOR, password=PASSWORD)
    client = Client()
    for _ in range(5):
        assert log_in(client, "wrong").status_code == 200
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # another user name from the same address is not held back by colette's failures
    make_user("carl", Role.CREDIT_MANAGER, password=PASSWORD)
    assert log_in(Client(), PASSWORD, "carl").status_code == 302


def test_a_successful_log_in_clears_the_failures(db, fast_hashing):
    make_user("colette", Role.COLLECTOR, password=PASSWORD)
    client = Client()
    for _ in range(4):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="colette").exists()
    # 4 more failures: 8 in the window had the counter not been cleared, locked at 5
    client = Client()
    for _ in range(4):
        log_in(client, "wrong")
    response = log_in(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


# --------------------------------------------------------------------------- language
def test_switching_to_english_formats_amounts_the_english_way(ledger, as_user):
    client = as_user("carl")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    page = html(client.get("/"))
    assert kpi(page, "outstanding") == "€3,900.00"
    assert kpi(page, "overdue_rate") == "68.3%"
    table = page.find("table", class_="compact")
    assert table.find("td").text() == "€1,234.56"
    assert page.find("html").attrs["lang"] == "en"

    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert kpi(html(client.get("/")), "outstanding") == eur("3 900,00")


def test_the_pages_are_in_french_until_one_switches(ledger, as_user):
    page = html(as_user("carl").get("/"))
    assert page.find("html").attrs["lang"] == "fr"
    assert "selected" in page.find("option", value="fr").attrs


# --------------------------------------------------------------------------- queries do not grow with the rows
@pytest.fixture
def crowd(company, people):
    """add(n): n more customers Qnnn of colette, each with an invoice of D-60 due D-30 (100.00), 30.00 of it
    paid at D-5, and a credit note of D-3; and n more invoices of customer MANY, not due."""
    many = Customer.objects.create(company=company, code="MANY", name="Beaucoup", collector=people["colette"],
                                   account_manager=people["sam"])
    made = [0]

    def add(n):
        for i in range(made[0], made[0] + n):
            c = Customer.objects.create(company=company, code=f"Q{i:03}", name=f"Quantité {i:03}",
                                        collector=people["colette"], segment="retail")
            invoice = make_doc(c, "invoice", "100.00", day(-60), day(-30))
            payment = make_doc(c, "payment", "30.00", day(-5))
            allocate(invoice, payment, "30.00", day(-5))
            make_doc(c, "credit_note", "10.00", day(-3))
            make_doc(many, "invoice", "10.00", day(-(i % 50)), day(30 + i))
        made[0] += n

    return {"add": add, "many": many}


def _queries(client, url, params):
    client.get(url, params)  # builds the snapshot of the new ledger revision; then the page as usual
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


PAGES = [
    ("/customers/", {"sort": "-balance", "segment": "retail"}),  # the Q customers
    ("/ageing/", {"buckets": "30,60,90", "q": "Q"}),  # the Q customers
    # at D-6 each Q invoice is 24 days late (bucket 1), its payment of D-5 added back to its open amount;
    # the payments and credit notes are later, MANY's invoices not due
    ("/ageing/items/", {"as_of": -6, "bucket": "1"}),
    ("/customers/{many}/", {}),  # MANY's invoices
]
TABLES = {"/customers/": "customers", "/ageing/": "ageing", "/ageing/items/": "items"}


@pytest.mark.parametrize(("url", "params"), PAGES, ids=[p[0] for p in PAGES])
def test_the_number_of_queries_does_not_grow_with_the_rows(crowd, as_user, url, params):
    table = TABLES.get(url, "open-items")
    url = url.format(many=crowd["many"].pk)
    params = {k: day(v) if k == "as_of" else v for k, v in params.items()}
    client = as_user("carl")
    crowd["add"](5)
    with_5 = _queries(client, url, params)
    assert len(rows(client.get(url, params), table)) == 5
    crowd["add"](35)
    with_40 = _queries(client, url, params)
    assert len(rows(client.get(url, params), table)) == 40
    assert with_40 == with_5
