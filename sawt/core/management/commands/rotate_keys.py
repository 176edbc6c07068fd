"""Re-encrypts every encrypted column under the newest key of SAWT_ENCRYPTION_KEYS, bound to its column.

Add the new key first in the list, keep the old ones after it, run this, then drop the old keys. It also
rewrites values written before ciphertexts named their column (`v1:`). Rows are read and rewritten in
batches, each locked (select_for_update) in its own transaction, so a value saved meanwhile by the
application is never overwritten with the old one, and no lock is held for the whole table.
"""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models.functions import Cast

from sawt.core import crypto
from sawt.core.fields import EncryptedTextField


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the newest SAWT_ENCRYPTION_KEYS key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="rows locked and rewritten per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        total, failures = 0, []
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            rewritten, seen, failed = _rotate(model, fields, batch_size=max(1, options["batch_size"]))
            total += rewritten
            failures += failed
            self.stdout.write(f"{model._meta.label}: {rewritten} of {seen} rows re-encrypted")
        if failures:
            listed = "\n".join(failures[:20])
            raise CommandError(f"{len(failures)} values could not be decrypted and were left as they are:\n{listed}")
        self.stdout.write(self.style.SUCCESS(f"done: {total} rows re-encrypted"))


def _rotate(
    model: type[models.Model], fields: list[EncryptedTextField], *, batch_size: int
) -> tuple[int, int, list[str]]:
    # The stored ciphertext as text: the field itself would hand back the plaintext.
    sealed = {f"sealed_{f.name}": Cast(f.name, output_field=models.TextField()) for f in fields}
    manager = model._base_manager
    rewritten, seen, failures = 0, 0, []
    last_pk: Any = None
    while True:
        with transaction.atomic():
            rows = manager.select_for_update().order_by("pk")
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            batch = list(rows.annotate(**sealed).values("pk", *sealed)[:batch_size])
            for row in batch:
                changes = {}
                for field in fields:
                    token = row[f"sealed_{field.name}"]
                    if not token or not crypto.needs_rotation(token):
                        continue
                    try:
                        changes[field.name] = crypto.decrypt(token, context=field.encryption_context)
                    except crypto.DecryptionError as exc:
                        failures.append(f"{model._meta.label} {row['pk']} {field.name}: {exc}")
                if changes:
                    manager.filter(pk=row["pk"]).update(**changes)  # the field encrypts anew on the way in
                    rewritten += 1
        if not batch:
            return rewritten, seen, failures
        seen += len(batch)
        last_pk = batch[-1]["pk"]
