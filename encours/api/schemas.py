"""Shapes shared by the endpoints: amounts as decimal strings, limit/offset pages."""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema

MAX_LIMIT = 500


def _decimal_text(value):
    # Amounts come back from AmountField as Decimal; JSON gets their exact text, never a float.
    return str(value) if isinstance(value, Decimal) else value


Amount = Annotated[
    str,
    BeforeValidator(_decimal_text),
    WithJsonSchema({"type": "string", "format": "decimal", "examples": ["1234.50"]}),
]


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT}.")
    offset: int = Field(0, ge=0)


class Page(Schema):
    count: int = Field(description="Rows matching the filters, over all pages.")
    limit: int
    offset: int


def page(queryset: QuerySet, params: PageParams) -> dict:
    """One page of an ordered queryset and the total count: two queries, whatever the page size."""
    return {
        "count": queryset.count(),
        "limit": params.limit,
        "offset": params.offset,
        "items": list(queryset[params.offset:params.offset + params.limit]),
    }


class UserRef(Schema):
    id: int
    username: str


class CustomerRef(Schema):
    id: int
    code: str
    name: str
