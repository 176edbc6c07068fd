"""AES-256-GCM encryption at rest with rotating keys, keyed lookup hashes, and sealed archives.

Keys come from SAWT_ENCRYPTION_KEYS: base64 32-byte keys, newest first. Ciphertext is stored as
`v2:<key id>:<base64(nonce || ciphertext || tag)>`, sealed with associated data naming the key and the
column it belongs to ("voicebot.caller.phone"), so a value copied into another column or model fails
to decrypt. Values written before that binding (`v1:`, associated data the key id only) still decrypt;
`manage.py rotate_keys` rewrites them, and values under older keys, as `v2:` under the newest key.

Archives (`sawt.core.backup`) are sealed in chunks under SAWT_BACKUP_KEYS, see `ArchiveWriter`.
"""

import base64
import hashlib
import hmac
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import IO

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v2"
LEGACY_PREFIX = "v1"  # before ciphertexts named their column; read, never written


class DecryptionError(Exception):
    pass


@dataclass(frozen=True)
class Key:
    id: str
    secret: bytes


def _key_from_text(text: str, setting: str) -> Key:
    text = text.strip().translate(str.maketrans("-_", "+/"))  # URL-safe base64 (Fernet.generate_key) too
    secret = base64.b64decode(text + "=" * (-len(text) % 4))
    if len(secret) != 32:
        raise ImproperlyConfigured(f"Each {setting} entry must be 32 bytes, base64-encoded.")
    return Key(id=hashlib.sha256(secret).hexdigest()[:8], secret=secret)


@cache
def _keys(raw: tuple[str, ...], setting: str, dev_label: str) -> tuple[Key, ...]:
    if raw:
        return tuple(_key_from_text(text, setting) for text in raw)
    if not settings.DEBUG:
        raise ImproperlyConfigured(f"{setting} must be set when DJANGO_DEBUG is off.")
    # Development only: derived from SECRET_KEY so `make run` works with no configuration.
    return (Key(id="dev", secret=hashlib.sha256(f"{dev_label}:{settings.SECRET_KEY}".encode()).digest()),)


def keys() -> tuple[Key, ...]:
    return _keys(tuple(settings.SAWT_ENCRYPTION_KEYS), "SAWT_ENCRYPTION_KEYS", "sawt-dev")


def _associated_data(key: Key, context: str) -> bytes:
    return f"{key.id}:{context}".encode()


def encrypt(plaintext: str, *, context: str) -> str:
    """Seals `plaintext` for the column named by `context` ("app_label.model.field")."""
    if not context:
        raise ValueError("a ciphertext must name the column it belongs to")
    key = keys()[0]
    nonce = os.urandom(12)
    sealed = AESGCM(key.secret).encrypt(nonce, plaintext.encode(), _associated_data(key, context))
    return f"{PREFIX}:{key.id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str, *, context: str) -> str:
    try:
        prefix, key_id, body = token.split(":", 2)
    except ValueError as exc:
        raise DecryptionError("not a Sawt ciphertext") from exc
    if prefix not in (PREFIX, LEGACY_PREFIX):
        raise DecryptionError("unknown ciphertext version")
    key = next((k for k in keys() if k.id == key_id), None)
    if key is None:
        raise DecryptionError(f"no configured key with id {key_id}")
    associated = _associated_data(key, context) if prefix == PREFIX else key.id.encode()
    raw = base64.b64decode(body)
    try:
        return AESGCM(key.secret).decrypt(raw[:12], raw[12:], associated).decode()
    except Exception as exc:  # cryptography raises InvalidTag without a message
        raise DecryptionError(f"ciphertext failed authentication as {context}") from exc


def needs_rotation(token: str) -> bool:
    """True for a value under an older key or in the unbound `v1` format."""
    return not token.startswith(f"{PREFIX}:{keys()[0].id}:")


