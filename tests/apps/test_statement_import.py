"""The statements service (encours/risk/statements.py): a year entered or imported, checked by core.solvency,
stored once per customer and year, its changes in the history; the CSV import, all or nothing.

The two-year example is the worked example of docs/credit-risk.md (amounts in euros):

                      2023        2024
  equity           380,000     400,000     FRNG 2023 = 380 + 15 + 340 - 540 = 195,000
  provisions        15,000      20,000     FRNG 2024 = 400 + 20 + 300 - 560 = 160,000
  long-term debt   340,000     300,000     BFR 2023 = 150 + 330 + 25 - (250 + 110) = 145,000
  fixed assets     540,000     560,000     BFR 2024 = 180 + 450 + 30 - (280 + 120) = 260,000
  inventories      150,000     180,000     net cash 2023 = 195 - 145 = 50,000 (= cash 80 - bank 30)
  receivables      330,000     450,000     net cash 2024 = 160 - 260 = -100,000 (= 40 - 140)
  other receiv.     25,000      30,000
  cash              80,000      40,000
  short-term bank   30,000     140,000
  trade payables   250,000     280,000
  tax and social   110,000     120,000
  total assets   1,125,000   1,260,000
  revenue        2,500,000   2,400,000
  purchases      1,250,000   1,200,000
  EBITDA           230,000     150,000
  operating res.   125,000      60,000
  net result        60,000      20,000
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from encours.accounts.roles import Role
from encours.core.problems import Refused
from encours.core.solvency import FlagCode, InvalidStatements, Severity
from encours.customers.models import Customer
from encours.history.models import Event
from encours.risk.models import FinancialStatement
from encours.risk.statements import (
    Outcome,
    YearAlreadyEntered,
    analysis_for,
    header_name,
    import_statements_csv,
    save_statement,
    to_core,
)
from tests.apps.test_web_pages import make_user

D = Decimal
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "statements.csv"

HEADER = ("customer,year_end,months,equity,provisions,long_term_debt,fixed_assets,inventories,trade_receivables,"
          "other_operating_receivables,cash,short_term_bank_debt,trade_payables,tax_social_payables,total_assets,"
          "revenue,purchases,ebitda,operating_result,net_result")
LINE_2023 = "BM01,2023-12-31,12,380000,15000,340000,540000,150000,330000,25000,80000,30000,250000,110000,1125000," \
            "2500000,1250000,230000,125000,60000"
LINE_2024 = "BM01,2024-12-31,12,400000,20000,300000,560000,180000,450000,30000,40000,140000,280000,120000,1260000," \
            "2400000,1200000,150000,60000,20000"
YEAR_2024 = dict(
    year_end=date(2024, 12, 31), months=12, equity=D("400000"), provisions=D("20000"), long_term_debt=D("300000"),
    fixed_assets=D("560000"), inventories=D("180000"), trade_receivables=D("450000"),
    other_operating_receivables=D("30000"), cash=D("40000"), short_term_bank_debt=D("140000"),
    trade_payables=D("280000"), tax_social_payables=D("120000"), total_assets=D("1260000"), revenue=D("2400000"),
    purchases=D("1200000"), ebitda=D("150000"), operating_result=D("60000"), net_result=D("20000"))


@pytest.fixture
def carl(db):
    return make_user("carl", Role.CREDIT_MANAGER)


@pytest.fixture
def bm(company):
    return Customer.objects.create(company=company, code="BM01", name="Boulangerie Martin")


def csv_bytes(*lines: str) -> bytes:
    return "\n".join(lines).encode() + b"\n"


def events(customer=None):
    qs = Event.objects.filter(kind="credit.statements").order_by("at", "id")
    return list(qs if customer is None else qs.filter(customer=customer))


# --------------------------------------------------------------------------- the two-year example
def test_an_imported_two_year_example_gives_the_hand_computed_figures_and_flags(company, bm, carl):
    summary = import_statements_csv(company, csv_bytes(HEADER, LINE_2023, LINE_2024), "fs.csv", carl)
    assert (summary.created, summary.updated, summary.unchanged) == (2, 0, 0)
    analysis = analysis_for(bm)
    first, second = analysis.years
    assert (first.year_end, second.year_end) == (date(2023, 12, 31), date(2024, 12, 31))
    assert (first.ratios.frng, first.ratios.bfr, first.ratios.net_cash) == (D("195000"), D("145000"), D("50000"))
    assert (second.ratios.frng, second.ratios.bfr, second.ratios.net_cash) == (
        D("160000"), D("260000"), D("-100000"))
    assert second.ratios.operating_margin == D("2.50")  # 60,000 / 2,400,000 = 2.5 %
    assert second.ratios.equity_ratio == D("31.75")  # 400,000 / 1,260,000 = 31.746 %
    assert second.ratios.dso == D("68.4")  # 450,000 / 2,400,000 x 365 = 68.44
    # net cash 50,000 -> -100,000: serious; margin 5.00 -> 2.50 %: -2.5 points > 2; DSO 48.2 -> 68.4: +20.2 > 15
    assert {f.code: f.severity for f in analysis.flags} == {
        FlagCode.NEGATIVE_NET_CASH: Severity.SERIOUS, FlagCode.OPERATING_MARGIN_DROP: Severity.WARNING,
        FlagCode.DSO_INCREASE: Severity.WARNING}
    row = FinancialStatement.objects.get(customer=bm, year_end=date(2024, 12, 31))
    assert to_core(row).trade_receivables == D("450000.00")
    assert row.source == "CSV fs.csv" and row.recorded_by == carl
    assert [e.after["revenue"] for e in events(bm)] == ["2500000.00", "2400000.00"]  # one event per year created


def test_a_decimal_comma_semicolons_a_bom_and_french_headers_read_the_same_figures(company, bm, carl):
    french = ("client;date_cloture;duree_mois;Capitaux propres;provisions_risques;dettes_financieres;"
              "actif_immobilise;stocks;creances_clients;autres_creances;disponibilites;concours_bancaires;"
              "dettes_fournisseurs;Dettes fiscales sociales;total_bilan;Chiffre d'affaires;achats;EBE;"
              "résultat_exploitation;Résultat net")
    line = ('BM01;2024-12-31;12;"400 000,00";20000,00;300000;560000;180000;450000;30000;40000;140000;280000;'
            '120000;1260000;2400000,00;1200000;150000;60000;20000,50')
    data = "\ufeff".encode() + f"{french}\r\n{line}\r\n".encode()
    assert data[:3] == b"\xef\xbb\xbf"  # the UTF-8 byte order mark Excel writes, and its CRLF line ends
    summary = import_statements_csv(company, data, "fr.csv", carl)
    assert summary.created == 1
    row = FinancialStatement.objects.get(customer=bm)
    assert (row.equity, row.revenue, row.net_result) == (D("400000.00"), D("2400000.00"), D("20000.50"))
    assert analysis_for(bm).latest.ratios.frng == D("160000")  # 400,000 + 20,000 + 300,000 - 560,000


def test_header_names_ignore_case_accents_spaces_and_apostrophes():
    assert header_name(" Résultat d'exploitation ") == "resultat_d_exploitation"
    assert header_name("Capitaux  propres") == "capitaux_propres"
    assert header_name("TOTAL-BILAN") == "total_bilan"


def test_optional_columns_may_be_left_out_and_empty_purchases_give_no_dpo(company, bm, carl):
    header = ("customer,year_end,equity,long_term_debt,fixed_assets,inventories,trade_receivables,cash,"
              "trade_payables,total_assets,revenue,ebitda,operating_result,net_result")
    line = "BM01,2024-06-30,100000,50000,120000,30000,40000,10000,20000,200000,300000,25000,15000,9000"
    import_statements_csv(company, csv_bytes(header, line), "short.csv", carl)
    year = analysis_for(bm).latest
    assert year.statements.months == 12 and year.statements.provisions == 0 and year.statements.purchases is None
    assert year.ratios.frng == D("30000")  # 100,000 + 0 + 50,000 - 120,000
    assert year.ratios.bfr == D("50000")  # 30,000 + 40,000 + 0 - (20,000 + 0)
    assert year.ratios.dpo is None


def test_the_sample_file_of_the_documentation_imports(company, carl):
    for code in ("C000001", "C000002"):
        Customer.objects.create(company=company, code=code, name=f"Sample {code}")
    summary = import_statements_csv(company, SAMPLE.read_bytes(), SAMPLE.name, carl)
    assert (summary.created, summary.updated, summary.unchanged) == (3, 0, 0)
    second = analysis_for(Customer.objects.get(code="C000002")).latest
    assert second.statements.months == 18 and second.statements.equity == D("-15000.50")
    assert second.ratios.frng == D("9999.50")  # -15,000.50 + 0 + 120,000 - 95,000
    assert FlagCode.NEGATIVE_EQUITY in {f.code for f in second.flags}


# --------------------------------------------------------------------------- re-importing
def test_importing_the_same_file_again_changes_nothing(company, bm, carl):
    data = csv_bytes(HEADER, LINE_2023, LINE_2024)
    import_statements_csv(company, data, "fs.csv", carl)
    before = list(FinancialStatement.objects.order_by("id").values())
    summary = import_statements_csv(company, data, "fs-again.csv", carl)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert list(FinancialStatement.objects.order_by("id").values()) == before  # not even the source
    assert len(events(bm)) == 2  # the two creations only


def test_a_changed_figure_updates_that_year_only_with_its_figures_before_and_after(company, bm, carl):
    import_statements_csv(company, csv_bytes(HEADER, LINE_2023, LINE_2024), "fs.csv", carl)
    changed = LINE_2024.replace(",2400000,", ",2300000.50,")  # revenue corrected
    summary = import_statements_csv(company, csv_bytes(HEADER, LINE_2023, changed), "fs2.csv", carl)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    assert [(c.code, y, o) for c, y, o in summary.lines] == [
        ("BM01", date(2023, 12, 31), Outcome.UNCHANGED), ("BM01", date(2024, 12, 31), Outcome.UPDATED)]
    assert FinancialStatement.objects.get(customer=bm, year_end=date(2024, 12, 31)).revenue == D("2300000.50")
    update = events(bm)[-1]
    assert (update.before, update.after, update.actor) == (
        {"revenue": "2400000.00"}, {"revenue": "2300000.50"}, carl)
    assert update.summary == "Financial statements of the year ended 2024-12-31 changed"


# --------------------------------------------------------------------------- refusals
def test_a_file_with_problems_is_refused_whole_listing_every_problem_with_its_line(company, bm, carl):
    data = csv_bytes(
        HEADER,
        LINE_2023,  # line 2: valid, but not written either
        LINE_2023.replace("BM01", "ZZ99"),  # 3
        LINE_2024.replace("2024-12-31", "31/12/2024").replace(",180000,", ",-5,"),  # 4: inventories
        LINE_2024.replace(",40000,", ",,").replace(",2400000,", ",12.5.0,"),  # 5: cash, revenue
        LINE_2023.replace(",12,", ",0,"),  # 6: the year of line 2 again; 0 months
        LINE_2024.replace("2024-12-31", "2022-12-31").replace(",1200000,", ",1.234,"),  # 7: purchases
    )
    with pytest.raises(Refused) as refused:
        import_statements_csv(company, data, "bad.csv", carl)
    assert [str(p) for p in refused.value.problems] == [
        "bad.csv:3:customer: unknown customer 'ZZ99'",
        "bad.csv:4:year_end: not a date YYYY-MM-DD: '31/12/2024'",
        "bad.csv:4:inventories: cannot be negative, got -5",
        "bad.csv:5:cash: required value missing",
        "bad.csv:5:revenue: not a number: '12.5.0'",
        "bad.csv:6:year_end: customer BM01 year 2023-12-31 already on line 2",
        "bad.csv:6:months: must be a whole number of months from 1 to 24, got 0",
        "bad.csv:7:purchases: at most two decimal places, got 1.234",
    ]
    assert FinancialStatement.objects.count() == 0 and events() == []


def test_a_header_with_an_unknown_a_repeated_and_a_missing_column_is_refused(company, bm, carl):
    header = HEADER.replace("equity", "capital").replace(",revenue,", ",revenue,chiffre_affaires,")
    line = LINE_2024.replace(",2400000,", ",2400000,2400000,")
    with pytest.raises(Refused) as refused:
        import_statements_csv(company, csv_bytes(header, line), "h.csv", carl)
    problems = [str(p) for p in refused.value.problems]
    assert problems[0].startswith("h.csv:1:capital: unknown column; the columns are: customer, year_end, months,")
    assert problems[1:] == ["h.csv:1:chiffre_affaires: a second column for revenue (already 'revenue')",
                            "h.csv:1:equity: missing column (or capitaux_propres)"]


def test_an_amount_in_a_column_without_header_is_a_problem_a_trailing_separator_is_not(company, bm, carl):
    data = csv_bytes(HEADER + ",", LINE_2023 + ",", LINE_2024 + ",oops")
    with pytest.raises(Refused) as refused:
        import_statements_csv(company, data, "t.csv", carl)
    assert [str(p) for p in refused.value.problems] == [
        "t.csv:3:value 'oops' in column 21, which has no header"]  # 20 columns, then the trailing one


def test_a_file_that_is_not_utf8_or_has_no_line_is_refused(company, bm, carl):
    with pytest.raises(Refused) as refused:
        import_statements_csv(company, "client;année\n".encode("latin-1"), "latin.csv", carl)
    assert [str(p) for p in refused.value.problems] == [
        "latin.csv: not UTF-8 text (byte 0xe9 at offset 10): save the file as CSV UTF-8"]
    with pytest.raises(Refused) as refused:
        import_statements_csv(company, csv_bytes(HEADER), "empty.csv", carl)
    assert [str(p) for p in refused.value.problems] == ["empty.csv:1:no line after the header"]


def test_a_customer_of_another_company_is_unknown(company, carl):
    from encours.customers.models import Company

    other = Company.objects.create(name="Autre SA", siren="552100554")
    Customer.objects.create(company=other, code="BM01", name="Not ours")
    with pytest.raises(Refused) as refused:
        import_statements_csv(company, csv_bytes(HEADER, LINE_2023), "x.csv", carl)
    assert [str(p) for p in refused.value.problems] == ["x.csv:2:customer: unknown customer 'BM01'"]


# --------------------------------------------------------------------------- entering a year
def test_entering_a_year_stores_it_and_records_an_event(bm, carl):
    row, outcome = save_statement(bm, YEAR_2024, carl, source="tax return 2024")
    assert outcome == Outcome.CREATED
    assert (row.customer, row.year_end, row.revenue, row.source) == (bm, date(2024, 12, 31), D("2400000"),
                                                                      "tax return 2024")
    (event,) = events(bm)
    assert event.before is None and event.after["equity"] == "400000.00" and event.after["months"] == "12"
    assert event.summary == "Financial statements of the year ended 2024-12-31 entered"


def test_saving_the_same_figures_again_writes_nothing(bm, carl):
    save_statement(bm, YEAR_2024, carl)
    _, outcome = save_statement(bm, {**YEAR_2024, "revenue": D("2400000.00")}, carl)  # 2,400,000 = 2,400,000.00
    assert outcome == Outcome.UNCHANGED
    assert len(events(bm)) == 1


def test_updating_a_year_records_the_figures_before_and_after(bm, carl):
    row, _ = save_statement(bm, YEAR_2024, carl)
    _, outcome = save_statement(bm, {**YEAR_2024, "cash": D("45000"), "purchases": None}, carl, statement=row)
    assert outcome == Outcome.UPDATED
    update = events(bm)[-1]
    assert (update.before, update.after) == ({"cash": "40000.00", "purchases": "1200000.00"},
                                             {"cash": "45000.00", "purchases": ""})
    row.refresh_from_db()
    assert (row.cash, row.purchases) == (D("45000.00"), None)


def test_a_year_already_entered_is_not_replaced_from_the_new_form_nor_moved_onto(bm, carl):
    row_2024, _ = save_statement(bm, YEAR_2024, carl)
    row_2023, _ = save_statement(bm, {**YEAR_2024, "year_end": date(2023, 12, 31)}, carl)
    with pytest.raises(YearAlreadyEntered) as taken:
        save_statement(bm, {**YEAR_2024, "revenue": D("1")}, carl, replace=False)
    assert taken.value.row == row_2024
    with pytest.raises(YearAlreadyEntered):
        save_statement(bm, YEAR_2024, carl, statement=row_2023)  # 2023 moved onto 2024
    _, outcome = save_statement(bm, {**YEAR_2024, "revenue": D("1")}, carl)  # replace: the default
    assert outcome == Outcome.UPDATED


def test_invalid_figures_are_refused_naming_each_field_and_nothing_is_written(bm, carl):
    with pytest.raises(InvalidStatements) as refused:
        save_statement(bm, {**YEAR_2024, "inventories": D("-1"), "months": 30, "cash": D("0.001")}, carl)
    assert [name for name, _ in refused.value.problems] == ["months", "inventories", "cash"]
    assert FinancialStatement.objects.count() == 0 and events() == []
