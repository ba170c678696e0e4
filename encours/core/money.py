"""Money: an exact Decimal amount with its ISO 4217 currency.

Rounding rule (used everywhere): amounts are computed at full precision and rounded once, to the cent,
half away from zero (``ROUND_HALF_UP`` on the absolute value, which Decimal applies symmetrically),
where a document or the law fixes an amount: an invoice line, an interest amount per invoice, a total.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0")


class CurrencyMismatch(ValueError):
    def __init__(self, left: str, right: str):
        super().__init__(f"cannot combine {left} and {right}")
        self.left, self.right = left, right


def to_cents(x: Decimal) -> Decimal:
    """Round to the cent, half away from zero: 0.125 -> 0.13, -0.125 -> -0.13."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def cents_to_decimal(cents: int) -> Decimal:
    """Integer hundredths (how amounts are stored) to a Decimal with two places."""
    return (Decimal(int(cents)) / 100).quantize(CENT)


def decimal_to_cents(amount: Decimal) -> int:
    """A Decimal with at most two places to integer hundredths; refuses sub-cent amounts instead of rounding."""
    scaled = amount * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more than two decimal places")
    return int(scaled)


def parse_amount(text: str, *, decimal_comma: bool = True) -> Decimal:
    """Parse '1234,50', '1 234,50', '-12.3' or '0000000074,70' into a Decimal; ValueError when it is not a number."""
    s = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if decimal_comma:
        if "," in s and "." in s:
            raise ValueError(f"not a number: {text!r}")
        s = s.replace(",", ".")
    if s.count(".") > 1 or not s or s in {"+", "-", "."}:
        raise ValueError(f"not a number: {text!r}")
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"not a number: {text!r}")
    return value


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str = "EUR"

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money needs a Decimal amount, never a float")

    def _check(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, float):
            raise TypeError("multiply Money by a Decimal, never a float")
        return Money(self.amount * factor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._check(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._check(other)
        return self.amount <= other.amount

    def rounded(self) -> Money:
        return Money(to_cents(self.amount), self.currency)

    @classmethod
    def zero(cls, currency: str = "EUR") -> Money:
        return cls(ZERO, currency)

    def __str__(self) -> str:
        return f"{to_cents(self.amount)} {self.currency}"
