"""Amounts, percentages and dates in the user's language: 1 234,56 € in French, €1,234.56 in English.

Babel holds the locale rules (CLDR); amounts arrive as integer cents or Decimals, never floats.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from django.utils.translation import get_language

from encours.core.money import cents_to_decimal

LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def locale() -> str:
    return LOCALES.get((get_language() or "fr")[:2], "fr_FR")


def as_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return cents_to_decimal(value)
    return Decimal(value)


def money(value, currency: str = "EUR") -> str:
    """``value`` is integer cents or a Decimal amount."""
    amount = as_decimal(value)
    return "" if amount is None else format_currency(amount, currency, locale=locale())


def number(value, digits: int = 1) -> str:
    if value is None or value == "":
        return "—"
    return format_decimal(Decimal(value), format=f"#,##0.{'0' * digits}" if digits else "#,##0", locale=locale())


def percent(value, digits: int = 1) -> str:
    """``value`` is already a percentage (12.5 means 12.5 %)."""
    if value is None or value == "":
        return "—"
    text = number(value, digits)
    return f"{text}\u00a0%" if locale().startswith("fr") else f"{text}%"


def short_date(value: date | None) -> str:
    return "" if value is None else format_date(value, format="short" if locale() == "en_GB" else "dd/MM/yyyy",
                                                locale=locale())
