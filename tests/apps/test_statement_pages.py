"""The financial statements pages: a customer's years side by side with the derived figures, the ratios and
what deteriorates; entering and correcting a year; importing a CSV; who may do what.

The figures are the worked example of docs/credit-risk.md (tests/apps/test_statement_import.py has them as a
table). BM01 is managed by sam (sales); MD03 by nobody.
"""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation

from encours.accounts.roles import Role
from encours.core.solvency import FlagCode, Statements, analyse
from encours.customers.models import Customer
from encours.history.models import Event
from encours.risk.models import FinancialStatement
from encours.risk.statements import save_statement
from encours.risk.views_statements import flag_text
from tests.apps.test_promise_pages import client_of
from tests.apps.test_web_pages import html, make_user

NBSP, NNBSP = "\u00a0", "\u202f"
FIGURES_2023 = {
    "year_end": "2023-12-31", "months": "12", "source": "tax return 2023", "equity": "380000",
    "provisions": "15000", "long_term_debt": "340000", "fixed_assets": "540000", "inventories": "150000",
    "trade_receivables": "330000", "other_operating_receivables": "25000", "cash": "80000",
    "short_term_bank_debt": "30000", "trade_payables": "250000", "tax_social_payables": "110000",
    "total_assets": "1125000", "revenue": "2500000", "purchases": "1250000", "ebitda": "230000",
    "operating_result": "125000", "net_result": "60000",
}
# typed as a French user would: decimal comma, spaces between thousands
FIGURES_2024 = {
    "year_end": "2024-12-31", "months": "12", "source": "", "equity": "400 000,00", "provisions": "20000",
    "long_term_debt": "300000", "fixed_assets": "560000", "inventories": "180000", "trade_receivables": "450000",
    "other_operating_receivables": "30000", "cash": "40000", "short_term_bank_debt": "140000",
    "trade_payables": "280000", "tax_social_payables": "120000", "total_assets": "1 260 000",
    "revenue": "2400000", "purchases": "1200000", "ebitda": "150000", "operating_result": "60000",
    "net_result": "20000",
}


@pytest.fixture
def world(company):
    people = {name: make_user(name, role) for name, role in [
        ("carl", Role.CREDIT_MANAGER), ("sam", Role.SALES), ("colette", Role.COLLECTOR)]}
    bm = Customer.objects.create(company=company, code="BM01", name="Boulangerie Martin",
                                 account_manager=people["sam"])
    md = Customer.objects.create(company=company, code="MD03", name="Menuiserie Dupont")
    return {"bm": bm, "md": md, **people}


def page_of(customer) -> str:
    return f"/customers/{customer.pk}/statements/"


def cells(response, key: str) -> list[str]:
    """The values of one row of the years table (latest year first)."""
    row = html(response).find("table", id="statements").find("tr", **{"data-row": key})
    return [td.text() for td in row.find_all("td")]


def refused(response):
    """A page answered 400 (a form or a file refused), parsed."""
    assert response.status_code == 400, response.status_code
    return html(SimpleNamespace(status_code=200, content=response.content))


def enter_both_years(world):
    client = client_of(world["carl"], language="en")
    for figures in (FIGURES_2023, FIGURES_2024):
        response = client.post(f"/customers/{world['bm'].pk}/statements/new/", figures)
        assert response.status_code == 302 and response["Location"] == page_of(world["bm"])
    return client


