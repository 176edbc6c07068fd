"""Walks every object-level URL and socket route as an outsider: each must answer 404 (4404)."""

from collections.abc import Iterator

import pytest
from channels.testing import WebsocketCommunicator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from sawt.asgi import application
from sawt.routing import websocket_urlpatterns
from tests.ownership import NOT_OBJECT_NAMESPACES, NOT_OBJECT_URLS, OWNED_OBJECTS

pytestmark = pytest.mark.django_db(transaction=True)


def walk(patterns, namespace: str = "") -> Iterator[tuple[str, list[str]]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in NOT_OBJECT_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            for name, kwargs in walk(entry.url_patterns, inner):
                yield name, sorted({*kwargs, *entry.pattern.regex.groupindex})
        elif isinstance(entry, URLPattern) and entry.pattern.regex.groupindex:
            yield f"{namespace}{entry.name}", sorted(entry.pattern.regex.groupindex)


def object_urls() -> list[tuple[str, list[str]]]:
    found = [(name, kwargs) for name, kwargs in walk(get_resolver().url_patterns)]
    return [(n, k) for n, k in found if n.rsplit(":", 1)[-1] not in NOT_OBJECT_URLS and n != "api-not-found"]


def test_every_object_url_is_named_and_has_an_owned_object_factory():
    for name, kwargs in object_urls():
        assert not name.endswith("None"), f"URL with keywords {kwargs} has no name"
        missing = [k for k in kwargs if k not in OWNED_OBJECTS]
        assert not missing, f"{name}: add an owned-object factory for {missing} in tests/ownership.py"


@pytest.mark.parametrize(("name", "kwargs"), object_urls(), ids=[n for n, _ in object_urls()])
def test_an_outsider_gets_404(name, kwargs, owner, outsider):
    values = {k: OWNED_OBJECTS[k](owner) for k in kwargs}
    url = reverse(name, kwargs=values)
    token_client = APIClient()
    from sawt.accounts.services import api_token_create

    token_client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=outsider, name='t')[1]}")
    session_client = APIClient()
    session_client.force_login(outsider)
    # Pages know only the session; the API knows both.
    clients = (token_client, session_client) if url.startswith(("/api/", "/v1/")) else (session_client,)
    for client in clients:
        statuses = {}
        for method in ("get", "post", "patch", "put", "delete"):
            statuses[method] = getattr(client, method)(url, {}, format="json").status_code
        allowed = {m: s for m, s in statuses.items() if s != 405}
        assert allowed, f"{url}: every method answered 405"
        assert set(allowed.values()) == {404}, f"{url} as outsider: {allowed}"


def socket_routes() -> list[tuple[str, list[str]]]:
    return [(r.pattern.regex.pattern, sorted(r.pattern.regex.groupindex)) for r in websocket_urlpatterns]


def socket_path(route_regex: str, values: dict) -> str:
    import re

    path = route_regex.lstrip("^").rstrip("$").replace("/?", "/")
    for key, value in values.items():
        path = re.sub(rf"\(\?P<{key}>[^)]*\)", str(value), path)
    return "/" + path


@pytest.mark.parametrize(("route", "kwargs"), socket_routes() or [("", [])], ids=[r for r, _ in socket_routes()] or ["none"])
async def test_an_outsider_socket_is_closed_with_4404_and_a_stranger_with_4401(route, kwargs, owner, outsider):
    if not route:
        pytest.skip("no socket routes yet")
    from channels.db import database_sync_to_async

    missing = [k for k in kwargs if k not in OWNED_OBJECTS]
    assert not missing, f"socket {route}: add an owned-object factory for {missing} in tests/ownership.py"
    values = {}
    for k in kwargs:
        values[k] = await database_sync_to_async(OWNED_OBJECTS[k])(owner)
    path = socket_path(route, values)
    from sawt.accounts.services import api_token_create

    _, key = await database_sync_to_async(api_token_create)(user=outsider, name="t")
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]

    stranger = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await stranger.connect()
    assert connected
    assert (await stranger.receive_output(5))["code"] == 4401
    await stranger.disconnect()

    if kwargs:
        token_headers = [(b"host", b"testserver"), (b"authorization", f"Bearer {key}".encode())]
        intruder = WebsocketCommunicator(application, path, headers=token_headers)
        connected, _ = await intruder.connect()
        assert connected
        assert (await intruder.receive_output(5))["code"] == 4404
        await intruder.disconnect()
