"""Model instances from a plain SQL row, for the few hot paths that skip the ORM's query building (the API's
token and order check). The values go through the converters the ORM itself applies (an amount in cents becomes
a ``Decimal``, SQLite's 0/1 a ``bool``), so the instances are those a queryset would give."""
from __future__ import annotations

from collections.abc import Sequence

from django.db import connection


class RowReader:
    """Reads ``fields`` (concrete fields of one model) from consecutive columns of a row."""

    def __init__(self, model, attnames: Sequence[str], table_alias: str):
        wanted = set(attnames)
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if f.attname in wanted]
        if len(self.fields) != len(wanted):
            raise ValueError(f"not concrete fields of {model.__name__}: {wanted - {f.attname for f in self.fields}}")
        self.columns = [f"{table_alias}.{f.column}" for f in self.fields]
        self._converters = None

    def __len__(self) -> int:
        return len(self.fields)

    def converters(self):
        if self._converters is None:  # the backend is known once a connection is configured
            self._converters = []
            for field in self.fields:
                column = field.get_col(self.model._meta.db_table)
                self._converters.append((connection.ops.get_db_converters(column)
                                         + column.get_db_converters(connection), column))
        return self._converters

    def instance(self, values: Sequence):
        converted = []
        for value, (converters, column) in zip(values, self.converters(), strict=True):
            for convert in converters:
                value = convert(value, column, connection)
            converted.append(value)
        return self.model.from_db(connection.alias, [f.attname for f in self.fields], converted)
