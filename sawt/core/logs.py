"""JSON-lines logging with the request's id, and a filter that keeps personal data out of logs."""

import contextvars
import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("sawt_request_id", default="-")
_user_id: contextvars.ContextVar[str] = contextvars.ContextVar("sawt_user_id", default="-")


def current_request_id() -> str:
    return _request_id.get()


def bind_request(request_id: str, user_id: str = "-") -> None:
    _request_id.set(request_id)
    _user_id.set(user_id)


def bind_user(user_id: str) -> None:
    _user_id.set(user_id)


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        if not hasattr(record, "user_id"):
            record.user_id = _user_id.get()
        return True


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# 10 to 15 digits with spaces, dashes or parentheses between them: phone numbers, not dates, times or IPs.
_PHONE = re.compile(r"(?<![\w/.:-])\+?\(?\d(?:[\s()-]{0,2}\d){9,14}(?![\w.:-])")
_TOKEN = re.compile(r"(?i)\b(token|bearer|ticket|key|secret|password|authorization)(\W{1,3})[\w\-.:~+/=]{6,}")
_SENSITIVE_KEYS = {
    "password", "token", "access_token", "refresh_token", "authorization", "phone", "phone_number",
    "email", "transcript", "text", "payload", "caller", "secret", "ticket",
}
REDACTED = "[redacted]"
# The token of a password-reset link (/accounts/password/reset/<uidb64>/<token>/) sets the password.
_RESET_TOKEN = re.compile(r"(/password/reset/[\w-]+/)(?!set-password/)[\w-]+")


def redact_path(path: str) -> str:
    """A URL path as logs may carry it: without secrets in its segments (query strings never go in)."""
    return _RESET_TOKEN.sub(lambda m: f"{m.group(1)}{REDACTED}", path)


def redact_text(text: str) -> str:
    text = redact_path(text)
    text = _TOKEN.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    text = _EMAIL.sub(REDACTED, text)
    return _PHONE.sub(REDACTED, text)


def _redact_value(key: str, value: Any) -> Any:
    if key.lower() in _SENSITIVE_KEYS:
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: _redact_value(str(k), v) for k, v in value.items()}
    return value


class RedactingFilter(logging.Filter):
    """Rewrites each record so phone numbers, emails, tokens and transcripts never reach a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact_text(message)
        record.args = None
        for key in list(vars(record)):
            if key.lower() in _SENSITIVE_KEYS:
                setattr(record, key, REDACTED)
            elif key == "fields" and isinstance(record.__dict__[key], dict):
                record.__dict__[key] = _redact_value(key, record.__dict__[key])
        return True


_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = redact_text(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)
