import json
import logging

import pytest
from django.test import Client

from sawt.core.logs import JsonFormatter, RedactingFilter, RequestContextFilter


def render(record: logging.LogRecord) -> dict:
    RequestContextFilter().filter(record)
    RedactingFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_it_redacts_phone_numbers_emails_and_tokens():
    record = logging.makeLogRecord(
        {"msg": "call from %s mail %s auth Bearer %s", "args": ("+91 98765 43210", "a.b@example.com", "sawt_abcdef123456"), "levelname": "INFO", "name": "x"}
    )
    line = render(record)["message"]
    assert "98765" not in line and "example.com" not in line and "abcdef123456" not in line
    assert line.count("[redacted]") == 3


def test_it_redacts_sensitive_extra_fields():
    record = logging.makeLogRecord({"msg": "turn", "levelname": "INFO", "name": "x", "transcript": "my name is Ann", "phone": "+15551234567"})
    line = render(record)
    assert line["transcript"] == "[redacted]" and line["phone"] == "[redacted]"


@pytest.mark.django_db
def test_it_writes_one_access_line_per_request_with_its_id(caplog):
    with caplog.at_level("INFO", logger="sawt.access"):
        response = Client().get("/health?email=a@b.example")
    record = next(r for r in caplog.records if r.name == "sawt.access")
    assert record.status == 200 and record.method == "GET" and record.path == "/health"
    assert record.request_id == response["X-Request-ID"]
    assert record.duration_ms >= 0
