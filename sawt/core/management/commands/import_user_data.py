"""`manage.py import_user_data FILE [--as-user NAME]`: restore an export (new keys, new file names)."""

import zipfile
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sawt.core.backup import BackupError, archive_username, user_data_import


class Command(BaseCommand):
    help = "Restore a user's data from an export_user_data archive, as that user or another existing one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="sealed archive written by export_user_data")
        parser.add_argument(
            "--as-user", default=None, help="existing username to own the data (default: the exported one)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["archive"])
        if not path.is_file():
            raise CommandError(f"{path} not found")
        username = options["as_user"]
        if username is None:
            try:
                username = archive_username(archive_path=path)
            except (BackupError, KeyError) as exc:
                raise CommandError(f"{path} is not a Sawt export: {exc}") from exc
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}; create it first or pass --as-user")
        try:
            counts = user_data_import(archive_path=path, user=user)
        except (BackupError, zipfile.BadZipFile, KeyError) as exc:
            raise CommandError(f"import failed, nothing was restored: {exc}") from exc
        self.stdout.write(f"restored into {username}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
