"""Let daphne send the close codes RFC 6455 registers for servers (1001, 1008, 1011, 1012, 1013, 1014).

Autobahn, under daphne, accepts only 1000 and 3000-4999 from an application (`sendClose`), so a
`websocket.close` with 1013 ("try again later": the chat's `busy`) raised inside daphne and the client
saw the connection drop (1006) instead. The frame itself is sent as autobahn sends any close frame.
"""

from __future__ import annotations

from typing import Any

SERVER_CLOSE_CODES = frozenset({1001, 1008, 1011, 1012, 1013, 1014})


def allow_registered_close_codes() -> None:
    """Patch daphne's server-side close (once per process) to send the registered codes as they are."""
    try:
        from daphne.ws_protocol import WebSocketProtocol
    except ImportError:  # not served by daphne
        return
    original = WebSocketProtocol.serverClose
    if getattr(original, "sends_registered_codes", False):
        return

    def server_close(self: Any, code: int | None = None) -> None:
        if code in SERVER_CLOSE_CODES:
            self.sendCloseFrame(code=code, isReply=False)
        else:
            original(self, code)

    server_close.sends_registered_codes = True  # type: ignore[attr-defined]
    WebSocketProtocol.serverClose = server_close
