"""A seeded generator of a realistic French receivables portfolio, for demos, tests and benchmarks.

The same ``PortfolioSpec`` always gives the same records: every draw comes from one
``random.Random(spec.seed)``, customers first, then documents day by day. Documents come out in date
order (a day's invoices, then its credit notes, then its payments), and an allocation right after the
credit document it belongs to, so a consumer can write them as a stream.

Amounts are integers of cents until they become ``Decimal`` with two places; the floats here are only
probabilities and shapes of random draws, never money.
"""
from __future__ import annotations

import math
import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from itertools import accumulate

from encours.core.calendar import is_business_day
from encours.core.money import CENT
from encours.core.records import AllocationRecord, Batch, CustomerKind, CustomerRecord, DocumentKind, DocumentRecord
from encours.core.terms import PaymentTerms
from encours.demo import names
from encours.demo.names import Segment


class PayerProfile(StrEnum):
    """How a customer pays; hidden from the records, it only drives the payments generated."""

    GOOD = "good"  # around the due date
    SLOW = "slow"  # 10 to 60 days late
    BAD = "bad"  # late, partly, or not at all
    DEFAULTING = "defaulting"  # pays slowly, then nothing after ``defaults_on``


@dataclass(frozen=True)
class PortfolioSpec:
    customers: int = 200
    invoices: int = 3000
    seed: int = 1
    as_of: date = date(2026, 11, 23)  # the portfolio's "today": documents span the 24 months before it
    # Share of invoices settled at ``as_of``: a probability for the generator, never money. None: what
    # the payer profiles give (most old invoices paid, recent ones open). 0.0: no payment at all.
    settled_share: float | None = None

    def __post_init__(self) -> None:
        if self.customers < 0 or self.invoices < 0:
            raise ValueError("customers and invoices cannot be negative")
        if self.invoices and not self.customers:
            raise ValueError("invoices need at least one customer")
        if self.settled_share is not None and not 0.0 <= self.settled_share <= 1.0:
            raise ValueError(f"settled_share must be between 0 and 1, got {self.settled_share}")


@dataclass(frozen=True, slots=True)
class DemoCustomer:
    record: CustomerRecord
    profile: PayerProfile
    weight: float  # relative share of the invoices this customer receives
    median_cents: int  # typical invoice amount excluding VAT
    payment_method: str  # transfer, cheque, card or direct_debit
    payment_day: int | None  # pays once a month on this day, all invoices due by then in one payment
    defaults_on: date | None  # DEFAULTING only: no payment after this date


class _Weighted:
    """A fixed set of (value, weight) pairs to draw from many times."""

    def __init__(self, *pairs: tuple[object, float]) -> None:
        self.values = [value for value, _ in pairs]
        self.cum_weights = list(accumulate(weight for _, weight in pairs))

    def draw(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cum_weights)[0]


VAT_PERMILLE = 200  # CGI art. 278: standard rate 20 %
CREDIT_NOTE_SHARE = 0.03  # of invoices
ON_ACCOUNT_SHARE = 0.002  # per invoice, an advance the customer sends without reference

