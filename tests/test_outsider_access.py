"""Walks every object-level URL and socket route as an outsider: each must answer 404 (4404), and the
owner must be served by the same URL (a view that answers 404 to everyone proves nothing). Object ids
in request bodies and query strings are tried too: an outsider who sends the owner's id gets exactly
what a missing id gets. Telephony sockets refuse a replayed stream token."""

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from sawt.asgi import application
from sawt.routing import websocket_urlpatterns
from tests.ownership import (
    ID_INPUTS,
    NOT_OBJECT_KWARGS,
    NOT_OBJECT_NAMESPACES,
    NOT_OBJECT_URLS,
    OWNED_OBJECTS,
)

pytestmark = pytest.mark.django_db(transaction=True)

METHODS = ("get", "post", "patch", "put", "delete")
MISSING_ID = 2_000_000_000  # no object has it


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
    return [
        (n, k)
        for n, k in found
        if n.rsplit(":", 1)[-1] not in NOT_OBJECT_URLS
        and n != "api-not-found"
        and any(kwarg not in NOT_OBJECT_KWARGS for kwarg in k)
    ]


def test_every_object_url_is_named_and_has_an_owned_object_factory():
    names = [name for name, _ in object_urls()]
    # social-auth's own routes (login, complete, disconnect) are not mounted: music links accounts through
    # its own signed-in views, so no walk can miss them; were they mounted again, they would be walked here.
    assert not any(name.startswith("social:") for name in names)
    for name, kwargs in object_urls():
        assert not name.endswith("None"), f"URL with keywords {kwargs} has no name"
        missing = [k for k in kwargs if k not in OWNED_OBJECTS and k not in NOT_OBJECT_KWARGS]
        assert not missing, f"{name}: add an owned-object factory for {missing} in tests/ownership.py"


def _token_client(user) -> APIClient:
    from sawt.accounts.services import api_token_create

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='t')[1]}")
    return client


def _session_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _url(name: str, kwargs: list[str], user) -> str:
    values = {k: NOT_OBJECT_KWARGS[k] if k in NOT_OBJECT_KWARGS else OWNED_OBJECTS[k](user) for k in kwargs}
    return reverse(name, kwargs=values)


def _is_api(url: str) -> bool:
    return url.startswith(("/api/", "/v1/"))


def _statuses(client: APIClient, url: str) -> dict[str, int]:
    return {method: getattr(client, method)(url, {}, format="json").status_code for method in METHODS}


@pytest.mark.parametrize(("name", "kwargs"), object_urls(), ids=[n for n, _ in object_urls()])
def test_an_outsider_gets_404_and_the_owner_is_served(name, kwargs, owner, outsider):
    url = _url(name, kwargs, owner)
    # Pages know only the session; the API knows both.
    clients = (_token_client(outsider), _session_client(outsider)) if _is_api(url) else (_session_client(outsider),)
    allowed: dict[str, int] = {}
    for client in clients:
        allowed = {m: s for m, s in _statuses(client, url).items() if s != 405}
        assert allowed, f"{url}: every method answered 405"
        assert set(allowed.values()) == {404}, f"{url} as outsider: {allowed}"

    # The owner, with a fresh object for each method (a DELETE must not spoil the next call).
    served = {}
    for method in allowed:
        mine = _url(name, kwargs, owner)
        client = _token_client(owner) if _is_api(mine) else _session_client(owner)
        served[method] = getattr(client, method)(mine, {}, format="json").status_code
    # Served: past the ownership check. An empty body may well be invalid (400) or untimely (409).
    assert all(s != 404 and s < 500 for s in served.values()), f"{name} as owner: {served}"


def test_social_auth_routes_answer_no_one(client, owner):
    """Music's OAuth never signs anyone in: social-auth's complete and disconnect routes do not exist."""
    client.force_login(owner)
    for path in ("/oauth/login/spotify/", "/oauth/complete/spotify/", "/oauth/disconnect/spotify/1/"):
        assert client.get(path).status_code == 404, path


# --- Ids in bodies and query strings --------------------------------------------------------------

ID_LIKE = re.compile(r"(.+_)?id|into|business|meeting|item|speaker|segment|call|reservation|participant|job")


