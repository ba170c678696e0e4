from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "encours.reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        from encours.reporting import signals

        signals.connect()
