"""Load a generated demo portfolio into the database, with demo log-ins."""
from __future__ import annotations

import hashlib
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from encours.customers.models import Company
from encours.demo.generator import PortfolioSpec, generate
from encours.ledger.models import ImportBatch, ImportKind
from encours.ledger.services import ImportSummary, import_batch

DEMO_COMPANY = {
    "name": "Démo Distribution SAS",
    "siren": "732829320",
    "address": "12 rue des Entrepreneurs\n69003 Lyon",
    "iban": "FR7630006000011234567890189",
    "bic": "AGRIFRPP",
}
# Demo only: printed by `encours demo`; a real installation creates its own users.
DEMO_LOGINS = [("admin", "encours-demo", "administrator")]


def demo_company() -> Company:
    company = Company.objects.filter(siren=DEMO_COMPANY["siren"]).first()
    return company or Company.objects.create(**DEMO_COMPANY)


def ensure_demo_users() -> list[tuple[str, str, str]]:
    users = get_user_model()
    for username, password, _role in DEMO_LOGINS:
        if not users.objects.filter(username=username).exists():
            users.objects.create_superuser(username=username, password=password, email=f"{username}@demo.example")
    return DEMO_LOGINS


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
    return summary, logins
