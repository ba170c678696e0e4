"""Allocation (lettrage): which credit documents settle which debit documents, and for how much."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from encours.core.records import AllocationRecord

ZERO = Decimal("0")


def allocate_fifo(
    debits: Sequence[tuple[str, date, Decimal]],
    credits: Sequence[tuple[str, date, Decimal]],
) -> list[AllocationRecord]:
    """Settle the oldest debits first with the oldest credits first.

    Each item is ``(key, document date, amount)`` with a positive amount; zero amounts are skipped.
    Ties on the date are broken by the key, so the result does not depend on the order given.
    Each allocation is dated the later of the two documents' dates: a payment cannot settle an
    invoice before both exist. Amounts are exact (no rounding): the total allocated is
    min(sum of debits, sum of credits), and no document is allocated more than its amount.
    Raises ValueError on a negative amount (a caller's mistake, not a data problem).
    """
    for key, _, amount in (*debits, *credits):
        if amount < ZERO:
            raise ValueError(f"negative amount {amount} for {key!r}; amounts are positive")
    open_debits = sorted((d, k, a) for k, d, a in debits if a > ZERO)
    open_credits = sorted((d, k, a) for k, d, a in credits if a > ZERO)

    allocations: list[AllocationRecord] = []
    i = j = 0
    debit_left = open_debits[0][2] if open_debits else ZERO
    credit_left = open_credits[0][2] if open_credits else ZERO
    while i < len(open_debits) and j < len(open_credits):
        debit_date, debit_key, _ = open_debits[i]
        credit_date, credit_key, _ = open_credits[j]
        amount = min(debit_left, credit_left)
        allocations.append(AllocationRecord(debit_key, credit_key, amount, max(debit_date, credit_date)))
        debit_left -= amount
        credit_left -= amount
        if debit_left == ZERO:
            i += 1
            debit_left = open_debits[i][2] if i < len(open_debits) else ZERO
        if credit_left == ZERO:
            j += 1
            credit_left = open_credits[j][2] if j < len(open_credits) else ZERO
    return allocations