_KINDS = _Weighted((CustomerKind.BUSINESS, 80), (CustomerKind.PUBLIC, 8), (CustomerKind.CONSUMER, 12))
# Weights of GOOD, SLOW, BAD, DEFAULTING per kind, about 60/25/10/5 overall. Public bodies pay through a
# public accountant: often slowly, never a default.
_PROFILES = {
    CustomerKind.BUSINESS: _Weighted(*zip(PayerProfile, (60, 24, 10, 6))),
    CustomerKind.PUBLIC: _Weighted(*zip(PayerProfile, (55, 42, 3, 0))),
    CustomerKind.CONSUMER: _Weighted(*zip(PayerProfile, (62, 22, 12, 4))),
}
_SEGMENTS = _Weighted((Segment.RETAIL, 30), (Segment.SERVICES, 30), (Segment.CONSTRUCTION, 22), (Segment.INDUSTRY, 18))
_MEDIAN_CENTS = {  # typical invoice excluding VAT, before each customer's own size factor
    Segment.RETAIL: 35_000, Segment.SERVICES: 90_000, Segment.CONSTRUCTION: 250_000, Segment.INDUSTRY: 450_000,
    Segment.PUBLIC: 180_000, Segment.PRIVATE_INDIVIDUALS: 9_000,
}
_BUSINESS_TERMS = _Weighted(
    ("net:30", 35), ("net:45", 12), ("net:60", 18), ("days_eom:45", 13), ("eom_days:45", 12), ("cash", 10),
)
_METHODS = {
    CustomerKind.BUSINESS: _Weighted(("transfer", 70), ("direct_debit", 12), ("cheque", 18)),
    CustomerKind.PUBLIC: _Weighted(("transfer", 1)),  # the public accountant pays by transfer
    CustomerKind.CONSUMER: _Weighted(("card", 55), ("cheque", 15), ("transfer", 20), ("direct_debit", 10)),
}
_PUBLIC_BODIES = _Weighted(*((body, body[2]) for body in names.PUBLIC_BODIES))
_LEGAL_FORMS = _Weighted(*names.LEGAL_FORMS)
_PAYMENT_LABELS = {
    "transfer": "Virement {name}", "card": "Paiement carte bancaire", "direct_debit": "Prélèvement SEPA",
}
# Invoices per month relative to the year: busy spring and pre-Christmas, quiet August.
_MONTH_FACTOR = (0.9, 0.95, 1.1, 1.15, 1.1, 1.1, 0.85, 0.45, 1.05, 1.05, 1.15, 1.1)


def _luhn_digit(digits: str) -> str:
    """The digit that makes ``digits + digit`` pass the Luhn check (SIREN, SIRET)."""
    total = 0
    for i, ch in enumerate(reversed(digits + "0")):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return str(-total % 10)


def vat_number(siren: str) -> str:
    """French VAT number of a SIREN, compact form: key = (12 + 3 * (SIREN mod 97)) mod 97."""
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


_NOT_SLUG = re.compile("[^a-z0-9]+")


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _NOT_SLUG.sub("-", ascii_text).strip("-")


def _phone(rng: random.Random, zone: int) -> str:
    return f"{names.FICTION_PHONE_PREFIXES[zone]} {rng.randrange(100):02d} {rng.randrange(100):02d}"


def demo_customers(spec: PortfolioSpec) -> list[DemoCustomer]:
    """The customers of ``spec`` with their hidden payer profile (what ``iter_portfolio`` draws first)."""
    return _customers(random.Random(spec.seed), spec)


def _customers(rng: random.Random, spec: PortfolioSpec) -> list[DemoCustomer]:
    first_day, _ = _window(spec.as_of)
    last_default = max(spec.as_of.toordinal() - 20, first_day.toordinal())
    sirens: set[str] = set()
    out = []
    for i in range(1, spec.customers + 1):
        kind = _KINDS.draw(rng)
        city, postcode, zone = rng.choice(names.CITIES)
        address = f"{rng.randint(1, 120)} {rng.choice(names.STREETS)}, {postcode} {city}"
        siren = siret = vat = ""
        payment_day = None
        if kind is CustomerKind.CONSUMER:
            segment, terms = Segment.PRIVATE_INDIVIDUALS, "cash" if rng.random() < 0.7 else "net:15"
            first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.SURNAMES)
            name = f"{first} {last}"
            email = f"{_slug(first)}.{_slug(last)}{rng.randrange(100)}@example.fr"
            phone, weight = _phone(rng, 6), 0.2 * rng.lognormvariate(0, 0.6)
        else:
            if kind is CustomerKind.BUSINESS:
                segment = _SEGMENTS.draw(rng)
                terms = _BUSINESS_TERMS.draw(rng)
                name = _business_name(rng, segment)
                siren = _new_siren(rng, str(rng.randint(3, 9)), sirens)
                vat = vat_number(siren)
                weight = rng.lognormvariate(0, 1.1)
            else:
                pattern, prefix, _ = _PUBLIC_BODIES.draw(rng)
                segment, terms = Segment.PUBLIC, "net:30"  # CCP R2192-10: 30 days for public buyers
                name = pattern.format(city=city, person=rng.choice(names.SCHOOL_PATRONS))
                siren = _new_siren(rng, prefix, sirens)
                # Public bodies are mostly outside the scope of VAT for what they buy: no VAT number.
                weight = 1.5 * rng.lognormvariate(0, 0.8)
                if pattern.startswith("Commune"):
                    address = f"Hôtel de ville, place de la Mairie, {postcode} {city}"
            nic = rng.choice(("0001", "0001", "0002", "0003", "0010"))  # establishment number, before its check digit
            siret = siren + nic + _luhn_digit(siren + nic)
            email = f"compta@{_slug(name)}.example"
            phone = _phone(rng, zone)
            if terms != "cash" and rng.random() < 0.35:
                payment_day = rng.choice((5, 10, 15, 25, 28))
        profile = _PROFILES[kind].draw(rng)
        defaults_on = None
        if profile is PayerProfile.DEFAULTING:
            defaults_on = date.fromordinal(rng.randint(min(first_day.toordinal() + 120, last_default), last_default))
        record = CustomerRecord(
            code=f"C{i:06d}", name=name, kind=kind, siren=siren, siret=siret, vat_number=vat,
            segment=segment.value, terms=terms, email=email, phone=phone, address=address,
        )
        median = max(500, int(_MEDIAN_CENTS[segment] * rng.lognormvariate(0, 0.7)))
        out.append(DemoCustomer(record, profile, weight, median, _METHODS[kind].draw(rng), payment_day, defaults_on))
    return out


