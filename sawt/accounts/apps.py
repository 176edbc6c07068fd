from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sawt.accounts"
    label = "accounts"
    verbose_name = "Accounts"