def lookup_hash(value: str) -> str:
    """HMAC-SHA256 under its own key, so equal values can be found without decrypting every row."""
    secret = settings.SAWT_LOOKUP_HASH_KEY
    if not secret:
        if not settings.DEBUG:
            raise ImproperlyConfigured("SAWT_LOOKUP_HASH_KEY must be set when DJANGO_DEBUG is off.")
        secret = f"sawt-dev-lookup:{settings.SECRET_KEY}"
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


# --- sealed archives -----------------------------------------------------------------
#
# magic, key id length, key id, 16-byte salt; then chunks of at most ARCHIVE_CHUNK bytes, each sealed
# with AES-256-GCM under a key derived (HKDF) from the backup key and the salt. The nonce is the
# chunk's counter plus a last-chunk flag and the header is the associated data of every chunk
# (the STREAM construction), so reordered, dropped or truncated chunks fail to open.

ARCHIVE_MAGIC = b"SAWT-SEALED-1\n"
ARCHIVE_CHUNK = 1 << 20
_TAG = 16


class ArchiveKeyError(DecryptionError):
    pass


def backup_keys() -> tuple[Key, ...]:
    return _keys(tuple(settings.SAWT_BACKUP_KEYS), "SAWT_BACKUP_KEYS", "sawt-dev-backup")


def _archive_cipher(key: Key, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"sawt archive").derive(key.secret)
    return AESGCM(derived)


def _chunk_nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class ArchiveWriter:
    """A write-only file object that seals what is written to `raw` under the newest backup key.

    `finish()` seals the last chunk; without it the archive does not open.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        key = backup_keys()[0]
        salt = os.urandom(16)
        self._header = ARCHIVE_MAGIC + bytes([len(key.id)]) + key.id.encode() + salt
        self._cipher = _archive_cipher(key, salt)
        self._raw = raw
        self._buffer = bytearray()
        self._index = 0
        raw.write(self._header)

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > ARCHIVE_CHUNK:  # keep at least one byte back: the last chunk is sealed apart
            self._seal(bytes(self._buffer[:ARCHIVE_CHUNK]), last=False)
            del self._buffer[:ARCHIVE_CHUNK]
        return len(data)

    def flush(self) -> None:
        self._raw.flush()

    def close(self) -> None:
        """Closes nothing: `raw` belongs to the caller, and only `finish()` makes the archive whole."""

    def finish(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()
        self._raw.flush()

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        self._raw.write(self._cipher.encrypt(_chunk_nonce(self._index, last), chunk, self._header))
        self._index += 1


def archive_open(raw: IO[bytes]) -> Iterator[bytes]:
    """The plaintext chunks of a sealed archive; raises DecryptionError at the first one that fails."""
    magic = raw.read(len(ARCHIVE_MAGIC))
    if magic != ARCHIVE_MAGIC:
        raise DecryptionError("not a sealed Sawt archive")
    id_length = raw.read(1)
    key_id = raw.read(id_length[0] if id_length else 0).decode(errors="replace")
    salt = raw.read(16)
    if len(salt) != 16:
        raise DecryptionError("truncated archive header")
    key = next((k for k in backup_keys() if k.id == key_id), None)
    if key is None:
        raise ArchiveKeyError(f"sealed with backup key {key_id}, which SAWT_BACKUP_KEYS does not hold")
    header = magic + id_length + key_id.encode() + salt
    cipher = _archive_cipher(key, salt)
    return _archive_chunks(raw, cipher, header)


def _archive_chunks(raw: IO[bytes], cipher: AESGCM, header: bytes) -> Iterator[bytes]:
    index = 0
    chunk = raw.read(ARCHIVE_CHUNK + _TAG)
    while True:
        following = raw.read(ARCHIVE_CHUNK + _TAG) if len(chunk) == ARCHIVE_CHUNK + _TAG else b""
        last = not following
        try:
            yield cipher.decrypt(_chunk_nonce(index, last), chunk, header)
        except Exception as exc:  # InvalidTag: tampered, truncated or another key
            raise DecryptionError("archive failed authentication (altered, truncated or another key)") from exc
        if last:
            return
        chunk, index = following, index + 1
