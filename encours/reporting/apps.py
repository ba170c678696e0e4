from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "encours.reporting"
    verbose_name = "Reporting"
