from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "encours.accounts"
    verbose_name = "Users and roles"
