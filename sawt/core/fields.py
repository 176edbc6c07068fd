from typing import Any

from django.db import models

from sawt.core import crypto


class EncryptedTextField(models.TextField):
    """A text column stored as AES-256-GCM ciphertext; Python code sees the plaintext.

    Not searchable: store a `crypto.lookup_hash` beside it when rows must be found by value.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))
