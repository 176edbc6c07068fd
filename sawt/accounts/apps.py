from typing import Any

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "sawt.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        # Every way out (the logout page, the admin's, any other) goes through Django's `logout()`,
        # which sends this signal: the one place to hear of it.
        user_logged_out.connect(_close_sockets_on_logout, dispatch_uid="sawt.accounts.close_sockets")


def _close_sockets_on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from sawt.core.wsauth import sockets_revoke

    if user is not None and user.pk is not None:
        sockets_revoke(user_id=user.pk)


class SawtAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with Sawt's admin site, whose login counts failures like every sign-in."""

    default = False  # not this module's app config: that stays AccountsConfig
    default_site = "sawt.accounts.admin_site.SawtAdminSite"
