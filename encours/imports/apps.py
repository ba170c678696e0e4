from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "encours.imports"
    verbose_name = "Import jobs"
