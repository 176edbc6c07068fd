"""Plivo and Twilio: webhook signatures, answer XML, stream tokens and the media-stream wire formats.

Both providers stream G.711 mu-law 8 kHz as base64 in JSON text frames; `PlivoProtocol` and
`TwilioProtocol` translate their events to one small vocabulary the call pipeline understands, so
one pipeline serves both (and the browser test-call page, which speaks Plivo's protocol).
"""

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.core import signing

_TOKEN_SALT = "voicebot.stream"
STREAM_TOKEN_SECONDS = 60  # lifetime of the signed token in a media stream URL
# The longest a call's media stream lasts (Plivo's streamTimeout). A call row still open after this was
# left by a process that died: it no longer counts as a call in progress.
MAX_CALL_SECONDS = 1800


# --- signatures ----------------------------------------------------------------------


def _multi(params: Mapping[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key in params:
        values = params.getlist(key) if hasattr(params, "getlist") else [params[key]]
        out[key] = [str(v) for v in values]
    return out


def plivo_v3_signature(*, url: str, method: str, params: Mapping[str, Any], nonce: str, auth_token: str) -> str:
    """Plivo's X-Plivo-Signature-V3 (documented in Plivo's "Validating requests" and plivo-python's
    `validate_v3_signature`):

    1. Base URL = scheme://host/path of the full request URL. Its query parameters, merged for GET
       requests with the request parameters, are sorted by key (then value) and appended as
       `?k1=v1&k2=v2`. For POST, if there are body parameters the base gets `?` (plus the sorted
       query and a `.` when there is a query too), followed by the body parameters sorted by key,
       each as key immediately followed by its value(s), no separators.
    2. Append `.` and the nonce from X-Plivo-Signature-V3-Nonce.
    3. HMAC-SHA256 with the account auth token, base64. The header may hold several comma-separated
       signatures (one per token during a rotation); any match is valid.
    """
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    query = _multi(dict(parse_qsl(parts.query, keep_blank_values=True)))
    body = _multi(params)
    if method.upper() == "GET":
        query = {**query, **body}
        body = {}
    query_string = "&".join(f"{k}={v}" for k in sorted(query) for v in sorted(query[k]))
    if query_string or body:
        base = f"{base}?{query_string}"
    if query_string and body:
        base += "."
    base += "".join(f"{k}{v}" for k in sorted(body) for v in sorted(body[k]))
    digest = hmac.new(auth_token.encode(), f"{base}.{nonce}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def plivo_signature_valid(*, url: str, method: str, params: Mapping[str, Any], headers: Mapping[str, str]) -> bool:
    token = settings.VOICEBOT_PLIVO_AUTH_TOKEN
    provided = headers.get("X-Plivo-Signature-V3", "")
    nonce = headers.get("X-Plivo-Signature-V3-Nonce", "")
    if not token or not provided or not nonce:
        return False
    expected = plivo_v3_signature(url=url, method=method, params=params, nonce=nonce, auth_token=token)
    return any(hmac.compare_digest(expected, sig.strip()) for sig in provided.split(","))


def twilio_signature(*, url: str, params: Mapping[str, Any], auth_token: str) -> str:
    """Twilio's X-Twilio-Signature: HMAC-SHA1 (auth token) over the full URL followed by each POST
    parameter, sorted by name, as name+value with no separators; base64."""
    body = _multi(params)
    payload = url + "".join(f"{k}{v}" for k in sorted(body) for v in body[k])
    return base64.b64encode(hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def twilio_signature_valid(*, url: str, params: Mapping[str, Any], headers: Mapping[str, str]) -> bool:
    token = settings.VOICEBOT_TWILIO_AUTH_TOKEN
    provided = headers.get("X-Twilio-Signature", "")
    if not token or not provided:
        return False
    return hmac.compare_digest(twilio_signature(url=url, params=params, auth_token=token), provided)


# --- stream tokens and answer XML ------------------------------------------------------


def stream_token(*, business_id: int, call_id: int) -> str:
    return signing.dumps({"b": business_id, "c": call_id}, salt=_TOKEN_SALT, compress=True)


def read_stream_token(token: str) -> tuple[int, int] | None:
    """(business id, call id) of a token younger than STREAM_TOKEN_SECONDS, else None."""
    try:
        data = signing.loads(token, salt=_TOKEN_SALT, max_age=STREAM_TOKEN_SECONDS)
        return int(data["b"]), int(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def plivo_answer_xml(*, stream_url: str, after_url: str, status_url: str) -> str:
    # keepCallAlive: when the socket closes, Plivo goes on to the <Redirect>, which decides between
    # hang-up, transfer and voicemail.
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Response>'
        f'<Stream bidirectional="true" keepCallAlive="true" contentType="audio/x-mulaw;rate=8000" '
        f'streamTimeout="{MAX_CALL_SECONDS}" statusCallbackUrl={quoteattr(status_url)} statusCallbackMethod="POST">'
        f"{escape(stream_url)}</Stream>"
        f'<Redirect method="POST">{escape(after_url)}</Redirect></Response>'
    )


def twilio_answer_xml(*, stream_url: str, token: str, after_url: str, status_url: str) -> str:
    # Twilio drops query strings on stream URLs, so the token travels as a custom parameter.
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Response>'
        f"<Connect action={quoteattr(after_url)}><Stream url={quoteattr(stream_url)} "
        f'statusCallback={quoteattr(status_url)}><Parameter name="token" value={quoteattr(token)} /></Stream></Connect>'
        "</Response>"
    )


def after_stream_xml(*, provider: str, outcome: str, transfer_number: str, record_url: str) -> str:
    if outcome == "transferred" and transfer_number:
        inner = f"<Dial><Number>{escape(transfer_number)}</Number></Dial>"
    elif outcome == "voicemail":
        if provider == "plivo":
            inner = f'<Record maxLength="120" finishOnKey="#" action={quoteattr(record_url)} method="POST" />'
        else:
            inner = f'<Record maxLength="120" finishOnKey="#" action={quoteattr(record_url)} method="POST" />'
    else:
        inner = "<Hangup />"
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Response>{inner}</Response>'


# --- media-stream protocols ---------------------------------------------------------------


@dataclass
class StreamEvent:
    """One inbound event in the pipeline's vocabulary: start, audio, dtmf, played, cleared, stop."""

    kind: str
    audio: bytes = b""
    digit: str = ""
    name: str = ""
    call_id: str = ""
    caller: str = ""
    params: dict[str, str] = field(default_factory=dict)


class ProtocolError(ValueError):
    pass


def _b64(payload: Any) -> bytes:
    if not isinstance(payload, str):
        raise ProtocolError("media payload must be base64 text")
    try:
        return base64.b64decode(payload, validate=True)
    except ValueError as exc:
        raise ProtocolError("media payload is not valid base64") from exc


class PlivoProtocol:
    """https://www.plivo.com/docs/voice/xml/the-stream-element (bidirectional audio streaming)."""

    name = "plivo"

    def __init__(self) -> None:
        self.stream_id = ""

    def parse(self, message: dict[str, Any]) -> StreamEvent | None:
        event = message.get("event")
        if event == "start":
            start = message.get("start") or {}
            self.stream_id = str(start.get("streamId", ""))
            encoding = str((start.get("mediaFormat") or {}).get("encoding", "audio/x-mulaw"))
            if "mulaw" not in encoding:
                raise ProtocolError(f"unsupported encoding {encoding}")
            extra = message.get("extra_headers") or start.get("extra_headers") or ""
            return StreamEvent(
                "start",
                call_id=str(start.get("callId", "")),
                caller=str(start.get("from", "") or ""),
                params={"extra": str(extra)},
            )
        if event == "media":
            return StreamEvent("audio", audio=_b64((message.get("media") or {}).get("payload")))
        if event == "dtmf":
            return StreamEvent("dtmf", digit=str((message.get("dtmf") or {}).get("digit", "")))
        if event == "playedStream":
            return StreamEvent("played", name=str(message.get("name", "")))
        if event == "clearedAudio":
            return StreamEvent("cleared")
        if event == "stop":
            return StreamEvent("stop")
        raise ProtocolError(f"unknown event {event!r}")

    def audio(self, mulaw: bytes) -> dict[str, Any]:
        return {
            "event": "playAudio",
            "media": {"contentType": "audio/x-mulaw", "sampleRate": 8000, "payload": base64.b64encode(mulaw).decode()},
        }

    def mark(self, name: str) -> dict[str, Any]:
        return {"event": "checkpoint", "streamId": self.stream_id, "name": name}

    def clear(self) -> dict[str, Any]:
        return {"event": "clearAudio", "streamId": self.stream_id}


class TwilioProtocol:
    """https://www.twilio.com/docs/voice/media-streams/websocket-messages (bidirectional)."""

    name = "twilio"

    def __init__(self) -> None:
        self.stream_sid = ""

    def parse(self, message: dict[str, Any]) -> StreamEvent | None:
        event = message.get("event")
        if event == "connected":
            return None
        if event == "start":
            start = message.get("start") or {}
            self.stream_sid = str(start.get("streamSid") or message.get("streamSid") or "")
            encoding = str((start.get("mediaFormat") or {}).get("encoding", "audio/x-mulaw"))
            if "mulaw" not in encoding:
                raise ProtocolError(f"unsupported encoding {encoding}")
            params = {str(k): str(v) for k, v in (start.get("customParameters") or {}).items()}
            return StreamEvent(
                "start", call_id=str(start.get("callSid", "")), caller=params.get("from", ""), params=params
            )
        if event == "media":
            media = message.get("media") or {}
            if media.get("track", "inbound") != "inbound":
                return None
            return StreamEvent("audio", audio=_b64(media.get("payload")))
        if event == "dtmf":
            return StreamEvent("dtmf", digit=str((message.get("dtmf") or {}).get("digit", "")))
        if event == "mark":
            return StreamEvent("played", name=str((message.get("mark") or {}).get("name", "")))
        if event == "stop":
            return StreamEvent("stop")
        raise ProtocolError(f"unknown event {event!r}")

    def audio(self, mulaw: bytes) -> dict[str, Any]:
        return {"event": "media", "streamSid": self.stream_sid, "media": {"payload": base64.b64encode(mulaw).decode()}}

    def mark(self, name: str) -> dict[str, Any]:
        return {"event": "mark", "streamSid": self.stream_sid, "mark": {"name": name}}

    def clear(self) -> dict[str, Any]:
        return {"event": "clear", "streamSid": self.stream_sid}


Protocol = PlivoProtocol | TwilioProtocol
