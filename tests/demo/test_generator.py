import re
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

import pytest
from stdnum.eu import vat
from stdnum.fr import siren, siret, tva

from encours.core.money import to_cents
from encours.core.records import AllocationRecord, CustomerKind, DocumentKind
from encours.core.terms import PaymentTerms
from encours.demo import PayerProfile, PortfolioSpec, demo_customers, generate, iter_portfolio
from encours.demo.generator import vat_number

AS_OF = date(2026, 11, 23)


@pytest.fixture(scope="module")
def batch():
    return generate(PortfolioSpec())


@pytest.fixture(scope="module")
def large():
    # Big enough that the rare documents (credit notes, payments on account) surely appear.
    return generate(PortfolioSpec(customers=500, invoices=10_000, seed=7))


def invoices(batch):
    return [d for d in batch.documents if d.kind is DocumentKind.INVOICE]


def allocated(batch, side):
    total = defaultdict(Decimal)
    for a in batch.allocations:
        total[getattr(a, side)] += a.amount
    return total


def test_the_same_seed_gives_the_same_portfolio(batch):
    assert generate(PortfolioSpec()) == batch


def test_another_seed_gives_another_portfolio(batch):
    other = generate(PortfolioSpec(seed=2))
    assert other.customers != batch.customers
    assert other.documents != batch.documents


def test_counts_match_the_spec(batch):
    assert len(batch.customers) == 200
    assert len(invoices(batch)) == 3000
    assert [c.code for c in batch.customers[:3]] == ["C000001", "C000002", "C000003"]
    assert batch.customers[-1].code == "C000200"


def test_the_vat_number_of_a_siren_matches_the_published_example():
    # python-stdnum's documented example "Fr 40 303 265 045".
    # 303265045 = 97 * 3126443 + 74; key = (12 + 3 * 74) mod 97 = 234 mod 97 = 40
    assert vat_number("303265045") == "FR40303265045"
    assert tva.is_valid("FR40303265045")


def test_businesses_have_a_valid_siren_siret_and_vat_number(batch):
    businesses = [c for c in batch.customers if c.kind is CustomerKind.BUSINESS]
    assert businesses
    for c in businesses:
        assert siren.is_valid(c.siren), c
        assert siret.is_valid(c.siret) and c.siret[:9] == c.siren, c
        assert vat.is_valid(c.vat_number) and c.vat_number == "FR" + tva.compact(c.vat_number), c
        assert tva.to_siren(c.vat_number) == c.siren
        assert c.siren[0] != "2"  # 2 is for public bodies


def test_public_bodies_have_a_public_siren_and_consumers_none(batch):
    public = [c for c in batch.customers if c.kind is CustomerKind.PUBLIC]
    consumers = [c for c in batch.customers if c.kind is CustomerKind.CONSUMER]
    assert public and consumers
    for c in public:
        assert siren.is_valid(c.siren) and siret.is_valid(c.siret), c
        # Local authorities and public establishments start with 2, schools (EPLE) with 19.
        assert c.siren.startswith("2") or (c.siren.startswith("19") and c.name.startswith(("Collège", "Lycée")))
        assert c.terms == "net:30"
    assert all(not (c.siren or c.siret or c.vat_number) for c in consumers)


def test_sirens_are_unique_across_customers(large):
    sirens = [c.siren for c in large.customers if c.siren]
    assert len(sirens) == len(set(sirens))


def test_contact_details_use_only_fictitious_domains_and_numbers(batch):
    for c in batch.customers:
        assert re.fullmatch(r"[a-z0-9.-]+@([a-z0-9-]+\.example|example\.fr)", c.email), c.email
        # ARCEP numbers kept for fiction: 01 99 00, 02 61 91, 03 53 01, 04 65 71, 05 36 49, 06 39 98.
        assert c.phone[:8] in {"01 99 00", "02 61 91", "03 53 01", "04 65 71", "05 36 49", "06 39 98"}
        assert re.search(r", \d{5} \S", c.address)


