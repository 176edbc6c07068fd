"""Sawt's errors and the one renderer of API errors.

Every API error, expected or not, leaves as
`{"error": {"code": str, "message": str, "details": {}}}` with its HTTP status.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

from sawt.core.logs import current_request_id

logger = logging.getLogger("sawt.errors")


class SawtError(Exception):
    """A domain or operational error with a stable code, a message for people, and an HTTP status."""

    code = "error"
    message = "Something went wrong."
    status_code: int = status.HTTP_400_BAD_REQUEST

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status_code: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.status_code = status_code or self.status_code
        self.details = details or {}
        super().__init__(self.message)


class ValidationFailed(SawtError):
    code = "invalid"
    message = "The request is not valid."


class NotFound(SawtError):
    code = "not_found"
    message = "Not found."
    status_code = status.HTTP_404_NOT_FOUND


class Conflict(SawtError):
    code = "conflict"
    message = "The request conflicts with the current state."
    status_code = status.HTTP_409_CONFLICT


class PayloadTooLarge(SawtError):
    code = "payload_too_large"
    message = "The request body is larger than allowed."
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE


class RateLimited(SawtError):
    code = "rate_limited"
    message = "Too many requests. Try again later."
    status_code = status.HTTP_429_TOO_MANY_REQUESTS

    def __init__(self, retry_after: int, **kwargs: Any) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(details={"retry_after": self.retry_after}, **kwargs)


class ServiceUnavailable(SawtError):
    code = "service_unavailable"
    message = "A service Sawt depends on is unavailable."
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def error_response(
    code: str, message: str, status_code: int, details: dict[str, Any] | None = None
) -> JsonResponse:
    response = JsonResponse(error_body(code, message, details), status=status_code)
    if status_code == 429 and details and "retry_after" in details:
        response["Retry-After"] = str(details["retry_after"])
    return response


_DRF_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "rate_limited",
    exceptions.ParseError: "malformed_request",
}


def _flatten_detail(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {str(k): _flatten_detail(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten_detail(v) for v in detail]
    return str(detail)


def _validation_code(detail: Any) -> str:
    """DRF's own code of the first failing field ("required", "invalid", "max_length", ...)."""
    codes = detail
    while isinstance(codes, dict | list) and codes:
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return str(codes) if isinstance(codes, str) and codes else "invalid"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every error becomes the Sawt error body."""
    if isinstance(exc, SawtError):
        response = Response(error_body(exc.code, exc.message, exc.details), status=exc.status_code)
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, DataError):
        # A value the database cannot store (a NUL byte in text, a number out of range): the input is bad.
        invalid = ValidationFailed("A value in the request cannot be stored or searched.", code="invalid_value")
        return Response(error_body(invalid.code, invalid.message), status=400)
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is unreachable: say so, and when to try again, instead of a generic 500.
        logger.warning("database unavailable: %s", type(exc).__name__, extra={"request_id": current_request_id()})
        unavailable = ServiceUnavailable("The database is unavailable. Try again shortly.", details={"retry_after": 5})
        response = Response(error_body(unavailable.code, unavailable.message, unavailable.details), status=503)
        response["Retry-After"] = "5"
        return response
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        too_big = PayloadTooLarge()
        return Response(error_body(too_big.code, too_big.message), status=413)

    # Imported here: rest_framework.views reads the throttle settings, which import this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    handled = drf_exception_handler(exc, context)
    if handled is None:
        return _unexpected(exc, context.get("request"))
    response = handled

    assert isinstance(exc, exceptions.APIException)
    if isinstance(exc, exceptions.ValidationError):
        codes = exc.get_codes()
        body = error_body(
            _validation_code(codes),
            "The request is not valid.",
            {"fields": _flatten_detail(exc.detail)} if isinstance(exc.detail, dict) else
            {"errors": _flatten_detail(exc.detail)},
        )
    else:
        code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), None)
        details: dict[str, Any] = {}
        wait = getattr(exc, "wait", None)
        if isinstance(exc, exceptions.Throttled) and wait is not None:
            details["retry_after"] = max(1, int(wait + 0.999))
            response["Retry-After"] = str(details["retry_after"])
        body = error_body(code or str(exc.default_code), str(exc.detail), details)
    response.data = body
    return response


def _unexpected(exc: Exception, request: HttpRequest | None) -> Response:
    request_id = current_request_id()
    logger.exception("unexpected error", extra={"request_id": request_id})
    details: dict[str, Any] = {"request_id": request_id}
    if settings.DEBUG:
        details["exception"] = repr(exc)
    return Response(
        error_body("server_error", "An unexpected error occurred.", details), status=500
    )
