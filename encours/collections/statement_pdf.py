"""The customer statement as an A4 PDF: the company, the customer, the open items, the late-payment claims,
the totals, and page numbers ("page 2 / 3").

The PDF uses reportlab's standard Helvetica, whose text is encoded in WinAnsi (cp1252): ``winansi`` maps the
characters outside it first, such as the narrow no-break space (U+202F) Babel puts between thousands in
French (1 234,56 €), which would otherwise print as a black box.
"""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from encours.collections.pdfs import winansi
from encours.collections.statement import Statement
from encours.web.formatting import money, percent, short_date

# Characters Babel and typed text use that WinAnsi lacks, and the nearest WinAnsi character.
BASE = ParagraphStyle("base", fontName="Helvetica", fontSize=9, leading=11.5)
SMALL = ParagraphStyle("small", parent=BASE, fontSize=7, leading=9, textColor=colors.HexColor("#475569"))
BOLD = ParagraphStyle("bold", parent=BASE, fontName="Helvetica-Bold")
TITLE = ParagraphStyle("title", parent=BASE, fontName="Helvetica-Bold", fontSize=15, leading=19, spaceAfter=2)
HEADING = ParagraphStyle("heading", parent=BASE, fontName="Helvetica-Bold", fontSize=11, leading=14,
                         spaceBefore=8, spaceAfter=4)
HEAD = ParagraphStyle("head", parent=BASE, fontName="Helvetica-Bold", fontSize=8, leading=10)
HEAD_NUM = ParagraphStyle("head_num", parent=HEAD, alignment=TA_RIGHT)

GRID = colors.HexColor("#cbd5e1")
SHADE = colors.HexColor("#f1f5f9")
MARGIN = 16 * mm


def _cell(value) -> str:
    """A figure as a plain table cell: drawn as one string, so it never wraps and keeps its no-break spaces
    (a Paragraph would split "2 536,20 €" at them)."""
    return winansi(value)


def _p(text, style=BASE) -> Paragraph:
    return Paragraph(escape(winansi(text)).replace("\n", "<br/>"), style)


def _pct(rate) -> str:
    """A rate fraction as a percent with two decimals in the active language: 0.1315 -> 13,15 %."""
    return percent(rate * 100, 2)


def statement_pdf(statement: Statement, language: str = "fr") -> bytes:
    """The statement as PDF bytes, in ``language`` (the customer's, as the letter is sent to them)."""
    with translation.override(language):
        first = _build(statement, total_pages=None)
        return _build(statement, total_pages=first[1])[0]


