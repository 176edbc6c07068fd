"""The base of every Sawt WebSocket consumer: auth, connect rate limit, error frames.

Thin by rule: subclasses translate between the socket and services, with handlers named after the
event they handle. A socket whose credentials fail is accepted, then closed with 4401; one for an
object the user may not see is closed with 4404.
"""

import json
import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from sawt.core import ratelimit
from sawt.core.wsauth import CLOSE_NOT_FOUND, CLOSE_RATE_LIMITED, CLOSE_UNAUTHENTICATED

logger = logging.getLogger("sawt.ws")


class SawtConsumer(AsyncWebsocketConsumer):
    max_frame_bytes = 64 * 1024
    require_auth = True

    @property
    def user(self) -> Any:
        return self.scope.get("user")

    async def connect(self) -> None:
        await self.accept()
        if self.require_auth and (self.user is None or not self.user.is_authenticated):
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        retry_after = await database_sync_to_async(ratelimit.hit)("websocket", self.rate_identity())
        if retry_after is not None:
            await self.send_error("rate_limited", f"Too many connections. Try again in {retry_after} s.")
            await self.close(code=CLOSE_RATE_LIMITED)
            return
        if not await self.authorize():
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.connected = True
        await self.on_connected()

    def rate_identity(self) -> str:
        if self.user is not None and self.user.is_authenticated:
            return f"user:{self.user.pk}"
        client = self.scope.get("client") or ["unknown"]
        return f"ip:{client[0]}"

    async def authorize(self) -> bool:
        """Whether the user may see the object this socket is about (override per route)."""
        return True

    async def on_connected(self) -> None:
        pass

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not getattr(self, "connected", False):
            return
        if bytes_data is not None:
            if len(bytes_data) > self.max_frame_bytes:
                await self.send_error("frame_too_large", f"Binary frames may be at most {self.max_frame_bytes} bytes.")
                return
            await self.on_bytes(bytes_data)
            return
        if text_data is None:
            return
        if len(text_data) > self.max_frame_bytes:
            await self.send_error("frame_too_large", f"Text frames may be at most {self.max_frame_bytes} bytes.")
            return
        try:
            message = json.loads(text_data)
        except json.JSONDecodeError:
            await self.send_error("malformed_json", "Text frames must be JSON objects.")
            return
        if not isinstance(message, dict):
            await self.send_error("malformed_json", "Text frames must be JSON objects.")
            return
        await self.on_json(message)

    async def on_bytes(self, data: bytes) -> None:
        await self.send_error("unexpected_binary", "This socket takes no binary frames.")

    async def on_json(self, message: dict[str, Any]) -> None:
        event = message.get("event")
        handler = getattr(self, f"event_{event}", None) if isinstance(event, str) and event.isidentifier() else None
        if handler is None:
            await self.send_error("unknown_event", f"Unknown event {event!r}.")
            return
        await handler(message)

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content))

    async def send_error(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        frame: dict[str, Any] = {"type": "error", "code": code, "message": message}
        if details:
            frame["details"] = details
        await self.send_json(frame)
