"""Payment terms: parse a terms code, compute the due date, describe it, and check it against the law.

Codes (case and spaces around the parts do not matter):

=================  ==========================================================================
``cash``           due on the invoice date
``net:N``          invoice date + N days
``days_eom:N``     invoice date + N days, then the end of that month ("45 jours fin de mois", method A)
``eom_days:N``     end of the invoice's month, then + N days (method B)
``eom_day:N:D``    invoice date + N days, end of that month, then the D-th of the next month
                   (clamped to that month's length: D = 31 in April gives 30 April)
=================  ==========================================================================

N is a number of calendar days, 0 to 365; D is 1 to 31. Methods A and B are the two readings of
"45 jours fin de mois" accepted by the CEPC (see the legal reference, section 1.1).
"""
from __future__ import annotations

import calendar as _stdlib_calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from encours.core.calendar import end_of_month
from encours.core.records import CustomerKind

MAX_DAYS = 365

# C. com. L441-10 I: agreed terms at most 60 days from the invoice date, or 45 days "fin de mois".
BUSINESS_MAX_DAYS = 60
BUSINESS_MAX_EOM_DAYS = 45
# CCP R2192-10: 30 days for the State, local authorities and administrative public bodies.
PUBLIC_MAX_DAYS = 30


class InvalidTerms(ValueError):
    """A payment-terms code that cannot be read; ``code`` is the text given, ``reason`` what is wrong."""

    def __init__(self, code: str, reason: str):
        super().__init__(f"invalid payment terms {code!r}: {reason}")
        self.code, self.reason = code, reason


class TermsKind(StrEnum):
    CASH = "cash"
    NET = "net"
    DAYS_EOM = "days_eom"
    EOM_DAYS = "eom_days"
    EOM_DAY = "eom_day"


_EOM_KINDS = (TermsKind.DAYS_EOM, TermsKind.EOM_DAYS, TermsKind.EOM_DAY)
_EXPECTED = {
    TermsKind.CASH: "cash",
    TermsKind.NET: "net:N",
    TermsKind.DAYS_EOM: "days_eom:N",
    TermsKind.EOM_DAYS: "eom_days:N",
    TermsKind.EOM_DAY: "eom_day:N:D",
}
_KNOWN_FORMS = "expected one of cash, net:N, days_eom:N, eom_days:N, eom_day:N:D"


def _number(code: str, text: str, name: str, low: int, high: int) -> int:
    # int() alone would accept '+5', '1_0' and the Arabic-Indic '٣'; a code is plain ASCII digits.
    if not (text.isascii() and text.isdecimal()):
        raise InvalidTerms(code, f"{name} must be a whole number, got {text!r}")
    value = int(text)
    if not low <= value <= high:
        raise InvalidTerms(code, f"{name} must be between {low} and {high}, got {value}")
    return value


@dataclass(frozen=True)
class PaymentTerms:
    """When an invoice falls due. Build it with :meth:`parse`; the constructor checks the same limits."""

    kind: TermsKind
    days: int = 0
    day_of_month: int | None = None

    def __post_init__(self) -> None:
        code = f"{self.kind}:{self.days}" + ("" if self.day_of_month is None else f":{self.day_of_month}")
        if not isinstance(self.kind, TermsKind):
            raise InvalidTerms(code, f"unknown kind; {_KNOWN_FORMS}")
        if self.kind is TermsKind.CASH and self.days != 0:
            raise InvalidTerms(code, "cash terms take no number of days")
        if not (isinstance(self.days, int) and 0 <= self.days <= MAX_DAYS):
            raise InvalidTerms(code, f"days must be between 0 and {MAX_DAYS}")
        if self.kind is TermsKind.EOM_DAY:
            if not (isinstance(self.day_of_month, int) and 1 <= self.day_of_month <= 31):
                raise InvalidTerms(code, "day of month must be between 1 and 31")
        elif self.day_of_month is not None:
            raise InvalidTerms(code, "only eom_day terms take a day of month")

    @classmethod
    def parse(cls, code: str) -> PaymentTerms:
        """Read a terms code such as ``"days_eom:45"`` or ``" NET : 30 "``; raise InvalidTerms otherwise."""
        parts = [part.strip() for part in code.strip().lower().split(":")]
        try:
            kind = TermsKind(parts[0])
        except ValueError:
            raise InvalidTerms(code, _KNOWN_FORMS) from None
        expected_parts = _EXPECTED[kind].count(":") + 1
        if len(parts) != expected_parts:
            raise InvalidTerms(code, f"expected {_EXPECTED[kind]}")
        if kind is TermsKind.CASH:
            return cls(kind)
        days = _number(code, parts[1], "number of days N", 0, MAX_DAYS)
        if kind is TermsKind.EOM_DAY:
            return cls(kind, days, _number(code, parts[2], "day of month D", 1, 31))
        return cls(kind, days)

    @property
    def code(self) -> str:
        """The canonical code: ``PaymentTerms.parse(t.code) == t``."""
        if self.kind is TermsKind.CASH:
            return "cash"
        if self.kind is TermsKind.EOM_DAY:
            return f"eom_day:{self.days}:{self.day_of_month}"
        return f"{self.kind}:{self.days}"

    def due_date(self, invoice_date: date) -> date:
        """The due date of an invoice issued on ``invoice_date``; N counts calendar days, not business days."""
        n = timedelta(days=self.days)
        match self.kind:
            case TermsKind.CASH:
                return invoice_date
            case TermsKind.NET:
                return invoice_date + n
            case TermsKind.DAYS_EOM:
                return end_of_month(invoice_date + n)
            case TermsKind.EOM_DAYS:
                return end_of_month(invoice_date) + n
            case TermsKind.EOM_DAY:
                first_of_next = end_of_month(invoice_date + n) + timedelta(days=1)
                last_day = _stdlib_calendar.monthrange(first_of_next.year, first_of_next.month)[1]
                return first_of_next.replace(day=min(self.day_of_month, last_day))
        raise AssertionError(self.kind)  # unreachable: __post_init__ checks the kind

    def describe(self, language: str = "fr") -> str:
        """The terms in words for invoices and screens, in French (``"fr"``) or English (``"en"``)."""
        n = self.days
        if language == "fr":
            days = f"{n} jour" if n <= 1 else f"{n} jours"
            match self.kind:
                case TermsKind.CASH:
                    return "paiement comptant"
                case TermsKind.NET:
                    return f"{days} net"
                case TermsKind.DAYS_EOM:
                    return f"{days} fin de mois"
                case TermsKind.EOM_DAYS:
                    return f"fin de mois + {days}"
                case TermsKind.EOM_DAY:
                    day = "1er" if self.day_of_month == 1 else str(self.day_of_month)
                    return f"{days} fin de mois, le {day} du mois suivant"
        if language == "en":
            days = "1 day" if n == 1 else f"{n} days"
            match self.kind:
                case TermsKind.CASH:
                    return "cash payment"
                case TermsKind.NET:
                    return f"net {days}"
                case TermsKind.DAYS_EOM:
                    return f"{days} end of month"
                case TermsKind.EOM_DAYS:
                    return f"end of month + {days}"
                case TermsKind.EOM_DAY:
                    return f"{days} end of month, on the {_ordinal(self.day_of_month)} of the following month"
        raise ValueError(f"language must be 'fr' or 'en', got {language!r}")

    def __str__(self) -> str:
        return self.code


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# C. com. L441-10 I: with nothing agreed, 30 days. The law counts from delivery or performance; the
# invoice date stands in for it here.
DEFAULT_TERMS = PaymentTerms.parse("net:30")


