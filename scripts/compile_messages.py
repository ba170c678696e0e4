"""Compile every encours/locale/*/LC_MESSAGES/django.po to the .mo Django loads, with Babel.

Django's `compilemessages` needs GNU gettext (msgfmt), which is not on every machine; Babel is a locked
dependency, so this works wherever `uv sync` has run. The .mo files are built, never committed.

Fails (exit code 1, every problem listed as file:line: message) when a catalog is not UTF-8 or does not
parse, when a translation uses a placeholder its msgid does not have, or has the wrong number of plural
forms or some forms empty; no .mo is written for a catalog with a problem. Untranslated entries are
allowed (the page shows the English text); tests/apps/test_translations.py refuses them.
Fuzzy entries are left out of the .mo, as msgfmt does.

    .venv/bin/python scripts/compile_messages.py
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "encours" / "locale"

# Babel's reader is lenient: it chops the last character of an unterminated string and skips some junk
# with a warning. Every line that is not a comment must be a keyword and a quoted string, or a string.
ENTRY_LINE = re.compile(r'(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+)?"(?:[^"\\]|\\.)*"')


def syntax_problems(text: str, po: Path) -> list[str]:
    found = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line.startswith("#~"):  # an obsolete entry: the same syntax behind the marker
            line = line[2:].strip()
            if line.startswith("|"):
                continue
        elif line.startswith("#"):
            continue
        if line and not ENTRY_LINE.fullmatch(line):
            found.append(f"{po}:{lineno}: not a quoted string or keyword line: {line[:60]!r}")
    return found


def problems_in(catalog: Catalog, po: Path) -> list[str]:
    """Babel's checks of the entries that go into the .mo: a placeholder the msgid does not have (it
    would raise KeyError when the page renders), the wrong number of plural forms; and a plural entry
    translated for some forms only (Babel would fill the others with the English msgid_plural)."""
    found = []
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        found += [f"{po}:{message.lineno}: {error}" for error in message.check(catalog)]
        if message.pluralizable and any(message.string) and not all(message.string):
            missing = [str(n) for n, form in enumerate(message.string) if not form]
            found.append(f"{po}:{message.lineno}: plural form {', '.join(missing)} missing for {message.id[0]!r}")
    return found


def compile_catalog(po: Path) -> list[str]:
    """Write ``po``'s .mo beside it; return the problems instead when there are any."""
    try:
        text = po.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return [f"{po}: not UTF-8: {error}"]
    problems = syntax_problems(text, po)
    if problems:
        return problems
    try:
        with po.open("rb") as f:
            catalog = read_po(f, abort_invalid=True)
    except (PoFileError, ValueError) as error:
        return [f"{po}: {error}"]
    problems = problems_in(catalog, po)
    if problems:
        return problems
    mo = po.with_suffix(".mo")
    tmp = mo.with_suffix(".mo.tmp")
    with tmp.open("wb") as f:
        write_mo(f, catalog, use_fuzzy=False)
    tmp.replace(mo)
    return []


def main() -> int:
    catalogs = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))
    if not catalogs:
        print(f"compile_messages: no catalog under {LOCALE_DIR}", file=sys.stderr)
        return 1
    failed = False
    for po in catalogs:
        problems = compile_catalog(po)
        for problem in problems:
            print(problem, file=sys.stderr)
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
