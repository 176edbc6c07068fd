import json
import logging
import sys

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from sawt.asgi import application  # at import: Django's setup configures logging anew, past caplog
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


RESET_PATH = "/accounts/password/reset/zz/c4x9kq-0123456789abcdef0123456789abcdef/"


@pytest.mark.django_db
def test_it_logs_one_access_line_with_neither_the_query_string_nor_a_password_reset_token(caplog):
    with caplog.at_level("INFO", logger="sawt.access"):
        Client().get(RESET_PATH, {"code": "oauth-secret-code", "q": "private search"})

    written = [render(record) for record in caplog.records]
    access = [line for line in written if line["logger"] == "sawt.access"]
    assert len(access) == 1
    assert access[0]["path"] == "/accounts/password/reset/zz/[redacted]/" and access[0]["status"] == 200
    everything = json.dumps(written)
    assert "0123456789abcdef" not in everything and "oauth-secret-code" not in everything
    assert "private search" not in everything


@pytest.mark.django_db
def test_it_logs_a_request_that_a_middleware_answers_before_any_view(caplog):
    with caplog.at_level("INFO", logger="sawt.access"):
        response = Client().post(
            "/api/v1/meetings/", b"x", content_type="application/octet-stream", CONTENT_LENGTH=str(10**13)
        )

    access = [record for record in caplog.records if record.name == "sawt.access"]
    assert response.status_code == 413
    assert [(record.method, record.path, record.status) for record in access] == [("POST", "/api/v1/meetings/", 413)]


@pytest.mark.django_db(transaction=True)
async def test_it_logs_each_websocket_handshake_once_without_its_query_string(caplog):
    with caplog.at_level("INFO", logger="sawt.access"):
        # A ticket authenticates it, so any Origin will do; no such ticket: accepted, then closed with 4401.
        accepted = WebsocketCommunicator(application, "/ws/notifications/?ticket=one-time-secret-ticket")
        assert (await accepted.connect())[0]
        assert (await accepted.receive_output(5))["code"] == 4401
        await accepted.wait()
        # The session cookie could authenticate it, and it comes with no Origin: refused.
        refused = WebsocketCommunicator(application, "/ws/notifications/")
        assert not (await refused.connect())[0]

    written = [render(record) for record in caplog.records]
    access = [(line["method"], line["path"], line["status"]) for line in written if line["logger"] == "sawt.access"]
    assert access == [("WEBSOCKET", "/ws/notifications/", 101), ("WEBSOCKET", "/ws/notifications/", 403)]
    assert "one-time-secret-ticket" not in json.dumps(written)


def test_the_procfiles_run_daphne_without_its_own_access_log(tmp_path):
    """daphne's access log writes whole URIs (search terms, OAuth codes, reset tokens) to stdout, past
    the redacting filter; the web process logs each request once, through the JSON logger."""
    from urllib.error import HTTPError
    from urllib.request import urlopen

    from sawt.settings.env import BASE_DIR
    from sawt.testing.liveserver import DaphneServer

    web = {
        name: next(line.removeprefix("web:").strip() for line in (BASE_DIR / name).read_text().splitlines()
                   if line.startswith("web:"))
        for name in ("Procfile", "Procfile.embedded")
    }
    assert web["Procfile"] == web["Procfile.embedded"]
    program, _, arguments = web["Procfile"].partition(" ")
    assert program == ".venv/bin/daphne"
    log = tmp_path / "web.log"
    server = DaphneServer(
        env={
            "DJANGO_SETTINGS_MODULE": "sawt.settings.test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",  # neither request reads it
            "SAWT_BIND": "127.0.0.1",
        },
        log_path=log,
    )
    server.command = ["bash", "-c", f'exec "{sys.executable}" -m daphne {arguments}']
    server.env["PORT"] = str(server.port)
    with server:
        for path in ("/api/v1/nope?code=oauth-secret-code", f"{RESET_PATH}?q=private+search"):
            try:
                urlopen(f"{server.url}{path}", timeout=30).read()
            except HTTPError as answered:
                assert answered.code == 404
    output = log.read_text()

    access = [json.loads(line) for line in output.splitlines() if '"logger": "sawt.access"' in line]
    assert [(line["path"], line["status"]) for line in access] == [
        ("/api/v1/nope", 404),
        ("/accounts/password/reset/zz/[redacted]/", 200),
    ]
    assert "oauth-secret-code" not in output and "0123456789abcdef" not in output and "private+search" not in output
