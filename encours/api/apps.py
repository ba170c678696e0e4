from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "encours.api"
    verbose_name = "API"