def _build(statement: Statement, total_pages: int | None) -> tuple[bytes, int]:
    """One rendering; the first pass counts the pages so that the second can print "page n / total"."""
    buffer = io.BytesIO()
    company = statement.company
    title = _("Statement of account")
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 4 * mm, title=winansi(f"{title} {statement.customer.name}"),
                            author=winansi(company.name))
    pages = []

    def footer(canvas, document):
        pages.append(document.page)
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#64748b"))
        left = f"{company.name} · {title} · {statement.customer.name} · {short_date(statement.as_of)}"
        canvas.drawString(MARGIN, MARGIN, winansi(left))
        if total_pages:
            number = _("page %(n)s / %(total)s") % {"n": document.page, "total": total_pages}
        else:
            number = _("page %(n)s") % {"n": document.page}
        canvas.drawRightString(A4[0] - MARGIN, MARGIN, winansi(number))
        canvas.restoreState()

    doc.build(_story(statement, doc.width), onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue(), max(pages or [1])


def _story(st: Statement, width: float) -> list:
    company, customer, cur = st.company, st.customer, st.currency
    sender = [company.name, company.address]
    if company.siren:
        sender.append(f"SIREN {company.siren}")
    sender.append(" · ".join(x for x in (company.phone, company.email) if x))
    recipient = [customer.name, customer.address, _("Account %(code)s") % {"code": customer.code}]
    head = Table(
        [[[_p(sender[0], BOLD), _p("\n".join(x for x in sender[1:] if x), SMALL)],
          [_p(recipient[0], BOLD), _p("\n".join(x for x in recipient[1:] if x))]]],
        colWidths=[width * 0.55, width * 0.45],
    )
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story = [head, Spacer(1, 10 * mm), _p(_("Statement of account"), TITLE),
             _p(_("As of %(date)s") % {"date": short_date(st.as_of)}), Spacer(1, 4 * mm)]

    story.append(_p(_("Open items"), HEADING))
    rows = [[_p(_("Document"), HEAD), _p(_("Number"), HEAD), _p(_("Date"), HEAD), _p(_("Due date"), HEAD),
             _p(_("Amount"), HEAD_NUM), _p(_("Open"), HEAD_NUM), _p(_("Days late"), HEAD_NUM)]]
    for line in st.lines:
        d = line.document
        rows.append([_p(d.get_kind_display()), _p(d.number), _p(short_date(d.document_date)),
                     _p(short_date(d.due_date)), _cell(money(line.amount, d.currency)),
                     _cell(money(line.open_amount, d.currency)), _cell(line.days_late or "")])
    if not st.lines:
        rows.append([_p(_("No open item."), SMALL), "", "", "", "", "", ""])
    rows.append([_p(_("Balance"), BOLD), "", "", "", "", _cell(money(st.balance, cur)), ""])
    story.append(_table(rows, [0.14, 0.18, 0.12, 0.12, 0.17, 0.17, 0.10], width, numeric=(4, 5, 6)))

    story.append(_p(_("Late-payment interest and recovery indemnities"), HEADING))
    if st.claims:
        rows = [[_p(_("Invoice"), HEAD), _p(_("Due date"), HEAD), _p(_("Settled on"), HEAD),
                 _p(_("Days late"), HEAD_NUM), _p(_("Open"), HEAD_NUM), _p(_("Interest"), HEAD_NUM),
                 _p(_("Indemnity"), HEAD_NUM)]]
        for c in st.claims:
            d = c.document
            detail = [_period_text(p) for p in c.periods]
            rows.append([[_p(d.number), *([_p("\n".join(detail), SMALL)] if detail else [])],
                         _p(short_date(d.due_date)), _p(short_date(c.settled_on)), _cell(c.days_late),
                         _cell(money(c.open_amount, d.currency)), _cell(money(c.interest, d.currency)),
                         _cell(money(c.indemnity, d.currency))])
        rows.append([_p(_("Total"), BOLD), "", "", "", "", _cell(money(st.interest, cur)),
                     _cell(money(st.indemnity, cur))])
        story.append(_table(rows, [0.30, 0.11, 0.11, 0.08, 0.14, 0.13, 0.13], width, numeric=(3, 4, 5, 6)))
        for missing in st.missing_rates:
            story.append(_p(_("A rate is missing from the rate table; interest is counted up to the last day "
                              "whose rate is known: %(detail)s") % {"detail": missing}, SMALL))
        story.append(Spacer(1, 2 * mm))
        story.append(_p(_("Late-payment interest runs from the day after the due date without any reminder, "
                          "and a fixed indemnity of 40 euros for recovery costs is due for each invoice paid "
                          "late by a professional (French Commercial Code, L441-10 II and D441-5)."), SMALL))
    else:
        story.append(_p(_("No invoice paid late or overdue."), SMALL))

    story.append(_p(_("Totals"), HEADING))
    totals = [
        [_p(_("Balance")), _cell(money(st.balance, cur))],
        [_p(_("Late-payment interest")), _cell(money(st.interest, cur))],
        [_p(_("Recovery indemnities")), _cell(money(st.indemnity, cur))],
        [_p(_("Total due"), BOLD), _cell(money(st.grand_total, cur))],
    ]
    table = Table(totals, colWidths=[width * 0.35, width * 0.2], hAlign="RIGHT")
    table.setStyle(TableStyle([
        ("FONT", (1, 0), (1, -1), "Helvetica", 9), ("FONT", (1, -1), (1, -1), "Helvetica-Bold", 9),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2), ("TOPPADDING", (0, 0), (-1, -1), 2),
    ]))
    story.append(table)
    if company.iban:
        story.append(Spacer(1, 6 * mm))
        bank = _("Payment by transfer: IBAN %(iban)s") % {"iban": company.iban}
        if company.bic:
            bank += f" · BIC {company.bic}"
        story.append(_p(bank))
    return story


def _period_text(period) -> str:
    return _("%(start)s – %(end)s: %(days)s days at %(rate)s") % {
        "start": short_date(period.start), "end": short_date(period.end), "days": period.days,
        "rate": _pct(period.rate),
    }


def _table(rows: list, fractions: list[float], width: float, numeric: tuple[int, ...]) -> Table:
    """A table with a header row repeated on each page and a totals row; ``numeric`` columns right-aligned,
    their bold last row."""
    table = Table(rows, colWidths=[width * f for f in fractions], repeatRows=1)
    table.setStyle(TableStyle([
        *[("ALIGN", (col, 0), (col, -1), "RIGHT") for col in numeric],
        *[("FONT", (col, 1), (col, -1), "Helvetica", 9) for col in numeric],
        *[("FONT", (col, -1), (col, -1), "Helvetica-Bold", 9) for col in numeric],
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, -1), (-1, -1), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table
