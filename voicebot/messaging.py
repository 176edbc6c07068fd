"""WhatsApp through the business's telephony provider: one adapter per messaging API.

Base URLs are settings, so tests run the real client against a local FakeServer.
- Plivo: `POST {base}/v1/Account/{auth_id}/Message/` JSON `{src, dst, type: "whatsapp", text}`,
  HTTP basic auth (auth id, auth token); answers `{"message_uuid": [..]}` with 202.
- Twilio: `POST {base}/2010-04-01/Accounts/{sid}/Messages.json` form `From=whatsapp:+..`,
  `To=whatsapp:+..`, `Body`; basic auth (account sid, auth token); answers `{"sid": ..}` with 201.
"""

from dataclasses import dataclass
from typing import Protocol

import httpx
from django.conf import settings


class TransientSendError(Exception):
    """Network trouble, 429 or 5xx: worth trying again later."""


class PermanentSendError(Exception):
    """The provider refused the message (bad number, bad credentials): retrying will not help."""


class WhatsAppSender(Protocol):
    def send(self, *, to: str, text: str) -> str:
        """Sends and returns the provider's message id."""
        ...


def _post(url: str, auth: tuple[str, str], **kwargs: object) -> dict[str, object]:
    try:
        response = httpx.post(url, auth=auth, timeout=10.0, **kwargs)  # type: ignore[arg-type]
    except httpx.HTTPError as exc:
        raise TransientSendError(type(exc).__name__) from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientSendError(f"HTTP {response.status_code}")
    if response.status_code >= 400:
        raise PermanentSendError(f"HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError as exc:
        raise TransientSendError("unreadable provider answer") from exc
    return body if isinstance(body, dict) else {}


@dataclass
class PlivoWhatsApp:
    base_url: str
    auth_id: str
    auth_token: str
    sender: str

    def send(self, *, to: str, text: str) -> str:
        body = _post(
            f"{self.base_url.rstrip('/')}/v1/Account/{self.auth_id}/Message/",
            (self.auth_id, self.auth_token),
            json={"src": self.sender, "dst": to, "type": "whatsapp", "text": text},
        )
        ids = body.get("message_uuid") or [""]
        return str(ids[0] if isinstance(ids, list) else ids)


@dataclass
class TwilioWhatsApp:
    base_url: str
    account_sid: str
    auth_token: str
    sender: str

    def send(self, *, to: str, text: str) -> str:
        body = _post(
            f"{self.base_url.rstrip('/')}/2010-04-01/Accounts/{self.account_sid}/Messages.json",
            (self.account_sid, self.auth_token),
            data={"From": f"whatsapp:{self.sender}", "To": f"whatsapp:{to}", "Body": text},
        )
        return str(body.get("sid", ""))


def get_sender() -> WhatsAppSender | None:
    provider = settings.VOICEBOT_MESSAGING_PROVIDER
    if provider == "plivo":
        return PlivoWhatsApp(
            settings.VOICEBOT_PLIVO_API_URL,
            settings.VOICEBOT_PLIVO_AUTH_ID,
            settings.VOICEBOT_PLIVO_AUTH_TOKEN,
            settings.VOICEBOT_WHATSAPP_SENDER,
        )
    if provider == "twilio":
        return TwilioWhatsApp(
            settings.VOICEBOT_TWILIO_API_URL,
            settings.VOICEBOT_TWILIO_ACCOUNT_SID,
            settings.VOICEBOT_TWILIO_AUTH_TOKEN,
            settings.VOICEBOT_WHATSAPP_SENDER,
        )
    return None