def _new_siren(rng: random.Random, prefix: str, taken: set[str]) -> str:
    while True:
        width = 8 - len(prefix)
        body = f"{prefix}{rng.randrange(10**width):0{width}d}"
        siren = body + _luhn_digit(body)
        # 356000000 is La Poste, whose SIRETs follow another check; skip it and any repeat.
        if siren not in taken and siren != "356000000":
            taken.add(siren)
            return siren


def _business_name(rng: random.Random, segment: Segment) -> str:
    trade, surname = rng.choice(names.TRADES[segment]), rng.choice(names.SURNAMES)
    form = _LEGAL_FORMS.draw(rng)
    r = rng.random()
    if r < 0.55:
        return f"{trade} {surname} {form}"
    if r < 0.70:
        return f"{trade} {surname} et Fils"
    if r < 0.85:
        return f"{trade} {rng.choice(names.PLACE_WORDS)} {form}"
    if r < 0.93:
        return f"Établissements {surname}"
    other = rng.choice([s for s in names.SURNAMES if s != surname])
    return f"{surname} {other} {form}"


def _window(as_of: date) -> tuple[date, int]:
    """First day and number of days of the 24 months ending on ``as_of`` (inclusive)."""
    try:
        two_years_before = as_of.replace(year=as_of.year - 2)
    except ValueError:  # 29 February
        two_years_before = as_of.replace(year=as_of.year - 2, day=28)
    return two_years_before + timedelta(days=1), (as_of - two_years_before).days


def _day_weight(d: date, i: int, n: int) -> float:
    weight = _MONTH_FACTOR[d.month - 1] * (1.0 if is_business_day(d) else 0.05) * (1 + 0.1 * i / n)
    return weight * 0.3 if d.month == 12 and d.day >= 24 else weight


def _cents(cents: int) -> Decimal:
    return Decimal(cents) * CENT  # exact: an integer times 0.01 keeps two places


def _with_vat(excl_cents: int) -> int:
    return excl_cents + (excl_cents * VAT_PERMILLE + 500) // 1000  # VAT rounded half up to the cent


def iter_portfolio(spec: PortfolioSpec) -> tuple[list[CustomerRecord], Iterator[DocumentRecord | AllocationRecord]]:
    """The customers of ``spec`` and a lazy stream of its documents and allocations, in date order."""
    rng = random.Random(spec.seed)
    customers = _customers(rng, spec)
    return [c.record for c in customers], _Stream(rng, spec, customers).run()


def generate(spec: PortfolioSpec) -> Batch:
    """The whole portfolio of ``spec`` as one Batch."""
    records, stream = iter_portfolio(spec)
    batch = Batch(file=f"demo:seed={spec.seed}", customers=records)
    documents, allocations = batch.documents.append, batch.allocations.append
    for item in stream:
        (allocations if type(item) is AllocationRecord else documents)(item)
    return batch


