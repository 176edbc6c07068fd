"""`/ws/chat/`: PCM in, partial and final text out; each session is a ChatSession row.

A session starts with `{"event": "start"}` (or the first audio) and the server names it with
`{"type": "session", "id": N}`; `{"event": "start", "session": N}` resumes it after a reconnect.
Every final is saved and sent before `done`; a socket that drops has its last words finalised and
saved; a session that ends with no message is deleted.
"""

import asyncio
import contextlib
import logging
import math
import time
from typing import Any

from channels.db import database_sync_to_async
from django.utils import timezone

from sawt.chat import services, streams
from sawt.core.consumers import SawtConsumer
from sawt.speech import asr
from sawt.speech.language import closes_sentence
from sawt.speech.stream_scheduler import get_scheduler
from sawt.speech.streaming import Done, Failed, Final, Partial, StreamingTranscriber, StreamOptions

log = logging.getLogger(__name__)

# Seconds of silence that end a spoken segment (its final is decoded as soon as the pause begins).
# Short, because a segment that follows a final within 2 s is decoded after that final's audio and
# text (StreamOptions.context): a pause inside a sentence no longer costs the next clause its words.
# On the 21 English recordings of the shared data (offline, finals only): 0.3 s without context 9.75 %
# WER, 0.2 s with it 8.90 % (batch 8.47 %), the final kept 0.1 s sooner; 0.15 s makes Whisper loop.
ENDPOINT_SILENCE = 0.2
# Silero speech probability that opens a segment, and the one below which it counts as a pause. Lower
# than the engine's defaults (0.5, 0.35): quiet, whispered or falsetto words are decoded instead of
# gated out (10.0 % instead of 11.0 % streaming WER on the shared recordings offline, batch 9.1 %); silence and
# noise still score far below, and Whisper's no-speech check drops what little gets through.
VAD_THRESHOLD = 0.35
VAD_OFF_THRESHOLD = 0.25
# Seconds of speech between two partials of one stream; widened automatically under load.
PARTIAL_EVERY = 0.5
# A lone word ("and", "so") waits this long for the clause that follows it before its final.
SHORT_ENDPOINT = 0.3
# A segment of two words or more that Whisper closed as a sentence (".", "?", "!") ends after this much
# silence instead of ENDPOINT_SILENCE: the sentence's end is what the pause means, and a clause that follows
# anyway is decoded in context. The speculative decode starts after 0.1 s of silence; when it comes back the
# pause is measured again (StreamingTranscriber.end_of_turn), not only when the next frame arrives.
CLOSED_SENTENCE_ENDPOINT = 0.15
# Seconds a dropped socket's last words may take to be decoded and saved.
DROP_FINALISE_SECONDS = 30.0
BYTES_PER_SECOND = 32000


