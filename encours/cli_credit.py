"""The credit commands of ``encours``: the order check and the credit committee's review."""
from __future__ import annotations

import json
from datetime import date

import click

from encours.cli_common import _django, _parse_date


# --------------------------------------------------------------------------- orders
@click.group()
def order() -> None:
    """Orders: the credit check before accepting one."""


@order.command(name="check")
@click.option("--customer", "customer_ref", required=True, help="The customer's account code or id.")
@click.option("--amount", required=True, help="The order amount, e.g. 1250.00")
@click.option("--record", "reference", help="Record the order under this reference: accepted orders count as "
                                             "pending exposure, blocked ones wait on hold for a credit manager.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--company", "company_id", help="Company id or SIREN (default: the first company).")
def order_check(customer_ref: str, amount: str, reference: str | None, fmt: str, company_id: str | None) -> None:
    """Can this order be accepted? Answers accept or block, with every reason, the exposure and the limit.

    Exit code 0 with the answer (accept or block), 2 on a malformed request (nothing recorded)."""
    _django()
    from encours.customers.services import UnknownCompany, get_company
    from encours.risk import orders

    try:
        company = get_company(company_id)
        customer = orders.find_customer(company, customer_ref)
        value = orders.parse_amount(amount)
        if reference:
            placed = orders.place_order(customer, reference, value)
            answer = {"decision": "accept" if placed.state == "accepted" else "block", "reasons": placed.reasons,
                      "exposure": str(placed.exposure_before), "exposure_after": str(placed.exposure_before + value),
                      "limit": str(placed.limit), "overridden": placed.overridden, "order": placed.reference,
                      "state": placed.state}
        else:
            answer = orders.answer_dict(orders.check(customer, value))
    except (orders.OrderRefused, UnknownCompany, ValueError) as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(2) from None
    if fmt == "json":
        click.echo(json.dumps(answer))
        return
    click.echo(f"{answer['decision'].upper()}: exposure {answer['exposure']} -> {answer['exposure_after']}, "
               f"limit {answer['limit']}")
    for reason in answer["reasons"]:
        click.echo(f"  - {reason['message']}")


# --------------------------------------------------------------------------- credit committee
@click.group()
def credit() -> None:
    """Credit risk: the credit committee's review."""


@credit.command(name="review")
@click.option("--date", "on", callback=_parse_date, help="The day of the review, YYYY-MM-DD (default: today).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--company", "company_id", help="Company id or SIREN (default: the first company).")
def credit_review(on: date | None, fmt: str, company_id: str | None) -> None:
    """Open the credit committee's cases: limit exceeded, overdue beyond the tolerance, score drop, insolvency.

    Run again on the same day, it opens nothing new. Prints the cases opened."""
    _django()
    from django.utils import timezone

    from encours.customers.services import UnknownCompany, get_company
    from encours.risk.committee import review_company

    try:
        company = get_company(company_id)
    except UnknownCompany as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(2) from None
    review = review_company(company, on or timezone.localdate())
    if fmt == "json":
        click.echo(json.dumps(review.as_dict()))
        return
    for line in review.lines():
        click.echo(line)
