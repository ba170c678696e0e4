"""A reminder rendered from a ``MessageTemplate`` for an ``Action``: the e-mail's text and HTML parts and the
blocks of the PDF letter (``letters.py``), all from the same text.

Templates are written by users, so they are rendered by a standalone Django ``Engine``: no loader and no
directory (``{% include %}`` and ``{% extends %}`` find nothing and are refused), the default tags and filters
only, and a context of plain strings, numbers and dicts: a template can reach no model, call no method of
one and run no query. Merge fields are listed in ``MERGE_FIELDS``.

The text is rendered once, without escaping; the HTML part is that text escaped as a whole (what the user
typed and what the merge fields hold alike), blank-line-separated blocks becoming ``<p>`` and single line
breaks ``<br>``. ``{{ invoice_table }}`` becomes an aligned plain-text table, an HTML ``<table>``, or the
letter's table.

Amounts and dates are formatted in the letter's language (the template's), not the user's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date
from babel.numbers import format_currency
from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError
from django.template.base import FilterExpression, Lexer, TokenType, Variable, VariableNode
from django.urls import NoReverseMatch
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from encours.collections.claims import invoice_claims
from encours.collections.models import Action, ActionItem, ActionState, MessageTemplate, Step
from encours.core.money import ZERO, to_cents
from encours.core.records import DocumentKind
from encours.customers.models import Company, ContactRole, Customer
from encours.ledger.models import Document
from encours.web.formatting import LOCALES

TABLE_FIELD = "invoice_table"
_TABLE_MARK = "\ue000invoice-table\ue000"  # private-use characters: where the table goes in the rendered text

# (merge field, what it holds): the fields a template may use, shown on the template page
MERGE_FIELDS: tuple[tuple[str, object], ...] = (
    ("customer.name", gettext_lazy("The customer's name.")),
    ("customer.code", gettext_lazy("The customer's account code.")),
    ("customer.address", gettext_lazy("The customer's postal address.")),
    ("contact.name", gettext_lazy("The billing contact's name, else the customer's name.")),
    ("contact.email", gettext_lazy("The billing contact's e-mail, else the customer's.")),
    ("company.name", gettext_lazy("Your company's name.")),
    ("company.address", gettext_lazy("Your company's postal address.")),
    ("company.phone", gettext_lazy("Your company's phone number.")),
    ("company.email", gettext_lazy("Your company's e-mail address.")),
    ("company.siren", gettext_lazy("Your company's SIREN number.")),
    (TABLE_FIELD, gettext_lazy("The table of the invoices concerned (with interest and indemnity when the step "
                               "claims them); put it alone in its paragraph.")),
    ("invoice_count", gettext_lazy("How many invoices the reminder lists.")),
    ("total", gettext_lazy("What is still owed on the invoices listed.")),
    ("total_interest", gettext_lazy("Late-payment interest claimed (zero when the step claims none).")),
    ("total_indemnity", gettext_lazy("Recovery indemnities claimed: 40 euros per late invoice (zero when the "
                                     "step claims none).")),
    ("total_claimed", gettext_lazy("The total claimed: amount owed, interest and indemnities.")),
    ("days_late", gettext_lazy("Days late of the oldest invoice.")),
    ("oldest_due_date", gettext_lazy("Due date of the oldest invoice.")),
    ("iban", gettext_lazy("Your IBAN, for payment by transfer.")),
    ("bic", gettext_lazy("Your BIC.")),
    ("payment_reference", gettext_lazy("The reference to give with the payment: the customer's code and the "
                                       "reminder's number.")),
    ("portal_link", gettext_lazy("Link to the customer's online space (empty for now).")),
    ("date", gettext_lazy("The date of the letter.")),
    ("collector.name", gettext_lazy("The customer's collector, else your company's name.")),
    ("collector.email", gettext_lazy("The collector's e-mail, else your company's.")),
    ("collector.phone", gettext_lazy("Your company's phone number (the collector's line).")),
)


def _field_tree() -> dict[str, frozenset[str] | None]:
    """top-level name -> its sub-fields (None: a plain value)."""
    tree: dict[str, set[str] | None] = {}
    for name, _help in MERGE_FIELDS:
        head, _dot, sub = name.partition(".")
        if sub:
            tree.setdefault(head, set()).add(sub)
        else:
            tree[head] = None
    return {k: (frozenset(v) if v is not None else None) for k, v in tree.items()}


FIELD_TREE = _field_tree()
# {% include %} and {% extends %} would read files, {% debug %} dumps the context and the loaded modules,
# {% url %}, {% querystring %} and {% csrf_token %} need a web request; a reminder needs none of them.
FORBIDDEN_TAGS = frozenset({"include", "extends", "block", "debug", "load", "url", "querystring", "csrf_token"})

ENGINE = Engine(dirs=[], app_dirs=False, loaders=[], libraries={}, autoescape=False, string_if_invalid="")


class TemplateMissing(LookupError):
    """No template of ``code`` in any language: the step cannot be rendered."""

    def __init__(self, code: str, language: str = ""):
        self.code, self.language = code, language
        if code:
            super().__init__(f'no message template "{code}" in any language: create it on the templates page')
        else:
            super().__init__("this step has no template: it is a call or a task, not a message")


class TemplateInvalid(ValueError):
    """A template that cannot be rendered (syntax error, forbidden tag); ``problems`` says why."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