def schema_id_inputs() -> set[tuple[str, str, str, str]]:
    """(method, path, field, where) for every integer id-like field of a request body or query string."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        if "$ref" in node:
            return schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
        return node

    found = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and ID_LIKE.fullmatch(parameter["name"]):
                    found.add((method.upper(), path, parameter["name"], "query"))
            content = operation.get("requestBody", {}).get("content", {})
            body = resolve(content.get("application/json", {}).get("schema", {}))
            for field, spec in (body.get("properties") or {}).items():
                spec = resolve(spec)
                if ID_LIKE.fullmatch(field) and spec.get("type") == "integer" and not spec.get("readOnly"):
                    found.add((method.upper(), path, field, "body"))
    return found


def test_every_id_in_a_body_or_query_string_has_an_outsider_check():
    found = schema_id_inputs()
    assert ("GET", "/api/v1/voicebot/reservations/", "business", "query") in found
    assert not found - set(ID_INPUTS), "register these with @id_input in tests/<app>/owned.py"
    assert not set(ID_INPUTS) - found, "these @id_input registrations name no field of the schema"


def _call(client: APIClient, method: str, path: str, kwargs: dict, params: dict, where: str):
    url = path.format(**kwargs)
    if where == "query":
        return getattr(client, method.lower())(url, params)
    return getattr(client, method.lower())(url, params, format="json")


def _answer(response) -> tuple[int, Any]:
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        body = response.content
    text = json.dumps(body, sort_keys=True, default=str)
    return response.status_code, re.sub(r"\d{3,}", "N", text)  # ids and timestamps differ, nothing else may


@pytest.mark.parametrize("key", sorted(ID_INPUTS), ids=["{} {} {}".format(*k[:3]) for k in sorted(ID_INPUTS)])
def test_an_outsider_sending_the_owners_id_gets_what_a_missing_id_gets(key, owner, outsider):
    case = ID_INPUTS[key]
    kwargs, params = case.setup(owner)
    served = _call(_token_client(owner), case.method, case.path, kwargs, params, case.where)
    assert served.status_code < 300, f"the owner is not served: {served.status_code} {served.content[:300]!r}"

    theirs = case.setup(owner)[1][case.field]
    own_kwargs, own_params = case.setup(outsider)
    intruder = _token_client(outsider)
    with_owners = _call(intruder, case.method, case.path, own_kwargs, own_params | {case.field: theirs}, case.where)
    with_missing = _call(intruder, case.method, case.path, own_kwargs, own_params | {case.field: MISSING_ID}, case.where)
    assert _answer(with_owners) == _answer(with_missing)
    assert with_owners.status_code >= 400 or case.method == "GET", "the outsider changed something"


# --- Sockets ---------------------------------------------------------------------------------------


def socket_routes() -> list[tuple[str, list[str]]]:
    return [(r.pattern.regex.pattern, sorted(r.pattern.regex.groupindex)) for r in websocket_urlpatterns]


def socket_path(route_regex: str, values: dict) -> str:
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

        _, owners_key = await database_sync_to_async(api_token_create)(user=owner, name="t")
        rightful = WebsocketCommunicator(
            application, path, headers=[(b"host", b"testserver"), (b"authorization", f"Bearer {owners_key}".encode())]
        )
        assert (await rightful.connect())[0]
        await rightful.send_json_to({"event": "hello"})
        answer = await rightful.receive_output(5)
        while answer["type"] == "websocket.send" and json.loads(answer["text"]).get("event") in {"call", "turn"}:
            answer = await rightful.receive_output(5)  # a browser test call says where its page is first
        assert answer["type"] == "websocket.send", f"socket {route} refuses its owner: {answer}"
        await rightful.disconnect()


def _answer_a_call(kind: str, business) -> str:
    """What a provider does: the answer webhook, signed, gives the stream's token."""
    from django.test import Client

    from tests.voicebot.conftest import plivo_post, twilio_post

    if kind == "plivo":
        data = {"CallUUID": "replayed", "From": "919812345678", "To": business.phone_number.lstrip("+")}
        body = plivo_post(Client(), "/voicebot/plivo/answer/", data).content.decode()
        return re.search(r"token=([^<\"&]+)", body).group(1)
    data = {"CallSid": "CAreplayed", "From": "+919812345678", "To": business.phone_number}
    body = twilio_post(Client(), "/voicebot/twilio/answer/", data).content.decode()
    return re.search(r'name="token" value="([^"]+)"', body).group(1)


async def _stream(kind: str, business_id: int, token: str) -> WebsocketCommunicator:
    path = f"/ws/voicebot/{kind}/{business_id}/" + (f"?token={token}" if kind == "plivo" else "")
    socket = WebsocketCommunicator(application, path)
    assert (await socket.connect())[0]
    if kind == "twilio":  # Twilio drops query strings: the token comes in the start event
        # An encoding the pipeline refuses: admitted or not is all this test needs, not a greeting.
        start = {"streamSid": "MZ1", "callSid": "CAreplayed", "customParameters": {"token": token},
                 "mediaFormat": {"encoding": "audio/x-l16"}}
        await socket.send_json_to({"event": "start", "start": start})
    return socket


async def _admitted(socket: WebsocketCommunicator) -> bool:
    """Whether the stream took the token: it answers a frame (an error frame for a bogus event)."""
    await socket.send_json_to({"event": "bogus"})
    return (await socket.receive_output(5))["type"] == "websocket.send"


async def _refused(socket: WebsocketCommunicator) -> bool:
    try:
        answer = await socket.receive_output(5)
    except TimeoutError:  # admitted: a Plivo stream says nothing until spoken to
        answer = {"type": "silence"}
    await socket.disconnect()
    return answer["type"] == "websocket.close" and answer.get("code") in {4401, 4404}


@pytest.mark.parametrize("kind", ["plivo", "twilio"])
async def test_a_telephony_socket_refuses_a_replayed_stream_token(kind, settings):
    from channels.db import database_sync_to_async

    from tests.voicebot.factories import BusinessFactory

    settings.VOICEBOT_PUBLIC_BASE_URL = "https://bot.example.com"
    settings.VOICEBOT_PLIVO_AUTH_ID = "MAPLIVOTEST"
    settings.VOICEBOT_PLIVO_AUTH_TOKEN = "plivo-test-auth-token"
    settings.VOICEBOT_TWILIO_ACCOUNT_SID = "ACTWILIOTEST"
    settings.VOICEBOT_TWILIO_AUTH_TOKEN = "twilio-test-auth-token"
    business = await database_sync_to_async(BusinessFactory)()
    token = await database_sync_to_async(_answer_a_call)(kind, business)

    provider = await _stream(kind, business.pk, token)
    assert await _admitted(provider)  # the provider's own connection

    # Someone who saw the token (a log, a proxy) replays it while the call is on, and after it.
    during = await _refused(await _stream(kind, business.pk, token))
    await provider.disconnect()
    after = await _refused(await _stream(kind, business.pk, token))
    assert (during, after) == (True, True)
