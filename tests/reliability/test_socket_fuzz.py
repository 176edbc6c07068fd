"""Every WebSocket route fed malformed JSON, unknown events, binary where text is expected, oversize
frames and frames after close; then 1,000 connects and disconnects. Nothing crashes, the socket stays
usable where it can, and the process's open files and memory return to their baseline."""

import gc
import json
import os
import re

import psutil
import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from sawt.accounts.services import api_token_create
from sawt.asgi import application
from sawt.routing import websocket_urlpatterns
from tests.ownership import OWNED_OBJECTS, SOCKET_OPENERS

pytestmark = pytest.mark.django_db(transaction=True)

ROUTES = [r.pattern.regex.pattern for r in websocket_urlpatterns]
BASE_HEADERS = [(b"host", b"testserver")]
SERVER_ERROR = 1011


@database_sync_to_async
def default_opener(route: str, owner) -> tuple[str, list]:
    values = {k: OWNED_OBJECTS[k](owner) for k in re.compile(route).groupindex}
    path = route.lstrip("^").rstrip("$").replace("/?", "/")
    for key, value in values.items():
        path = re.sub(rf"\(\?P<{key}>[^)]*\)", str(value), path)
    _, key = api_token_create(user=owner, name="fuzz")
    return "/" + path, [*BASE_HEADERS, (b"authorization", f"Bearer {key}".encode())]


async def target_for(route: str, owner) -> tuple[str, list]:
    opener = SOCKET_OPENERS.get(route)
    return await (opener(owner) if opener else default_opener(route, owner))


async def open_socket(target: tuple[str, list]) -> WebsocketCommunicator:
    path, headers = target
    socket = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await socket.connect(timeout=10)
    assert connected, f"{path}: the owner could not connect"
    return socket


async def drain(socket: WebsocketCommunicator, seconds: float = 0.3) -> list[dict]:
    """Everything the server sent within `seconds`; fails on a server-error close."""
    out = []
    while True:
        # receive_nothing() waits without cancelling the app (a timed-out receive_output() would).
        if await socket.receive_nothing(seconds):
            return out
        message = await socket.receive_output(5)
        assert not (message["type"] == "websocket.close" and message.get("code") == SERVER_ERROR), message
        out.append(message)
        if message["type"] == "websocket.close":
            return out


BAD_FRAMES = [
    {"text_data": "{not json"},
    {"text_data": "[1, 2, 3]"},
    {"text_data": json.dumps({"event": "no-such-event"})},
    {"text_data": json.dumps({"event": 12})},
    {"text_data": json.dumps({"type": "launch", "payload": {"x": [1] * 50}})},
    {"text_data": "x" * (70 * 1024)},
    {"bytes_data": b"\xff" * 3},
    {"bytes_data": b"\0" * (70 * 1024)},
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("route", ROUTES)
async def test_bad_frames_never_crash_a_socket(route, owner, settings):
    settings.SAWT_RATE_LIMIT_ENABLED = False
    target = await target_for(route, owner)
    socket = await open_socket(target)
    await drain(socket)
    closed = False
    for frame in BAD_FRAMES:
        await socket.send_to(**frame)
        replies = await drain(socket)
        if any(m["type"] == "websocket.close" for m in replies):
            closed = True  # a protocol that must hang up on garbage did so cleanly; reconnect and go on
            socket = await open_socket(target)
            await drain(socket)
        else:
            errors = [json.loads(m["text"]) for m in replies if m.get("text") and '"error"' in m["text"]]
            assert all(e.get("code") and e.get("message") for e in errors if e.get("type") == "error"), errors
    # Frames after the conversation is over (stop, then more audio and events) are answered or ignored.
    await socket.send_to(text_data=json.dumps({"event": "stop"}))
    await drain(socket, 2.0)
    await socket.send_to(bytes_data=b"\0" * 3200)
    await socket.send_to(text_data=json.dumps({"event": "stop"}))
    await drain(socket, 1.0)
    await socket.disconnect()
    assert closed in (True, False)


@pytest.mark.timeout(600)
@pytest.mark.parametrize("route", ROUTES)
async def test_a_thousand_connects_leak_no_sockets_or_memory(route, owner, settings):
    settings.SAWT_RATE_LIMIT_ENABLED = False
    process = psutil.Process(os.getpid())
    target = await target_for(route, owner)

    async def cycle(n: int) -> None:
        for _ in range(n):
            socket = await open_socket(target)
            await socket.disconnect()

    await cycle(50)  # warm caches, pools and lazy imports
    gc.collect()
    files_before, rss_before = process.num_fds(), process.memory_info().rss
    await cycle(1000)
    gc.collect()
    files_after, rss_after = process.num_fds(), process.memory_info().rss
    assert files_after - files_before <= 5, (files_before, files_after)
    assert (rss_after - rss_before) / 2**20 < 40, (rss_before, rss_after)
