"""A customer's financial statements: the years side by side with the derived figures, ratios and what
deteriorates; entering or correcting a year; importing a CSV of several customers and years.

The figures and flags come from ``core.solvency`` through ``risk/statements.py``; this module shows them.
"""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from encours.accounts.access import visible_customers
from encours.accounts.roles import Capability
from encours.core.problems import Refused
from encours.core.solvency import Flag, FlagCode, InvalidStatements, Severity, SolvencyThresholds, YearAnalysis
from encours.risk.models import FinancialStatement
from encours.risk.statements import (
    AMOUNTS,
    BALANCE_SHEET,
    FRENCH,
    INCOME_STATEMENT,
    OPTIONAL_AMOUNTS,
    REQUIRED_COLUMNS,
    Outcome,
    StoredStatementInvalid,
    YearAlreadyEntered,
    analysis_for,
    import_statements_csv,
    problems_of,
    save_statement,
)
from encours.web.decorators import requires
from encours.web.formatting import number, percent, short_date
from encours.web.scope import company_for

NAV = "credit"
AMOUNT, PERCENT, MULTIPLE, DAYS = "amount", "percent", "multiple", "days"

# Rows of the page after the entered aggregates: (Ratios field, label, kind).
DERIVED = (
    ("frng", _("Working capital (FRNG)"), AMOUNT),
    ("bfr", _("Working-capital need (BFR)"), AMOUNT),
    ("net_cash", _("Net cash (FRNG − BFR)"), AMOUNT),
    ("net_cash_from_balances", _("Net cash from the balances (cash − short-term bank debt)"), AMOUNT),
    ("net_cash_difference", _("Difference: what the aggregates leave out"), AMOUNT),
    ("annual_revenue", _("Annualised revenue"), AMOUNT),
)
RATIO_GROUPS = (
    (_("Profitability"), (
        ("operating_margin", _("Operating margin (%)"), PERCENT),
        ("net_margin", _("Net margin (%)"), PERCENT),
        ("return_on_equity", _("Return on equity (%)"), PERCENT),
    )),
    (_("Solidity"), (
        ("equity_ratio", _("Equity ratio: equity / total assets (%)"), PERCENT),
        ("gearing", _("Gearing: financial debt / equity (%)"), PERCENT),
        ("debt_to_ebitda", _("Financial debt / EBITDA (years)"), MULTIPLE),
    )),
    (_("Liquidity"), (
        ("current_ratio", _("Current ratio"), MULTIPLE),
        ("quick_ratio", _("Quick ratio"), MULTIPLE),
    )),
    (_("Activity"), (
        ("dso", _("Customer's DSO (days)"), DAYS),
        ("dpo", _("DPO (days)"), DAYS),
    )),
)
# The row that shows what each flag is about.
FLAG_ROWS = {
    FlagCode.NEGATIVE_EQUITY: "equity", FlagCode.NET_LOSS: "net_result", FlagCode.NEGATIVE_FRNG: "frng",
    FlagCode.NEGATIVE_NET_CASH: "net_cash", FlagCode.EQUITY_RATIO_DROP: "equity_ratio",
    FlagCode.REVENUE_DROP: "annual_revenue", FlagCode.OPERATING_MARGIN_DROP: "operating_margin",
    FlagCode.DSO_INCREASE: "dso",
}
FLAG_TITLES = {
    FlagCode.NEGATIVE_EQUITY: _("Negative equity"), FlagCode.NET_LOSS: _("Net loss"),
    FlagCode.NEGATIVE_FRNG: _("Negative working capital"), FlagCode.NEGATIVE_NET_CASH: _("Negative net cash"),
    FlagCode.EQUITY_RATIO_DROP: _("Equity ratio down"), FlagCode.REVENUE_DROP: _("Revenue down"),
    FlagCode.OPERATING_MARGIN_DROP: _("Operating margin down"), FlagCode.DSO_INCREASE: _("Customer's DSO up"),
}
SEVERITIES = {Severity.WARNING: pgettext_lazy("flag", "Warning"), Severity.SERIOUS: pgettext_lazy("flag", "Serious")}

# The problems core.solvency and the service report on a form field, in the catalog (problem_text).
FORM_PROBLEMS = (
    gettext_noop("This amount cannot be negative."),
    gettext_noop("A fiscal year lasts from 1 to 24 months."),
    gettext_noop("At most two decimal places."),
    gettext_noop("This amount is too large."),
)


def problem_text(name: str, message: str) -> str:
    """A core problem on a form field, in the user's language when it is one of the known ones."""
    if message.startswith("cannot be negative"):
        return gettext(FORM_PROBLEMS[0])
    if name == "months":
        return gettext(FORM_PROBLEMS[1])
    if message.startswith("at most two decimal places"):
        return gettext(FORM_PROBLEMS[2])
    if message.startswith("too large"):
        return gettext(FORM_PROBLEMS[3])
    return message