# --------------------------------------------------------------------------- entering and reading
def test_a_credit_manager_enters_two_years_and_sees_the_derived_figures_and_ratios(world):
    client = enter_both_years(world)
    response = client.get(page_of(world["bm"]))
    page = html(response)
    years = [th.attrs["data-year"] for th in page.find("table", id="statements").find("thead").find_all("th")
             if "data-year" in th.attrs]
    assert years == ["2024-12-31", "2023-12-31"]  # latest first
    assert cells(response, "equity") == ["400,000.00", "380,000.00"]  # "400 000,00" read with its comma
    assert cells(response, "frng") == ["160,000.00", "195,000.00"]  # 400+20+300-560; 380+15+340-540
    assert cells(response, "bfr") == ["260,000.00", "145,000.00"]  # 180+450+30-(280+120); 150+330+25-(250+110)
    assert cells(response, "net_cash") == ["-100,000.00", "50,000.00"]  # 160-260; 195-145
    assert cells(response, "net_cash_difference") == ["0.00", "0.00"]  # = cash - bank: 40-140; 80-30
    assert cells(response, "operating_margin") == ["2.50%", "5.00%"]  # 60/2,400; 125/2,500
    assert cells(response, "equity_ratio") == ["31.75%", "33.78%"]  # 400/1,260 = 31.746; 380/1,125 = 33.778
    assert cells(response, "debt_to_ebitda") == ["2.93", "1.61"]  # (300+140)/150 = 2.933; (340+30)/230 = 1.609
    assert cells(response, "current_ratio") == ["1.30", "1.50"]  # 700/540 = 1.296; 585/390
    assert cells(response, "dso") == ["68.4", "48.2"]  # 450/2,400 x 365 = 68.44; 330/2,500 x 365 = 48.18
    assert cells(response, "dpo") == ["85.2", "73.0"]  # 280/1,200 x 365 = 85.17; 250/1,250 x 365
    assert page.find("span", id="latest-frng").text() == "160,000.00"
    rows = FinancialStatement.objects.filter(customer=world["bm"]).order_by("year_end")
    assert [(r.source, r.recorded_by) for r in rows] == [("tax return 2023", world["carl"]), ("", world["carl"])]
    assert Event.objects.filter(customer=world["bm"], kind="credit.statements").count() == 2


def test_what_deteriorates_is_shown_with_its_severity_serious_first(world):
    response = enter_both_years(world).get(page_of(world["bm"]))
    page = html(response)
    flags = [(tr.attrs["data-flag"], tr.find_all("td")[0].text()) for tr in page.find("table", id="flags")
             .find("tbody").find_all("tr")]
    # 2024: net cash 50,000 -> -100,000 (serious); margin -2.5 points > 2; DSO +20.2 days > 15
    assert flags == [("negative_net_cash", "Serious"), ("operating_margin_drop", "Warning"),
                     ("dso_increase", "Warning")]
    texts = [tr.find_all("td")[3].text() for tr in page.find("table", id="flags").find("tbody").find_all("tr")]
    assert texts == [
        "Turned negative: -100,000.00 (was 50,000.00).",
        "From 5.00% to 2.50%: down 2.50 points (flagged beyond 2).",  # 5.00 - 2.50
        "From 48.2 to 68.4 days: up 20.2 days (flagged beyond 15); the customer collects its own customers more "
        "slowly.",  # 68.4 - 48.2
    ]
    assert page.find("strong", id="serious-count").text() == "1 serious sign"
    net_cash_2024 = page.find("tr", **{"data-row": "net_cash"}).find_all("td")[0]
    assert "flag-serious" in net_cash_2024.attrs["class"].split()
    margin_2023 = page.find("tr", **{"data-row": "operating_margin"}).find_all("td")[1]
    assert margin_2023.attrs["class"] == "num"  # the first year is compared with nothing


def test_the_figures_are_in_french_by_default(world):
    enter_both_years(world)
    response = client_of(world["carl"]).get(page_of(world["bm"]))
    assert cells(response, "frng") == [f"160{NNBSP}000,00", f"195{NNBSP}000,00"]
    assert cells(response, "operating_margin") == [f"2,50{NBSP}%", f"5,00{NBSP}%"]


def test_a_ratio_that_cannot_be_computed_shows_a_dash(world):
    client = client_of(world["carl"], language="en")
    # no revenue: no margin nor DSO; no purchases: no DPO; EBITDA 0: no debt / EBITDA
    figures = {**FIGURES_2023, "revenue": "0", "purchases": "", "ebitda": "0", "operating_result": "-5000"}
    assert client.post(f"/customers/{world['bm'].pk}/statements/new/", figures).status_code == 302
    response = client.get(page_of(world["bm"]))
    for key in ("operating_margin", "net_margin", "dso", "dpo", "debt_to_ebitda", "purchases"):
        assert cells(response, key) == ["—"], key
    assert cells(response, "frng") == ["195,000.00"]  # still computed: 380+15+340-540


