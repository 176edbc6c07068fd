"""WhatsApp through the business's telephony provider: one adapter per messaging API.

Base URLs are settings, so tests run the real client against a local FakeServer.
- Plivo: `POST {base}/v1/Account/{auth_id}/Message/` JSON `{src, dst, type: "whatsapp", text}`,
  HTTP basic auth (auth id, auth token); answers `{"message_uuid": [..]}` with 202.
- Twilio: `POST {base}/2010-04-01/Accounts/{sid}/Messages.json` form `From=whatsapp:+..`,
  `To=whatsapp:+..`, `Body`; basic auth (account sid, auth token); answers `{"sid": ..}` with 201.

Business-initiated messages use an approved template when the business names one (Twilio Content API:
`ContentSid` + `ContentVariables` JSON; Plivo: `template` {name, language, components}); every send asks
for a status callback (Twilio `StatusCallback`, Plivo `url`). A refused template (Twilio error 63016, at
once or in the status callback) can fall back to SMS (`VOICEBOT_SMS_FALLBACK`).

A worker can die after the provider took a message and before the row says so. Before sending such a
message again, `find_sent` asks the provider's message list whether it already went out:
- Plivo: `GET {base}/v1/Account/{auth_id}/Message/?message_direction=outbound&message_type=whatsapp&
  message_time__gte=..` answers `{"objects": [{"message_uuid", "to_number", ...}]}`.
- Twilio: `GET {base}/2010-04-01/Accounts/{sid}/Messages.json?To=whatsapp:+..&From=..&DateSent>=..`
  answers `{"messages": [{"sid", "body", ...}]}`.
"""

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Protocol

import httpx
from django.conf import settings


class TransientSendError(Exception):
    """Network trouble, 429 or 5xx: worth trying again later."""


class PermanentSendError(Exception):
    """The provider refused the message (bad number, bad credentials): retrying will not help."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code  # the provider's error code, e.g. "63016" (Twilio: free-form text outside a session)


# Twilio: "Failed to send freeform message because you are outside the allowed window. Use a template."
TEMPLATE_REQUIRED = "63016"


@dataclass
class Outgoing:
    """One message to send: a template with its variables when `template` is set, else the text."""

    to: str
    text: str
    template: str = ""
    variables: dict[str, str] = field(default_factory=dict)  # "1": ..., "2": ... in template order
    status_callback: str = ""
    sender: str = ""  # the business's own sender; blank: the configured one
    sms: bool = False  # the SMS fallback of a refused template


class WhatsAppSender(Protocol):
    def send(self, *, to: str, text: str) -> str:
        """Sends and returns the provider's message id."""
        ...

    def deliver(self, message: Outgoing) -> str:
        """Sends a template, text or SMS with a status callback; the provider's message id."""
        ...

    def find_sent(self, *, to: str, text: str, since: dt.datetime) -> str | None:
        """The id of this message if the provider took it at or after `since`, else None."""
        ...


def _post(url: str, auth: tuple[str, str], **kwargs: object) -> dict[str, object]:
    return _call("POST", url, auth, **kwargs)


def _get(url: str, auth: tuple[str, str], params: dict[str, str]) -> dict[str, object]:
    return _call("GET", url, auth, params=params)


def _call(method: str, url: str, auth: tuple[str, str], **kwargs: object) -> dict[str, object]:
    try:
        response = httpx.request(method, url, auth=auth, timeout=10.0, **kwargs)  # type: ignore[arg-type]
    except httpx.HTTPError as exc:
        raise TransientSendError(type(exc).__name__) from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientSendError(f"HTTP {response.status_code}")
    if response.status_code >= 400:
        try:
            detail = response.json()
        except ValueError:
            detail = {}
        code = str(detail.get("code") or detail.get("error_code") or "") if isinstance(detail, dict) else ""
        raise PermanentSendError(f"HTTP {response.status_code} {code}".strip(), code=code)
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
        return self.deliver(Outgoing(to=to, text=text))

    def deliver(self, message: Outgoing) -> str:
        payload: dict[str, object] = {"src": message.sender or self.sender, "dst": message.to}
        if message.sms:
            payload.update(type="sms", text=message.text)
        elif message.template:
            parameters = [{"type": "text", "text": value} for value in message.variables.values()]
            payload.update(
                type="whatsapp",
                template={
                    "name": message.template,
                    "language": "en",
                    "components": [{"type": "body", "parameters": parameters}],
                },
            )
        else:
            payload.update(type="whatsapp", text=message.text)
        if message.status_callback:
            payload["url"] = message.status_callback
        body = _post(
            f"{self.base_url.rstrip('/')}/v1/Account/{self.auth_id}/Message/",
            (self.auth_id, self.auth_token),
            json=payload,
        )
        ids = body.get("message_uuid") or [""]
        return str(ids[0] if isinstance(ids, list) else ids)

    def find_sent(self, *, to: str, text: str, since: dt.datetime) -> str | None:
        # Plivo's list has no message text: one outbound WhatsApp to this number since the claim is ours.
        body = _get(
            f"{self.base_url.rstrip('/')}/v1/Account/{self.auth_id}/Message/",
            (self.auth_id, self.auth_token),
            {
                "message_direction": "outbound",
                "message_type": "whatsapp",
                "message_time__gte": since.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
                "limit": "20",
            },
        )
        objects = body.get("objects")
        for item in objects if isinstance(objects, list) else []:
            if isinstance(item, dict) and _digits(item.get("to_number")) == _digits(to):
                return str(item.get("message_uuid", ""))
        return None


@dataclass
class TwilioWhatsApp:
    base_url: str
    account_sid: str
    auth_token: str
    sender: str

    def send(self, *, to: str, text: str) -> str:
        return self.deliver(Outgoing(to=to, text=text))

    def deliver(self, message: Outgoing) -> str:
        sender = message.sender or self.sender
        channel = "" if message.sms else "whatsapp:"
        data = {"From": f"{channel}{sender}", "To": f"{channel}{message.to}"}
        if message.template and not message.sms:
            data.update(ContentSid=message.template, ContentVariables=json.dumps(message.variables))
        else:
            data["Body"] = message.text
        if message.status_callback:
            data["StatusCallback"] = message.status_callback
        body = _post(
            f"{self.base_url.rstrip('/')}/2010-04-01/Accounts/{self.account_sid}/Messages.json",
            (self.account_sid, self.auth_token),
            data=data,
        )
        return str(body.get("sid", ""))

    def find_sent(self, *, to: str, text: str, since: dt.datetime) -> str | None:
        body = _get(
            f"{self.base_url.rstrip('/')}/2010-04-01/Accounts/{self.account_sid}/Messages.json",
            (self.account_sid, self.auth_token),
            {
                "To": f"whatsapp:{to}",
                "From": f"whatsapp:{self.sender}",
                "DateSent>": since.astimezone(dt.UTC).strftime("%Y-%m-%d"),
                "PageSize": "50",
            },
        )
        messages = body.get("messages")
        for item in messages if isinstance(messages, list) else []:
            if isinstance(item, dict) and item.get("body") == text:
                return str(item.get("sid", ""))
        return None


def _digits(number: object) -> str:
    return "".join(c for c in str(number or "") if c.isdigit())


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
