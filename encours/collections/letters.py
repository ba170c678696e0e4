"""Reminders as A4 letters (PDF, reportlab), one at a time or a batch to print.

A French business letter: the sender at the top left; the recipient on the right, where the window of a
window envelope shows it (120 mm from the left, 50 mm from the top); the place and date; the subject line
("Objet : …"); the body, with the invoice table where the template puts ``{{ invoice_table }}`` (its header
repeated on each page); the bank details; "page 1/2" at the foot of letters of more than one page. A formal
notice says it is sent by registered letter with acknowledgement of receipt.

Text is drawn in reportlab's standard Helvetica, encoded in WinAnsi (cp1252): ``winansi`` replaces what it
lacks first, such as the narrow no-break space (U+202F) Babel puts between thousands in French (1 234,56 €),
which would print as a black box.
"""
from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from encours.collections.pdfs import winansi
from encours.collections.rendering import Rendered

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT, RIGHT, BOTTOM, TOP = 20 * mm, 15 * mm, 20 * mm, 15 * mm
WIDTH = PAGE_WIDTH - LEFT - RIGHT
WINDOW_LEFT, WINDOW_TOP = 120 * mm, 50 * mm  # the address window of a French window envelope (DL, C5)
FIRST_FRAME_TOP = 92 * mm  # on the first page the text starts below the address
LATER_TOP = 22 * mm  # later pages: room for a reminder of who the letter is for

BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13.5, spaceAfter=3 * mm)
SUBJECT = ParagraphStyle("subject", parent=BODY, spaceBefore=4 * mm, spaceAfter=6 * mm)
DATE_LINE = ParagraphStyle("date", parent=BODY, leftIndent=WINDOW_LEFT - LEFT)
NOTICE = ParagraphStyle("notice", parent=BODY, fontName="Helvetica-Bold", fontSize=9.5, spaceAfter=0)
NOTE = ParagraphStyle("note", parent=BODY, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444"))
HEAD = ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=8, leading=9.5)
HEAD_NUM = ParagraphStyle("head_num", parent=HEAD, alignment=2)
GRID = colors.HexColor("#b8bfc9")
SHADE = colors.HexColor("#eef1f5")
GREY = colors.HexColor("#555555")

# Characters Babel or typed text use that WinAnsi lacks, and what to print instead.
def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(winansi(text)).replace("\n", "<br/>"), style)


def letter_pdf(rendered: Rendered) -> bytes:
    """One letter as PDF bytes."""
    return letters_pdf([rendered])


def letters_pdf(renderings: Iterable[Rendered]) -> bytes:
    """The letters one after the other in one PDF to print: each starts on a new page and numbers its own
    pages ("page 1/2")."""
    letters = list(renderings)
    if not letters:
        raise ValueError("no letter to print")
    buffer = io.BytesIO()
    doc = _LetterDocument(buffer, letters)
    story = []
    for index, rendered in enumerate(letters):
        if index:
            story += [NextPageTemplate("first"), PageBreak()]
        story.append(NextPageTemplate("later"))
        with translation.override(rendered.language):
            story += _letter_story(rendered)
    doc.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


class _LetterDocument(BaseDocTemplate):
    """Page templates: "first" draws a letter's sender and recipient blocks, "later" its running head."""

    def __init__(self, buffer, letters: list[Rendered]):
        title = winansi(letters[0].subject) if len(letters) == 1 else "Letters"
        super().__init__(buffer, pagesize=A4, leftMargin=LEFT, rightMargin=RIGHT, topMargin=TOP,
                         bottomMargin=BOTTOM, title=title, author=winansi(letters[0].sender_name))
        self.letters, self.current = letters, -1
        first = Frame(LEFT, BOTTOM, WIDTH, PAGE_HEIGHT - FIRST_FRAME_TOP - BOTTOM, id="first",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        later = Frame(LEFT, BOTTOM, WIDTH, PAGE_HEIGHT - LATER_TOP - BOTTOM, id="later",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("first", [first], onPage=self._first_page),
                               PageTemplate("later", [later], onPage=self._later_page)])

    def _first_page(self, canvas: Canvas, doc) -> None:
        # Called once per letter, in order, as each letter starts on a "first" page.
        self.current += 1
        rendered = self.letters[self.current]
        with translation.override(rendered.language):
            canvas.page_label = _("page %(n)s/%(total)s")
        canvas.letter_index = self.current  # kept by the later pages, for their numbering
        _draw_lines(canvas, LEFT, PAGE_HEIGHT - TOP, _sender_lines(rendered), 11, 9, 11.5)
        recipient = [rendered.recipient_name, *rendered.recipient_address]
        _draw_lines(canvas, WINDOW_LEFT, PAGE_HEIGHT - WINDOW_TOP, recipient, 10.5, 10.5, 13)

    def _later_page(self, canvas: Canvas, doc) -> None:
        rendered = self.letters[self.current]
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(GREY)
        canvas.drawString(LEFT, PAGE_HEIGHT - 14 * mm,
                          winansi(f"{rendered.sender_name} – {rendered.recipient_name} – {rendered.subject}")[:150])
        canvas.restoreState()