def test_the_problems_of_the_figures_are_shown_on_their_fields_and_nothing_is_saved(world):
    client = client_of(world["carl"], language="en")
    response = client.post(f"/customers/{world['bm'].pk}/statements/new/",
                           {**FIGURES_2023, "inventories": "-1", "months": "30", "cash": "abc"})
    page = refused(response)
    # the form refuses "abc" itself; core.solvency then names inventories and months
    assert page.find("ul", id="id_cash_error").text() == "Enter a number."
    assert page.find("ul", id="id_inventories_error").text() == "This amount cannot be negative."
    assert page.find("ul", id="id_months_error").text() == "A fiscal year lasts from 1 to 24 months."
    assert FinancialStatement.objects.count() == 0


def test_only_equity_and_the_results_may_be_negative_in_the_form(world):
    client = client_of(world["carl"], language="en")
    figures = {**FIGURES_2023, "equity": "-1000", "net_result": "-2000", "cash": "-1"}
    page = refused(client.post(f"/customers/{world['bm'].pk}/statements/new/", figures))
    assert page.find("ul", id="id_cash_error").text() == "This amount cannot be negative."
    assert not page.find_all("ul", id="id_equity_error") and not page.find_all("ul", id="id_net_result_error")


def test_an_empty_form_or_upload_is_refused_and_nothing_is_saved(world):
    client = client_of(world["carl"], language="en")
    page = refused(client.post(f"/customers/{world['bm'].pk}/statements/new/", {}))
    assert page.find("ul", id="id_equity_error").text() == "This field is required."
    assert not page.find_all("ul", id="id_provisions_error")  # optional: empty is 0
    assert refused(client.post("/credit/statements/import/", {})).find("ul", id="id_file_error")
    assert FinancialStatement.objects.count() == 0


def test_a_year_already_entered_is_not_replaced_from_the_new_year_form(world):
    client = enter_both_years(world)
    response = client.post(f"/customers/{world['bm'].pk}/statements/new/", {**FIGURES_2024, "revenue": "1"})
    error = refused(response).find("ul", id="id_year_end_error")
    row = FinancialStatement.objects.get(customer=world["bm"], year_end=date(2024, 12, 31))
    assert "already entered" in error.text() and error.find("a").attrs["href"] == f"/credit/statements/{row.pk}/"
    assert row.revenue == Decimal("2400000.00")


def test_correcting_a_year_records_the_figures_before_and_after(world):
    client = enter_both_years(world)
    row = FinancialStatement.objects.get(customer=world["bm"], year_end=date(2024, 12, 31))
    form = html(client.get(f"/credit/statements/{row.pk}/"))
    assert form.find("input", name="equity").attrs["value"] == "400000.00"  # the stored figures
    response = client.post(f"/credit/statements/{row.pk}/", {**FIGURES_2024, "cash": "45000"})
    assert response.status_code == 302 and response["Location"] == page_of(world["bm"])
    event = Event.objects.filter(customer=world["bm"], kind="credit.statements").order_by("-at", "-id").first()
    assert (event.before, event.after, event.actor) == ({"cash": "40000.00"}, {"cash": "45000.00"}, world["carl"])
    after = client.get(page_of(world["bm"]))
    assert cells(after, "net_cash_difference") == ["-5,000.00", "0.00"]  # FRNG-BFR -100,000 vs 45,000-140,000


