"""`manage.py export_user_data --user NAME --output FILE`: one user's data as a sealed, restorable archive
(readable only with SAWT_BACKUP_KEYS; the file is created with mode 0600)."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sawt.core.backup import user_data_export


class Command(BaseCommand):
    help = "Export a user's data in every app (rows and stored files) to an archive sealed with SAWT_BACKUP_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--output", required=True, help="path of the archive to write (must not exist)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user named {options['user']!r}")
        output = Path(options["output"])
        if output.exists():
            raise CommandError(f"{output} exists; not overwriting it")
        try:
            counts = user_data_export(user=user, output=output)
        except FileExistsError as exc:
            raise CommandError(f"{output} exists; not overwriting it") from exc
        self.stdout.write(f"wrote {output}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
