"""The customers a report covers: ``None`` (all the company's), a list of ids, or a query of ids.

A query (``Customer.objects.filter(...).values("id")``) becomes a subquery in the report's SQL: a sales
person's 6,000 customers are not sent back to the database as 6,000 parameters in every statement.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from django.db.models import QuerySet

CustomerSet = Sequence[int] | QuerySet | None

_PLACEHOLDER = re.compile(r"%%|%s")


def is_known_empty(customers: CustomerSet) -> bool:
    """True for an empty list of ids (a query is not run to find out)."""
    return customers is not None and not isinstance(customers, QuerySet) and len(customers) == 0


def customer_condition(column: str, customers: CustomerSet, params: dict, prefix: str = "cust") -> str:
    """``" AND <column> IN (...)"`` for raw SQL with named parameters, adding them to ``params``.

    Empty for ``None`` (every customer). A query must select one column, the customer id.
    """
    if customers is None:
        return ""
    if isinstance(customers, QuerySet):
        sql, sub_params = customers.query.get_compiler(customers.db).as_sql()
        numbers = iter(range(len(sub_params)))

        def named(match: re.Match) -> str:
            if match.group() == "%%":
                return "%%"
            i = next(numbers)
            params[f"{prefix}{i}"] = sub_params[i]
            return f"%({prefix}{i})s"

        return f" AND {column} IN ({_PLACEHOLDER.sub(named, sql)})"
    ids = list(customers)
    if not ids:
        return " AND 1 = 0"
    params.update({f"{prefix}{i}": pk for i, pk in enumerate(ids)})
    return f" AND {column} IN (" + ", ".join(f"%({prefix}{i})s" for i in range(len(ids))) + ")"
