from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "encours.history"
    verbose_name = "History"