# --------------------------------------------------------------------------- what a rendering is made of
@dataclass(frozen=True)
class InvoiceLine:
    number: str
    document_date: date
    due_date: date
    amount: Decimal
    open_amount: Decimal
    days_late: int
    interest: Decimal  # 0.00 unless the step claims interest
    indemnity: Decimal  # 0.00 unless the step claims it


@dataclass(frozen=True)
class InvoiceTable:
    """The invoice table, every cell already formatted in the letter's language."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    totals: tuple[str, ...]  # a totals row, as long as the header
    numeric: tuple[bool, ...]  # which columns are right-aligned
    claimed: tuple[str, str] | None  # (label, amount) of the total claimed, when interest is claimed


@dataclass(frozen=True)
class Block:
    """A paragraph of the body; ``is_table`` marks where the invoice table goes (its text is then empty)."""

    text: str
    is_table: bool = False


@dataclass(frozen=True)
class Rendered:
    language: str
    template_code: str
    subject: str
    text: str
    html: str
    paragraphs: tuple[Block, ...]
    lines: tuple[InvoiceLine, ...]
    table: InvoiceTable
    claims_interest: bool
    formal_notice: bool
    currency: str
    total: Decimal  # open amount of the invoices listed, at the as-of date
    total_interest: Decimal
    total_indemnity: Decimal
    total_claimed: Decimal  # total + interest + indemnity
    date: date
    date_line: str  # "Paris, le 3 avril 2026"
    sender_name: str
    sender_address: tuple[str, ...]
    sender_siren: str
    sender_phone: str
    sender_email: str
    recipient_name: str
    recipient_address: tuple[str, ...]
    recipients: tuple[str, ...]  # e-mail addresses: the billing contacts', else the customer's
    iban: str  # in groups of four
    bic: str
    payment_reference: str
    interest_note: str  # "" or why interest stops before the as-of date
    action_id: int | None = None
    customer_id: int | None = None


# --------------------------------------------------------------------------- formatting in the letter's language
def _locale(language: str) -> str:
    return LOCALES.get(language, "fr_FR")


@lru_cache(maxsize=4096)  # letters repeat the same amounts (40,00 €, 0,00 €) and Babel is slow
def format_money(amount: Decimal, currency: str, language: str) -> str:
    """1 234,56 € in French (U+202F between thousands, U+00A0 before €), €1,234.56 in English."""
    return format_currency(amount, currency, locale=_locale(language))


def format_short_date(day: date | None, language: str) -> str:
    if day is None:
        return ""
    return format_date(day, format="dd/MM/yyyy" if language == "fr" else "short", locale=_locale(language))


def format_long_date(day: date | None, language: str) -> str:
    """3 avril 2026, 3 April 2026."""
    return "" if day is None else format_date(day, format="long", locale=_locale(language))


def grouped_iban(iban: str) -> str:
    """FR7630006000011234567890189 -> FR76 3000 6000 0112 3456 7890 189."""
    compact = iban.replace(" ", "")
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def payment_reference(customer_code: str, action_id: int | None) -> str:
    """What the customer quotes with a transfer: its account code and the reminder's number (the action id),
    enough to find the customer and the reminder it answers."""
    return f"{customer_code}-{action_id}" if action_id else customer_code


def portal_link(customer: Customer | None = None) -> str:
    """Link to the customer's own space on the debtor portal; empty until the portal exists."""
    return ""


