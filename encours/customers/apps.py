from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "encours.customers"
    verbose_name = "Customers"
