"""The admin site: Django's, with its login checked like every other sign-in (login_attempt's limits)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from sawt.accounts.forms import AdminLoginForm
from sawt.accounts.views import refuse_when_rate_limited


class SawtAdminSite(admin.AdminSite):
    site_header = "Sawt administration"
    site_title = "Sawt"
    index_title = "Sawt"
    login_form = AdminLoginForm

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return refuse_when_rate_limited(super().login)(request, extra_context)  # type: ignore[return-value]
