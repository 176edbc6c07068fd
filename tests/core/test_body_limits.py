"""Bodies over the limit are refused at the ASGI door, before Django reads them into a file.

Django's ASGIHandler reads the whole body before any middleware runs, so these tests drive the ASGI
application itself with a receive() that hands out chunks and counts how many were taken.
"""

import asyncio
import json
from typing import Any

import pytest

from sawt.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

CHUNK = 64 * 1024


class Client:
    """One ASGI HTTP request: the body in CHUNK-sized messages, counted as the app takes them."""

    def __init__(self, *, chunks: int, headers: list[tuple[bytes, bytes]], path: str) -> None:
        self.chunks = chunks
        self.taken = 0
        self.sent: list[dict[str, Any]] = []
        self.scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", b"testserver"), *headers],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }

    async def receive(self) -> dict[str, Any]:
        if self.taken >= self.chunks:
            await asyncio.Event().wait()  # the client waits for its answer: no disconnect
        self.taken += 1
        return {"type": "http.request", "body": b"x" * CHUNK, "more_body": self.taken < self.chunks}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    async def run(self) -> tuple[int, dict[str, Any]]:
        await application(self.scope, self.receive, self.send)
        start = next(m for m in self.sent if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in self.sent if m["type"] == "http.response.body")
        return start["status"], json.loads(body)


async def test_it_refuses_a_declared_length_over_the_limit_without_reading_the_body(settings):
    settings.SAWT_MAX_BODY_BYTES = 100_000
    client = Client(
        chunks=50,
        path="/api/v1/auth/token",
        headers=[(b"content-type", b"application/json"), (b"content-length", str(50 * CHUNK).encode())],
    )
    status, body = await client.run()
    assert status == 413
    assert body == {
        "error": {
            "code": "payload_too_large",
            "message": "The request body is larger than allowed.",
            "details": {"limit_bytes": 100_000, "content_length": 50 * CHUNK},
        }
    }
    assert client.taken == 0


async def test_it_stops_reading_a_body_without_a_length_soon_after_it_passes_the_limit(settings):
    settings.SAWT_MAX_BODY_BYTES = 4 * CHUNK
    client = Client(
        chunks=200,
        path="/api/v1/auth/token",
        headers=[(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")],
    )
    status, body = await client.run()
    assert status == 413
    assert body["error"]["code"] == "payload_too_large"
    assert body["error"]["details"]["limit_bytes"] == 4 * CHUNK
    assert client.taken == 5  # the chunk that passed the limit is the last one read


async def test_it_gives_audio_uploads_the_upload_limit(settings):
    settings.SAWT_MAX_BODY_BYTES = CHUNK
    settings.SAWT_MAX_UPLOAD_BYTES = 8 * CHUNK
    # Over the body limit but under the upload limit: read through to the view (which wants a token).
    within = Client(chunks=4, path="/api/v1/meetings/", headers=[(b"content-type", b"audio/wav")])
    status, body = await within.run()
    assert status == 401 and body["error"]["code"] == "not_authenticated"
    assert within.taken == 4
    over = Client(chunks=200, path="/api/v1/meetings/", headers=[(b"content-type", b"audio/wav")])
    status, body = await over.run()
    assert status == 413 and body["error"]["details"]["limit_bytes"] == 8 * CHUNK
    assert over.taken == 9
