"""Request plumbing: request ids and access logs, body limits, and paths with or without a slash."""

import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, get_resolver

from sawt.core.errors import PayloadTooLarge, error_body, error_response
from sawt.core.logs import bind_request, bind_user, redact_path

logger = logging.getLogger("sawt.access")

API_PREFIXES = ("/api/", "/v1/")

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[dict[str, Any], Receive, Send], Awaitable[None]]


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIXES) or path in ("/api", "/v1")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        bind_request(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class AccessLogMiddleware:
    """One JSON line per request: method, path, status, duration; never bodies, query strings or
    secrets in the path (redact_path). The web process's only access log (daphne's own is off, see the
    Procfile), so it sits right after RequestIdMiddleware: requests that a later middleware answers
    (413, redirects, static files, CORS preflights) are logged too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        logger.info(
            "request",
            extra={
                "method": request.method,
                "path": redact_path(request.path),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": str(user.pk) if user is not None and user.is_authenticated else "-",
            },
        )
        return response

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        """Every log line of the view carries the signed-in user (the session's; an API token's user
        is known only inside DRF's view, and reaches the access line above)."""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            bind_user(str(user.pk))


class WebSocketAccessLog:
    """The access line of a WebSocket, as AccessLogMiddleware writes one per HTTP request (sockets do
    not pass through Django's middleware): once, when the handshake is answered, 101 accepted or 403
    refused; the path without its query string, where tickets travel. Outermost, so that sockets the
    Origin check refuses are logged too; it also gives each socket a request id for its log lines."""

    def __init__(self, inner: ASGIApp) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.inner(scope, receive, send)
            return
        bind_request(uuid.uuid4().hex)
        started = time.perf_counter()
        answered = False

        def log(status: int) -> None:
            nonlocal answered
            answered = True
            logger.info(
                "request",
                extra={
                    "method": "WEBSOCKET",
                    "path": redact_path(scope["path"]),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": "-",
                },
            )

        async def logged_send(message: Message) -> None:
            if not answered and message["type"] in ("websocket.accept", "websocket.close"):
                log(101 if message["type"] == "websocket.accept" else 403)
            await send(message)

        try:
            await self.inner(scope, receive, logged_send)
        except Exception:
            if not answered:
                log(500)
            raise


def upload_limit_for(path: str) -> int:
    return settings.SAWT_MAX_UPLOAD_BYTES


def body_limit(*, path: str, content_type: str) -> int:
    """The largest body a request may send: SAWT_MAX_UPLOAD_BYTES for multipart, audio and raw bytes,
    SAWT_MAX_BODY_BYTES for anything else (JSON, forms)."""
    is_upload = content_type.startswith("multipart/form-data") or content_type.startswith("audio/") or (
        content_type == "application/octet-stream"
    )
    return upload_limit_for(path) if is_upload else settings.SAWT_MAX_BODY_BYTES


def too_large(*, limit: int, content_length: int | None, received: int | None = None) -> PayloadTooLarge:
    details: dict[str, int | None] = {"limit_bytes": limit, "content_length": content_length}
    if received is not None:
        details["received_bytes"] = received
    return PayloadTooLarge(details=details)


def declared_length(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


class BodySizeLimitMiddleware:
    """Answers 413 before reading a body whose declared length is over `body_limit`.

    Under ASGI, BodySizeLimitApp has refused such bodies already (Django reads the whole body before
    any middleware runs); this one serves WSGI and the test client. Bodies without a declared length
    are capped by BodySizeLimitApp under ASGI and by the upload handlers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = declared_length(request.META.get("CONTENT_LENGTH"))
        limit = body_limit(path=request.path, content_type=request.META.get("CONTENT_TYPE", ""))
        if length > limit:
            error = too_large(limit=limit, content_length=length)
            return error_response(error.code, error.message, 413, error.details)
        return self.get_response(request)


AsgiMessage = Mapping[str, Any]
AsgiReceive = Callable[[], Awaitable[AsgiMessage]]
AsgiSend = Callable[[AsgiMessage], Awaitable[None]]
AsgiApp = Callable[[dict[str, Any], AsgiReceive, AsgiSend], Awaitable[None]]


class BodySizeLimitApp:
    """ASGI wrapper for HTTP: refuses a body over `body_limit` before the app reads it.

    A declared Content-Length over the limit is answered 413 without reading any of the body. A body
    without one (chunked) is counted as it arrives; once past the limit the client gets 413 and the
    app is told the client went away, so it stops reading and answers nothing more.
    """

    def __init__(self, app: AsgiApp) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: AsgiReceive, send: AsgiSend) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name.lower(): value for name, value in scope.get("headers", [])}
        content_type = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
        limit = body_limit(path=scope.get("path", ""), content_type=content_type)
        length = declared_length(headers.get(b"content-length", b"").decode("latin-1") or None)
        if length > limit:
            await self._refuse(send, too_large(limit=limit, content_length=length))
            return

        received = 0
        refused = False
        started = False

        async def counted_receive() -> AsgiMessage:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not started:
                        error = too_large(limit=limit, content_length=length or None, received=received)
                        await self._refuse(send, error)
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message: AsgiMessage) -> None:
            nonlocal started
            if refused:
                return  # the 413 is the answer
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counted_receive, watched_send)

    @staticmethod
    async def _refuse(send: AsgiSend, error: PayloadTooLarge) -> None:
        body = json.dumps(error_body(error.code, error.message, error.details)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class OptionalSlashMiddleware:
    """Serves `/path` and `/path/` alike, without a redirect (POST bodies survive)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        resolver = get_resolver()
        try:
            match = resolver.resolve(path)
            # A catch-all answers unknown API paths; try the other spelling before settling for it.
            needs_alternative = match.url_name == "api-not-found"
        except Resolver404:
            needs_alternative = True
        if needs_alternative and path != "/":
            alternative = path[:-1] if path.endswith("/") else path + "/"
            try:
                match = resolver.resolve(alternative)
                if match.url_name != "api-not-found":
                    request.path_info = alternative
            except Resolver404:
                pass
        return self.get_response(request)
