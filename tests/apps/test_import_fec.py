"""Importing the real FEC exports: every customer's balance equals its 411 account; all or nothing; once."""
from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Case, F, Sum, When

from encours.core.money import cents_to_decimal
from encours.core.problems import Refused
from encours.core.terms import PaymentTerms
from encours.customers.models import Customer
from encours.formats.fec import read_fec
from encours.ledger.models import Allocation, Document, ImportBatch, ImportKind
from encours.ledger.services import file_digest, import_batch
from encours.reporting.ageing import aged_balance
from tests.apps.realdata import FEC_FILES, fec_411_balances


def import_file(company, path, data=None):
    data = data if data is not None else path.read_bytes()
    return import_batch(
        company, read_fec(data, path.name), kind=ImportKind.FEC, digest=file_digest(data), rename_duplicate_numbers=True
    )


def test_the_four_real_files_are_there():
    assert len(FEC_FILES) == 4


@pytest.mark.parametrize("path", FEC_FILES, ids=lambda p: p.name)
def test_each_customer_balance_equals_its_411_account(company, path):
    expected, latest = fec_411_balances(path)
    summary = import_file(company, path)
    assert summary.documents_created > 0
    balances = dict(
        Document.objects.filter(company=company)
        .values("customer__code")
        .annotate(balance=Sum(Case(When(kind="invoice", then=F("amount")), default=-F("amount"))))
        .values_list("customer__code", "balance")
    )
    expected_nonzero_accounts = {code for code in expected}
    assert set(balances) <= expected_nonzero_accounts
    for code, balance in expected.items():
        assert balances.get(code, Decimal("0.00")) == balance, code
    # the aged balance after the last entry gives the same balances
    as_of = date(int(latest[:4]), int(latest[4:6]), int(latest[6:8]))
    report = aged_balance(company, as_of)
    codes = dict(Customer.objects.filter(company=company).values_list("id", "code"))
    for row in report.customers:
        assert cents_to_decimal(row.total) == expected[codes[row.id]]
    assert cents_to_decimal(report.total) == sum(expected.values())


def test_lettrage_becomes_allocations_that_close_the_matched_items(company):
    path = next(p for p in FEC_FILES if p.name.startswith("111111111"))
    summary = import_file(company, path)
    assert summary.allocations_created > 0
    # E.LECLERC CARPENTR: invoice of 74.70 on 9 Jan 2023, lettered AA on 9 Feb 2023 (see the file's line 6)
    invoice = Document.objects.get(company=company, customer__code="41101590", kind="invoice",
                                   document_date=date(2023, 1, 9), amount=Decimal("74.70"))
    assert invoice.allocated == invoice.amount
    assert invoice.closed_on is not None
    assert sum(a.amount for a in Allocation.objects.filter(debit=invoice)) == Decimal("74.70")


def test_due_dates_come_from_the_default_terms_counted_from_the_piece_date(company):
    path = next(p for p in FEC_FILES if p.name.startswith("111111111"))
    data = path.read_bytes()
    import_batch(company, read_fec(data, path.name), kind=ImportKind.FEC, digest=file_digest(data),
                 rename_duplicate_numbers=True, default_terms=PaymentTerms.parse("days_eom:45"))
    invoice = Document.objects.get(company=company, customer__code="41101590", kind="invoice",
                                   document_date=date(2023, 1, 9), amount=Decimal("74.70"))
    # 9 Jan 2023 + 45 days = 23 Feb 2023, end of that month = 28 Feb 2023
    assert invoice.due_date == date(2023, 2, 28)


def test_importing_the_same_file_twice_changes_nothing(company):
    path = FEC_FILES[0]
    first = import_file(company, path)
    counts = (Document.objects.count(), Allocation.objects.count(), Customer.objects.count())
    second = import_file(company, path)
    assert second.already_imported
    assert (Document.objects.count(), Allocation.objects.count(), Customer.objects.count()) == counts
    assert first.documents_created == counts[0]


def test_the_same_entries_in_another_file_are_not_imported_twice(company):
    path = next(p for p in FEC_FILES if p.name.startswith("111111111"))
    import_file(company, path)
    counts = (Document.objects.count(), Allocation.objects.count())
    # same lines with other line ends: another file for the digest, the same documents for the keys
    rewritten = path.read_bytes().replace(b"\n", b"\r\n")
    summary = import_file(company, path, data=rewritten)
    assert not summary.already_imported
    assert summary.documents_created == 0 and summary.documents_skipped == counts[0]
    assert (Document.objects.count(), Allocation.objects.count()) == counts
    assert ImportBatch.objects.count() == 2


def test_a_file_with_one_bad_line_is_refused_whole_and_nothing_is_written(company):
    path = next(p for p in FEC_FILES if p.name.startswith("111111111"))
    lines = path.read_bytes().split(b"\n")
    lines[5] = lines[5].replace(b"20230109", b"20231309", 1)  # month 13
    data = b"\n".join(lines)
    with pytest.raises(Refused) as refused:
        import_file(company, path, data=data)
    assert any(p.source.line == 6 and "date" in str(p).lower() for p in refused.value.problems)
    assert Document.objects.count() == 0
    assert Customer.objects.count() == 0
    assert ImportBatch.objects.count() == 0