# --------------------------------------------------------------------------- empty state
def test_without_statements_the_page_says_what_to_do(world):
    page = html(client_of(world["carl"], language="en").get(page_of(world["md"])))
    empty = page.find("section", id="no-statements")
    assert "No financial statements for this customer yet." in empty.text()
    links = {a.attrs["href"] for a in empty.find_all("a")}
    assert links == {f"/customers/{world['md'].pk}/statements/new/", "/credit/statements/import/"}
    sales_view = html(client_of(world["sam"], language="en").get(page_of(world["bm"])))
    assert "A credit manager enters them." in sales_view.find("section", id="no-statements").text()
    assert not sales_view.find("section", id="no-statements").find_all("a")


# --------------------------------------------------------------------------- who may do what
def test_a_sales_person_reads_the_statements_of_their_own_customer_only(world):
    save_statement(world["bm"], {**{k: Decimal(v) for k, v in FIGURES_2023.items()
                                    if k not in ("year_end", "months", "source", "purchases")},
                                 "year_end": date(2023, 12, 31)}, world["carl"])
    sam = client_of(world["sam"], language="en")
    response = sam.get(page_of(world["bm"]))
    assert cells(response, "frng") == ["195,000.00"]
    assert not html(response).find_all("a", **{"data-edit": "2023-12-31"})  # no edit link for sales
    assert sam.get(page_of(world["md"])).status_code == 404  # another's customer: not revealed


def test_a_sales_person_may_not_enter_correct_or_import_statements(world):
    row, _ = save_statement(world["bm"], {"year_end": date(2023, 12, 31), **{
        k: Decimal(v) for k, v in FIGURES_2023.items() if k not in ("year_end", "months", "source")}}, world["carl"])
    sam = client_of(world["sam"])
    assert sam.get(f"/customers/{world['bm'].pk}/statements/new/").status_code == 403
    assert sam.post(f"/customers/{world['bm'].pk}/statements/new/", FIGURES_2024).status_code == 403
    assert sam.get(f"/credit/statements/{row.pk}/").status_code == 403
    assert sam.post(f"/credit/statements/{row.pk}/", FIGURES_2024).status_code == 403
    assert sam.get("/credit/statements/import/").status_code == 403
    assert FinancialStatement.objects.count() == 1


def test_a_collector_reads_any_customer_but_may_not_enter(world):
    colette = client_of(world["colette"])
    assert colette.get(page_of(world["md"])).status_code == 200
    assert colette.get(f"/customers/{world['md'].pk}/statements/new/").status_code == 403


# --------------------------------------------------------------------------- importing
HEADER = ("client;date_cloture;capitaux_propres;dettes_financieres;actif_immobilise;stocks;creances_clients;"
          "disponibilites;dettes_fournisseurs;total_bilan;chiffre_affaires;ebe;resultat_exploitation;resultat_net")


def upload(client, text: str, name="bilans.csv"):
    file = io.BytesIO(text.encode())
    file.name = name
    return client.post("/credit/statements/import/", {"file": file})


def test_an_import_with_problems_lists_every_one_and_writes_nothing(world):
    text = "\n".join([
        HEADER,
        "BM01;2024-12-31;100000;50000;120000;30000;40000;10000;20000;200000;300000;25000;15000;9000",
        "XX01;2024-12-31;100000;50000;120000;30000;40000;10000;20000;200000;300000;25000;15000;9000",
        "MD03;2024-12-31;100000;50000;120000;-3;40000;10000;20000;200000;300000;25000;15000;9000",
    ])
    page = refused(upload(client_of(world["carl"], language="en"), text))
    assert [li.text() for li in page.find("ol", id="problems").find_all("li")] == [
        "bilans.csv:3:client: unknown customer 'XX01'", "bilans.csv:4:stocks: cannot be negative, got -3"]
    assert "Nothing was written" in page.find("section", id="refused").text()
    assert FinancialStatement.objects.count() == 0


