"""Test doubles for the speech engine (importable by any test suite, no Django)."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

Reply = Callable[[dict[str, Any]], Any]


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)


def default_reply(body: dict[str, Any]) -> Any:
    """``{}`` for structured-output requests, "ok" otherwise."""
    return {} if body.get("response_format") else "ok"


def chat_completion(content: str, model: str = "fake-model") -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


class FakeOpenAIServer:
    """A local OpenAI chat-completions endpoint on ``127.0.0.1:<free port>``.

    ``reply(body)`` decides the answer: a ``str`` becomes the message content, a
    ``dict`` with ``"choices"`` is sent as the whole response, any other JSON value
    is serialised as the content, and ``(status, payload)`` sends an HTTP error.
    ``delay`` seconds are slept before answering (timeouts).  ``requests`` records
    every call.  Use as a context manager or call :meth:`start` / :meth:`stop`.
    """

    def __init__(self, reply: Reply | None = None, *, delay: float = 0.0) -> None:
        self.reply: Reply = reply or default_reply
        self.delay = delay
        self.requests: list[RecordedRequest] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL including ``/v1``, as OpenAI clients expect."""
        if self._server is None:
            raise RuntimeError("FakeOpenAIServer is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def start(self) -> FakeOpenAIServer:
        handler = self._handler_class()
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        server.block_on_close = False  # a sleeping handler must not hold up stop()
        self._server = server
        # A short poll interval keeps stop() fast (shutdown waits for the next poll).
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-openai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _answer(self, body: dict[str, Any]) -> tuple[int, Any]:
        try:
            result = self.reply(body)
        except Exception as exc:  # the fake reports any reply bug as a server error
            return 500, {"error": {"message": str(exc), "type": "server_error"}}
        if isinstance(result, tuple):
            return int(result[0]), result[1]
        if isinstance(result, dict) and "choices" in result:
            return 200, result
        content = result if isinstance(result, str) else json.dumps(result)
        return 200, chat_completion(content, str(body.get("model") or "fake-model"))

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

            def _send(self, status: int, payload: Any) -> None:
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                fake.requests.append(RecordedRequest("GET", self.path, dict(self.headers)))
                if self.path.rstrip("/").endswith("/models"):
                    self._send(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    self._send(400, {"error": {"message": "invalid JSON body"}})
                    return
                fake.requests.append(RecordedRequest("POST", self.path, dict(self.headers), body))
                if fake.delay:
                    time.sleep(fake.delay)
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, {"error": {"message": "not found"}})
                    return
                status, payload = fake._answer(body)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._send(status, payload)  # the client may have given up (timeout tests)

        return Handler
