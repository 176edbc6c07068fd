"""Voice activity detection with the Silero VAD model bundled in faster-whisper.

:func:`speech_timestamps` finds speech in a whole recording.  :class:`VADStream`
scores live audio incrementally (512-sample windows at 16 kHz, 32 ms) carrying the
model's recurrent state between calls, which is what a streaming endpointer needs.
The ONNX session is shared by the process; each stream owns only its state.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 16000
WINDOW = 512  # samples per Silero decision at 16 kHz
_CONTEXT = 64  # samples of the previous window the model sees with each window


@dataclass(frozen=True)
class SpeechSpan:
    start: float  # seconds
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def _model() -> Any:
    from faster_whisper.vad import get_vad_model

    return get_vad_model()


def speech_timestamps(
    samples: npt.ArrayLike,
    *,
    threshold: float = 0.5,
    min_speech_duration_ms: int = 250,
    min_silence_duration_ms: int = 500,
    speech_pad_ms: int = 100,
    max_speech_duration_s: float = float("inf"),
) -> list[SpeechSpan]:
    """Speech regions of float32 mono 16 kHz audio, in seconds.

    Defaults suit utterance splitting (tighter than faster-whisper's transcription
    defaults of 2 s silence / 400 ms padding).
    """
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    audio = np.ascontiguousarray(np.asarray(samples, dtype=np.float32).reshape(-1))
    if audio.size == 0:
        return []
    options = VadOptions(
        threshold=threshold,
        min_speech_duration_ms=min_speech_duration_ms,
        min_silence_duration_ms=min_silence_duration_ms,
        speech_pad_ms=speech_pad_ms,
        max_speech_duration_s=max_speech_duration_s,
    )
    spans = get_speech_timestamps(audio, options, sampling_rate=SAMPLE_RATE)
    return [SpeechSpan(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in spans]


def speech_ratio(samples: npt.ArrayLike, **options: Any) -> float:
    """Share of the audio that is speech (0..1)."""
    audio = np.asarray(samples, dtype=np.float32).reshape(-1)
    if audio.size == 0:
        return 0.0
    spans = speech_timestamps(audio, **options)
    return min(1.0, sum(s.duration for s in spans) / (audio.size / SAMPLE_RATE))


class VADStream:
    """Incremental Silero VAD: feed any chunk sizes, get one probability per 32 ms.

    Not thread-safe per instance (use one per audio stream); instances share the model.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(_CONTEXT, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)

    def process(self, chunk: npt.ArrayLike) -> list[float]:
        """Probabilities for every complete window now available (may be empty)."""
        data = np.asarray(chunk, dtype=np.float32).reshape(-1)
        with self._lock:
            buffer = np.concatenate([self._pending, data]) if self._pending.size else data
            count = buffer.size // WINDOW
            self._pending = buffer[count * WINDOW :].copy()
            if count == 0:
                return []
            session = _model().session
            probs: list[float] = []
            for index in range(count):
                window = buffer[index * WINDOW : (index + 1) * WINDOW]
                x = np.concatenate([self._context, window])[None, :]
                out, self._h, self._c = session.run(None, {"input": x, "h": self._h, "c": self._c})
                self._context = window[-_CONTEXT:].copy()
                probs.append(float(np.asarray(out).reshape(-1)[0]))
            return probs


def speech_probability(chunk: npt.ArrayLike, stream: VADStream | None = None) -> float:
    """Highest speech probability among the chunk's 32 ms windows (0.0 if none).

    Pass a :class:`VADStream` to keep context across calls; without one each chunk
    is judged alone, which is less accurate for chunks under ~100 ms.
    """
    probs = (stream or VADStream()).process(chunk)
    return max(probs) if probs else 0.0
