"""A simulated phone caller: speaks Plivo's or Twilio's media-stream protocol to the stream socket.

It plays speech (Piper-synthesised text, or any 8 kHz samples) as 20 ms mu-law frames, in real
time or faster, keeps sending silence like a real media server does, acknowledges the bot's
checkpoints/marks as if the audio had been played, and measures the time from the end of its
speech to the first bot audio frame, and counts talk-over: a bot reply that starts while the caller
is still speaking. Used by the tests and `manage.py bench voicebot`.

Transports: `CommunicatorTransport` (channels' in-process test client) or `WebsocketTransport`
(a real socket to a running server, e.g. `wss://host/ws/voicebot/plivo/1/?token=...`).
"""

import asyncio
import base64
import contextlib
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from sawt.speech import audio as speech_audio
from sawt.speech import tts

FRAME = 160
SILENCE = b"\xff" * FRAME  # mu-law digital silence


class Transport(Protocol):
    async def send(self, message: dict[str, Any]) -> None: ...

    async def receive(self) -> dict[str, Any] | None:
        """The next JSON message, or None once the server closed the socket."""
        ...

    async def close(self) -> None: ...


class CommunicatorTransport:
    def __init__(self, communicator: Any) -> None:
        self.communicator = communicator

    async def send(self, message: dict[str, Any]) -> None:
        await self.communicator.send_to(text_data=json.dumps(message))

    async def receive(self) -> dict[str, Any] | None:
        output = await self.communicator.receive_output(timeout=3600)
        if output.get("type") == "websocket.close":
            return None
        return json.loads(output.get("text") or "{}")

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.communicator.disconnect()


class WebsocketTransport:
    def __init__(self, connection: Any) -> None:
        self.connection = connection

    @classmethod
    async def open(cls, url: str) -> "WebsocketTransport":
        import websockets

        return cls(await websockets.connect(url, max_size=2**20))

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def receive(self) -> dict[str, Any] | None:
        try:
            return json.loads(await self.connection.recv())
        except Exception:  # closed, one way or another
            return None

    async def close(self) -> None:
        await self.connection.close()


def speech_frames(text: str) -> list[bytes]:
    """Caller speech from Piper at 8 kHz, as 20 ms mu-law frames."""
    result = tts.synthesize(text, sample_rate=8000)
    return samples_to_frames(result.samples)


def samples_to_frames(samples: npt.ArrayLike) -> list[bytes]:
    pcm = np.clip(np.asarray(samples, dtype=np.float32) * 32767.0, -32768, 32767).astype(np.int16)
    data = speech_audio.mulaw_encode(pcm)
    data += SILENCE[: (-len(data)) % FRAME]
    return [data[i : i + FRAME] for i in range(0, len(data), FRAME)]


def trailing_quiet(frames: list[bytes], level: float = 0.01) -> float:
    """Seconds of near-silence (RMS under `level`) at the end of `frames`, to 20 ms."""
    quiet = 0
    for frame in reversed(frames):
        pcm = speech_audio.mulaw_decode(frame).astype(np.float32) / 32768.0
        if float(np.sqrt(np.mean(pcm**2))) >= level:
            break
        quiet += 1
    return quiet * 0.02


@dataclass
class BotReply:
    frames: int = 0
    first_audio_at: float | None = None
    done: bool = False
    cleared: bool = False

    @property
    def seconds(self) -> float:
        return self.frames * 0.02


