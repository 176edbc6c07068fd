"""Fake Twilio and Plivo messaging APIs that behave like the real ones where it matters to delivery.

- Twilio `POST /2010-04-01/Accounts/<sid>/Messages.json`: a free-form WhatsApp `Body` is refused with
  error 63016 (400 `{"code": 63016}`) unless `session_open`, as outside the 24-hour customer window; a
  `ContentSid` template or an SMS (no `whatsapp:` prefix) is accepted (201 `{"sid": ...}`).
- Plivo `POST /v1/Account/<id>/Message/`: free-form WhatsApp text likewise refused unless
  `session_open`; templates and SMS accepted (202 `{"message_uuid": [...]}`).
- `status_callbacks()`: for every accepted message that asked for one, the callback the provider would
  send next (URL and form fields), so a test can deliver it signed.
"""

import itertools
from dataclasses import dataclass, field
from typing import Any

from sawt.testing.fakeserver import FakeRequest, FakeServer, Reply


@dataclass
class FakeMessaging:
    account: str
    session_open: bool = False
    server: FakeServer = field(default_factory=FakeServer)
    accepted: list[dict[str, Any]] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def twilio(self) -> "FakeMessaging":
        self.server.add("POST", f"/2010-04-01/Accounts/{self.account}/Messages.json", self._twilio_send)
        return self

    def plivo(self) -> "FakeMessaging":
        self.server.add("POST", f"/v1/Account/{self.account}/Message/", self._plivo_send)
        return self

    def _twilio_send(self, request: FakeRequest) -> Reply:
        form = request.form()
        whatsapp = form.get("To", "").startswith("whatsapp:")
        if whatsapp and "ContentSid" not in form and not self.session_open:
            return 400, {}, {"code": 63016, "message": "Failed to send freeform message outside the window"}
        sid = f"SM{next(self._ids):032d}"
        self.accepted.append({"provider": "twilio", "id": sid, "callback": form.get("StatusCallback", ""), **form})
        return 201, {}, {"sid": sid, "status": "queued"}

    def _plivo_send(self, request: FakeRequest) -> Reply:
        body = request.json()
        if body.get("type") == "whatsapp" and "template" not in body and not self.session_open:
            return 400, {}, {"error": "template required outside the session window", "error_code": "63016"}
        uuid = f"uuid-{next(self._ids)}"
        self.accepted.append({"provider": "plivo", "id": uuid, "callback": body.get("url", ""), **body})
        return 202, {}, {"message_uuid": [uuid], "api_id": "x"}

    def status_callbacks(self, status: str = "delivered", error_code: str = "") -> list[tuple[str, dict[str, str]]]:
        """(callback URL, form) for each accepted message that asked for a callback, reporting `status`."""
        out = []
        for message in self.accepted:
            if not message["callback"]:
                continue
            if message["provider"] == "twilio":
                form = {"MessageSid": message["id"], "MessageStatus": status}
            else:
                form = {"MessageUUID": message["id"], "Status": status}
            if error_code:
                form["ErrorCode"] = error_code
            out.append((message["callback"], form))
        return out
