"""Sales by period (invoices less credit notes) in SQL, for every customer, a list of ids or a query of ids."""
from datetime import date

from encours.customers.models import Customer
from encours.reporting.kpis import sales_by_period
from tests.apps.conftest import make_doc

JAN = (date(2026, 1, 1), date(2026, 1, 31))
FEB = (date(2026, 2, 1), date(2026, 2, 28))
Q1 = (date(2026, 1, 1), date(2026, 3, 31))


def test_sales_are_invoices_less_credit_notes_by_document_date_bounds_included(company, customer, other_customer):
    make_doc(customer, "invoice", "1000.00", "2026-01-01", due="2026-01-31")
    make_doc(customer, "invoice", "250.50", "2026-01-31", due="2026-03-02")
    make_doc(customer, "credit_note", "100.00", "2026-02-01")
    make_doc(customer, "payment", "500.00", "2026-02-10")  # a payment is not a sale
    make_doc(customer, "invoice", "999.00", "2025-12-31", due="2026-01-30")  # before every period
    make_doc(other_customer, "invoice", "40.00", "2026-02-28", due="2026-03-30")
    make_doc(other_customer, "invoice", "7.00", "2026-03-01", due="2026-03-31")
    # every customer: January 1000 + 250.50; February -100 + 40; Q1 all five sales
    assert sales_by_period(company, "EUR", [JAN, FEB, Q1]) == [125050, -6000, 119750]
    assert sales_by_period(company, "EUR", [JAN, FEB, Q1], customer_ids=[other_customer.id]) == [0, 4000, 4700]
    query = Customer.objects.filter(company=company, code=customer.code).values("id")
    assert sales_by_period(company, "EUR", [JAN, FEB, Q1], customer_ids=query) == [125050, -10000, 115050]
    assert sales_by_period(company, "EUR", [JAN, FEB], customer_ids=[]) == [0, 0]
    assert sales_by_period(company, "USD", [Q1]) == [0]
    assert sales_by_period(company, "EUR", []) == []


def test_a_query_with_a_percent_sign_in_its_parameters_is_passed_as_a_parameter(company, customer):
    make_doc(customer, "invoice", "10.00", "2026-01-15", due="2026-02-14")
    Customer.objects.filter(pk=customer.pk).update(name="Dupont 100% bio")
    query = Customer.objects.filter(company=company, name__contains="100% b").values("id")
    assert sales_by_period(company, "EUR", [JAN], customer_ids=query) == [1000]
    none = Customer.objects.filter(company=company, name__contains="100%% b").values("id")
    assert sales_by_period(company, "EUR", [JAN], customer_ids=none) == [0]