def _place(address: str) -> str:
    """The town of a French address's last line, its postcode dropped: '75008 Paris' -> 'Paris'."""
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    if not lines:
        return ""
    return re.sub(r"^(?:F-)?\d{4,5}\s+", "", lines[-1]).strip()


# --------------------------------------------------------------------------- templates
def template_for(company: Company, code: str, language: str) -> MessageTemplate | None:
    """The template ``code`` of ``company`` in ``language``, else in French, else in any language (one query)."""
    found = {t.language: t for t in MessageTemplate.objects.filter(company=company, code=code)}
    if not found:
        return None
    return found.get(language) or found.get("fr") or found[min(found)]


@lru_cache(maxsize=256)
def _compile(source: str):
    """The compiled template (kept: the same few templates render thousands of letters)."""
    try:
        for token in Lexer(source).tokenize():
            if token.token_type == TokenType.BLOCK:
                bits = token.split_contents()
                if bits and bits[0] in FORBIDDEN_TAGS:
                    raise TemplateInvalid([_("Tag not allowed in a template: %(tag)s") % {"tag": bits[0]}])
        return ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        raise TemplateInvalid([_("Template error: %(message)s") % {"message": error}]) from None


def validate_template(subject: str, body: str) -> list[str]:
    """What is wrong with a template: syntax errors, forbidden tags, unknown merge fields ([] when fine)."""
    problems = []
    for label, source in ((_("Subject"), subject), (_("Body"), body)):
        try:
            template = _compile(source)
        except TemplateInvalid as error:
            problems.extend(f"{label}: {p}" for p in error.problems)
            continue
        for name in _unknown_fields(template):
            problems.append(f"{label}: " + _("Unknown merge field: %(name)s") % {"name": name})
    return problems