def _sender_lines(rendered: Rendered) -> list[str]:
    lines = [rendered.sender_name, *rendered.sender_address]
    if rendered.sender_siren:
        lines.append(f"SIREN {rendered.sender_siren}")
    if rendered.sender_phone:
        lines.append(rendered.sender_phone)
    if rendered.sender_email:
        lines.append(rendered.sender_email)
    return lines


def _draw_lines(canvas: Canvas, x: float, top: float, lines: list[str], first_size: float, size: float,
                leading: float) -> None:
    """``lines`` from ``top`` down, the first in bold."""
    canvas.saveState()
    y = top - first_size
    for index, line in enumerate(lines):
        canvas.setFont("Helvetica-Bold" if index == 0 else "Helvetica", first_size if index == 0 else size)
        canvas.drawString(x, y, winansi(line))
        y -= leading
    canvas.restoreState()


def _letter_story(rendered: Rendered) -> list:
    """The flowables of one letter, in the active language (the letter's)."""
    story = [_para(rendered.date_line, DATE_LINE)]
    if rendered.formal_notice:
        story.append(_para(_("Registered letter with acknowledgement of receipt"), NOTICE))
    label = _("Subject:")
    story.append(Paragraph(f"<b>{escape(winansi(label))}</b> {escape(winansi(rendered.subject))}", SUBJECT))
    for block in rendered.paragraphs:
        if block.is_table:
            story.append(_invoice_table(rendered))
            story.append(Spacer(1, 2 * mm))
            if rendered.interest_note:
                story.append(_para(rendered.interest_note, NOTE))
        else:
            story.append(_para(block.text, BODY))
    story.append(Spacer(1, 4 * mm))
    story.append(_bank_details(rendered))
    return story


# column widths as shares of the text width, without and with the interest and indemnity columns
_WIDTHS = {6: (0.25, 0.14, 0.14, 0.18, 0.18, 0.11), 8: (0.17, 0.105, 0.105, 0.13, 0.13, 0.08, 0.13, 0.15)}


def _invoice_table(rendered: Rendered) -> Table:
    table = rendered.table
    columns = len(table.header)
    shares = _WIDTHS.get(columns) or (1 / columns,) * columns
    header = [_para(h, HEAD_NUM if table.numeric[i] else HEAD) for i, h in enumerate(table.header)]
    data = [header, *([winansi(c) for c in row] for row in table.rows), [winansi(c) for c in table.totals]]
    style = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("FONT", (0, len(data) - 1), (-1, len(data) - 1), "Helvetica-Bold", 8),
        ("BACKGROUND", (0, len(data) - 1), (-1, len(data) - 1), SHADE),
    ]
    style += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i in range(columns) if table.numeric[i]]
    if table.claimed:
        label, amount = table.claimed
        data.append([winansi(label), *[""] * (columns - 2), winansi(amount)])
        last = len(data) - 1
        style += [("SPAN", (0, last), (columns - 2, last)), ("FONT", (0, last), (-1, last), "Helvetica-Bold", 8.5),
                  ("LINEABOVE", (0, last), (-1, last), 0.8, colors.black)]
    result = Table(data, colWidths=[WIDTH * s for s in shares], repeatRows=1, hAlign="LEFT")
    result.setStyle(TableStyle(style))
    return result


def _bank_details(rendered: Rendered) -> KeepTogether:
    rows = []
    if rendered.iban:
        rows.append([_("IBAN"), rendered.iban])
    if rendered.bic:
        rows.append([_("BIC"), rendered.bic])
    rows.append([_("Payment reference"), rendered.payment_reference])
    data = [[winansi(_("Bank details")), ""], *([winansi(a), winansi(b)] for a, b in rows)]
    table = Table(data, colWidths=[45 * mm, 85 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
        ("SPAN", (0, 0), (-1, 0)),
        ("BOX", (0, 0), (-1, -1), 0.6, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return KeepTogether([table])


class _NumberedCanvas(Canvas):
    """Holds the pages back until the end, to print "page n/total" counted within each letter (only on letters
    of more than one page)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._held: list[dict] = []

    def showPage(self):
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        held = self._held
        totals = Counter(state.get("letter_index") for state in held)
        numbers: Counter = Counter()
        for state in held:
            self.__dict__.update(state)
            letter = state.get("letter_index")
            numbers[letter] += 1
            if totals[letter] > 1:
                self.saveState()
                self.setFont("Helvetica", 8)
                self.setFillColor(GREY)
                label = state.get("page_label", "page %(n)s/%(total)s")
                self.drawRightString(PAGE_WIDTH - RIGHT, 10 * mm,
                                     winansi(label % {"n": numbers[letter], "total": totals[letter]}))
                self.restoreState()
            Canvas.showPage(self)
        Canvas.save(self)
