"""AES-256-GCM encryption at rest with rotating keys, and keyed lookup hashes.

Keys come from SAWT_ENCRYPTION_KEYS: base64 32-byte keys, newest first. Ciphertext is stored as
`v1:<key id>:<base64(nonce || ciphertext || tag)>`, so any listed key can still read old rows and
`manage.py rotate_keys` rewrites them under the newest one.
"""

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1"


class DecryptionError(Exception):
    pass


@dataclass(frozen=True)
class Key:
    id: str
    secret: bytes


def _key_from_text(text: str) -> Key:
    secret = base64.b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    if len(secret) != 32:
        raise ImproperlyConfigured("Each SAWT_ENCRYPTION_KEYS entry must be 32 bytes, base64-encoded.")
    return Key(id=hashlib.sha256(secret).hexdigest()[:8], secret=secret)


@cache
def _keys(raw: tuple[str, ...]) -> tuple[Key, ...]:
    if raw:
        return tuple(_key_from_text(text) for text in raw)
    if not settings.DEBUG:
        raise ImproperlyConfigured("SAWT_ENCRYPTION_KEYS must be set when DJANGO_DEBUG is off.")
    # Development only: derived from SECRET_KEY so `make run` works with no configuration.
    return (Key(id="dev", secret=hashlib.sha256(f"sawt-dev:{settings.SECRET_KEY}".encode()).digest()),)


def keys() -> tuple[Key, ...]:
    return _keys(tuple(settings.SAWT_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    key = keys()[0]
    nonce = os.urandom(12)
    sealed = AESGCM(key.secret).encrypt(nonce, plaintext.encode(), key.id.encode())
    return f"{PREFIX}:{key.id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str) -> str:
    try:
        prefix, key_id, body = token.split(":", 2)
    except ValueError as exc:
        raise DecryptionError("not a Sawt ciphertext") from exc
    if prefix != PREFIX:
        raise DecryptionError("unknown ciphertext version")
    key = next((k for k in keys() if k.id == key_id), None)
    if key is None:
        raise DecryptionError(f"no configured key with id {key_id}")
    raw = base64.b64decode(body)
    try:
        return AESGCM(key.secret).decrypt(raw[:12], raw[12:], key.id.encode()).decode()
    except Exception as exc:  # cryptography raises InvalidTag without a message
        raise DecryptionError("ciphertext failed authentication") from exc


def needs_rotation(token: str) -> bool:
    return not token.startswith(f"{PREFIX}:{keys()[0].id}:")


def lookup_hash(value: str) -> str:
    """HMAC-SHA256 under its own key, so equal values can be found without decrypting every row."""
    secret = settings.SAWT_LOOKUP_HASH_KEY
    if not secret:
        if not settings.DEBUG:
            raise ImproperlyConfigured("SAWT_LOOKUP_HASH_KEY must be set when DJANGO_DEBUG is off.")
        secret = f"sawt-dev-lookup:{settings.SECRET_KEY}"
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()