def test_every_document_belongs_to_a_known_customer_and_has_a_unique_key(large):
    codes = {c.code for c in large.customers}
    assert all(d.customer_code in codes for d in large.documents)
    keys = [d.key for d in large.documents]
    assert len(keys) == len(set(keys))


def test_keys_and_numbers_follow_the_demo_scheme(large):
    for d in large.documents:
        if d.kind is DocumentKind.INVOICE:
            assert re.fullmatch(rf"F{d.document_date.year}-\d{{6}}", d.number) and d.key == f"demo:inv:{d.number}"
        elif d.kind is DocumentKind.CREDIT_NOTE:
            assert re.fullmatch(rf"A{d.document_date.year}-\d{{6}}", d.number) and d.key == f"demo:cn:{d.number}"
        else:
            assert re.fullmatch(r"demo:pay:\d+", d.key)


def test_invoice_numbers_run_from_one_each_year_in_date_order(batch):
    by_year = defaultdict(list)
    for d in invoices(batch):
        by_year[d.document_date.year].append(int(d.number[-6:]))
    for numbers in by_year.values():
        assert numbers == list(range(1, len(numbers) + 1))


def test_allocations_never_exceed_either_document(large):
    amounts = {d.key: d.amount for d in large.documents}
    for side in ("debit_key", "credit_key"):
        for key, total in allocated(large, side).items():
            assert total <= amounts[key], key


def test_allocations_are_dated_on_or_after_both_documents(large):
    dates = {d.key: d.document_date for d in large.documents}
    kinds = {d.key: d.kind for d in large.documents}
    for a in large.allocations:
        assert kinds[a.debit_key] is DocumentKind.INVOICE and kinds[a.credit_key] is not DocumentKind.INVOICE
        assert a.date == max(dates[a.debit_key], dates[a.credit_key])
        assert a.amount > 0


def test_no_document_is_dated_after_as_of_nor_before_the_24_months(large):
    # 24 months ending on 23 Nov 2026: from 24 Nov 2024 on.
    assert all(date(2024, 11, 24) <= d.document_date <= AS_OF for d in large.documents)


def test_the_window_ending_on_29_february_starts_on_1_march():
    # 29 Feb 2028 minus two years has no 29th: 28 Feb 2026, so the window opens on 1 Mar 2026.
    b = generate(PortfolioSpec(customers=20, invoices=2000, as_of=date(2028, 2, 29)))
    assert min(d.document_date for d in b.documents) >= date(2026, 3, 1)
    assert max(d.document_date for d in b.documents) <= date(2028, 2, 29)


def test_due_dates_follow_each_customers_terms(batch):
    terms = {c.code: PaymentTerms.parse(c.terms) for c in batch.customers}
    for d in invoices(batch):
        assert d.due_date == terms[d.customer_code].due_date(d.document_date)


def test_amounts_are_positive_decimals_with_at_most_two_places(large):
    amounts = [d.amount for d in large.documents] + [d.amount_excl_tax for d in large.documents if d.amount_excl_tax]
    amounts += [a.amount for a in large.allocations]
    for amount in amounts:
        assert type(amount) is Decimal and amount > 0
        assert amount.as_tuple().exponent >= -2


def test_invoices_add_twenty_percent_vat_rounded_to_the_cent(batch):
    # e.g. 628.53 excl. VAT: VAT 125.706 -> 125.71, total 754.24
    for d in invoices(batch):
        assert d.amount == to_cents(d.amount_excl_tax * Decimal("1.2"))


def test_customers_mix_kinds_segments_and_payer_profiles():
    customers = demo_customers(PortfolioSpec(customers=2000, invoices=0))
    kinds = Counter(c.record.kind for c in customers)
    profiles = Counter(c.profile for c in customers)
    assert 0.74 <= kinds[CustomerKind.BUSINESS] / 2000 <= 0.86
    assert 0.05 <= kinds[CustomerKind.PUBLIC] / 2000 <= 0.11
    assert 0.08 <= kinds[CustomerKind.CONSUMER] / 2000 <= 0.16
    assert 0.52 <= profiles[PayerProfile.GOOD] / 2000 <= 0.68
    assert 0.19 <= profiles[PayerProfile.SLOW] / 2000 <= 0.31
    assert 0.06 <= profiles[PayerProfile.BAD] / 2000 <= 0.14
    assert 0.02 <= profiles[PayerProfile.DEFAULTING] / 2000 <= 0.08
    segments = {c.record.segment for c in customers}
    assert segments == {"retail", "industry", "construction", "services", "public", "private individuals"}
    assert {c.record.terms for c in customers} == {
        "net:15", "net:30", "net:45", "net:60", "days_eom:45", "eom_days:45", "cash",
    }


