"""The base of every Sawt WebSocket consumer: auth, connect rate limit, error frames, revocation.

Thin by rule: subclasses translate between the socket and services, with handlers named after the
event they handle. A socket whose credentials fail is accepted, then closed with 4401; one for an
object the user may not see is closed with 4404.

An open socket is checked again for as long as it stays open (see sawt/core/wsauth.py): it closes
with 4401 once its credentials no longer sign in an active user (logout, deactivation, a revoked
token) and with 4404 once `authorize` no longer holds (the object was unshared or deleted). Two
paths lead there. A socket on the channel layer joins its user's socket group and the groups of
`listen_groups`, so a service's `sockets_revoke` or `sockets_recheck` reaches it at once. Every
signed-in socket also re-checks itself every RECHECK_SECONDS, a safety net for a lost message
and the only path for sockets that do not listen on the channel layer on purpose (chat, live
meetings, telephony: their `channel_layer_alias` names no layer).

A socket on the channel layer needs it: while its Redis is unreachable the socket gets the error
frame `service_unavailable` and is closed with 4503, instead of dying unanswered.
"""

import asyncio
import contextlib
import json
import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch
from redis import RedisError

from sawt.core import ratelimit
from sawt.core.wsauth import (
    CLOSE_NOT_FOUND,
    CLOSE_RATE_LIMITED,
    CLOSE_UNAUTHENTICATED,
    CLOSE_UNAVAILABLE,
    credentials_hold,
    user_sockets_group,
)

logger = logging.getLogger("sawt.ws")
# How often an open socket checks that its user is still signed in and may still see its object.
RECHECK_SECONDS = 5.0


class SawtConsumer(AsyncWebsocketConsumer):
    max_frame_bytes = 64 * 1024
    require_auth = True
    connected = False
    layer_unreachable = False
    _recheck_task: "asyncio.Task[None] | None" = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """AsyncConsumer.__call__, but the channel layer's receive failing (Redis unreachable) becomes
        a `channel_layer.down` message for this consumer instead of an exception that kills it."""
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.base_send = send
        sources = [receive]
        if self.channel_layer is not None:
            self.channel_name = await self.channel_layer.new_channel()
            self.channel_receive = self._channel_receive
            sources.append(self.channel_receive)
        with contextlib.suppress(StopConsumer):
            await await_many_dispatch(sources, self.dispatch)

    async def _channel_receive(self) -> dict[str, Any]:
        try:
            return await self.channel_layer.receive(self.channel_name)
        except (RedisError, OSError):
            if self.layer_unreachable:  # said once; the socket is closing
                await asyncio.Event().wait()
            return {"type": "channel_layer.down"}

    def _layer_lost(self) -> None:
        self.layer_unreachable = True
        logger.warning("channel layer unreachable", extra={"path": self.scope.get("path", "")})

    async def channel_layer_down(self, message: dict[str, Any]) -> None:
        if self.layer_unreachable:
            return
        self._layer_lost()
        if self.connected:
            await self.send_unavailable()
            await self.revoke(CLOSE_UNAVAILABLE)

    async def send_unavailable(self) -> None:
        await self.send_error("service_unavailable", "Live updates are unavailable right now. Try again shortly.")

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
        if not await self.watch():
            await self.send_unavailable()
            await self.close(code=CLOSE_UNAVAILABLE)
            return
        self.connected = True
        await self.on_connected()

    def rate_identity(self) -> str:
        if self.user is not None and self.user.is_authenticated:
            return f"user:{self.user.pk}"
        client = self.scope.get("client") or ["unknown"]
        return f"ip:{client[0]}"

    async def authorize(self) -> bool:
        """Whether the user may see the object this socket is about (override per route).

        Asked on connect and again on every re-check while the socket is open, so it must be cheap
        and change nothing."""
        return True

    def listen_groups(self) -> list[str]:
        """The channel-layer groups this socket listens on once authorized (e.g. its object's group).
        A service that changes who may see the object sends `sockets_recheck` to that group."""
        return []

    async def on_connected(self) -> None:
        pass

    async def watch(self) -> bool:
        """Keep checking the admitted socket: join its groups, and start the periodic re-check.
        False when the channel layer is unreachable (the socket cannot be kept informed)."""
        if self.channel_layer is not None:
            if self.layer_unreachable:
                return False
            groups = list(self.listen_groups())
            if self.user is not None and self.user.is_authenticated:
                groups.append(user_sockets_group(self.user.pk))
            for group in groups:
                try:
                    await self.channel_layer.group_add(group, self.channel_name)
                except (RedisError, OSError):
                    self._layer_lost()
                    return False
                self.groups.append(group)  # channels discards them on disconnect
        if self.user is not None and self.user.is_authenticated:
            self._recheck_task = asyncio.create_task(self._recheck_every(RECHECK_SECONDS))
        return True

    async def close_code_now(self) -> int | None:
        """The code this socket must close with now, or None while it may stay open."""
        if not await database_sync_to_async(credentials_hold)(self.scope):
            return CLOSE_UNAUTHENTICATED
        if not await self.authorize():
            return CLOSE_NOT_FOUND
        return None

    async def revoke(self, code: int) -> None:
        """Close the socket for good with `code`; frames still in flight are ignored."""
        if not self.connected:
            return
        self.connected = False
        task, self._recheck_task = self._recheck_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        logger.info("socket revoked", extra={"code": code, "path": self.scope.get("path", "")})
        with contextlib.suppress(Exception):  # the client may be gone already
            await self.close(code=code)

    async def _recheck_every(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                code = await self.close_code_now()
            except Exception:  # a database hiccup is no reason to close; the next check decides
                logger.warning("socket re-check failed", exc_info=True)
                continue
            if code is not None:
                await self.revoke(code)
                return

    async def socket_revoke(self, message: dict[str, Any]) -> None:
        """`sockets_revoke`: the user signed out or lost their account."""
        await self.revoke(int(message.get("code", CLOSE_UNAUTHENTICATED)))

    async def socket_recheck(self, message: dict[str, Any]) -> None:
        """`sockets_recheck`: who may see this socket's object changed; check now, not in a few seconds."""
        if not self.connected:
            return
        code = await self.close_code_now()
        if code is not None:
            await self.revoke(code)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        self.connected = False
        if self.layer_unreachable:  # leaving the groups would fail too; channels_redis expires the entries
            self.groups.clear()
        if self._recheck_task is not None:
            self._recheck_task.cancel()
            self._recheck_task = None
        await super().websocket_disconnect(message)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not self.connected:
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
