"""`/ws/chat/`: PCM in, partial and final text out; each start-to-stop run is a ChatSession."""

import asyncio
import contextlib
from typing import Any

from channels.db import database_sync_to_async

from sawt.chat import services
from sawt.core.consumers import SawtConsumer
from sawt.speech import asr
from sawt.speech.stream_scheduler import get_scheduler
from sawt.speech.streaming import Done, Final, Partial, StreamingTranscriber, StreamOptions

# Seconds of silence that end a spoken segment (its final is decoded as soon as the pause begins).
ENDPOINT_SILENCE = 0.3
# Seconds of speech between two partials of one stream; widened automatically under load.
PARTIAL_EVERY = 0.5
# A lone word ("and", "so") waits this long for the clause that follows it before its final.
SHORT_ENDPOINT = 0.8


def _language(value: Any) -> str | None:
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    if value is None:
        return "en"
    if isinstance(value, str) and value.lower() in _LANGUAGE_CODES:
        return value.lower()
    return None


class ChatConsumer(SawtConsumer):
    # Nothing is ever sent to a chat socket through the channel layer, so it does not listen on
    # one (an unconfigured alias means no layer): no Redis connection held per open microphone,
    # and no blocking Redis read that a busy event loop could time out.
    channel_layer_alias = "unused"
    session_id: int | None = None
    transcriber: StreamingTranscriber | None = None
    pump: asyncio.Task[None] | None = None

    async def on_connected(self) -> None:
        # Load the shared model and warm the decoder before the first words arrive (once per process).
        await asyncio.wrap_future(get_scheduler().warm_up())

    async def event_start(self, message: dict[str, Any]) -> None:
        language = _language(message.get("language"))
        if language is None:
            await self.send_error("invalid_language", 'language must be a language code such as "en".')
            return
        if self.transcriber is not None:
            await self.send_error("already_started", 'Send {"event": "stop"} before starting again.')
            return
        model = asr.model_info(load=True)  # loaded by on_connected already
        if language != "en" and not model.get("multilingual"):
            await self.send_error(
                "unsupported_language",
                f"This server's speech model ({model.get('name')}) understands English only. "
                'Start with "en", or ask the administrator for SAWT_ASR_MODEL=multilingual.',
                {"model": model.get("name"), "languages": ["en"]},
            )
            return
        await self._start(language)

    async def on_bytes(self, data: bytes) -> None:
        if self.transcriber is None:
            await self._start("en")  # the start event is optional
        assert self.transcriber is not None
        await self.transcriber.push(data)

    async def event_stop(self, message: dict[str, Any]) -> None:
        if self.transcriber is None:
            await self.send_json({"type": "done"})
            return
        await self.transcriber.stop()

    async def disconnect(self, code: int) -> None:
        if self.pump is not None:
            self.pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.pump
        await self._finish()

    async def _start(self, language: str) -> None:
        session = await database_sync_to_async(services.chat_session_start)(owner=self.user, language=language)
        self.session_id = session.pk
        options = StreamOptions(
            endpoint_silence=ENDPOINT_SILENCE, partial_every=PARTIAL_EVERY, short_endpoint=SHORT_ENDPOINT
        )
        self.transcriber = StreamingTranscriber(language=language, options=options)
        self.pump = asyncio.create_task(self._send_events(self.transcriber))

    async def _send_events(self, transcriber: StreamingTranscriber) -> None:
        async for event in transcriber.events():
            if isinstance(event, Partial):
                await self.send_json({"type": "partial", "payload": event.text})
            elif isinstance(event, Final):
                await database_sync_to_async(services.chat_message_create)(
                    session_id=self.session_id, text=event.text, start=event.start, end=event.end
                )
                await self.send_json({"type": "text", "payload": event.text, "start": event.start, "end": event.end})
            elif isinstance(event, Done):
                await self._finish()
                await self.send_json({"type": "done"})

    async def _finish(self) -> None:
        if self.transcriber is not None:
            self.transcriber.close()
            self.transcriber = None
        if self.session_id is not None:
            await database_sync_to_async(services.chat_session_end)(session_id=self.session_id)
            self.session_id = None
        self.pump = None
