"""The positions snapshot: the stored aged balance per customer, and how it stays fresh."""
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from encours.core.ageing import DEFAULT_BUCKETS, Bucket, buckets_from_limits
from encours.core.records import Batch, DocumentKind, DocumentRecord
from encours.customers.models import Company, Customer
from encours.demo.generator import PortfolioSpec, generate
from encours.ledger.models import Allocation, Document, ImportKind, Invoice
from encours.ledger.services import allocate, import_batch
from encours.reporting import positions
from encours.reporting.ageing import aged_balance
from encours.reporting.kpis import compute_kpis
from encours.reporting.models import Position, Snapshot, SubsetFigures
from encours.reporting.positions import (
    bump_revision,
    build_snapshot,
    buckets_key,
    current_snapshot,
    customer_set_digest,
    ledger_revision,
    subset_figures,
)
from tests.apps.conftest import make_doc

MARCH_31 = date(2026, 3, 31)


@pytest.fixture
def ledger(customer, other_customer):
    """Two customers; C is paid in full on 25 March, D partly settled by a credit note."""
    make_doc(customer, "invoice", "1000.00", "2026-03-16", due="2026-04-15")  # A
    make_doc(customer, "invoice", "500.00", "2026-02-18", due="2026-03-20")  # B
    c = make_doc(customer, "invoice", "300.00", "2025-12-16", due="2026-01-15")
    p = make_doc(customer, "payment", "300.00", "2026-03-25")
    allocate(c, p, Decimal("300.00"), date(2026, 3, 25))
    d = make_doc(other_customer, "invoice", "2000.00", "2025-11-01", due="2025-12-01")
    make_doc(other_customer, "invoice", "100.00", "2026-03-01", due="2026-03-31")  # E: due on the as-of date
    cn = make_doc(other_customer, "credit_note", "100.00", "2026-02-10")
    allocate(d, cn, Decimal("100.00"), date(2026, 2, 10))
    return customer, other_customer


@pytest.fixture
def portfolio(company):
    spec = PortfolioSpec(customers=40, invoices=600, seed=7, as_of=date(2026, 6, 30))
    import_batch(company, generate(spec), kind=ImportKind.DEMO, digest="seed7")
    return company


def positions_by_customer(snapshot):
    return {p.customer_id: p for p in Position.objects.filter(snapshot=snapshot)}


@pytest.mark.parametrize("as_of", [date(2025, 2, 14), date(2025, 12, 31), date(2026, 6, 30)])
def test_the_snapshot_matches_the_sql_aged_balance_per_customer_and_in_total(portfolio, as_of):
    buckets = buckets_from_limits([15, 45, 90, 180])
    snapshot = current_snapshot(portfolio, as_of, buckets)
    report = aged_balance(portfolio, as_of, buckets)
    assert report.customers  # the portfolio has something open at each date
    stored = positions_by_customer(snapshot)
    assert sorted(stored) == [row.id for row in report.customers]
    for row in report.customers:
        position = stored[row.id]
        assert position.buckets == row.buckets
        assert position.total == row.total
        assert position.overdue == sum(row.buckets[1:])  # every bucket but "not due"
    assert snapshot.totals == report.totals
    assert (snapshot.total, snapshot.overdue, snapshot.customers) == (report.total, report.overdue,
                                                                      len(report.customers))
    assert snapshot.buckets_key == "15,45,90,180"
    assert snapshot.kpis == compute_kpis(portfolio, as_of, report=report).as_dict()


def test_oldest_due_is_the_earliest_due_date_of_an_invoice_open_and_late(ledger):
    c1, c2 = ledger
    third = Customer.objects.create(company=c1.company, code="C3", name="Client Trois")
    make_doc(third, "invoice", "40.00", "2026-03-02", due="2026-04-01")  # not due yet
    snapshot = current_snapshot(c1.company, MARCH_31)
    stored = positions_by_customer(snapshot)
    # C1: C (due 15 Jan) was settled on 25 Mar; B due 20 Mar is the oldest late one (11 days); A is not due
    assert stored[c1.id].oldest_due == date(2026, 3, 20)
    assert stored[c1.id].total == 150000  # 1000 + 500
    # C2: D due 1 Dec, 100 of 2000 credited, still open; E due on 31 Mar is not late on 31 Mar
    assert stored[c2.id].oldest_due == date(2025, 12, 1)
    assert stored[c2.id].overdue == 190000  # 2000 - 100
    # C3: nothing late
    assert stored[third.id].oldest_due is None
    assert stored[third.id].overdue == 0