def end_of_sentence(text: str) -> float:
    """The pause that ends a segment decoded as `text` sooner than the usual waits
    (StreamingTranscriber.end_of_turn): a closed sentence's, else none (infinity)."""
    closed = len(text.split()) >= 2 and closes_sentence(text)
    return CLOSED_SENTENCE_ENDPOINT if closed else math.inf


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
    offset = 0.0  # seconds of the session heard before this stream (a resumed session)
    pace: streams.Pace | None = None
    transcriber: StreamingTranscriber | None = None
    pump: asyncio.Task[None] | None = None
    holds_slot = False
    gone = False

    async def on_connected(self) -> None:
        if not streams.stream_admit(user_id=self.user.pk):
            await self.send_error("busy", "Too many live streams are open. Try again later.")
            await self.close(code=streams.CLOSE_TRY_AGAIN_LATER)
            return
        self.holds_slot = True
        # Load the shared model and warm the decoder before the first words arrive (once per process;
        # a failed warm-up is tried again by the next socket).
        try:
            await asyncio.wrap_future(get_scheduler().warm_up())
        except Exception:
            log.exception("speech model warm-up failed")
            await self.send_error("transcription_failed", "The speech model could not be loaded. Try again.")

    async def event_start(self, message: dict[str, Any]) -> None:
        language = _language(message.get("language"))
        if language is None:
            await self.send_error("invalid_language", 'language must be a language code such as "en".')
            return
        await self._wait_for_stop()
        if self.transcriber is not None:
            await self.send_error("already_started", 'Send {"event": "stop"} before starting again.')
            return
        model = await asyncio.to_thread(asr.model_info, True)
        if language != "en" and not model.get("multilingual"):
            await self.send_error(
                "unsupported_language",
                f"This server's speech model ({model.get('name')}) understands English only. "
                'Start with "en", or ask the administrator for SAWT_ASR_MODEL=multilingual.',
                {"model": model.get("name"), "languages": ["en"]},
            )
            return
        await self._start(language, message.get("session"))

    async def on_bytes(self, data: bytes) -> None:
        await self._wait_for_stop()
        if self.transcriber is None:
            await self._start("en", None)  # the start event is optional
        assert self.transcriber is not None and self.pace is not None
        if not self.pace.accept(len(data) / BYTES_PER_SECOND):
            if not self.pace.refusing:
                self.pace.refusing = True
                await self.send_error(
                    "too_fast",
                    f"Audio is arriving more than {streams.MAX_LEAD_SECONDS:g} s ahead of real time; "
                    "frames past that are dropped.",
                )
            return
        await self.transcriber.push(data)

    async def event_stop(self, message: dict[str, Any]) -> None:
        if self.transcriber is None or self.transcriber.stopping:
            await self._wait_for_stop()
            await self.send_json({"type": "done"})
            return
        await self.transcriber.stop()

    async def disconnect(self, code: int) -> None:
        self.gone = True
        if self.holds_slot:
            self.holds_slot = False
            streams.stream_release(user_id=self.user.pk)
        if self.transcriber is not None and self.pump is not None:
            # The words said before the drop are finalised and saved, not discarded.
            await self.transcriber.stop()
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self.pump), DROP_FINALISE_SECONDS)
        if self.pump is not None and not self.pump.done():
            self.pump.cancel()
        await self._finish()

    async def _wait_for_stop(self) -> None:
        """A `stop` still finishing ends (its `done` sent) before anything new starts."""
        if self.transcriber is not None and self.transcriber.stopping and self.pump is not None:
            await asyncio.shield(self.pump)

    async def _start(self, language: str, resume: Any) -> None:
        began = time.monotonic()  # the client's clock started with its `start`, not when the row exists
        session = None
        if resume is not None:
            session = await database_sync_to_async(services.chat_session_resume)(
                owner=self.user, session_id=resume, language=language
            )
            if session is None:
                await self.send_error("unknown_session", f"No session {resume!r} of yours to resume; a new one starts.")
        elapsed = 0.0
        if session is None:
            session = await database_sync_to_async(services.chat_session_start)(owner=self.user, language=language)
        else:
            elapsed = (timezone.now() - session.started_at).total_seconds()
        self.session_id = session.pk
        self.offset = session.audio_seconds
        self.pace = streams.Pace(heard=self.offset, elapsed=elapsed, now=began)
        options = StreamOptions(
            endpoint_silence=ENDPOINT_SILENCE,
            partial_every=PARTIAL_EVERY,
            short_endpoint=SHORT_ENDPOINT,
            vad_threshold=VAD_THRESHOLD,
            vad_off_threshold=VAD_OFF_THRESHOLD,
            context=True,
        )
        self.transcriber = StreamingTranscriber(language=language, options=options)
        self.transcriber.end_of_turn = end_of_sentence
        self.pump = asyncio.create_task(self._send_events(self.transcriber, session.pk, self.offset))
        await self.send_json({"type": "session", "id": session.pk})

    async def _send_events(self, transcriber: StreamingTranscriber, session_id: int, offset: float) -> None:
        async for event in transcriber.events():
            if isinstance(event, Partial):
                await self._send({"type": "partial", "payload": event.text})
            elif isinstance(event, Final):
                start, end = round(event.start + offset, 3), round(event.end + offset, 3)
                try:
                    await database_sync_to_async(services.chat_message_create)(
                        session_id=session_id, text=event.text, start=start, end=end
                    )
                except Exception:
                    log.exception("chat message not saved")
                    await self._send_error("storage_failed", "This sentence could not be saved.")
                await self._send({"type": "text", "payload": event.text, "start": start, "end": end})
            elif isinstance(event, Failed):
                log.warning("live final failed: %s", event.error)
                await self._send_error(
                    "transcription_failed",
                    f"The speech from {event.start + offset:.1f} s to {event.end + offset:.1f} s could not be "
                    "transcribed.",
                )
            elif isinstance(event, Done):
                await self._finish()
                await self._send({"type": "done"})

    async def _send(self, frame: dict[str, Any]) -> None:
        if not self.gone:
            with contextlib.suppress(Exception):  # the client may have gone meanwhile
                await self.send_json(frame)

    async def _send_error(self, code: str, message: str) -> None:
        if not self.gone:
            with contextlib.suppress(Exception):
                await self.send_error(code, message)

    async def _finish(self) -> None:
        transcriber, self.transcriber = self.transcriber, None
        if transcriber is not None:
            transcriber.close()
        session_id, self.session_id = self.session_id, None
        if session_id is not None:
            heard = self.pace.heard if self.pace is not None else self.offset
            try:
                await database_sync_to_async(services.chat_session_end)(session_id=session_id, audio_seconds=heard)
            except Exception:
                log.exception("chat session not closed")
                await self._send_error("storage_failed", "The session could not be saved.")
        self.pace = None
