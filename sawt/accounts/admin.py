from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.http import HttpRequest

from sawt.accounts import services
from sawt.accounts.models import ApiToken, User


class PasswordSetByAdminForm(AdminPasswordChangeForm):
    """The admin's "change password" for a user: like every password change, it revokes the user's API tokens."""

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=commit)
        if commit:
            services.api_tokens_revoke_all(user=user)
        return user


@admin.register(User)
class SawtUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Preferences", {"fields": ("time_zone",)}))  # type: ignore[misc]
    list_display = ("username", "email", "time_zone", "is_staff", "date_joined")
    change_password_form = PasswordSetByAdminForm

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.user_deactivate(user=obj)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("name", "owner", "key_hint", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "owner__username")
    readonly_fields = ("key_hash", "key_hint", "created_at", "last_used_at")
