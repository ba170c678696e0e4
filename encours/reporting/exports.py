"""The aged balance as JSON (a stable contract), CSV and Excel."""
from __future__ import annotations

import csv
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from encours.core.money import cents_to_decimal
from encours.reporting.ageing import AgedBalanceReport

BUCKET_TITLES = {"not_due": "Not due"}


def bucket_title(label: str) -> str:
    if label in BUCKET_TITLES:
        return BUCKET_TITLES[label]
    if label.startswith("over_"):
        return f"> {label[5:]} days"
    return f"{label} days"


def _text(cents: int) -> str:
    return str(cents_to_decimal(cents))


def ageing_dict(report: AgedBalanceReport, labels: dict[int, tuple[str, str]]) -> dict:
    """``{"as_of", "currency", "buckets": [{"label", "amount"}], "total", "overdue", "customers": [...]}``."""
    names = [b.label for b in report.buckets]
    return {
        "as_of": report.as_of.isoformat(),
        "currency": report.currency,
        "buckets": [{"label": n, "amount": _text(c)} for n, c in zip(names, report.totals)],
        "total": _text(report.total),
        "overdue": _text(report.overdue),
        "customers": [
            {
                "id": row.id,
                "code": labels.get(row.id, ("", ""))[0],
                "name": labels.get(row.id, ("", ""))[1],
                "total": _text(row.total),
                "buckets": [{"label": n, "amount": _text(c)} for n, c in zip(names, row.buckets)],
            }
            for row in report.customers
        ],
    }


def _rows(report: AgedBalanceReport, labels: dict[int, tuple[str, str]]):
    for row in sorted(report.customers, key=lambda r: labels.get(r.id, ("", ""))[0]):
        code, name = labels.get(row.id, ("", ""))
        yield code, name, row.buckets, row.total


def write_ageing_csv(report: AgedBalanceReport, labels: dict[int, tuple[str, str]], stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["code", "name", *[b.label for b in report.buckets], "total"])
    for code, name, buckets, total in _rows(report, labels):
        writer.writerow([code, name, *map(_text, buckets), _text(total)])
    writer.writerow(["TOTAL", "", *map(_text, report.totals), _text(report.total)])


def write_ageing_xlsx(report: AgedBalanceReport, labels: dict[int, tuple[str, str]], target) -> None:
    """Amounts are written as numbers of the currency with two decimals (Decimal, never float)."""
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = "Aged balance"
    sheet.append([f"Aged balance at {report.as_of.isoformat()} ({report.currency})"])
    sheet["A1"].font = Font(bold=True, size=13)
    header = ["Code", "Customer", *[bucket_title(b.label) for b in report.buckets], "Total"]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for code, name, buckets, total in _rows(report, labels):
        sheet.append([code, name, *map(cents_to_decimal, buckets), cents_to_decimal(total)])
    sheet.append(["TOTAL", "", *map(cents_to_decimal, report.totals), cents_to_decimal(report.total)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    money_format = "#,##0.00"
    for column in range(3, len(header) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 15
        for (cell,) in sheet.iter_rows(min_row=3, min_col=column, max_col=column):
            cell.number_format = money_format
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 40
    sheet.freeze_panes = "C3"
    book.save(target)
