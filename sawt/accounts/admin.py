from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from sawt.accounts.models import ApiToken, User


@admin.register(User)
class SawtUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Preferences", {"fields": ("time_zone",)}))  # type: ignore[misc]
    list_display = ("username", "email", "time_zone", "is_staff", "date_joined")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("name", "owner", "key_hint", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "owner__username")
    readonly_fields = ("key_hash", "key_hint", "created_at", "last_used_at")
