"""Re-encrypts every encrypted column under the newest key of SAWT_ENCRYPTION_KEYS.

Add the new key first in the list, keep the old ones after it, run this, then drop the old keys.
"""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from sawt.core import crypto
from sawt.core.fields import EncryptedTextField


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the newest SAWT_ENCRYPTION_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(str(model._meta.pk.column))
            for field in fields:
                column = connection.ops.quote_name(str(field.column))
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} IS NOT NULL")  # noqa: S608
                    rows = [(row_id, value) for row_id, value in cursor.fetchall() if value]
                    stale = [(row_id, value) for row_id, value in rows if crypto.needs_rotation(value)]
                    for row_id, value in stale:
                        cursor.execute(
                            f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608
                            [crypto.encrypt(crypto.decrypt(value)), row_id],
                        )
                total += len(stale)
                self.stdout.write(f"{model._meta.label}.{field.name}: {len(stale)} of {len(rows)} re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"done: {total} values re-encrypted"))