def test_a_snapshot_in_the_past_honours_the_allocations_made_after_it(ledger):
    c1, _ = ledger
    snapshot = current_snapshot(c1.company, date(2026, 3, 24))
    position = Position.objects.get(snapshot=snapshot, customer=c1)
    # on 24 Mar, C (300, due 15 Jan, paid on the 25th) is still open and the oldest late invoice
    assert position.oldest_due == date(2026, 1, 15)
    assert position.total == 180000  # 1000 + 500 + 300
    assert position.overdue == 80000  # B 500 (4 days) + C 300 (68 days)
    assert position.buckets == aged_balance(c1.company, date(2026, 3, 24)).customers[0].buckets


def test_the_snapshot_is_reused_while_the_revision_is_unchanged(ledger, django_assert_num_queries):
    company = ledger[0].company
    first = current_snapshot(company, MARCH_31)
    with django_assert_num_queries(2):  # the revision, the snapshot
        again = current_snapshot(company, MARCH_31)
    assert again.pk == first.pk
    assert Snapshot.objects.count() == 1


def test_other_dates_and_buckets_are_other_snapshots(ledger):
    company = ledger[0].company
    default = current_snapshot(company, MARCH_31)
    other_date = current_snapshot(company, date(2026, 3, 24))
    other_buckets = current_snapshot(company, MARCH_31, buckets_from_limits([60]))
    assert len({default.pk, other_date.pk, other_buckets.pk}) == 3
    # not due 1000 + 100 (E); 1-60: B 500; over 60: D 1900
    assert other_buckets.totals == [110000, 50000, 190000]


def test_an_import_bumps_the_revision_and_the_snapshot_is_rebuilt(ledger):
    c1, _ = ledger
    company = c1.company
    before = current_snapshot(company, MARCH_31)
    batch = Batch("more.csv", documents=[
        DocumentRecord("more:1", "C1", DocumentKind.INVOICE, "F-NEW", date(2026, 3, 1), Decimal("70.00"),
                       due_date=date(2026, 3, 10)),
    ])
    import_batch(company, batch, kind=ImportKind.CSV, digest="more")
    after = current_snapshot(company, MARCH_31)
    assert after.revision > before.revision
    assert after.total == before.total + 7000
    assert Position.objects.get(snapshot=after, customer=c1).oldest_due == date(2026, 3, 10)
    assert not Snapshot.objects.filter(pk=before.pk).exists()  # older revisions are pruned


def test_importing_the_same_file_again_keeps_the_snapshot(ledger):
    company = ledger[0].company
    batch = Batch("more.csv", documents=[
        DocumentRecord("more:1", "C1", DocumentKind.INVOICE, "F-NEW", date(2026, 3, 1), Decimal("70.00")),
    ])
    import_batch(company, batch, kind=ImportKind.CSV, digest="more")
    snapshot = current_snapshot(company, MARCH_31)
    import_batch(company, batch, kind=ImportKind.CSV, digest="more")  # already imported: nothing written
    assert current_snapshot(company, MARCH_31).pk == snapshot.pk


def test_an_allocation_bumps_the_revision_and_the_snapshot_is_rebuilt(ledger):
    c1, c2 = ledger
    company = c1.company
    before = current_snapshot(company, MARCH_31)
    d = Document.objects.get(customer=c2, number__startswith="INV", amount=Decimal("2000.00"))
    payment = make_doc(c2, "payment", "1900.00", "2026-03-30")
    between = current_snapshot(company, MARCH_31)
    assert between.total == before.total - 190000  # the payment on account
    allocate(d, payment, Decimal("1900.00"), date(2026, 3, 30))
    after = current_snapshot(company, MARCH_31)
    assert after.revision > between.revision
    assert after.total == between.total  # settling moves nothing in the balance...
    assert Position.objects.get(snapshot=after, customer=c2).oldest_due is None  # ...but D is no longer late


