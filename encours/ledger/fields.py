"""Amounts are stored as integer hundredths and handled as Decimal in Python.

Why: SQLite has no decimal type (SUM over a NUMERIC column is computed in floating point), and the aged
balance is summed in SQL over millions of rows. Integer cents make every SQL sum exact on SQLite and
PostgreSQL alike; the field converts to and from Decimal at the edge.
"""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from encours.core.money import cents_to_decimal, decimal_to_cents


class AmountField(models.BigIntegerField):
    description = "An amount in the document's currency, stored as integer hundredths"

    def from_db_value(self, value, expression, connection):
        return None if value is None else cents_to_decimal(value)

    def to_python(self, value):
        if value is None or isinstance(value, Decimal):
            return value
        try:
            return Decimal(str(value))
        except ArithmeticError:
            raise ValidationError(f"{value!r} is not an amount") from None

    def get_prep_value(self, value):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("amounts are Decimals, never floats")
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
        if isinstance(value, Decimal):
            return decimal_to_cents(value)
        return super().get_prep_value(value)

    def formfield(self, **kwargs):
        from django import forms

        # through Field.formfield: the label, help text, required and initial come from the model field
        return models.Field.formfield(self, **{"form_class": forms.DecimalField, "max_digits": 16,
                                               "decimal_places": 2, **kwargs})
