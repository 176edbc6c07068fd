import base64
import hashlib
import hmac
import uuid

import pytest

from voicebot import telephony

PLIVO_TOKEN = "plivo-test-auth-token"
TWILIO_TOKEN = "twilio-test-auth-token"


@pytest.fixture(autouse=True)
def _voicebot_settings(settings, monkeypatch):  # type: ignore[no-untyped-def]
    from voicebot import pipeline

    settings.VOICEBOT_PUBLIC_BASE_URL = "https://bot.example.com"
    settings.VOICEBOT_PLIVO_AUTH_ID = "MAPLIVOTEST"
    settings.VOICEBOT_PLIVO_AUTH_TOKEN = PLIVO_TOKEN
    settings.VOICEBOT_TWILIO_ACCOUNT_SID = "ACTWILIOTEST"
    settings.VOICEBOT_TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.VOICEBOT_WHATSAPP_SENDER = "+918000000000"
    settings.VOICEBOT_MESSAGING_PROVIDER = ""
    # Tests need not wait for the caller's ear: send bot audio as fast as it is made.
    monkeypatch.setattr(pipeline, "PLAYBACK_LEAD_SECONDS", 600.0)


@pytest.fixture(autouse=True)
def _forget_webhook_answers():  # type: ignore[no-untyped-def]
    """Remembered webhook answers (replay protection) live in Redis, outside the test's transaction."""
    from django.conf import settings

    from sawt.core.ratelimit import redis_client

    yield
    keys = list(redis_client().scan_iter(f"{settings.CACHES['default']['KEY_PREFIX']}:*:voicebot:webhook:*"))
    if keys:
        redis_client().delete(*keys)


def plivo_post(client, path: str, data: dict, *, token: str = PLIVO_TOKEN):  # type: ignore[no-untyped-def]
    """POSTs form data signed the way Plivo signs it (X-Plivo-Signature-V3)."""
    nonce = uuid.uuid4().hex
    url = f"https://bot.example.com{path}"
    signature = telephony.plivo_v3_signature(url=url, method="POST", params=data, nonce=nonce, auth_token=token)
    return client.post(path, data, HTTP_X_PLIVO_SIGNATURE_V3=signature, HTTP_X_PLIVO_SIGNATURE_V3_NONCE=nonce)


def twilio_post(client, path: str, data: dict, *, token: str = TWILIO_TOKEN):  # type: ignore[no-untyped-def]
    url = f"https://bot.example.com{path}"
    payload = url + "".join(f"{k}{data[k]}" for k in sorted(data))
    signature = base64.b64encode(hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()).decode()
    return client.post(path, data, HTTP_X_TWILIO_SIGNATURE=signature)
