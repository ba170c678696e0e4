"""Joining stored PDFs into one file to print: the letters are kept one by one as evidence, and printed as
they were produced, never rendered again."""
from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from pypdf import PdfWriter


def join_pdfs(documents: Iterable[bytes]) -> bytes:
    writer = PdfWriter()
    for document in documents:
        writer.append(BytesIO(bytes(document)))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
