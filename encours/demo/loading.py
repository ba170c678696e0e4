"""Load a generated demo portfolio into the database, with demo log-ins."""
from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from encours.accounts.models import Profile
from encours.accounts.roles import Role
from encours.collections.run import run_dunning
from encours.customers.models import Company, Customer
from encours.demo.credit import load_demo_credit
from encours.demo.generator import PortfolioSpec, generate
from encours.ledger.models import ImportBatch, ImportKind
from encours.ledger.services import ImportSummary, import_batch
from encours.reporting.positions import current_snapshot

DEMO_COMPANY = {
    "name": "Démo Distribution SAS",
    "siren": "732829320",
    "address": "12 rue des Entrepreneurs\n69003 Lyon",
    "iban": "FR7630006000011234567890189",
    "bic": "AGRIFRPP",
    "email": "relances@demo-distribution.example",
    "phone": "04 72 00 00 00",
}
# Demo only: printed by `encours demo`; a real installation creates its own users.
DEMO_PASSWORD = "encours-demo"
DEMO_USERS = [  # (user name, first name, last name, role)
    ("admin", "Alice", "Admin", Role.ADMIN),
    ("credit", "Claire", "Crédit", Role.CREDIT_MANAGER),
    ("relance1", "Romain", "Relance", Role.COLLECTOR),
    ("relance2", "Rita", "Recouvre", Role.COLLECTOR),
    ("compta", "Camille", "Compta", Role.ACCOUNTANT),
    ("commercial1", "Sacha", "Vente", Role.SALES),
    ("commercial2", "Sofia", "Affaires", Role.SALES),
    ("audit", "Aurèle", "Audit", Role.AUDITOR),
]
DEMO_LOGINS = [(name, DEMO_PASSWORD, role.value) for name, _first, _last, role in DEMO_USERS]


def demo_company() -> Company:
    company = Company.objects.filter(siren=DEMO_COMPANY["siren"]).first()
    return company or Company.objects.create(**DEMO_COMPANY)


def ensure_demo_users() -> list[tuple[str, str, str]]:
    users = get_user_model()
    for username, first, last, role in DEMO_USERS:
        user = users.objects.filter(username=username).first()
        if user is None:
            make = users.objects.create_superuser if role == Role.ADMIN else users.objects.create_user
            user = make(username=username, password=DEMO_PASSWORD, email=f"{username}@demo.example",
                        first_name=first, last_name=last)
        Profile.objects.get_or_create(user=user, defaults={"role": role.value})
    return DEMO_LOGINS


def assign_demo_staff(company: Company) -> None:
    """Share the customers between the demo collectors and sales people, in turn by id."""
    users = get_user_model()
    by_role = {}
    for username, _first, _last, role in DEMO_USERS:
        by_role.setdefault(role, []).append(users.objects.get(username=username).pk)
    for field, staff in (("collector_id", by_role[Role.COLLECTOR]), ("account_manager_id", by_role[Role.SALES])):
        for i, pk in enumerate(staff):
            ids = Customer.objects.filter(company=company).annotate(turn=F("id") % len(staff)).filter(turn=i)
            Customer.objects.filter(pk__in=ids.values("pk")).update(**{field: pk})


DEMO_INSURER = "Assureur-crédit de démonstration"


def set_demo_limits(company: Company, as_of: date) -> None:
    """Realistic limits: about three months of the customer's sales of the last year (two months of terms
    and one of orders), rounded down to 500; one business customer in three insured for 80 % of it; consumers
    keep the company's default (cash on order). A new company gets a default limit of 1,500."""
    from django.db.models import Sum

    from encours.core.records import CustomerKind, DocumentKind
    from encours.ledger.models import Document

    company.default_credit_limit = Decimal("1500.00")
    company.save(update_fields=["default_credit_limit"])
    sales = (Document.objects.filter(company=company, kind=DocumentKind.INVOICE, document_date__lte=as_of,
                                     document_date__gt=as_of - timedelta(days=365))
             .values("customer_id").annotate(total=Sum("amount")))
    kinds = dict(Customer.objects.filter(company=company).values_list("pk", "kind"))
    updates = []
    for row in sales:
        if kinds.get(row["customer_id"]) == CustomerKind.CONSUMER:
            continue
        limit = max(Decimal(500), (row["total"] / 4 // 500) * 500)
        insured = row["customer_id"] % 3 == 0 and kinds[row["customer_id"]] == CustomerKind.BUSINESS
        updates.append(Customer(pk=row["customer_id"], credit_limit=limit,
                                insurer=DEMO_INSURER if insured else "",
                                insured_limit=(limit * 8 / 10 // 100) * 100 if insured else None))
    Customer.objects.bulk_update(updates, ["credit_limit", "insurer", "insured_limit"], batch_size=1000)


def load_demo(*, customers: int, invoices: int, seed: int, as_of: date, progress=None) -> tuple[ImportSummary, list]:
    spec = PortfolioSpec(customers=customers, invoices=invoices, seed=seed, as_of=as_of)
    digest = hashlib.sha256(repr(spec).encode()).hexdigest()
    with transaction.atomic():
        company = demo_company()
        logins = ensure_demo_users()
        if ImportBatch.objects.filter(company=company, kind=ImportKind.DEMO).exists():
            # loaded on an earlier day or with other sizes: keep it (delete the database to start again)
            return ImportSummary(filename="demo", already_imported=True), logins
        batch = generate(spec)
        summary = import_batch(company, batch, kind=ImportKind.DEMO, digest=digest, progress=progress)
        assign_demo_staff(company)
        set_demo_limits(company, as_of)
        load_demo_credit(company, as_of, seed)
    current_snapshot(company, timezone.localdate())  # the home page's figures, ready before the first visit
    run_dunning(company, as_of)  # the worklist of the portfolio's day (a second run that day adds nothing)
    return summary, logins