class _Stream:
    """Invoices day by day; what each invoice's payer does later is planned as events on later days."""

    def __init__(self, rng: random.Random, spec: PortfolioSpec, customers: list[DemoCustomer]):
        self.rng, self.spec, self.customers = rng, spec, customers
        self.as_of = spec.as_of.toordinal()
        self.events: dict[int, list[tuple]] = {}
        self.business_day: dict[int, bool] = {}
        self.payments = 0
        self.credit_notes: dict[int, int] = {}  # credit notes numbered by year

    def run(self) -> Iterator[DocumentRecord | AllocationRecord]:
        rng, spec, customers = self.rng, self.spec, self.customers
        first_day, n_days = _window(spec.as_of)
        days = [first_day + timedelta(days=i) for i in range(n_days)]
        per_day = [0] * n_days
        if spec.invoices:
            day_cum = list(accumulate(_day_weight(d, i, n_days) for i, d in enumerate(days)))
            for i in rng.choices(range(n_days), cum_weights=day_cum, k=spec.invoices):
                per_day[i] += 1
        customer_cum = list(accumulate(c.weight for c in customers))
        indices = range(len(customers))
        stops = [c.defaults_on.toordinal() + 75 if c.defaults_on else self.as_of + 1 for c in customers]
        terms = {code: PaymentTerms.parse(code) for code in {c.record.terms for c in customers}}
        plans_payments = spec.settled_share != 0.0
        sequence: dict[int, int] = {}
        gauss, exp, invoice = rng.gauss, math.exp, DocumentKind.INVOICE
        for d, count in zip(days, per_day):
            day = d.toordinal()
            due_by_code = {code: t.due_date(d) for code, t in terms.items()}
            seq = sequence.get(d.year, 0)
            for ci in rng.choices(indices, cum_weights=customer_cum, k=count):
                tries = 5
                while stops[ci] < day and tries:  # a defaulted customer gets no new invoices after a while
                    ci, tries = rng.choices(indices, cum_weights=customer_cum)[0], tries - 1
                c = customers[ci]
                excl = max(100, int(c.median_cents * exp(gauss(0.0, 0.6))))
                total = excl + (excl * VAT_PERMILLE + 500) // 1000  # VAT rounded half up to the cent
                seq += 1
                number = f"F{d.year}-{seq:06d}"
                due = due_by_code[c.record.terms]
                key = "demo:inv:" + number
                yield DocumentRecord(
                    key, c.record.code, invoice, number, d, Decimal(total) * CENT, due_date=due,
                    amount_excl_tax=Decimal(excl) * CENT, label="Facture " + number,
                )
                if plans_payments:
                    self._plan(ci, key, number, day, due.toordinal(), excl, total)
            sequence[d.year] = seq
            yield from self._settle(day)

    def _schedule(self, day: int, event: tuple) -> None:
        self.events.setdefault(day, []).append(event)

    def _plan(self, ci: int, key: str, number: str, day: int, due: int, excl: int, total: int) -> None:
        """Decide now when and how much of this invoice will be credited and paid."""
        rng, c, share = self.rng, self.customers[ci], self.spec.settled_share
        if rng.random() < ON_ACCOUNT_SHARE and day + 20 <= self.as_of:
            self._schedule(day + rng.randint(0, 20), ("on_account", ci, max(1, total // 10_000) * 10_000))
        if share is not None and rng.random() >= share:
            return  # stays open
        remaining = total
        if rng.random() < CREDIT_NOTE_SHARE:
            credit_excl = excl if rng.random() < 0.4 else max(1, excl * rng.randint(5, 50) // 100)
            credit = total if credit_excl == excl else _with_vat(credit_excl)
            when = self._by_as_of(day, day + rng.randint(2, 40))
            if when is not None:
                self._schedule(when, ("credit", ci, key, number, credit_excl, credit))
                remaining -= credit
        if remaining:
            for when, amount in self._instalments(c, day, due, remaining):
                if c.payment_day:
                    when = _next_day_of_month(when, c.payment_day)
                while not self._is_business_day(when):
                    when += 1
                if c.defaults_on and share is None and when > c.defaults_on.toordinal():
                    break
                when = self._by_as_of(day, when)
                if when is None:
                    break
                self._schedule(when, ("payment", ci, key, amount))

    def _instalments(self, c: DemoCustomer, day: int, due: int, amount: int) -> list[tuple[int, int]]:
        """(day, cents) paid on an invoice of ``amount`` cents, by the customer's profile."""
        rng, profile = self.rng, c.profile
        if profile is PayerProfile.GOOD:
            late = 0 if c.payment_method == "direct_debit" else rng.randint(-5, 8)
        elif profile is PayerProfile.SLOW:
            late = int(rng.triangular(10, 60, 20))
        elif profile is PayerProfile.DEFAULTING:
            late = int(rng.triangular(15, 90, 30))
        else:
            r = rng.random()
            late = int(rng.triangular(30, 180, 60))
            if self.spec.settled_share is None and r >= 0.45:
                if r >= 0.75:
                    return []  # never pays
                part = amount * rng.randint(30, 80) // 100
                first = max(day, due + int(rng.triangular(20, 120, 45)))
                if rng.random() < 0.5:
                    return [(first, part)]
                return [(first, part), (first + rng.randint(30, 150), amount - part)]
        return [(max(day, due + late), amount)]

    def _by_as_of(self, day: int, when: int) -> int | None:
        """``when`` if not after as_of; past it, None, or with a settled share, a day up to as_of."""
        if when <= self.as_of:
            return when
        if self.spec.settled_share is None:
            return None
        return self.rng.randint(day, self.as_of)

    def _is_business_day(self, day: int) -> bool:
        if day not in self.business_day:
            self.business_day[day] = is_business_day(date.fromordinal(day))
        return self.business_day[day]

    def _settle(self, day: int) -> Iterator[DocumentRecord | AllocationRecord]:
        """The credit notes, then the payments, that fall on ``day``."""
        events = self.events.pop(day, [])
        d = date.fromordinal(day)
        grouped: dict[int, list[tuple[str, int]]] = {}
        for event in events:
            if event[0] == "credit":
                _, ci, key, number, excl, amount = event
                year_seq = self.credit_notes[d.year] = self.credit_notes.get(d.year, 0) + 1
                cn = f"A{d.year}-{year_seq:06d}"
                yield DocumentRecord(
                    f"demo:cn:{cn}", self.customers[ci].record.code, DocumentKind.CREDIT_NOTE, cn, d,
                    _cents(amount), amount_excl_tax=_cents(excl), label=f"Avoir {cn} sur facture {number}",
                )
                yield AllocationRecord(key, f"demo:cn:{cn}", _cents(amount), d)
        for event in events:
            if event[0] == "payment":
                _, ci, key, amount = event
                if self.customers[ci].payment_day:
                    grouped.setdefault(ci, []).append((key, amount))
                else:
                    yield from self._payment(ci, d, [(key, amount)])
            elif event[0] == "on_account":
                yield from self._payment(event[1], d, [], on_account=event[2])
        for ci, settled in grouped.items():
            yield from self._payment(ci, d, settled)

    def _payment(self, ci: int, d: date, settled: list[tuple[str, int]], on_account: int = 0) -> Iterator:
        """One payment of ``ci`` on ``d`` settling ``settled`` (invoice key, cents), plus ``on_account`` cents."""
        c = self.customers[ci]
        self.payments += 1
        key = f"demo:pay:{self.payments}"
        method = c.payment_method
        if on_account:
            label = f"Acompte {c.record.name}"
        elif method == "cheque":
            label = f"Chèque n° {self.rng.randrange(1_000_000, 10_000_000)}"
        else:
            label = _PAYMENT_LABELS[method].format(name=c.record.name)
        total = on_account + sum(amount for _, amount in settled)
        yield DocumentRecord(
            key, c.record.code, DocumentKind.PAYMENT, f"RG{self.payments:07d}", d, _cents(total),
            label=label, payment_method=method,
        )
        for invoice_key, amount in settled:
            yield AllocationRecord(invoice_key, key, _cents(amount), d)


def _next_day_of_month(day: int, day_of_month: int) -> int:
    """The first date on or after ``day`` that is the ``day_of_month``-th (at most 28, so every month has it)."""
    d = date.fromordinal(day)
    if d.day <= day_of_month:
        return d.replace(day=day_of_month).toordinal()
    return date(d.year + d.month // 12, d.month % 12 + 1, day_of_month).toordinal()