@dataclass(frozen=True)
class TermsWarning:
    """A legal limit the terms break: ``rule`` cites the article, ``message`` says by how much."""

    rule: str
    message: str


def legal_warnings(terms: PaymentTerms, kind: CustomerKind | None, invoice_date: date) -> list[TermsWarning]:
    """The statutory payment-term caps that ``terms`` break for an invoice of ``invoice_date``.

    - Business (and ``None``, an unclassified customer): C. com. L441-10 I, at most 60 days from the
      invoice date, or 45 days "fin de mois". ``days_eom:N`` and ``eom_days:N`` use that alternative when
      N <= 45; ``eom_day:N:D`` only when its due date is not after that of ``days_eom:45`` (method A).
    - Public body: CCP R2192-10, 30 days. The law counts from receipt of the payment request; the invoice
      date stands in for it. Health establishments (50 days) and public undertakings (60 days,
      CCP R2192-11) are not told apart, so the message names them.
    - Consumer: no statutory cap, never a warning. Cash terms never warn.
    Sector caps (transport 30 days, perishables, L441-11) are not checked.
    """
    if terms.kind is TermsKind.CASH or kind is CustomerKind.CONSUMER:
        return []
    due = terms.due_date(invoice_date)
    if kind is CustomerKind.PUBLIC:
        cap = invoice_date + timedelta(days=PUBLIC_MAX_DAYS)
        if due <= cap:
            return []
        return [TermsWarning(
            rule="CCP R2192-10",
            message=(
                f"due date {due} is {_days(due - cap)} beyond the {PUBLIC_MAX_DAYS}-day maximum for a public"
                f" buyer ({cap}); only public health establishments (50 days) and public undertakings"
                f" (60 days) may take longer (CCP R2192-11)"
            ),
        )]
    cap = invoice_date + timedelta(days=BUSINESS_MAX_DAYS)
    if due <= cap or _within_45_days_end_of_month(terms, invoice_date):
        return []
    message = (
        f"due date {due} is {_days(due - cap)} beyond the {BUSINESS_MAX_DAYS}-day maximum from the"
        f" invoice date ({cap})"
    )
    if terms.kind in _EOM_KINDS:
        eom_cap = _end_of_month_cap(terms, invoice_date)
        message += (
            f", and {_days(due - eom_cap)} beyond 45 days end of month ({eom_cap})"
            if due > eom_cap
            else f", and {terms.days} days is more than the 45 days end of month alternative allows"
        )
    return [TermsWarning(rule="C. com. L441-10 I", message=message)]


def _days(delta: timedelta) -> str:
    return "1 day" if delta.days == 1 else f"{delta.days} days"


def _end_of_month_cap(terms: PaymentTerms, invoice_date: date) -> date:
    # C. com. L441-10 I "45 jours fin de mois", read the way the terms count: method B for eom_days,
    # method A for the others. The CEPC accepts both.
    if terms.kind is TermsKind.EOM_DAYS:
        return end_of_month(invoice_date) + timedelta(days=BUSINESS_MAX_EOM_DAYS)
    return end_of_month(invoice_date + timedelta(days=BUSINESS_MAX_EOM_DAYS))


def _within_45_days_end_of_month(terms: PaymentTerms, invoice_date: date) -> bool:
    if terms.kind in (TermsKind.DAYS_EOM, TermsKind.EOM_DAYS):
        return terms.days <= BUSINESS_MAX_EOM_DAYS
    if terms.kind is TermsKind.EOM_DAY:
        return terms.due_date(invoice_date) <= _end_of_month_cap(terms, invoice_date)
    return False
