import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def assert_error_body(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]


def test_it_answers_401_with_the_error_body_without_credentials():
    response = Client().get("/api/v1/auth/tokens/")
    assert_error_body(response, 401, "not_authenticated")
    assert "WWW-Authenticate" in response


def test_it_answers_401_for_a_bad_token():
    response = Client().get("/api/v1/auth/tokens/", HTTP_AUTHORIZATION="Bearer nope")
    assert_error_body(response, 401, "authentication_failed")


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/nope/", "/v1/unknown", "/api"])
def test_it_answers_unknown_api_paths_with_the_json_404(path):
    assert_error_body(Client().get(path), 404, "not_found")


def test_it_answers_unknown_pages_with_the_friendly_404_page():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_it_serves_paths_with_and_without_the_trailing_slash(api):
    assert api.get("/api/v1/auth/tokens/").status_code == 200
    assert api.get("/api/v1/auth/tokens").status_code == 200
    assert api.post("/api/v1/auth/token/", {"username": "x", "password": "y"}, format="json").status_code == 400


def test_it_answers_malformed_json_with_400(api):
    response = api.post("/api/v1/auth/tokens/", data=b'{"name": ', content_type="application/json")
    assert_error_body(response, 400, "malformed_request")


def test_it_answers_a_wrong_content_type_with_415(api):
    response = api.post("/api/v1/auth/tokens/", data=b"name=x", content_type="text/plain")
    assert_error_body(response, 415, "unsupported_media_type")


def test_it_answers_validation_errors_with_drf_codes_and_fields(api):
    error = assert_error_body(api.post("/api/v1/auth/tokens/", {}, format="json"), 400, "required")
    assert "name" in error["details"]["fields"]


@override_settings(SAWT_MAX_BODY_BYTES=1000)
def test_it_answers_an_oversize_body_with_413(api):
    response = api.post("/api/v1/auth/tokens/", {"name": "x" * 5000}, format="json")
    error = assert_error_body(response, 413, "payload_too_large")
    assert error["details"]["limit_bytes"] == 1000


@override_settings(SAWT_MAX_UPLOAD_BYTES=1000)
def test_it_answers_an_oversize_upload_with_413(api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("a.wav", b"x" * 5000, content_type="audio/wav")
    response = api.post("/api/v1/auth/tokens/", {"name": "x", "file": upload}, format="multipart")
    assert_error_body(response, 413, "payload_too_large")


def test_it_answers_405_with_the_error_body(api):
    assert_error_body(api.put("/api/v1/auth/ws-ticket", {}, format="json"), 405, "method_not_allowed")


def test_it_logs_unexpected_errors_and_answers_a_generic_500(api, caplog, monkeypatch):
    from sawt.accounts import apis

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(apis, "issue_ticket", explode)
    with caplog.at_level("ERROR", logger="sawt.errors"):
        response = api.post("/api/v1/auth/ws-ticket")
    error = assert_error_body(response, 500, "server_error")
    assert "secret internals" not in response.content.decode()
    assert error["details"]["request_id"] == response["X-Request-ID"]
    assert any(r.request_id == response["X-Request-ID"] for r in caplog.records)


def test_it_answers_a_value_the_database_cannot_hold_with_400_not_500(api):
    from django.db import connection

    response = api.get("/api/v1/meetings/search/", {"q": "budget\x00review"})
    if connection.vendor == "postgresql":  # PostgreSQL text cannot hold NUL; SQLite simply finds nothing
        assert_error_body(response, 400, "invalid_value")
    else:
        assert response.status_code == 200
