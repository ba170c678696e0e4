"""Promises checked against the payments: each over its own window (from the day it was made to the promised
date plus the grace days), in a bounded number of queries."""
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from encours.collections.models import PromiseState
from encours.collections.promises import GRACE_DAYS, check_promises, make_promise
from tests.apps.conftest import make_doc

pytestmark = pytest.mark.db


def test_each_promise_counts_the_payments_of_its_own_window(company, customer, other_customer):
    assert GRACE_DAYS == 2
    a = make_doc(customer, "invoice", "600.00", "2026-01-01", due="2026-01-31")
    b = make_doc(other_customer, "invoice", "900.00", "2026-01-01", due="2026-01-31")
    # C1 promises 600 by 10 March (deadline 12 March); a payment of 500 before the promise does not count
    make_doc(customer, "payment", "500.00", "2026-02-28")
    early = make_promise(customer, [a], Decimal("600.00"), date(2026, 3, 10), "phone", made_on=date(2026, 3, 1))
    make_doc(customer, "payment", "350.00", "2026-03-05")
    make_doc(customer, "payment", "250.00", "2026-03-12")  # within the grace days: 350 + 250 = 600
    # C2 promises 900 by 10 March; 900 arrives on 13 March, one day after the grace: broken
    late = make_promise(other_customer, [b], Decimal("900.00"), date(2026, 3, 10), "email",
                        made_on=date(2026, 3, 2))
    make_doc(other_customer, "payment", "900.00", "2026-03-13")

    assert check_promises(company, date(2026, 3, 11)) == (0, 0)  # 350 so far, 0 so far: still pending
    with CaptureQueriesContext(connection) as queries:
        assert check_promises(company, date(2026, 3, 13)) == (1, 1)
    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.state, early.settled_on) == (PromiseState.KEPT, date(2026, 3, 13))
    assert (late.state, late.settled_on) == (PromiseState.BROKEN, date(2026, 3, 13))
    # 2 reads, then per settled promise: its update and its history record (with the company's row)
    reads = [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(reads) <= 4
