"""What the PDF documents share: text reduced to what the standard Helvetica can print, and joining stored
PDFs into one file to print (the letters are kept one by one as evidence, printed as they were produced,
never rendered again)."""
from __future__ import annotations

import unicodedata
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


_SUBSTITUTES = str.maketrans({
    "\u202f": "\u00a0",  # narrow no-break space (French thousands separator, before ; ? !) -> no-break space
    "\u2007": "\u00a0",  # figure space
    "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ", "\u2009": " ", "\u200a": " ",
    "\u2010": "-", "\u2011": "-", "\u2212": "-",  # hyphens, minus sign
    "\u200b": "", "\u2060": "", "\ufeff": "",  # zero-width space, word joiner, byte-order mark
    "\u2264": "<=", "\u2265": ">=",
    # letters NFKD does not reduce to a base letter
    "\u0141": "L", "\u0142": "l", "\u0110": "D", "\u0111": "d", "\u0131": "i", "\u0126": "H", "\u0127": "h",
})


def winansi(text: str) -> str:
    """``text`` reduced to what Helvetica's WinAnsi encoding can print: known look-alikes substituted,
    other letters reduced to their base letter (ő -> o), anything else "?"."""
    text = unicodedata.normalize("NFC", str(text)).translate(_SUBSTITUTES)
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            out.append(base if base and base.encode("cp1252", "ignore").decode("cp1252") == base else "?")
    return "".join(out)
