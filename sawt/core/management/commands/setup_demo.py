"""Creates the demo account for `make run`. Only when DEBUG is on. The login is printed once every process is
ready (`announce_ready`), not here, where the start-up banners would bury it."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the demo account (development only) and print its login."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            self.stdout.write("DEBUG is off: no demo account.")
            return
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username="demo", defaults={"email": "demo@example.com", "is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password("demo-sawt")
            user.save()
        self.stdout.write("Demo account: demo / demo-sawt (printed again once Sawt is ready).")