def _unknown_fields(template) -> list[str]:
    """The variables a compiled template reads that are no merge field, in order, once each."""
    used, defined = [], {"forloop"}
    nodes = template.nodelist.get_nodes_by_type(object)  # every node, nested ones included
    for node in nodes:
        if isinstance(node, VariableNode):
            used.extend(_lookups(node.filter_expression))
            continue
        for attr in ("loopvars", "variable_name", "var_name", "asvar", "target_var"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                defined.add(value)
            elif isinstance(value, (list, tuple)):
                defined.update(v for v in value if isinstance(v, str))
        extra = getattr(node, "extra_context", None)
        if isinstance(extra, dict):
            defined.update(extra)
            for expression in extra.values():
                used.extend(_lookups(expression))
        for condition, _nodelist in getattr(node, "conditions_nodelists", ()):
            used.extend(_condition_lookups(condition))
        if type(node).__name__ == "FilterNode":  # {% filter %} reads Django's own "var"
            continue
        for value in vars(node).values():
            for item in value if isinstance(value, (list, tuple)) else (value,):
                if isinstance(item, FilterExpression):
                    used.extend(_lookups(item))
    unknown = []
    for lookups in used:
        name = ".".join(lookups)
        if lookups[0] in defined or _known(lookups) or name in unknown:
            continue
        unknown.append(name)
    return unknown


def _lookups(expression) -> list[tuple[str, ...]]:
    found = []
    if not isinstance(expression, FilterExpression):
        return found
    if isinstance(expression.var, Variable) and expression.var.lookups:
        found.append(expression.var.lookups)
    for _func, args in expression.filters:
        for is_lookup, arg in args:
            if is_lookup and isinstance(arg, Variable) and arg.lookups:
                found.append(arg.lookups)
    return found


def _condition_lookups(condition) -> list[tuple[str, ...]]:
    """The variables of an {% if %} condition: a tree of operators over literals."""
    if condition is None:
        return []
    found = _lookups(getattr(condition, "value", None))
    for side in ("first", "second"):
        child = getattr(condition, side, None)
        if child is not None:
            found.extend(_condition_lookups(child))
    return found


def _known(lookups: tuple[str, ...]) -> bool:
    head = lookups[0]
    if head not in FIELD_TREE:
        return False
    subs = FIELD_TREE[head]
    if subs is None:
        return len(lookups) == 1
    return len(lookups) == 2 and lookups[1] in subs


def _render_source(source: str, context: dict, language: str) -> str:
    template = _compile(source)
    try:
        with translation.override(language):
            return template.render(Context(context, autoescape=False))
    except (TemplateSyntaxError, TemplateDoesNotExist, NoReverseMatch) as error:
        raise TemplateInvalid([_("Template error: %(message)s") % {"message": error}]) from None


# --------------------------------------------------------------------------- rendering
@dataclass(frozen=True)
class _Party:
    name: str
    address: str
    email: str = ""
    phone: str = ""
    siren: str = ""
    code: str = ""


@dataclass(frozen=True)
class _Letter:
    """Everything a rendering reads, loaded beforehand: no model is handed to the template."""

    company: _Party
    customer: _Party
    contacts: tuple[tuple[str, str], ...]  # billing contacts (name, e-mail)
    collector: _Party
    iban: str
    bic: str
    currency: str
    lines: tuple[InvoiceLine, ...]
    claims_interest: bool
    formal_notice: bool
    interest_until: date | None  # set when a missing rate stops the interest early
    interest_missing: bool
    as_of: date
    action_id: int | None
    customer_id: int | None


def render_action(action: Action, as_of: date | None = None, template: MessageTemplate | None = None) -> Rendered:
    """The reminder of ``action`` at ``as_of`` (default: its planned date) from ``template`` (default: the
    step's template in the customer's language, else French, else any; the company's default templates are
    created the first time one is needed). Raises TemplateMissing, TemplateInvalid."""
    as_of = as_of or action.planned_on
    customer = action.customer
    company = customer.company
    step = action.step
    if template is None:
        template = _step_template(company, step.template, customer.language)
    items = list(
        ActionItem.objects.filter(action=action, cancelled=False).select_related("document")
        .order_by("document__due_date", "document__number", "id")
    )
    letter = _letter_data(
        company, customer, [i.document for i in items], as_of, step, action.currency or company.currency,
        action.pk, fallback_open={i.document_id: i.open_amount for i in items},
    )
    return _render(template, letter)


def _step_template(company: Company, code: str, language: str) -> MessageTemplate:
    if not code:
        raise TemplateMissing(code, language)
    template = template_for(company, code, language)
    if template is None:
        from encours.collections.default_templates import ensure_default_templates

        if ensure_default_templates(company):
            template = template_for(company, code, language)
    if template is None:
        raise TemplateMissing(code, language)
    return template


def _letter_data(company, customer, documents, as_of, step, currency, action_id, fallback_open=None) -> _Letter:
    claims = invoice_claims(customer, documents, as_of)
    claims_interest = bool(step.claims_interest)
    lines, missing, until = [], False, []
    for doc in documents:
        claim = claims.get(doc.pk)
        if claim is None:  # not an invoice: listed as it stands
            open_amount = (fallback_open or {}).get(doc.pk, doc.amount - doc.allocated)
            lines.append(InvoiceLine(doc.number, doc.document_date, doc.due_date, doc.amount, open_amount,
                                     max(0, (as_of - doc.due_date).days), to_cents(ZERO), to_cents(ZERO)))
            continue
        interest = claim.interest if claims_interest else to_cents(ZERO)
        indemnity = claim.indemnity if claims_interest else to_cents(ZERO)
        if claims_interest and claim.missing_rate:
            missing = True
            if claim.interest_until:
                until.append(claim.interest_until)
        lines.append(InvoiceLine(doc.number, doc.document_date, doc.due_date, doc.amount, claim.open_amount,
                                 claim.days_late, interest, indemnity))
    collector = customer.collector
    if collector is not None:
        collector_party = _Party(collector.get_full_name() or collector.get_username(),
                                 "", collector.email or company.email, company.phone)
    else:
        collector_party = _Party(company.name, "", company.email, company.phone)
    contacts = tuple(
        customer.contacts.filter(role=ContactRole.BILLING).order_by("id").values_list("name", "email")
    ) if customer.pk else ()
    return _Letter(
        company=_Party(company.name, company.address, company.email, company.phone, company.siren),
        customer=_Party(customer.name, customer.address, customer.email, customer.phone, code=customer.code),
        contacts=contacts, collector=collector_party, iban=company.iban, bic=company.bic, currency=currency,
        lines=tuple(lines), claims_interest=claims_interest, formal_notice=bool(step.is_formal_notice),
        interest_until=min(until) if until else None, interest_missing=missing, as_of=as_of,
        action_id=action_id, customer_id=customer.pk,
    )


def _render(template: MessageTemplate, letter: _Letter) -> Rendered:
    language = template.language or "fr"
    lines, currency = letter.lines, letter.currency
    total = sum((line.open_amount for line in lines), ZERO)
    interest = sum((line.interest for line in lines), ZERO)
    indemnity = sum((line.indemnity for line in lines), ZERO)
    claimed = to_cents(total + interest + indemnity)
    oldest = min(lines, key=lambda line: (line.due_date, line.number), default=None)
    with translation.override(language):
        table = _table(lines, letter.claims_interest, currency, language, claimed)
        note = _interest_note(letter, language)
        date_line = _date_line(letter.company.address, letter.as_of, language)
    billing_names = [name for name, _email in letter.contacts if name]
    billing_emails = [email for _name, email in letter.contacts if email]
    recipients = tuple(dict.fromkeys(billing_emails)) or ((letter.customer.email,) if letter.customer.email else ())
    reference = payment_reference(letter.customer.code, letter.action_id)
    money = lambda amount: format_money(amount, currency, language)  # noqa: E731
    context = {
        "customer": {"name": letter.customer.name, "code": letter.customer.code, "address": letter.customer.address},
        "contact": {"name": billing_names[0] if billing_names else letter.customer.name,
                    "email": billing_emails[0] if billing_emails else letter.customer.email},
        "company": {"name": letter.company.name, "address": letter.company.address, "phone": letter.company.phone,
                    "email": letter.company.email, "siren": letter.company.siren},
        TABLE_FIELD: _TABLE_MARK,
        "invoice_count": len(lines),
        "total": money(total), "total_interest": money(interest), "total_indemnity": money(indemnity),
        "total_claimed": money(claimed),
        "days_late": oldest.days_late if oldest else 0,
        "oldest_due_date": format_long_date(oldest.due_date if oldest else None, language),
        "iban": grouped_iban(letter.iban), "bic": letter.bic, "payment_reference": reference,
        "portal_link": portal_link(),
        "date": format_long_date(letter.as_of, language),
        "collector": {"name": letter.collector.name, "email": letter.collector.email,
                      "phone": letter.collector.phone},
    }
    # one line; no-break spaces stay (str.split() would take them for white space)
    subject = re.sub(r"[ \t\r\n]+", " ", _render_source(template.subject, context, language).replace(_TABLE_MARK, ""))
    subject = subject.strip()
    blocks = _blocks(_render_source(template.body, context, language))
    text_table = _text_table(table) + (f"\n\n{note}" if note else "")
    return Rendered(
        language=language, template_code=template.code, subject=subject[:300],
        text="\n\n".join(text_table if b.is_table else b.text for b in blocks) + "\n",
        html=_html(blocks, table, note), paragraphs=blocks, lines=lines, table=table,
        claims_interest=letter.claims_interest, formal_notice=letter.formal_notice, currency=currency,
        total=to_cents(total), total_interest=to_cents(interest), total_indemnity=to_cents(indemnity),
        total_claimed=claimed, date=letter.as_of, date_line=date_line,
        sender_name=letter.company.name, sender_address=_address_lines(letter.company.address),
        sender_siren=letter.company.siren, sender_phone=letter.company.phone, sender_email=letter.company.email,
        recipient_name=letter.customer.name, recipient_address=_address_lines(letter.customer.address),
        recipients=recipients, iban=grouped_iban(letter.iban), bic=letter.bic, payment_reference=reference,
        interest_note=note, action_id=letter.action_id, customer_id=letter.customer_id,
    )


def _address_lines(address: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in address.splitlines() if line.strip())


def _date_line(company_address: str, day: date, language: str) -> str:
    place, when = _place(company_address), format_long_date(day, language)
    return _("%(place)s, %(date)s") % {"place": place, "date": when} if place else when


def _interest_note(letter: _Letter, language: str) -> str:
    if not letter.interest_missing:
        return ""
    if letter.interest_until:
        return _("Late-payment interest is counted up to %(date)s: the rate of the following period is not "
                 "published yet.") % {"date": format_long_date(letter.interest_until, language)}
    return _("Late-payment interest is not counted yet: its rate is not published yet.")


def _table(lines, claims_interest: bool, currency: str, language: str, claimed: Decimal) -> InvoiceTable:
    """Called with the letter's language active (the headers are translated)."""
    header = [_("Invoice"), _("Date"), _("Due date"), _("Amount"), _("Open"), _("Days late")]
    numeric = [False, False, False, True, True, True]
    if claims_interest:
        header += [_("Interest"), _("Indemnity")]
        numeric += [True, True]
    money = lambda amount: format_money(amount, currency, language)  # noqa: E731
    rows = []
    for line in lines:
        row = [line.number, format_short_date(line.document_date, language),
               format_short_date(line.due_date, language), money(line.amount), money(line.open_amount),
               str(line.days_late) if line.days_late else ""]
        if claims_interest:
            row += [money(line.interest), money(line.indemnity)]
        rows.append(tuple(row))
    totals = [_("Total"), "", "", "", money(sum((li.open_amount for li in lines), ZERO)), ""]
    if claims_interest:
        totals += [money(sum((li.interest for li in lines), ZERO)), money(sum((li.indemnity for li in lines), ZERO))]
    return InvoiceTable(
        header=tuple(header), rows=tuple(rows), totals=tuple(totals), numeric=tuple(numeric),
        claimed=(_("Total claimed (amount owed, interest and indemnities)"), money(claimed))
        if claims_interest else None,
    )


def _blocks(rendered: str) -> tuple[Block, ...]:
    """Blank-line-separated paragraphs; the table gets a block of its own wherever the mark stands."""
    text = rendered.replace("\r\n", "\n").replace("\r", "\n")
    blocks = []
    for chunk in re.split(r"\n[ \t]*(?:\n[ \t]*)+", text):
        parts = chunk.split(_TABLE_MARK)
        for index, part in enumerate(parts):
            lines = [line.rstrip() for line in part.split("\n")]
            while lines and not lines[0].strip():
                lines.pop(0)
            while lines and not lines[-1].strip():
                lines.pop()
            if lines:
                blocks.append(Block("\n".join(lines)))
            if index < len(parts) - 1:
                blocks.append(Block("", is_table=True))
    return tuple(blocks)


def _text_table(table: InvoiceTable) -> str:
    widths = [max(len(row[i]) for row in (table.header, table.totals, *table.rows)) for i in range(len(table.header))]

    def line(cells) -> str:
        return "  ".join(c.rjust(w) if table.numeric[i] else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    out = [line(table.header), rule, *(line(r) for r in table.rows), rule, line(table.totals)]
    if table.claimed:
        label, amount = table.claimed
        out.append(label + " " + amount.rjust(max(len(rule) - len(label) - 1, len(amount))))
    return "\n".join(out)


_CELL = "padding:4px 8px;border-bottom:1px solid #d0d5dd;"


def _html_table(table: InvoiceTable) -> str:
    def cells(values, tag, style="") -> str:
        return "".join(
            f'<{tag} style="{_CELL}{style}text-align:{"right" if table.numeric[i] else "left"};'
            f'{"white-space:nowrap;" if table.numeric[i] else ""}">{escape(v)}</{tag}>'
            for i, v in enumerate(values))

    rows = "".join(f"<tr>{cells(r, 'td')}</tr>" for r in table.rows)
    foot = f"<tr>{cells(table.totals, 'td', 'font-weight:bold;')}</tr>"
    if table.claimed:
        label, amount = table.claimed
        foot += (f'<tr><td colspan="{len(table.header) - 1}" style="{_CELL}font-weight:bold;">{escape(label)}</td>'
                 f'<td style="{_CELL}font-weight:bold;text-align:right;white-space:nowrap;">{escape(amount)}</td></tr>')
    return ('<table style="border-collapse:collapse;margin:8px 0;font-size:13px;">'
            f'<thead><tr>{cells(table.header, "th", "background:#f1f5f9;")}</tr></thead>'
            f"<tbody>{rows}</tbody><tfoot>{foot}</tfoot></table>")


def _html(blocks: tuple[Block, ...], table: InvoiceTable, note: str) -> str:
    parts = []
    for block in blocks:
        if block.is_table:
            parts.append(_html_table(table))
            if note:
                parts.append(f'<p style="font-size:12px;color:#555;">{escape(note)}</p>')
        else:
            parts.append("<p>" + escape(block.text).replace("\n", "<br>\n") + "</p>")
    return ('<div style="font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.45;color:#111;">\n'
            + "\n".join(parts) + "\n</div>\n")


# --------------------------------------------------------------------------- the preview
EXAMPLE = {
    "fr": {"name": "Exemple SARL", "address": "12 rue des Lilas\n69003 Lyon", "contact": "Camille Martin",
           "email": "compta@exemple.fr"},
    "en": {"name": "Example Ltd", "address": "12 Lilac Street\nLondon SW1A 1AA\nUnited Kingdom",
           "contact": "Sam Taylor", "email": "accounts@example.com"},
}


def sample_rendering(template: MessageTemplate, today: date | None = None) -> Rendered:
    """``template`` rendered for the preview: with the latest action of the company using its code (pending
    or done) when there is one, else with a made-up customer and two invoices built in memory, never saved."""
    company = template.company
    action = (
        Action.objects.filter(company=company, step__template=template.code)
        .exclude(state=ActionState.CANCELLED)
        .select_related("customer__company", "customer__collector", "step")
        .order_by("-planned_on", "-id").first()
    )
    if action is not None:
        return render_action(action, template=template)
    return _render(template, _example_letter(template, today or timezone.localdate()))


def _example_letter(template: MessageTemplate, today: date) -> _Letter:
    from encours.collections.scenarios import DEFAULTS

    company = template.company
    step = Step.objects.filter(scenario__company=company, template=template.code).select_related("scenario").first()
    kind = step.scenario.customer_kind if step is not None else ""
    if step is None:  # not in the company's scenarios (yet): as in the default ones, else a plain reminder
        step = Step(template=template.code, offset_days=10)
        for (_name, default_kind), steps in DEFAULTS.items():
            for _n, offset, _channel, code, interest, _approval, _minimum, notice in steps:
                if code == template.code:
                    step = Step(template=code, offset_days=offset, claims_interest=interest,
                                is_formal_notice=notice)
                    kind = default_kind
    words = EXAMPLE.get(template.language, EXAMPLE["fr"])
    customer = Customer(company=company, code="EX001", name=words["name"], kind=kind or "business",
                        address=words["address"], email=words["email"], language=template.language)
    # the step is due today for the later invoice; the earlier one is 15 days older (preventive: 10 days later)
    due = today - timedelta(days=step.offset_days)
    dues = (due, due + timedelta(days=10)) if step.offset_days < 0 else (due - timedelta(days=15), due)
    documents = [  # negative ids: built in memory, never saved (no allocation can match them)
        Document(pk=-1 - i, company=company, customer=customer, kind=DocumentKind.INVOICE, number=number,
                 document_date=d - timedelta(days=30), due_date=d, amount=amount, currency=company.currency)
        for i, (number, d, amount) in enumerate(
            (("F-2026-0042", dues[0], Decimal("1234.56")), ("F-2026-0057", dues[1], Decimal("860.00"))))
    ]
    letter = _letter_data(company, customer, documents, today, step, company.currency, None)
    return replace(letter, contacts=((words["contact"], words["email"]),), action_id=1)
