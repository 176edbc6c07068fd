import base64
import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from sawt.core import crypto

COLUMN = "voicebot.caller.phone"


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _stored(model, pk, column: str) -> str:  # type: ignore[no-untyped-def]
    """What the database holds, past the field's decryption."""
    table, quoted = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _store(model, pk, column: str, value: str) -> None:  # type: ignore[no-untyped-def]
    table, quoted = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {quoted} = %s WHERE id = %s", [value, pk])


def _unbound_token(plaintext: str) -> str:
    """A ciphertext as Sawt wrote it before values named their column (associated data: the key id)."""
    key = crypto.keys()[0]
    nonce = os.urandom(12)
    sealed = AESGCM(key.secret).encrypt(nonce, plaintext.encode(), key.id.encode())
    return f"v1:{key.id}:{base64.b64encode(nonce + sealed).decode()}"


def test_it_round_trips_and_never_stores_plaintext():
    token = crypto.encrypt("+91 98765 43210", context=COLUMN)
    assert "98765" not in token
    assert crypto.decrypt(token, context=COLUMN) == "+91 98765 43210"
    assert crypto.encrypt("same", context=COLUMN) != crypto.encrypt("same", context=COLUMN)  # fresh nonce


def test_it_detects_tampering():
    token = crypto.encrypt("secret", context=COLUMN)
    raw = bytearray(base64.b64decode(token.split(":", 2)[2]))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token.rsplit(":", 1)[0] + ":" + base64.b64encode(bytes(raw)).decode(), context=COLUMN)


def test_it_reads_old_keys_after_rotation_and_rotate_keys_rewrites(db, owner, settings):
    from sawt.accounts.models import User

    old = new_key()
    settings.SAWT_ENCRYPTION_KEYS = [old]
    token = crypto.encrypt("hello", context=COLUMN)
    new = new_key()
    with override_settings(SAWT_ENCRYPTION_KEYS=[new, old]):
        assert crypto.decrypt(token, context=COLUMN) == "hello"
        assert crypto.needs_rotation(token)
        call_command("rotate_keys")  # no encrypted rows yet in this app set: must still run cleanly
    assert User.objects.filter(pk=owner.pk).exists()


def test_it_accepts_url_safe_base64_keys(settings):
    settings.SAWT_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(b"\xfb\xff" * 16).decode()]  # has - and _
    assert crypto.decrypt(crypto.encrypt("hello", context=COLUMN), context=COLUMN) == "hello"


def test_it_refuses_a_ciphertext_copied_into_another_column_or_model(db):
    from music.models import MusicAccount
    from tests.music.factories import MusicAccountFactory
    from tests.voicebot.factories import CallerFactory
    from voicebot.models import Caller

    caller = CallerFactory(phone="+919812345678")
    account = MusicAccountFactory(access_token="access-token", refresh_token="refresh-token")

    _store(MusicAccount, account.pk, "access_token", _stored(Caller, caller.pk, "phone"))
    with pytest.raises(crypto.DecryptionError):
        MusicAccount.objects.get(pk=account.pk)
    _store(MusicAccount, account.pk, "access_token", _stored(MusicAccount, account.pk, "refresh_token"))
    with pytest.raises(crypto.DecryptionError):
        MusicAccount.objects.get(pk=account.pk)
    assert Caller.objects.get(pk=caller.pk).phone == "+919812345678"


def test_it_reads_values_written_before_binding_and_rotate_keys_binds_them(db):
    from music.models import MusicAccount
    from tests.music.factories import MusicAccountFactory
    from tests.voicebot.factories import CallerFactory
    from voicebot.models import Caller

    caller = CallerFactory(phone="+919812345678")
    _store(Caller, caller.pk, "phone", _unbound_token("+919812345678"))
    assert Caller.objects.get(pk=caller.pk).phone == "+919812345678"

    call_command("rotate_keys")

    rewritten = _stored(Caller, caller.pk, "phone")
    assert rewritten.startswith(f"v2:{crypto.keys()[0].id}:")
    assert Caller.objects.get(pk=caller.pk).phone == "+919812345678"
    account = MusicAccountFactory()
    _store(MusicAccount, account.pk, "access_token", rewritten)
    with pytest.raises(crypto.DecryptionError):
        MusicAccount.objects.get(pk=account.pk)


def test_rotate_keys_rewrites_in_locked_batches(db, settings):
    from tests.voicebot.factories import CallerFactory
    from voicebot.models import Caller

    old, new = new_key(), new_key()
    settings.SAWT_ENCRYPTION_KEYS = [old]
    callers = [CallerFactory(phone=f"+91981234567{n}") for n in range(3)]
    settings.SAWT_ENCRYPTION_KEYS = [new, old]

    with CaptureQueriesContext(connection) as queries:
        call_command("rotate_keys", "--batch-size", "2")

    settings.SAWT_ENCRYPTION_KEYS = [new]  # the old key is gone: every value must be under the new one
    assert [Caller.objects.get(pk=c.pk).phone for c in callers] == [f"+91981234567{n}" for n in range(3)]
    if connection.vendor == "postgresql":
        locked = [q["sql"] for q in queries if "voicebot_caller" in q["sql"] and q["sql"].endswith("FOR UPDATE")]
        assert len(locked) == 3  # two batches of rows, then the empty read that ends the pass


def test_it_keys_lookup_hashes_with_their_own_secret(settings):
    a = crypto.lookup_hash("+15551234567")
    settings.SAWT_LOOKUP_HASH_KEY = "another"
    assert crypto.lookup_hash("+15551234567") != a


def test_rotate_lookup_hashes_lets_callers_be_found_under_a_new_lookup_key(db, settings):
    from tests.voicebot.factories import BusinessFactory
    from voicebot import selectors, services

    business = BusinessFactory()
    services.caller_get_or_create(business=business, phone="+91 98123 45678")
    settings.SAWT_LOOKUP_HASH_KEY = "the-new-lookup-key"
    assert selectors.caller_find(business=business, phone="+919812345678") is None

    call_command("rotate_lookup_hashes", "--batch-size", "1")

    found = selectors.caller_find(business=business, phone="+919812345678")
    assert found is not None and found.phone == "+919812345678"


@pytest.mark.parametrize("size", [0, 1, 16, 17, 32, 50])
def test_a_sealed_archive_opens_whole_and_refuses_reordered_or_cut_chunks(monkeypatch, size):
    import io

    monkeypatch.setattr(crypto, "ARCHIVE_CHUNK", 16)
    content = os.urandom(size)
    sealed = io.BytesIO()
    writer = crypto.ArchiveWriter(sealed)
    for start in range(0, size, 7):  # written in pieces that straddle the chunks
        writer.write(content[start : start + 7])
    writer.finish()
    data = sealed.getvalue()

    assert b"".join(crypto.archive_open(io.BytesIO(data))) == content
    header = len(crypto.ARCHIVE_MAGIC) + 1 + data[len(crypto.ARCHIVE_MAGIC)] + 16
    chunks = [data[i : i + 32] for i in range(header, len(data), 32)]
    tampered = [data[:header] + b"".join(chunks[:-1])]  # the last chunk dropped
    if len(chunks) > 1:
        tampered.append(data[:header] + b"".join([chunks[1], chunks[0], *chunks[2:]]))
    for bad in tampered:
        with pytest.raises(crypto.DecryptionError):
            b"".join(crypto.archive_open(io.BytesIO(bad)))
