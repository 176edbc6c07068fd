"""Media-stream sockets for Plivo and Twilio (and the staff test-call page, which speaks Plivo's).

Who may open one: a provider with the short-lived signed token from the answer webhook (in the
URL for Plivo; for Twilio, which drops query strings, in the `start` event's custom parameters,
which must arrive within STREAM_AUTH_WAIT_SECONDS), or a signed-in member of the
business (a browser test call). No, bad or already used token (a token opens one socket): 4401.
A token or a user for another business: 4404. A test call's connects count against the user's
`websocket` rate limit, and over it or over the calls-in-progress limits (VOICEBOT_MAX_CALLS_PER_BUSINESS,
VOICEBOT_MAX_TEST_CALLS_PER_USER) the page gets an error frame and 4429.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.urls import reverse

from sawt.core import ratelimit
from sawt.core.consumers import SawtConsumer
from sawt.core.wsauth import CLOSE_NOT_FOUND, CLOSE_RATE_LIMITED, CLOSE_UNAUTHENTICATED
from voicebot import services
from voicebot.models import Business, Call
from voicebot.pipeline import CallPipeline
from voicebot.telephony import PlivoProtocol, ProtocolError, TwilioProtocol, read_stream_token

# Twilio cannot put a token in the stream URL; it arrives in the `start` event within this time.
STREAM_AUTH_WAIT_SECONDS = 2.0

logger = logging.getLogger("voicebot")


def _call_for(business_id: int, call_id: int) -> Call | None:
    return Call.objects.filter(pk=call_id, business_id=business_id, ended_at__isnull=True).first()


def _browser_call(business_id: int, user: Any) -> Call | None:
    business = Business.objects.visible_to(user).filter(pk=business_id).first()
    if business is None:
        return None
    return services.call_start(business=business, provider=Call.Provider.BROWSER, started_by=user)


def _is_member(business_id: int, user: Any) -> bool:
    return Business.objects.visible_to(user).filter(pk=business_id).exists()


class StreamConsumer(SawtConsumer):
    require_auth = False
    token_in_start_event = False
    # Nothing is ever pushed to a call from elsewhere: no channel-layer subscription per call.
    channel_layer_alias = "voicebot-streams-use-no-channel-layer"

    async def dispatch(self, message: dict[str, Any]) -> None:
        # 50 media frames a second per call: skip channels' per-message DB-connection housekeeping
        # (a hop to the sync thread each time); every ORM call here goes through
        # database_sync_to_async, which does that housekeeping itself.
        if message.get("type") == "websocket.receive":
            await self.websocket_receive(message)
            return
        await super().dispatch(message)

    def make_protocol(self) -> PlivoProtocol | TwilioProtocol:
        raise NotImplementedError

    async def connect(self) -> None:
        await self.accept()
        self.protocol = self.make_protocol()
        self.pipeline: CallPipeline | None = None
        self.call_id: int | None = None
        self._deadline: asyncio.Task[None] | None = None
        self.business_id = int(self.scope["url_route"]["kwargs"]["business_id"])
        token = parse_qs(self.scope.get("query_string", b"").decode()).get("token")
        if token:
            await self._admit_token(token[0])
        elif self.user is not None and self.user.is_authenticated:
            retry_after = await database_sync_to_async(ratelimit.hit)("websocket", self.rate_identity())
            if retry_after is not None:
                await self.send_error("rate_limited", f"Too many connections. Try again in {retry_after} s.")
                await self.close(code=CLOSE_RATE_LIMITED)
                return
            try:
                call = await database_sync_to_async(_browser_call)(self.business_id, self.user)
            except services.CallLimitReached as exc:
                await self.send_error(exc.code, exc.message)
                await self.close(code=CLOSE_RATE_LIMITED)
                return
            if call is None:
                await self.close(code=CLOSE_NOT_FOUND)
                return
            await self._admit(call.pk, on_turn=self._show_turn)
            if self.call_id is not None:
                await self.watch()  # the staff member's sign-in and membership are re-checked while it lasts
                # Only the staff page hears these (providers never sign in): where the call's page will be,
                # then each turn's words as they are spoken (`turn`).
                url = reverse("voicebot_pages:call", args=[call.pk])
                await self.send_json({"event": "call", "call": call.pk, "url": url})
        elif self.token_in_start_event:
            self.connected = True  # listen for `start`, but only briefly
            self._deadline = asyncio.create_task(self._close_unless_admitted())
        else:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def authorize(self) -> bool:
        """For a staff member's browser call (re-checked while it lasts): still a member of the business."""
        return bool(await database_sync_to_async(_is_member)(self.business_id, self.user))

    async def _close_unless_admitted(self) -> None:
        await asyncio.sleep(STREAM_AUTH_WAIT_SECONDS)
        if self.call_id is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def _admit_token(self, token: str) -> None:
        ids = read_stream_token(token)
        if ids is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        business_id, call_id = ids
        if business_id != self.business_id or await database_sync_to_async(_call_for)(business_id, call_id) is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if not await database_sync_to_async(services.call_stream_claim)(call_id=call_id):
            logger.warning("stream token used again", extra={"call_id": call_id, "provider": self.protocol.name})
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        await self._admit(call_id)

    async def _show_turn(self, caller_text: str, bot_text: str) -> None:
        await self.send_json({"event": "turn", "caller": caller_text, "bot": bot_text})

    async def _admit(self, call_id: int, on_turn: Callable[[str, str], Awaitable[None]] | None = None) -> None:
        retry_after = await database_sync_to_async(ratelimit.hit)("websocket", f"call:{call_id}")
        if retry_after is not None:
            await self.close(code=CLOSE_RATE_LIMITED)
            return
        self.call_id = call_id
        self.connected = True
        self.pipeline = CallPipeline(
            call_id=call_id, protocol=self.protocol, send=self.send_json, hang_up=self._hang_up, on_turn=on_turn
        )
        logger.info("call stream open", extra={"call_id": call_id, "provider": self.protocol.name})

    async def _hang_up(self) -> None:
        await self.close()
        await self._teardown()

    async def _teardown(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        if self.pipeline is not None:
            pipeline, self.pipeline = self.pipeline, None
            await pipeline.close()

    async def disconnect(self, code: int) -> None:
        await self._teardown()

    async def on_bytes(self, data: bytes) -> None:
        await self.send_error("unexpected_binary", "Media arrives as JSON text frames.")

    async def on_json(self, message: dict[str, Any]) -> None:
        if self.call_id is None:
            if message.get("event") == "start":
                token = ((message.get("start") or {}).get("customParameters") or {}).get("token", "")
                await self._admit_token(str(token))
                if self.call_id is None:
                    return
            else:
                return
        try:
            event = self.protocol.parse(message)
        except ProtocolError as exc:
            logger.warning("malformed stream event", extra={"call_id": self.call_id, "error": str(exc)[:100]})
            await self.send_error("malformed_event", str(exc))
            return
        if event is None or self.pipeline is None:
            return
        if event.kind == "start":
            await self.pipeline.start()
        elif event.kind == "audio":
            await self.pipeline.on_audio(event.audio)
        elif event.kind == "dtmf":
            await self.pipeline.on_dtmf(event.digit)
        elif event.kind == "played":
            await self.pipeline.on_played(event.name)
        elif event.kind == "stop":
            await self._hang_up()


class PlivoStreamConsumer(StreamConsumer):
    def make_protocol(self) -> PlivoProtocol:
        return PlivoProtocol()


class TwilioStreamConsumer(StreamConsumer):
    token_in_start_event = True

    def make_protocol(self) -> TwilioProtocol:
        return TwilioProtocol()
