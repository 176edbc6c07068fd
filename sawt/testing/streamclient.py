"""A client of `/ws/chat/` and `/ws/meetings/<id>/live/` that plays PCM like a microphone and
times what comes back (chat sends `text`/`done`, a live meeting `final`/`stopped`; both `partial`).

Used by `manage.py bench stream`, `bench live-meeting` and the over-the-wire test. Audio goes out
in 100 ms frames by the clock (or as fast as possible); each final's latency is its arrival minus
the moment the frame holding its last audio was sent.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field

SAMPLE_RATE = 16000
BYTES_PER_SECOND = SAMPLE_RATE * 2


@dataclass
class StreamRun:
    sent_at: list[float] = field(default_factory=list)  # clock time each frame left
    frame_seconds: float = 0.1
    finals: list[tuple[str, float, float, float]] = field(default_factory=list)  # text, start, end, arrival
    partials: list[tuple[str, float]] = field(default_factory=list)  # payload, arrival
    errors: list[dict[str, object]] = field(default_factory=list)
    done_at: float | None = None

    @property
    def text(self) -> str:
        return " ".join(text for text, *_ in self.finals)

    def sent_time(self, seconds: float) -> float:
        index = min(len(self.sent_at) - 1, max(0, int(seconds / self.frame_seconds - 1e-9)))
        return self.sent_at[index]

    def latencies(self) -> list[float]:
        return [arrival - self.sent_time(end) for _, _, end, arrival in self.finals]

    def max_partial_gap(self, *, settle: float = 1.0) -> float:
        """Longest wait for new text while someone speaks: from `settle` s into each final
        segment until its final arrives, the largest gap between partials (or the edges)."""
        worst = 0.0
        arrivals = sorted(t for _, t in self.partials)
        for _, start, end, arrival in self.finals:
            if end - start <= settle + 0.5:
                continue
            begin = self.sent_time(start) + settle
            stops = [begin, *(t for t in arrivals if begin < t < arrival), arrival]
            worst = max(worst, *(b - a for a, b in itertools.pairwise(stops)))
        return worst


async def play(
    url: str,
    pcm: bytes,
    *,
    headers: dict[str, str] | None = None,
    real_time: bool = True,
    frame_seconds: float = 0.1,
    language: str | None = "en",
    timeout: float = 60.0,
) -> StreamRun:
    """Send `pcm` (PCM16LE 16 kHz mono) to the socket at `url`, then stop; wait for the end frame.
    `language=None` sends no `start` event (a live meeting takes its language from the meeting)."""
    import websockets

    run = StreamRun(frame_seconds=frame_seconds)
    frame_bytes = int(BYTES_PER_SECOND * frame_seconds)
    async with websockets.connect(
        url, additional_headers=headers or {}, max_size=2**20, open_timeout=timeout
    ) as socket:

        async def receive() -> None:
            async for raw in socket:
                message = json.loads(raw)
                now = time.perf_counter()
                kind, text = message["type"], message.get("payload", message.get("text", ""))
                if kind == "partial":
                    run.partials.append((text, now))
                elif kind in {"text", "final"}:
                    run.finals.append((text, message["start"], message["end"], now))
                elif kind == "error":
                    run.errors.append(message)
                elif kind in {"done", "stopped"}:
                    run.done_at = now
                    return

        listener = asyncio.create_task(receive())
        if language is not None:
            await socket.send(json.dumps({"event": "start", "language": language}))
        began = time.perf_counter()
        for index, offset in enumerate(range(0, len(pcm), frame_bytes)):
            if real_time:
                # A microphone delivers a frame once it has been spoken: wait for its end.
                await asyncio.sleep(max(0.0, began + (index + 1) * frame_seconds - time.perf_counter()))
            await socket.send(pcm[offset : offset + frame_bytes])
            run.sent_at.append(time.perf_counter())
        await socket.send(json.dumps({"event": "stop"}))
        await asyncio.wait_for(listener, timeout)
    return run