def test_demo_customers_are_the_customers_of_the_portfolio(batch):
    assert [c.record for c in demo_customers(PortfolioSpec())] == batch.customers


def test_settled_share_zero_gives_only_open_invoices():
    b = generate(PortfolioSpec(settled_share=0.0))
    assert len(b.documents) == 3000
    assert all(d.kind is DocumentKind.INVOICE for d in b.documents)
    assert b.allocations == []


def test_settled_share_one_half_settles_about_half_of_the_invoices():
    b = generate(PortfolioSpec(settled_share=0.5))
    paid = allocated(b, "debit_key")
    settled = sum(1 for d in invoices(b) if paid[d.key] == d.amount)
    assert 0.45 <= settled / 3000 <= 0.55


def test_by_default_old_invoices_are_mostly_settled_and_those_not_yet_due_open(large):
    paid = allocated(large, "debit_key")
    old = [d for d in invoices(large) if d.due_date < date(2025, 11, 23)]
    not_due = [d for d in invoices(large) if d.due_date > AS_OF]
    assert sum(paid[d.key] == d.amount for d in old) / len(old) >= 0.85
    assert sum(paid[d.key] < d.amount for d in not_due) / len(not_due) >= 0.9


def test_defaulting_customers_pay_nothing_after_their_default_date(large):
    defaults_on = {c.record.code: c.defaults_on for c in demo_customers(PortfolioSpec(customers=500, seed=7))}
    payments = [d for d in large.documents if d.kind is DocumentKind.PAYMENT]
    assert any(defaults_on[d.customer_code] for d in payments)
    for d in payments:
        day = defaults_on[d.customer_code]
        assert day is None or d.document_date <= day


def test_credit_notes_are_about_three_percent_and_each_settles_one_earlier_invoice(large):
    credit_notes = [d for d in large.documents if d.kind is DocumentKind.CREDIT_NOTE]
    assert 0.015 <= len(credit_notes) / 10_000 <= 0.045
    by_key = {d.key: d for d in large.documents}
    by_credit = defaultdict(list)
    for a in large.allocations:
        by_credit[a.credit_key].append(a)
    for cn in credit_notes:
        (a,) = by_credit[cn.key]
        assert a.amount == cn.amount
        assert by_key[a.debit_key].document_date <= cn.document_date


def test_payments_are_full_partial_grouped_or_on_account(large):
    by_credit = defaultdict(list)
    for a in large.allocations:
        by_credit[a.credit_key].append(a)
    paid = allocated(large, "debit_key")
    payments = [d for d in large.documents if d.kind is DocumentKind.PAYMENT]
    for p in payments:
        assert sum(a.amount for a in by_credit[p.key]) in (p.amount, 0)  # 0: a payment on account
    assert any(not by_credit[p.key] for p in payments)
    assert any(len({a.debit_key for a in by_credit[p.key]}) > 1 for p in payments)
    assert any(0 < paid[d.key] < d.amount for d in invoices(large))


def test_the_stream_gives_allocations_after_both_their_documents():
    customers, stream = iter_portfolio(PortfolioSpec(customers=50, invoices=1000))
    assert len(customers) == 50
    seen = set()
    for item in stream:
        if isinstance(item, AllocationRecord):
            assert item.debit_key in seen and item.credit_key in seen
        else:
            seen.add(item.key)


def test_a_settled_share_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError):
        PortfolioSpec(settled_share=1.5)
    with pytest.raises(ValueError):
        PortfolioSpec(customers=0, invoices=10)
