"""A harness for local fake provider servers on 127.0.0.1 (Spotify, SoundCloud, Plivo, Twilio, ...).

Tests point a provider's base URL setting at `server.url` and drive the real client against it.
Handlers receive a `FakeRequest` and answer `(status, headers, body)`; every request is recorded.
"""

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class FakeRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


Reply = tuple[int, dict[str, str], bytes | str | dict[str, Any] | list[Any] | None]
Handler = Callable[[FakeRequest], Reply]


@dataclass
class FakeServer:
    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    requests: list[FakeRequest] = field(default_factory=list)
    _httpd: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    def route(self, method: str, path: str) -> Callable[[Handler], Handler]:
        """Registers a handler; a path ending in `*` matches any path with that prefix."""

        def register(handler: Handler) -> Handler:
            self.routes[(method.upper(), path)] = handler
            return handler

        return register

    def add(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method.upper(), path)] = handler

    def find(self, method: str, path: str) -> Handler | None:
        handler = self.routes.get((method, path))
        if handler is not None:
            return handler
        prefixes = [(p, h) for (m, p), h in self.routes.items() if m == method and p.endswith("*")]
        for prefix, candidate in sorted(prefixes, key=lambda ph: -len(ph[0])):
            if path.startswith(prefix[:-1]):
                return candidate
        return None

    @property
    def url(self) -> str:
        assert self._httpd is not None, "start() the server first"
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> "FakeServer":
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = FakeRequest(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={k: v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                server.requests.append(request)
                handler = server.find(self.command, parts.path)
                reply: Reply = (
                    handler(request)
                    if handler is not None
                    else (404, {}, {"error": f"no fake route {self.command} {parts.path}"})
                )
                status, headers, body = reply
                if isinstance(body, dict | list):
                    payload = json.dumps(body).encode()
                    headers = {"Content-Type": "application/json", **headers}
                elif isinstance(body, str):
                    payload = body.encode()
                else:
                    payload = body or b""
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve  # noqa: N815 - http.server names

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False  # a handler still sleeping must not hold up stop()
        # A short poll interval keeps stop() fast (shutdown waits for the next poll).
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def requests_to(self, path: str) -> list[FakeRequest]:
        return [r for r in self.requests if r.path == path]


@contextmanager
def running(server: FakeServer) -> Iterator[FakeServer]:
    server.start()
    try:
        yield server
    finally:
        server.stop()
