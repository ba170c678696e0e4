"""The demo's credit file: three years of financial statements for the largest business customers (one in four
of them deteriorating), and today's orders — a few accepted, one on hold with an unblock request from its
sales person — and the credit committee's first review, so that the credit pages have something to show."""
from __future__ import annotations

import random
from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.utils import timezone

from encours.core.records import CustomerKind, DocumentKind
from encours.customers.models import Company, Customer, CustomerStatus
from encours.ledger.models import Document
from encours.risk.committee import review_company
from encours.risk.models import FinancialStatement, OrderState
from encours.risk.orders import check, place_order
from encours.risk.unblocks import request_unblock

YEARS = 3
CUSTOMERS_WITH_STATEMENTS = 30


def _k(x: float) -> Decimal:
    """Accounts in whole euros, to the thousand."""
    return Decimal(round(x / 1000) * 1000)


def statement_rows(customer: Customer, last_year_end: date, rng: random.Random, deteriorating: bool) -> list:
    """``YEARS`` balanced years ending at ``last_year_end`` (assets = liabilities, so that net cash computed both
    ways agrees); a deteriorating customer loses revenue and margin and borrows short term."""
    revenue = rng.uniform(2e6, 40e6)
    rows = []
    for n in range(YEARS):
        year_end = date(last_year_end.year - (YEARS - 1 - n), last_year_end.month, last_year_end.day)
        trend = (1 - 0.12 * n) if deteriorating else (1 + rng.uniform(0.0, 0.08))
        revenue *= trend if n else 1
        margin = (0.06 - 0.04 * n) if deteriorating else rng.uniform(0.04, 0.09)
        fixed, inventories = _k(revenue * 0.30), _k(revenue * 0.10)
        receivables, other = _k(revenue * (60 + 15 * n * deteriorating) / 365), _k(revenue * 0.02)
        payables, tax = _k(revenue * 0.12), _k(revenue * 0.05)
        bank = _k(revenue * (0.02 + 0.05 * n * deteriorating))
        long_term, provisions = _k(revenue * 0.15), _k(revenue * 0.01)
        cash = _k(revenue * (0.06 - 0.025 * n * deteriorating))
        total = fixed + inventories + receivables + other + cash
        equity = total - (provisions + long_term + payables + tax + bank)
        operating = _k(revenue * margin)
        rows.append(FinancialStatement(
            customer=customer, year_end=year_end, months=12, equity=equity, provisions=provisions,
            long_term_debt=long_term, fixed_assets=fixed, inventories=inventories, trade_receivables=receivables,
            other_operating_receivables=other, cash=cash, short_term_bank_debt=bank, trade_payables=payables,
            tax_social_payables=tax, total_assets=total, revenue=_k(revenue), purchases=_k(revenue * 0.55),
            ebitda=operating + _k(revenue * 0.03), operating_result=operating,
            net_result=_k(revenue * margin * 0.7), source="Démo",
        ))
    return rows


def load_demo_statements(company: Company, as_of: date, seed: int) -> None:
    rng = random.Random(seed)
    biggest = (Document.objects.filter(company=company, kind=DocumentKind.INVOICE,
                                       customer__kind=CustomerKind.BUSINESS)
               .values("customer_id").annotate(total=Sum("amount")).order_by("-total", "customer_id")
               .values_list("customer_id", flat=True)[:CUSTOMERS_WITH_STATEMENTS])
    last_year_end = date(as_of.year - 1, 12, 31)
    rows = []
    for i, customer in enumerate(Customer.objects.filter(pk__in=list(biggest)).order_by("pk")):
        rows += statement_rows(customer, last_year_end, rng, deteriorating=i % 4 == 3)
    FinancialStatement.objects.bulk_create(rows)


def place_demo_orders(company: Company, as_of: date) -> None:
    """Per sales person: two orders of a tenth of the limit of customers in good standing (accepted), and one
    of twice a limit, which waits on hold and for which the sales person asks for an unblock."""
    users = get_user_model().objects
    now = timezone.make_aware(datetime.combine(as_of, time(10)))
    for username in ("commercial1", "commercial2"):
        seller = users.get(username=username)
        customers = (Customer.objects.filter(company=company, account_manager=seller, credit_limit__gt=0,
                                             status=CustomerStatus.OPEN).order_by("-credit_limit", "pk"))
        good = [c for c in customers[:20] if check(c, (c.credit_limit / 10).quantize(Decimal(1)), as_of).accepted]
        for n, customer in enumerate(good[:3]):
            big = n == 2
            amount = customer.credit_limit * 2 if big else (customer.credit_limit / 10).quantize(Decimal(1))
            order = place_order(customer, f"CDE-{as_of:%y%m}-{username[-1]}{n + 1:02d}", amount, user=seller,
                                now=now)
            if big and order.state == OrderState.ON_HOLD:
                request_unblock(customer, reason="Commande saisonnière, le client a confirmé un virement "
                                                 "sous huit jours.", user=seller, order=order, now=now)


def load_demo_credit(company: Company, as_of: date, seed: int) -> None:
    load_demo_statements(company, as_of, seed)
    place_demo_orders(company, as_of)
    review_company(company, as_of, now=timezone.make_aware(datetime.combine(as_of, time(11))))

