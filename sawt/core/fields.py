from dataclasses import dataclass
from typing import Any

from django.db import models

from sawt.core import crypto


class EncryptedTextField(models.TextField):
    """A text column stored as AES-256-GCM ciphertext; Python code sees the plaintext.

    Each value is bound to its column ("app_label.model.field"): copied into another column or model
    it fails to decrypt, so renaming the model or field needs its values rewritten under the new name.
    Not searchable: store a `crypto.lookup_hash` beside it (and register it with
    `register_lookup_hash`) when rows must be found by value.
    """

    @property
    def encryption_context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self.encryption_context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value), context=self.encryption_context)


@dataclass(frozen=True)
class LookupHash:
    """`hash_field` holds `crypto.lookup_hash` of the plaintext of `source_field` (an encrypted field)."""

    model: type[models.Model]
    hash_field: str
    source_field: str

    def fill(self, instance: models.Model) -> None:
        """Recomputes the hash from the plaintext under the current SAWT_LOOKUP_HASH_KEY."""
        value = getattr(instance, self.source_field)
        setattr(instance, self.hash_field, crypto.lookup_hash(value) if value else "")


_lookup_hashes: list[LookupHash] = []


def register_lookup_hash(model: type[models.Model], *, hash_field: str, source_field: str) -> None:
    """Apps declare their lookup hashes so the platform can recompute them (import, key rotation)."""
    entry = LookupHash(model=model, hash_field=hash_field, source_field=source_field)
    if entry not in _lookup_hashes:
        _lookup_hashes.append(entry)


def lookup_hashes(model: type[models.Model] | None = None) -> list[LookupHash]:
    return [entry for entry in _lookup_hashes if model is None or entry.model is model]
