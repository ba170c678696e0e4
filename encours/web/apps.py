from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "encours.web"
    verbose_name = "Web application"