def flag_text(flag: Flag, year: YearAnalysis, previous: YearAnalysis | None, t: SolvencyThresholds) -> str:
    """What a flag says, in the user's language, from the figures ``core.solvency`` flagged (the rounded ratios
    of the page); the core's own message (English) is the fallback."""
    s, r = year.statements, year.ratios
    p = previous.ratios if previous else None
    code = flag.code
    if code == FlagCode.NEGATIVE_EQUITY:
        return gettext("Equity is negative: %(amount)s.") % {"amount": number(s.equity, 2)}
    if code == FlagCode.NET_LOSS:
        return gettext("A net loss of %(amount)s.") % {"amount": number(-s.net_result, 2)}
    if code in (FlagCode.NEGATIVE_FRNG, FlagCode.NEGATIVE_NET_CASH):
        key = "frng" if code == FlagCode.NEGATIVE_FRNG else "net_cash"
        if flag.severity == Severity.SERIOUS and p is not None:
            return gettext("Turned negative: %(now)s (was %(before)s).") % {
                "now": number(getattr(r, key), 2), "before": number(getattr(p, key), 2)}
        return gettext("Negative: %(now)s.") % {"now": number(getattr(r, key), 2)}
    if p is None:
        return flag.message
    if code in (FlagCode.EQUITY_RATIO_DROP, FlagCode.OPERATING_MARGIN_DROP):
        key, threshold = (("equity_ratio", t.equity_ratio_drop_points) if code == FlagCode.EQUITY_RATIO_DROP
                          else ("operating_margin", t.operating_margin_drop_points))
        before, now = getattr(p, key), getattr(r, key)
        return gettext("From %(before)s to %(now)s: down %(points)s points (flagged beyond %(threshold)s).") % {
            "before": percent(before, 2), "now": percent(now, 2), "points": number(before - now, 2),
            "threshold": _plain(threshold)}
    if code == FlagCode.REVENUE_DROP:
        return gettext("Annualised revenue from %(before)s to %(now)s (flagged beyond a fall of %(threshold)s).") % {
            "before": number(p.annual_revenue, 2), "now": number(r.annual_revenue, 2),
            "threshold": percent(t.revenue_drop_percent, 0 if _whole(t.revenue_drop_percent) else 2)}
    if code == FlagCode.DSO_INCREASE:
        return gettext("From %(before)s to %(now)s days: up %(days)s days (flagged beyond %(threshold)s); the "
                       "customer collects its own customers more slowly.") % {
            "before": number(p.dso, 1), "now": number(r.dso, 1), "days": number(r.dso - p.dso, 1),
            "threshold": _plain(t.dso_increase_days)}
    return flag.message


def _whole(value) -> bool:
    return value == value.to_integral_value()


def _plain(value) -> str:
    return number(value, 0 if _whole(value) else 2)


def _label(name: str) -> str:
    return FinancialStatement._meta.get_field(name).verbose_name


# --------------------------------------------------------------------------- the years side by side
@requires(Capability.VIEW)
def customer_statements(request, pk: int):
    company = company_for(request)
    customer = get_object_or_404(visible_customers(request.user, company), pk=pk)
    context = {"nav": NAV, "customer": customer, "years": [], "flags": [], "invalid": None}
    try:
        analysis = analysis_for(customer)
    except StoredStatementInvalid as error:
        context["invalid"] = error
        return render(request, "risk/statements.html", context)
    years = list(reversed(analysis.years))  # latest first, next to the labels
    ids = dict(FinancialStatement.objects.filter(customer=customer).values_list("year_end", "pk"))
    flags = []
    for previous, year in zip((None, *analysis.years), analysis.years):
        flags += [{"code": flag.code.value, "severity": flag.severity.value, "year_end": flag.year_end,
                   "severity_label": SEVERITIES[flag.severity], "title": FLAG_TITLES[flag.code],
                   "text": flag_text(flag, year, previous, analysis.thresholds), "row": FLAG_ROWS[flag.code]}
                  for flag in year.flags]
    # latest year first, as the columns; in a year, the serious signs first
    flags.sort(key=lambda f: (-f["year_end"].toordinal(), f["severity"] != Severity.SERIOUS))
    flagged = {(flag["year_end"], flag["row"]): flag for flag in flags}

    def row(key, label, kind, value_of):
        cells = []
        for year in years:
            flag = flagged.get((year.year_end, key))
            cells.append({"value": value_of(year), "severity": flag["severity"] if flag else "",
                          "note": f"{flag['title']}: {flag['text']}" if flag else ""})
        return {"key": key, "label": label, "kind": kind, "cells": cells}

    groups = [
        (_("Balance sheet"), [row(n, _label(n), AMOUNT, lambda y, n=n: getattr(y.statements, n))
                              for n in BALANCE_SHEET]),
        (_("Income statement"), [row(n, _label(n), AMOUNT, lambda y, n=n: getattr(y.statements, n))
                                 for n in INCOME_STATEMENT]),
        (_("Derived figures"), [row(k, label, kind, lambda y, k=k: getattr(y.ratios, k))
                                for k, label, kind in DERIVED]),
    ] + [(title, [row(k, label, kind, lambda y, k=k: getattr(y.ratios, k)) for k, label, kind in rows])
         for title, rows in RATIO_GROUPS]
    context.update({
        "years": [{"year_end": y.year_end, "months": y.statements.months, "pk": ids[y.year_end]} for y in years],
        "groups": groups,
        "flags": flags,
        "serious": sum(1 for flag in flags if flag["severity"] == Severity.SERIOUS),
        "latest": analysis.latest,
    })
    return render(request, "risk/statements.html", context)


