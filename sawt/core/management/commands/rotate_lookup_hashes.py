"""Recomputes every lookup hash (`sawt.core.fields.register_lookup_hash`) under the current
SAWT_LOOKUP_HASH_KEY, from the decrypted values.

Rotating the lookup-hash key: stop the processes that look rows up or create them (web and workers),
set the new SAWT_LOOKUP_HASH_KEY, run this, start them again. Rows are rewritten in locked batches, one
transaction each; running it twice is harmless.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, transaction

from sawt.core.fields import LookupHash, lookup_hashes


class Command(BaseCommand):
    help = "Recompute every lookup hash under the current SAWT_LOOKUP_HASH_KEY."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="rows locked and rewritten per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        failures: list[str] = []
        for entry in lookup_hashes():
            rehashed, seen = _rehash(entry, batch_size=max(1, options["batch_size"]), failures=failures)
            self.stdout.write(f"{entry.model._meta.label}.{entry.hash_field}: {rehashed} of {seen} rows rehashed")
        if failures:
            raise CommandError(f"{len(failures)} rows kept their old hash:\n" + "\n".join(failures[:20]))
        self.stdout.write(self.style.SUCCESS("done"))


def _rehash(entry: LookupHash, *, batch_size: int, failures: list[str]) -> tuple[int, int]:
    manager = entry.model._base_manager
    rehashed, seen = 0, 0
    last_pk: Any = None
    while True:
        with transaction.atomic():
            rows = manager.select_for_update().only("pk", entry.hash_field, entry.source_field).order_by("pk")
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            batch = list(rows[:batch_size])
            for row in batch:
                before = getattr(row, entry.hash_field)
                entry.fill(row)
                if getattr(row, entry.hash_field) == before:
                    continue
                try:
                    with transaction.atomic():
                        manager.filter(pk=row.pk).update(**{entry.hash_field: getattr(row, entry.hash_field)})
                    rehashed += 1
                except IntegrityError:  # a duplicate row was created while the keys differed
                    failures.append(f"{entry.model._meta.label} {row.pk}: another row already has this value")
        if not batch:
            return rehashed, seen
        seen += len(batch)
        last_pk = batch[-1].pk
