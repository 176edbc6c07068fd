"""With Redis unreachable, the API, logins and sockets still answer: the rate limits fail open."""

import socket
import time
from collections.abc import Iterator

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import re_path

from sawt.core import ratelimit
from sawt.core.ratelimit import redis_client
from sawt.core.wsauth import WebSocketAuthMiddleware
from tests.conftest import point_redis_at
from tests.core.test_websocket_auth import WhoAmI, token_header
from tests.core.test_websocket_auth import app as whoami_app

pytestmark = pytest.mark.django_db

GENEROUS_SECONDS = 3.0


@pytest.fixture
def redis_silent(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """A port that accepts connections and never answers, as a hung or firewalled Redis does."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        point_redis_at(settings, f"redis://127.0.0.1:{listener.getsockname()[1]}/0")
        yield
    redis_client.cache_clear()
    ratelimit.reset_breaker()


def _timed(call):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_it_answers_api_calls_without_errors_while_redis_is_down(redis_down, api):
    for path in ("/api/v1/auth/me/", "/api/v1/dictation/items/", "/api/v1/meetings/"):
        response, seconds = _timed(lambda: api.get(path))  # noqa: B023
        assert response.status_code == 200, (path, response.content)
        assert seconds < GENEROUS_SECONDS, path


def test_it_signs_in_and_refuses_bad_passwords_while_redis_is_down(redis_down, owner):
    client = Client()
    good, seconds = _timed(
        lambda: client.post(
            "/api/v1/auth/token",
            {"username": "owner", "password": "correct horse battery staple"},
            content_type="application/json",
        )
    )
    assert good.status_code == 201 and good.json()["token"]
    assert seconds < GENEROUS_SECONDS
    bad = client.post("/api/v1/auth/token", {"username": "owner", "password": "wrong"}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid_credentials"
    page = client.post("/accounts/login/", {"username": "owner", "password": "correct horse battery staple"})
    assert page.status_code == 302


def test_it_stops_waiting_on_a_hung_redis_after_the_first_failure(redis_silent, api):
    first, seconds = _timed(lambda: api.get("/api/v1/auth/me/"))
    assert first.status_code == 200
    assert seconds < GENEROUS_SECONDS
    # The limiter now skips Redis for a while: later requests do not wait for the timeout again.
    for _ in range(3):
        response, seconds = _timed(lambda: api.get("/api/v1/meetings/"))
        assert response.status_code == 200
        assert seconds < 1.0


def test_it_warns_once_and_not_for_every_request(redis_down, api, caplog):
    with caplog.at_level("WARNING", logger="sawt.ratelimit"):
        for _ in range(5):
            api.get("/api/v1/auth/me/")
        ratelimit.reset_breaker(keep_warning_time=True)  # the breaker closes and Redis fails again
        api.get("/api/v1/auth/me/")
    warnings = [r for r in caplog.records if r.name == "sawt.ratelimit"]
    assert len(warnings) == 1
    assert "fail open" in warnings[0].getMessage()


def test_it_reports_redis_down_in_health_as_degraded_with_200(redis_down):
    response, seconds = _timed(lambda: Client().get("/health"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["components"]["redis"] == "error"
    assert body["components"]["database"] == "ok"
    assert seconds < GENEROUS_SECONDS


class WhoAmIOffTheLayer(WhoAmI):
    channel_layer_alias = "unused"  # as chat, live meetings and telephony: no channel layer


@pytest.mark.django_db(transaction=True)
async def test_it_opens_sockets_that_need_no_channel_layer_while_redis_is_down(redis_down, owner):
    app = WebSocketAuthMiddleware(URLRouter([re_path(r"^ws/whoami/?$", WhoAmIOffTheLayer.as_asgi())]))
    header = await token_header(owner)
    communicator = WebsocketCommunicator(app, "/ws/whoami/", headers=[header])
    connected, _ = await communicator.connect(timeout=GENEROUS_SECONDS)
    assert connected
    assert (await communicator.receive_json_from(GENEROUS_SECONDS))["user"] == "owner"
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_it_closes_a_socket_on_the_channel_layer_with_an_error_frame_and_4503_while_redis_is_down(
    redis_down, owner
):
    header = await token_header(owner)
    communicator = WebsocketCommunicator(whoami_app, "/ws/whoami/", headers=[header])
    connected, _ = await communicator.connect(timeout=GENEROUS_SECONDS)
    assert connected
    frame = await communicator.receive_json_from(GENEROUS_SECONDS)
    assert (frame["type"], frame["code"]) == ("error", "service_unavailable")
    assert (await communicator.receive_output(GENEROUS_SECONDS)) == {"type": "websocket.close", "code": 4503}


@pytest.mark.django_db(transaction=True)
async def test_it_closes_a_ticket_socket_with_4401_while_redis_is_down(redis_down):
    communicator = WebsocketCommunicator(whoami_app, "/ws/whoami/?ticket=anything")
    connected, _ = await communicator.connect(timeout=GENEROUS_SECONDS)
    assert connected
    assert (await communicator.receive_output(GENEROUS_SECONDS)) == {"type": "websocket.close", "code": 4401}


def test_it_answers_503_for_a_socket_ticket_while_redis_is_down(redis_down, api):
    response = api.post("/api/v1/auth/ws-ticket")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"


def test_it_reports_celery_as_an_error_quickly_when_its_broker_is_down(redis_down, settings, monkeypatch):
    from sawt.celery import app
    from sawt.core import health

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setitem(app.conf, "broker_url", settings.REDIS_URL)
    monkeypatch.setitem(health._celery_cache, "value", None)
    response, seconds = _timed(lambda: Client().get("/health"))
    assert response.status_code == 200
    assert response.json()["components"]["celery"] == "error"
    assert seconds < GENEROUS_SECONDS


@pytest.mark.django_db(transaction=True)
async def test_it_closes_a_notifications_socket_with_an_error_frame_and_4503_while_redis_is_down(redis_down, owner):
    from sawt.asgi import application

    header = await token_header(owner)
    communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=[(b"host", b"testserver"), header])
    connected, _ = await communicator.connect(timeout=GENEROUS_SECONDS)
    assert connected
    frame = await communicator.receive_json_from(GENEROUS_SECONDS)
    assert (frame["type"], frame["code"]) == ("error", "service_unavailable")
    assert (await communicator.receive_output(GENEROUS_SECONDS)) == {"type": "websocket.close", "code": 4503}