def test_documents_and_allocations_saved_or_deleted_through_the_orm_bump_the_revision(ledger):
    c1, _ = ledger
    company = c1.company
    seen = [ledger_revision(company)]

    def changed():
        seen.append(ledger_revision(company))
        return seen[-1] > seen[-2]

    doc = make_doc(c1, "invoice", "10.00", "2026-03-01")
    assert changed()
    doc.label = "corrected"
    doc.save()
    assert changed()
    Invoice.objects.create(  # a proxy sends its signals under its own name
        company=company, customer=c1, kind="invoice", number="PROXY1", document_date=date(2026, 3, 2),
        due_date=date(2026, 3, 2), amount=Decimal("5.00"), source_key="proxy:1",
    )
    assert changed()
    Allocation.objects.filter(debit__number=doc.number).delete()  # nothing to delete: no signal
    assert not changed()
    Allocation.objects.first().delete()
    assert changed()
    doc.delete()
    assert changed()


def test_bump_revision_counts_from_one_per_company(company):
    other = Company.objects.create(name="Autre SA")
    assert ledger_revision(company) == 0
    bump_revision(company)
    bump_revision(company)
    bump_revision(other.pk)
    assert (ledger_revision(company), ledger_revision(other)) == (2, 1)


def test_a_second_builder_of_the_same_snapshot_gets_the_first_ones(ledger):
    company = ledger[0].company
    revision = ledger_revision(company)
    first = build_snapshot(company, MARCH_31, DEFAULT_BUCKETS, revision)
    second = build_snapshot(company, MARCH_31, DEFAULT_BUCKETS, revision)  # as if it had lost the race
    assert second.pk == first.pk
    assert Position.objects.filter(snapshot=first).count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_builders_do_not_crash_and_agree(company, customer, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database does not take concurrent writers")
    make_doc(customer, "invoice", "100.00", "2026-03-01", due="2026-03-15")
    both_computed = threading.Barrier(2, timeout=30)
    compute = positions.compute_kpis

    def compute_then_wait(*args, **kwargs):
        kpis = compute(*args, **kwargs)
        both_computed.wait()  # both have read the ledger: both will insert
        return kpis

    monkeypatch.setattr(positions, "compute_kpis", compute_then_wait)
    results, errors = [], []

    def build():
        try:
            results.append(current_snapshot(Company.objects.get(pk=company.pk), MARCH_31).pk)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=build) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1
    assert Snapshot.objects.count() == 1
    assert Position.objects.count() == 1


def test_subset_figures_sum_the_positions_of_the_given_customers(portfolio):
    as_of = date(2026, 3, 31)
    snapshot = current_snapshot(portfolio, as_of)
    ids = list(Customer.objects.filter(company=portfolio).order_by("id").values_list("id", flat=True)[::3])
    expected = aged_balance(portfolio, as_of, customer_ids=ids)
    sub = subset_figures(snapshot, portfolio, ids)
    assert sub.totals == expected.totals
    assert (sub.total, sub.overdue, sub.customers) == (expected.total, expected.overdue, len(expected.customers))
    empty = subset_figures(snapshot, portfolio, [])
    assert (empty.totals, empty.total, empty.overdue, empty.customers) == ([0] * 5, 0, 0, 0)


def test_subset_figures_by_hand(ledger):
    c1, c2 = ledger
    snapshot = current_snapshot(c1.company, MARCH_31)
    # C1 alone: A 1000 not due, B 500 11 days late
    sub = subset_figures(snapshot, c1.company, [c1.id])
    assert (sub.totals, sub.total, sub.overdue, sub.customers) == ([100000, 50000, 0, 0, 0], 150000, 50000, 1)
    assert sub.kpis["outstanding"] == "1500.00"
    assert sub.kpis["overdue_rate"] == "33.33"  # 500 / 1500


def test_subset_kpis_are_the_kpis_of_those_customers_alone(portfolio):
    as_of = date(2026, 3, 31)
    snapshot = current_snapshot(portfolio, as_of)
    ids = list(Customer.objects.filter(company=portfolio).order_by("id").values_list("id", flat=True)[1::4])
    kpis = subset_figures(snapshot, portfolio, ids).kpis
    assert kpis == compute_kpis(portfolio, as_of, customer_ids=ids).as_dict()
    assert kpis["outstanding"] != snapshot.kpis["outstanding"]
    assert Decimal(kpis["sales"]) > 0