@dataclass
class SimulatedCaller:
    transport: Transport
    provider: str = "plivo"
    realtime: bool = True
    token: str = ""
    stream_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    replies: list[BotReply] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False
    talk_overs: int = 0

    def __post_init__(self) -> None:
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self._speaking = False  # while True, `listen` sends no silence (the caller is talking)
        self._next_frame_at = 0.0

    # --- wire ----------------------------------------------------------------------------

    def _media(self, frame: bytes) -> dict[str, Any]:
        payload = base64.b64encode(frame).decode()
        if self.provider == "twilio":
            return {"event": "media", "streamSid": self.stream_id, "media": {"track": "inbound", "payload": payload}}
        return {"event": "media", "streamId": self.stream_id, "media": {"track": "inbound", "payload": payload}}

    async def _read(self) -> None:
        while True:
            message = await self.transport.receive()
            if message is None:
                self.closed = True
                self._changed.set()
                return
            event = message.get("event") or message.get("type")
            reply = self.replies[-1] if self.replies and not self.replies[-1].done else None
            if event in {"playAudio", "media"}:
                if reply is None:
                    reply = BotReply()
                    self.replies.append(reply)
                    self.talk_overs += self._speaking
                if reply.first_audio_at is None:
                    reply.first_audio_at = time.perf_counter()
                reply.frames += 1
            elif event in {"checkpoint", "mark"}:
                name = message.get("name") or (message.get("mark") or {}).get("name", "")
                if reply is not None:
                    reply.done = True
                # The audio "has played": acknowledge it as the provider would.
                if self.provider == "twilio":
                    await self.transport.send({"event": "mark", "streamSid": self.stream_id, "mark": {"name": name}})
                else:
                    await self.transport.send({"event": "playedStream", "streamId": self.stream_id, "name": name})
            elif event in {"clearAudio", "clear"}:
                if reply is not None:
                    reply.cleared = reply.done = True
                if self.provider == "plivo":
                    await self.transport.send({"event": "clearedAudio", "streamId": self.stream_id})
            elif event == "error":
                self.errors.append(message)
            self._changed.set()

    async def _pause(self) -> None:
        if not self.realtime:
            await asyncio.sleep(0.002)
            return
        # An absolute 20 ms schedule, like a media server's clock (sleep() alone drifts late).
        now = time.perf_counter()
        self._next_frame_at = max(self._next_frame_at + 0.02, now - 0.1)
        await asyncio.sleep(max(0.0, self._next_frame_at - now))

    # --- call --------------------------------------------------------------------------

    async def start(self, *, caller_number: str = "+919812345678") -> BotReply:
        """Connects the call and waits for the greeting to finish."""
        self._reader = asyncio.create_task(self._read())
        if self.provider == "twilio":
            await self.transport.send({"event": "connected", "protocol": "Call", "version": "1.0.0"})
            await self.transport.send(
                {
                    "event": "start",
                    "sequenceNumber": "1",
                    "streamSid": self.stream_id,
                    "start": {
                        "streamSid": self.stream_id,
                        "callSid": "CA" + uuid.uuid4().hex,
                        "tracks": ["inbound"],
                        "customParameters": {"token": self.token},
                        "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
                    },
                }
            )
        else:
            await self.transport.send(
                {
                    "event": "start",
                    "sequenceNumber": 0,
                    "start": {
                        "callId": str(uuid.uuid4()),
                        "streamId": self.stream_id,
                        "accountId": "MA000",
                        "tracks": ["inbound"],
                        "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000},
                    },
                }
            )
        return await self.listen()

    async def listen(self, timeout: float = 60.0, *, new: bool = False) -> BotReply:
        """Sends silence until the bot's current reply (with `new`, a later one) has fully arrived."""
        deadline = time.perf_counter() + timeout
        seen = len(self.replies)
        while time.perf_counter() < deadline and not self.closed:
            if self.replies and self.replies[-1].done and (not new or len(self.replies) > seen):
                return self.replies[-1]
            if not self._speaking:
                await self.transport.send(self._media(SILENCE))
            await self._pause()
        return self.replies[-1] if self.replies else BotReply()

    async def say(self, text: str | list[bytes], *, timeout: float = 60.0) -> BotReply:
        """Speaks, then measures the time from its last spoken sample to the bot's first audio."""
        # Synthesis blocks for a moment: off the loop, so the server side keeps running meanwhile.
        frames = await asyncio.to_thread(speech_frames, text) if isinstance(text, str) else text
        before = len(self.replies)
        await self.speak(frames)
        # The synthesised speech ends with some quiet of its own: the caller stopped speaking before it.
        spoke_until = time.perf_counter() - trailing_quiet(frames)
        deadline = spoke_until + timeout
        while time.perf_counter() < deadline and not self.closed:
            if len(self.replies) > before and self.replies[-1].first_audio_at is not None:
                self.latencies.append(self.replies[-1].first_audio_at - spoke_until)
                return await self.listen(timeout)
            await self.transport.send(self._media(SILENCE))
            await self._pause()
        return BotReply()

    async def speak(self, frames: list[bytes]) -> None:
        """Just the speech frames (also while the bot talks: a barge-in or a backchannel)."""
        self._speaking = True
        try:
            for frame in frames:
                await self.transport.send(self._media(frame))
                await self._pause()
        finally:
            self._speaking = False

    async def dtmf(self, digit: str) -> None:
        await self.transport.send({"event": "dtmf", "streamId": self.stream_id, "dtmf": {"digit": digit}})

    async def hang_up(self) -> None:
        if not self.closed:
            with contextlib.suppress(Exception):
                await self.transport.send({"event": "stop", "streamId": self.stream_id})
        if self._reader is not None:
            with contextlib.suppress(asyncio.TimeoutError, Exception):
                await asyncio.wait_for(asyncio.shield(self._reader), 5)
            self._reader.cancel()
        await self.transport.close()
