from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "sawt.accounts"
    label = "accounts"
    verbose_name = "Accounts"


class SawtAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with Sawt's admin site, whose login counts failures like every sign-in."""

    default = False  # not this module's app config: that stays AccountsConfig
    default_site = "sawt.accounts.admin_site.SawtAdminSite"
