"""Rows read by plain SQL become the instances a queryset gives: same values, same Python types."""
from decimal import Decimal as D

import pytest
from django.db import connection

from encours.customers.models import Customer
from encours.sql_rows import RowReader

pytestmark = pytest.mark.db


def test_a_row_gives_the_values_and_types_of_the_orm(customer):
    customer.credit_limit = D("1234.56")
    customer.save()
    reader = RowReader(Customer, ["id", "code", "credit_limit", "insured_limit", "status", "created_at"], "cu")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(reader.columns)} FROM customers_customer cu WHERE cu.id = %s", [customer.pk])
        read = reader.instance(cursor.fetchone())
    expected = Customer.objects.get(pk=customer.pk)
    for name in ("id", "code", "credit_limit", "insured_limit", "status", "created_at"):
        assert getattr(read, name) == getattr(expected, name) and type(getattr(read, name)) is type(
            getattr(expected, name)), name
    assert read.credit_limit == D("1234.56") and read._state.adding is False


def test_a_field_the_model_does_not_have_is_refused():
    with pytest.raises(ValueError, match="nickname"):
        RowReader(Customer, ["id", "nickname"], "cu")
