"""Bump the ledger revision when documents or allocations are saved or deleted through the ORM.

Bulk writes that send no signal (``import_batch``'s inserts) bump it themselves. Proxies send signals under
their own class, hence every document class is named; ``QuerySet.update`` sends none: bump by hand.
"""
from django.db.models.signals import post_delete, post_save

from encours.ledger.models import Allocation, CreditNote, Document, Invoice, Payment
from encours.reporting.positions import bump_revision

LEDGER_MODELS = (Document, Invoice, CreditNote, Payment, Allocation)


def ledger_changed(sender, instance, **kwargs) -> None:
    bump_revision(instance.company_id)


def connect() -> None:
    for model in LEDGER_MODELS:
        post_save.connect(ledger_changed, sender=model, dispatch_uid=f"positions_saved_{model.__name__}")
        post_delete.connect(ledger_changed, sender=model, dispatch_uid=f"positions_deleted_{model.__name__}")