def test_a_query_of_ids_gives_the_figures_of_the_same_list(portfolio):
    as_of = date(2026, 3, 31)
    snapshot = current_snapshot(portfolio, as_of)
    query = Customer.objects.filter(company=portfolio, name__icontains="a").order_by().values("id")
    ids = list(query.values_list("id", flat=True))
    assert 0 < len(ids) < Customer.objects.filter(company=portfolio).count()
    by_query = positions._compute_subset(snapshot, portfolio, query, "q")
    by_list = positions._compute_subset(snapshot, portfolio, ids, "l")
    assert (by_query.totals, by_query.customers, by_query.kpis) == (by_list.totals, by_list.customers, by_list.kpis)
    assert customer_set_digest(query) == customer_set_digest(sorted(ids, reverse=True))


def test_subset_figures_are_computed_once_per_snapshot_and_set(portfolio, monkeypatch):
    as_of = date(2026, 3, 31)
    snapshot = current_snapshot(portfolio, as_of)
    customers = list(Customer.objects.filter(company=portfolio).order_by("id"))
    query = Customer.objects.filter(company=portfolio, id__in=[c.id for c in customers[:10]]).values("id")
    first = subset_figures(snapshot, portfolio, query)
    computed = []
    compute = positions._compute_subset
    monkeypatch.setattr(positions, "_compute_subset", lambda *a: computed.append(a) or compute(*a))
    again = subset_figures(snapshot, portfolio, query)
    assert (again.pk, computed) == (first.pk, [])
    other = subset_figures(snapshot, portfolio, [c.id for c in customers[:11]])  # one more customer: a new set
    assert len(computed) == 1 and other.pk != first.pk and other.customers >= first.customers
    bump_revision(portfolio)
    newer = current_snapshot(portfolio, as_of)
    subset_figures(newer, portfolio, query)
    assert len(computed) == 2
    assert SubsetFigures.objects.filter(snapshot=snapshot).count() == 0  # went with the old snapshot


def test_figures_of_a_set_that_changed_meanwhile_are_returned_but_not_kept(portfolio, monkeypatch):
    as_of = date(2026, 3, 31)
    snapshot = current_snapshot(portfolio, as_of)
    first, second = Customer.objects.filter(company=portfolio).order_by("id")[:2]
    query = Customer.objects.filter(company=portfolio, segment="moved-away").values("id")
    Customer.objects.filter(pk=first.pk).update(segment="moved-away")
    compute = positions._compute_subset

    def compute_while_a_customer_joins(*args):
        result = compute(*args)
        Customer.objects.filter(pk=second.pk).update(segment="moved-away")
        return result

    monkeypatch.setattr(positions, "_compute_subset", compute_while_a_customer_joins)
    figures = subset_figures(snapshot, portfolio, query)
    assert figures.pk is None and not SubsetFigures.objects.exists()
    assert figures.total == sum(p.total for p in Position.objects.filter(snapshot=snapshot, customer=first))


def test_old_revisions_are_pruned_and_at_most_a_few_snapshots_are_kept(ledger, monkeypatch):
    monkeypatch.setattr(positions, "KEEP_PER_COMPANY", 3)
    company = ledger[0].company
    days = [MARCH_31 - timedelta(days=n) for n in range(5)]
    for day in days:
        current_snapshot(company, day)
    kept = Snapshot.objects.filter(company=company).order_by("as_of")
    assert [s.as_of for s in kept] == days[2:][::-1]  # the three built last
    assert Position.objects.exclude(snapshot__in=kept).count() == 0
    bump_revision(company)
    newest = current_snapshot(company, MARCH_31)
    assert list(Snapshot.objects.filter(company=company)) == [newest]


def test_the_buckets_key_lists_the_limits():
    assert buckets_key(DEFAULT_BUCKETS) == "30,60,90"
    assert buckets_key(buckets_from_limits([15])) == "15"
    with pytest.raises(ValueError):
        buckets_key((Bucket("all", None, None),))