def test_an_import_shows_what_it_created_changed_and_left_alone(world):
    client = client_of(world["carl"], language="en")
    lines = [HEADER, "BM01;2024-12-31;100000;50000;120000;30000;40000;10000;20000;200000;300000;25000;15000;9000",
             "MD03;2024-12-31;100000;50000;120000;30000;40000;10000;20000;200000;300000;25000;15000;9000"]
    assert upload(client, "\n".join(lines)).status_code == 200
    lines[2] = lines[2].replace(";9000", ";9500")  # MD03's net result corrected
    page = html(upload(client, "\n".join(lines)))
    counts = {tr.attrs["data-count"]: tr.find("td").text() for tr in page.find("table", id="import-summary")
              .find_all("tr")}
    assert counts == {"created": "0", "updated": "1", "unchanged": "1"}
    results = [[td.text() for td in tr.find_all("td")] for tr in page.find("table", id="import-lines")
               .find("tbody").find_all("tr")]
    assert results == [["Boulangerie Martin BM01", "31/12/2024", "unchanged"],
                       ["Menuiserie Dupont MD03", "31/12/2024", "changed"]]
    assert FinancialStatement.objects.get(customer=world["md"]).net_result == Decimal("9500.00")


# --------------------------------------------------------------------------- what each sign says
def test_each_sign_of_deterioration_is_written_from_the_figures_in_the_users_language():
    def year(**figures):
        return Statements(**{"provisions": Decimal("0"), "other_operating_receivables": Decimal("0"),
                             "short_term_bank_debt": Decimal("0"), "tax_social_payables": Decimal("0"),
                             **{k: Decimal(v) if isinstance(v, str) else v for k, v in figures.items()}})

    common = dict(long_term_debt="100000", fixed_assets="300000", inventories="50000", cash="50000",
                  trade_payables="100000")
    good = year(year_end=date(2023, 12, 31), equity="400000", trade_receivables="100000", total_assets="800000",
                revenue="1000000", ebitda="100000", operating_result="80000", net_result="50000", **common)
    bad = year(year_end=date(2024, 12, 31), equity="-20000", trade_receivables="200000", total_assets="500000",
               revenue="800000", ebitda="-10000", operating_result="-40000", net_result="-420000", **common)
    # 2023: FRNG 400+100-300 = 200,000; BFR 50+100-100 = 50,000; net cash 150,000; equity ratio 400/800 = 50 %;
    #       margin 80/1,000 = 8 %; DSO 100/1,000 x 365 = 36.5 days
    # 2024: FRNG -20+100-300 = -220,000; BFR 50+200-100 = 150,000; net cash -370,000; equity ratio
    #       -20/500 = -4 %; margin -40/800 = -5 %; DSO 200/800 x 365 = 91.25 -> 91.3 days; revenue -20 %
    analysis = analyse([good, bad])
    previous, latest = analysis.years
    with translation.override("en"):
        texts = {f.code: flag_text(f, latest, previous, analysis.thresholds) for f in latest.flags}
        alone = analyse([bad]).latest
        (frng_alone,) = [flag_text(f, alone, None, analysis.thresholds) for f in alone.flags
                         if f.code == FlagCode.NEGATIVE_FRNG]
    assert texts == {
        FlagCode.NEGATIVE_EQUITY: "Equity is negative: -20,000.00.",
        FlagCode.NET_LOSS: "A net loss of 420,000.00.",
        FlagCode.NEGATIVE_FRNG: "Turned negative: -220,000.00 (was 200,000.00).",
        FlagCode.NEGATIVE_NET_CASH: "Turned negative: -370,000.00 (was 150,000.00).",
        FlagCode.EQUITY_RATIO_DROP: "From 50.00% to -4.00%: down 54.00 points (flagged beyond 5).",
        FlagCode.REVENUE_DROP: "Annualised revenue from 1,000,000.00 to 800,000.00 (flagged beyond a fall of 10%).",
        FlagCode.OPERATING_MARGIN_DROP: "From 8.00% to -5.00%: down 13.00 points (flagged beyond 2).",
        FlagCode.DSO_INCREASE: "From 36.5 to 91.3 days: up 54.8 days (flagged beyond 15); the customer collects "
                               "its own customers more slowly.",
    }
    assert frng_alone == "Negative: -220,000.00."  # no previous year: a warning, nothing to compare with
