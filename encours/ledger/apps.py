from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "encours.ledger"
    verbose_name = "Ledger"
