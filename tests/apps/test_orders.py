"""Orders checked against the customer's credit: exposure read from the ledger and the pending orders, the
limit in force, on hold when blocked, released or rejected by a credit manager, unblocks with an expiry."""
from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from encours.customers.models import CustomerStatus
from encours.history.models import Event
from encours.ledger.services import allocate
from encours.risk.models import Order, OrderState, RequestState
from encours.risk.orders import (
    OrderRefused,
    cancel_order,
    check,
    credit_context,
    find_customer,
    invoice_order,
    parse_amount,
    place_order,
    reject_order,
    release_order,
)
from encours.risk.unblocks import grant_unblock, refuse_request, request_unblock
from tests.apps.conftest import make_doc

pytestmark = pytest.mark.db
TODAY = date(2026, 11, 23)
NOW = timezone.make_aware(datetime(2026, 11, 23, 10, 0))


@pytest.fixture
def insured(customer):
    """Limit 10,000; open: 4,000 + 1,500 (due 60 days ago) − an unallocated 500 credit note."""
    customer.credit_limit = D("10000.00")
    customer.save()
    make_doc(customer, "invoice", "4000.00", "2026-11-01", due="2026-12-01")
    late = make_doc(customer, "invoice", "2000.00", "2026-08-25", due="2026-09-24")
    payment = make_doc(customer, "payment", "500.00", "2026-10-01")
    allocate(late, payment, D("500.00"), date(2026, 10, 1))  # 1,500 left, 60 days overdue
    make_doc(customer, "credit_note", "500.00", "2026-11-10")
    return customer


@pytest.fixture
def manager(db):
    return get_user_model().objects.create_user("credit")


def test_the_exposure_is_the_open_receivables_and_the_pending_orders(insured):
    context = credit_context(insured, TODAY)
    # 4000 + 1500 − 500 = 5000; overdue beyond 30 days: the 1,500 due on 24 September
    assert (context.open_receivables, context.pending_orders, context.limit) == (D("5000.00"), D("0"), D("10000.00"))
    assert (context.overdue_beyond_tolerance_days, context.tolerance_amount) == (D("1500.00"), D("1000.00"))
    place_order(insured, "PO-1", D("300.00"), now=NOW)  # blocked: overdue 1,500 > tolerance 1,000
    insured.company.overdue_tolerance_amount = D("2000.00")
    insured.company.save()
    insured.refresh_from_db()
    assert place_order(insured, "PO-2", D("1200.00"), now=NOW).state == OrderState.ACCEPTED
    assert credit_context(insured, TODAY).pending_orders == D("1200.00")  # the order on hold does not count


def test_an_order_over_the_limit_waits_on_hold_with_its_reasons(insured):
    insured.company.overdue_tolerance_amount = D("5000.00")
    insured.company.save()
    insured.refresh_from_db()
    order = place_order(insured, "PO-9", D("5000.01"), now=NOW)  # 5000 + 5000.01 > 10000
    assert (order.state, order.exposure_before, order.limit) == (OrderState.ON_HOLD, D("5000.00"), D("10000.00"))
    assert [r["code"] for r in order.reasons] == ["limit_exceeded"] and "by 0.01" in order.reasons[0]["message"]
    assert Event.objects.filter(kind="order.on_hold", customer=insured).count() == 1
    assert place_order(insured, "PO-9", D("5000.01"), now=NOW) == order  # sent again: the same order


def test_a_customer_without_a_limit_has_the_company_default_zero_is_cash_on_order(customer):
    assert check(customer, D("0.01"), TODAY).decision == "block"
    customer.company.default_credit_limit = D("2000.00")
    customer.company.save()
    customer.refresh_from_db()
    assert check(customer, D("2000.00"), TODAY).decision == "accept"


def test_released_orders_count_rejected_and_cancelled_ones_do_not(insured, manager):
    insured.status = CustomerStatus.BLOCKED
    insured.save()
    order = place_order(insured, "PO-3", D("100.00"), now=NOW)
    assert order.state == OrderState.ON_HOLD
    with pytest.raises(OrderRefused, match="why"):
        release_order(order, user=manager, note=" ")
    release_order(order, user=manager, note="client historique, paiement annoncé")
    assert credit_context(insured, TODAY).pending_orders == D("100.00")
    invoice_order(order)
    assert credit_context(insured, TODAY).pending_orders == D("0")
    other = place_order(insured, "PO-4", D("50.00"), now=NOW)
    reject_order(other, user=manager, note="bloqué")
    with pytest.raises(OrderRefused, match="rejected"):
        cancel_order(other)
    assert list(Order.objects.order_by("reference").values_list("state", flat=True)) == [
        OrderState.INVOICED, OrderState.REJECTED]


def test_an_unblock_lets_orders_pass_until_its_expiry(insured, manager):
    insured.status = CustomerStatus.BLOCKED
    insured.save()
    request = request_unblock(insured, reason="commande urgente", user=manager)
    grant_unblock(insured, valid_until=TODAY + timedelta(days=7), reason="accord exceptionnel", user=manager,
                  request=request, now=NOW)
    insured.refresh_from_db()
    assert check(insured, D("100.00"), TODAY + timedelta(days=7)).decision == "accept"
    assert check(insured, D("100.00"), TODAY + timedelta(days=8)).decision == "block"
    request.refresh_from_db()
    assert (request.state, request.unblock.valid_until) == (RequestState.GRANTED, TODAY + timedelta(days=7))
    with pytest.raises(OrderRefused, match="already decided"):
        refuse_request(request, user=manager, note="non")
    kinds = set(Event.objects.filter(customer=insured).values_list("kind", flat=True))
    assert {"credit.unblock_requested", "credit.unblocked"} <= kinds


@pytest.mark.parametrize("value", ["-5", "0", "abc", "1.234", "NaN"])
def test_a_bad_amount_is_refused_clearly(value):
    with pytest.raises(OrderRefused):
        parse_amount(value)


def test_a_customer_is_found_by_code_first_then_by_id(company, customer, other_customer):
    assert find_customer(company, "C2") == other_customer
    assert find_customer(company, str(customer.pk)) == customer
    with pytest.raises(OrderRefused, match="no customer"):
        find_customer(company, "NOPE")


def test_a_reference_used_by_another_order_is_refused_and_nothing_is_written(insured):
    insured.company.default_credit_limit = D("0")
    place_order(insured, "PO-5", D("10.00"), now=NOW)
    with pytest.raises(OrderRefused, match="already used"):
        place_order(insured, "PO-5", D("11.00"), now=NOW)
    assert Order.objects.count() == 1
