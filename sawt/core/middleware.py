"""Request plumbing: request ids and access logs, body limits, and paths with or without a slash."""

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, get_resolver

from sawt.core.errors import PayloadTooLarge, error_response
from sawt.core.logs import bind_request, bind_user

logger = logging.getLogger("sawt.access")

API_PREFIXES = ("/api/", "/v1/")


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
    """One JSON line per request: method, path, status, duration; never bodies or query strings."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            bind_user(str(user.pk))
        response = self.get_response(request)
        user = getattr(request, "user", None)
        logger.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": str(user.pk) if user is not None and user.is_authenticated else "-",
            },
        )
        return response


def upload_limit_for(path: str) -> int:
    return settings.SAWT_MAX_UPLOAD_BYTES


class BodySizeLimitMiddleware:
    """Answers 413 before reading a body whose declared length is over the limit.

    Multipart uploads may be as large as SAWT_MAX_UPLOAD_BYTES; anything else as large as
    SAWT_MAX_BODY_BYTES. Bodies without a declared length are capped by the upload handlers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        content_type = request.META.get("CONTENT_TYPE", "")
        is_upload = content_type.startswith("multipart/form-data") or content_type.startswith("audio/") or (
            content_type == "application/octet-stream"
        )
        limit = upload_limit_for(request.path) if is_upload else settings.SAWT_MAX_BODY_BYTES
        if length > limit:
            error = PayloadTooLarge(details={"limit_bytes": limit, "content_length": length})
            return error_response(error.code, error.message, 413, error.details)
        return self.get_response(request)


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