# --------------------------------------------------------------------------- entering a year
class AmountInput(forms.DecimalField):
    """An amount typed with a decimal comma or point, spaces between thousands allowed: '1 234,50'."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "size": 16})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace(",", ".")
        return super().to_python(value)


class StatementForm(forms.ModelForm):
    class Meta:
        model = FinancialStatement
        fields = ["year_end", "months", *AMOUNTS, "source"]
        field_classes = {name: AmountInput for name in AMOUNTS}
        widgets = {"year_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in OPTIONAL_AMOUNTS:
            self.fields[name].required = False  # left empty: 0, or no purchases (no DPO)
        self.fields["months"].initial = 12
        self.fields["purchases"].help_text = _("Optional: without purchases there is no DPO.")
        self.fields["source"].help_text = _("Where the figures come from, e.g. tax return 2024, published accounts.")

    def _post_clean(self):
        pass  # the figures are checked by core.solvency in save_statement, not by the model

    def groups(self):
        return [(_("Fiscal year"), [self["year_end"], self["months"], self["source"]]),
                (_("Balance sheet"), [self[name] for name in BALANCE_SHEET]),
                (_("Income statement"), [self[name] for name in INCOME_STATEMENT])]


def _initial(row: FinancialStatement) -> dict:
    return {name: getattr(row, name) for name in ["year_end", "months", *AMOUNTS, "source"]}


def _statement_form(request, customer, row: FinancialStatement | None):
    posted = request.method == "POST"
    form = StatementForm(request.POST if posted else None, initial=_initial(row) if row else None)
    if posted and not form.is_valid():
        # the core's problems on the figures the form could read, shown with the form's own
        for name, message in problems_of(form.cleaned_data):
            form.add_error(name, problem_text(name, message))
    elif posted:
        data = dict(form.cleaned_data)
        source = data.pop("source", "")
        try:
            saved, outcome = save_statement(customer, data, request.user, statement=row, replace=False,
                                            source=source)
        except InvalidStatements as error:
            for name, message in error.problems:
                form.add_error(name if name in form.fields else None, problem_text(name, message))
        except YearAlreadyEntered as error:
            link = reverse("statement_edit", args=[error.row.pk])
            form.add_error("year_end", format_html(
                '{} <a href="{}">{}</a>',
                gettext("The statements of this fiscal year are already entered."), link, gettext("Edit them")))
        else:
            ended = short_date(saved.year_end)
            texts = {Outcome.CREATED: gettext("Statements of the year ended %(date)s recorded."),
                     Outcome.UPDATED: gettext("Statements of the year ended %(date)s changed."),
                     Outcome.UNCHANGED: gettext("Nothing changed in the year ended %(date)s.")}
            messages.success(request, texts[outcome] % {"date": ended})
            return redirect("customer_statements", pk=customer.pk)
    return render(request, "risk/statements_form.html", {
        "nav": NAV, "customer": customer, "form": form, "statement": row,
    }, status=400 if form.errors else 200)


@requires(Capability.MANAGE_CREDIT)
def statement_new(request, pk: int):
    customer = get_object_or_404(visible_customers(request.user, company_for(request)), pk=pk)
    return _statement_form(request, customer, None)


@requires(Capability.MANAGE_CREDIT)
def statement_edit(request, pk: int):
    company = company_for(request)
    row = get_object_or_404(FinancialStatement.objects.select_related("customer")
                            .filter(customer__in=visible_customers(request.user, company)), pk=pk)
    return _statement_form(request, row.customer, row)


# --------------------------------------------------------------------------- importing a CSV
class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))


@requires(Capability.MANAGE_CREDIT)
def statements_import(request):
    company = company_for(request)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    context = {"nav": NAV, "form": form, "problems": None, "summary": None, "columns": [
        (name, FRENCH[name][0], _label(name), name in REQUIRED_COLUMNS) for name in AMOUNTS]}
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            context["summary"] = import_statements_csv(company, upload.read(), upload.name, request.user)
        except Refused as refusal:
            context["problems"] = [str(problem) for problem in refusal.problems]
            context["filename"] = upload.name
            status = 400
    elif form.errors:
        status = 400
    return render(request, "risk/statements_import.html", context, status=status)


urlpatterns = [
    path("customers/<int:pk>/statements/", customer_statements, name="customer_statements"),
    path("customers/<int:pk>/statements/new/", statement_new, name="statement_new"),
    path("credit/statements/<int:pk>/", statement_edit, name="statement_edit"),
    path("credit/statements/import/", statements_import, name="statements_import"),
]
