"""Audio decoding and PCM helpers.

Everything the engine consumes is float32 mono at 16 kHz (``SAMPLE_RATE``), the
format Whisper and Silero VAD expect.  Decoding goes through PyAV (FFmpeg), so any
common container/codec works; limits are enforced from container metadata before
decoding, and again while decoding for streams whose metadata lies or is missing.
"""

from __future__ import annotations

import io
import logging
import os
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, cast

import av
import numpy as np
import numpy.typing as npt

from sawt.speech.config import get_config

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000

AudioSource = bytes | bytearray | memoryview | str | Path | BinaryIO | IO[bytes]
FloatArray = npt.NDArray[np.float32]
Int16Array = npt.NDArray[np.int16]

# Demuxers we accept.  Anything else (HLS/concat playlists, images, subtitles...) is
# refused before FFmpeg acts on it: playlists could make FFmpeg open other files.
_DEMUXERS = "wav,w64,flac,mp3,ogg,matroska,webm,mov,mp4,m4a,aiff,aac,caf,amr,asf,au"


class AudioDecodeError(Exception):
    """Audio that cannot be used; ``code`` is stable and machine-readable.

    Codes: ``empty_audio``, ``not_audio``, ``corrupt_audio``, ``too_short``,
    ``too_long``, ``unsupported_codec``.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"AudioDecodeError({self.code!r}, {self.message!r})"


# The MIME type of each accepted demuxer (PyAV's `container.format.name`), for serving the file back.
_CONTAINER_TYPES = {
    "wav": "audio/wav",
    "w64": "audio/x-w64",
    "flac": "audio/flac",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "matroska,webm": "audio/webm",
    "mov,mp4,m4a,3gp,3g2,mj2": "audio/mp4",
    "aiff": "audio/aiff",
    "aac": "audio/aac",
    "caf": "audio/x-caf",
    "amr": "audio/amr",
    "asf": "audio/x-ms-asf",
    "au": "audio/basic",
}
_WEBM_CODECS = {"opus", "vorbis"}


def audio_content_type(container: str, codec: str) -> str:
    """The MIME type of audio the decoder read as `container`/`codec`; application/octet-stream for
    anything else. Never from a file name or a client's Content-Type: a file is served back as what
    the server itself found it to be."""
    if container == "matroska,webm" and codec not in _WEBM_CODECS:
        return "audio/x-matroska"
    return _CONTAINER_TYPES.get(container, "application/octet-stream")


@dataclass(frozen=True)
class AudioInfo:
    duration: float | None  # seconds, None when the container does not say
    format: str
    codec: str
    sample_rate: int
    channels: int

    @property
    def content_type(self) -> str:
        return audio_content_type(self.format, self.codec)


def _open(source: AudioSource) -> av.container.InputContainer:
    if isinstance(source, (bytes, bytearray, memoryview)):
        if len(source) == 0:
            raise AudioDecodeError("empty_audio", "The audio file is empty.")
        handle: str | IO[bytes] = io.BytesIO(bytes(source))
    elif isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise AudioDecodeError("not_audio", f"No such audio file: {path.name}")
        if path.stat().st_size == 0:
            raise AudioDecodeError("empty_audio", "The audio file is empty.")
        handle = os.fspath(path)
    else:
        handle = source
        if _remaining_bytes(source) == 0:
            raise AudioDecodeError("empty_audio", "The audio file is empty.")
    try:
        container = av.open(handle, mode="r", options={"format_whitelist": _DEMUXERS})
    except av.error.FFmpegError as exc:
        raise AudioDecodeError("not_audio", "This does not look like an audio file we can read.") from exc
    return container


def _remaining_bytes(stream: IO[bytes] | BinaryIO) -> int | None:
    try:
        pos = stream.tell()
        end = stream.seek(0, io.SEEK_END)
        stream.seek(pos)
        return end - pos
    except (OSError, AttributeError, ValueError):
        return None


def _audio_stream(container: av.container.InputContainer) -> av.audio.stream.AudioStream:
    if not container.streams.audio:
        raise AudioDecodeError("not_audio", "The file has no audio track.")
    stream = container.streams.audio[0]
    if stream.codec_context is None:
        raise AudioDecodeError("unsupported_codec", "The audio codec is not supported.")
    return stream


def _metadata_duration(container: av.container.InputContainer, stream: av.audio.stream.AudioStream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def probe_audio(source: AudioSource) -> AudioInfo:
    """Read container metadata only (no decoding)."""
    with _open(source) as container:
        stream = _audio_stream(container)
        ctx = stream.codec_context
        return AudioInfo(
            duration=_metadata_duration(container, stream),
            format=container.format.name,
            codec=ctx.name,
            sample_rate=int(ctx.sample_rate or 0),
            channels=int(ctx.channels or 0),
        )


def decode_audio(
    source: AudioSource,
    *,
    min_seconds: float | None = None,
    max_seconds: float | None = None,
) -> FloatArray:
    """Decode any supported audio to float32 mono 16 kHz.

    ``min_seconds``/``max_seconds`` default to the configured limits; pass ``0`` /
    ``float("inf")`` to disable them.  Raises :class:`AudioDecodeError`.
    """
    config = get_config()
    low = config.min_audio_seconds if min_seconds is None else min_seconds
    high = config.max_audio_seconds if max_seconds is None else max_seconds
    with _open(source) as container:
        stream = _audio_stream(container)
        declared = _metadata_duration(container, stream)
        if declared is not None and declared > high:
            raise _too_long(high)
        samples = _decode_stream(container, stream, high, declared)
    if samples.size / SAMPLE_RATE < low:
        raise AudioDecodeError(
            "too_short",
            f"The audio is too short ({samples.size / SAMPLE_RATE:.2f} s); at least {low:g} s is needed.",
        )
    return samples


def _too_long(limit: float) -> AudioDecodeError:
    return AudioDecodeError("too_long", f"The audio is longer than the {_human(limit)} limit.")


def _human(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:g} h"
    if seconds >= 60:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"


class _Buffer:
    """Growable float32 buffer: a 2 h upload is 460 MB at 16 kHz, so avoid the
    second full copy that collecting chunks and concatenating them would cost."""

    def __init__(self, expected_seconds: float | None) -> None:
        seconds = expected_seconds + 1.0 if expected_seconds else 60.0
        self.data = np.empty(max(int(seconds * SAMPLE_RATE), SAMPLE_RATE), dtype=np.float32)
        self.size = 0

    def append(self, chunk: FloatArray) -> None:
        needed = self.size + chunk.size
        if needed > self.data.size:
            grown = np.empty(max(needed, self.data.size * 2), dtype=np.float32)
            grown[: self.size] = self.data[: self.size]
            self.data = grown
        self.data[self.size : needed] = chunk
        self.size = needed

    def result(self) -> FloatArray:
        if self.data.size - self.size > SAMPLE_RATE * 10:
            return self.data[: self.size].copy()  # release a badly overestimated buffer
        return self.data[: self.size]


def _decode_stream(
    container: av.container.InputContainer,
    stream: av.audio.stream.AudioStream,
    max_seconds: float,
    declared: float | None = None,
) -> FloatArray:
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    limit = max_seconds * SAMPLE_RATE
    buffer = _Buffer(declared if declared is not None and declared < max_seconds else None)
    error: Exception | None = None

    def take(frames: list[av.AudioFrame]) -> None:
        for out in frames:
            buffer.append(np.asarray(out.to_ndarray(), dtype=np.float32).reshape(-1))
        if buffer.size > limit:
            raise _too_long(max_seconds)

    try:
        for frame in container.decode(stream):
            # Some encoders emit frames without a pts; the resampler needs one only
            # for timestamps we never use.
            frame.pts = None
            take(resampler.resample(frame))
        take(resampler.resample(None))
    except AudioDecodeError:
        raise
    except av.error.DecoderNotFoundError as exc:
        raise AudioDecodeError("unsupported_codec", "The audio codec is not supported.") from exc
    except (av.error.FFmpegError, ValueError) as exc:
        # A truncated upload still carries usable speech; only fail on nothing.
        error = exc
    if buffer.size == 0:
        if error is not None:
            raise AudioDecodeError("corrupt_audio", "The audio data is damaged.") from error
        raise AudioDecodeError("empty_audio", "The file contains no audio samples.")
    if error is not None:
        log.warning("audio decoding stopped early after %d samples: %s", buffer.size, error)
    return buffer.result()


def audio_chunks(
    source: AudioSource, *, seconds: float = 60.0, search: float = 5.0, max_seconds: float | None = None
) -> Iterator[FloatArray]:
    """Decode ``source`` to float32 mono 16 kHz as consecutive pieces of about ``seconds`` each, never
    holding more than one piece (plus a decoder frame) in memory: a 4-hour recording is 0.9 GB of
    float32 as one array. Each piece ends at the quietest 100 ms in its last ``search`` seconds, so a
    word is rarely cut in two. Concatenated, the pieces are exactly the whole recording. Raises
    :class:`AudioDecodeError` like :func:`decode_audio` (``too_long`` as soon as the limit is passed)."""
    high = get_config().max_audio_seconds if max_seconds is None else max_seconds
    target, window = int(seconds * SAMPLE_RATE), SAMPLE_RATE // 10
    pending: list[FloatArray] = []
    size = total = 0
    with _open(source) as container:
        stream = _audio_stream(container)
        declared = _metadata_duration(container, stream)
        if declared is not None and declared > high:
            raise _too_long(high)
        for piece in _decoded_frames(container, stream):
            pending.append(piece)
            size += piece.size
            total += piece.size
            if total > high * SAMPLE_RATE:
                raise _too_long(high)
            while size >= target + int(search * SAMPLE_RATE):
                buffer = np.concatenate(pending)
                cut = _quiet_cut(buffer, target, int(search * SAMPLE_RATE), window)
                yield buffer[:cut]
                rest = buffer[cut:].copy()
                del buffer
                pending, size = [rest], rest.size
    if size:
        yield np.concatenate(pending)


def _quiet_cut(buffer: FloatArray, target: int, search: int, window: int) -> int:
    """The start of the quietest ``window`` in ``buffer[target - search : target]`` (its middle)."""
    part = buffer[max(0, target - search) : target]
    usable = part.size // window * window
    if usable == 0:
        return target
    energy = np.square(part[:usable].reshape(-1, window)).mean(axis=1)
    return max(1, target - search + int(np.argmin(energy)) * window + window // 2)


def _decoded_frames(
    container: av.container.InputContainer, stream: av.audio.stream.AudioStream
) -> Iterator[FloatArray]:
    """The stream's samples as 16 kHz mono float32 pieces (one per decoder frame); a damaged stream
    ends early with a warning once it has given samples, like :func:`decode_audio`."""
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    count = 0
    try:
        for frame in container.decode(stream):
            frame.pts = None
            for out in resampler.resample(frame):
                piece = np.asarray(out.to_ndarray(), dtype=np.float32).reshape(-1)
                count += piece.size
                yield piece
        for out in resampler.resample(None):
            piece = np.asarray(out.to_ndarray(), dtype=np.float32).reshape(-1)
            count += piece.size
            yield piece
    except av.error.DecoderNotFoundError as exc:
        raise AudioDecodeError("unsupported_codec", "The audio codec is not supported.") from exc
    except (av.error.FFmpegError, ValueError) as exc:
        if count == 0:
            raise AudioDecodeError("corrupt_audio", "The audio data is damaged.") from exc
        log.warning("audio decoding stopped early after %d samples: %s", count, exc)
    if count == 0:
        raise AudioDecodeError("empty_audio", "The file contains no audio samples.")


def audio_seconds(source: AudioSource, *, min_seconds: float | None = None, max_seconds: float | None = None) -> float:
    """The decoded length of ``source`` in seconds, decoding it piece by piece (bounded memory);
    raises :class:`AudioDecodeError` as :func:`decode_audio` does (``too_short``, ``too_long``...)."""
    low = get_config().min_audio_seconds if min_seconds is None else min_seconds
    seconds = sum(piece.size for piece in audio_chunks(source, max_seconds=max_seconds)) / SAMPLE_RATE
    if seconds < low:
        raise AudioDecodeError("too_short", f"The audio is too short ({seconds:.2f} s); at least {low:g} s is needed.")
    return seconds


# --- PCM conversions -------------------------------------------------------------


def pcm16_to_float32(data: bytes) -> FloatArray:
    """Little-endian signed 16-bit PCM bytes to float32 in [-1, 1)."""
    usable = len(data) - len(data) % 2
    pcm = np.frombuffer(data[:usable], dtype="<i2")
    return (pcm.astype(np.float32) / 32768.0).astype(np.float32)


def float32_to_pcm16(samples: npt.ArrayLike) -> bytes:
    """Float samples in [-1, 1] to little-endian signed 16-bit PCM (clipped)."""
    arr = np.asarray(samples, dtype=np.float32)
    pcm = np.clip(np.rint(arr * 32767.0), -32768, 32767).astype("<i2")
    return pcm.tobytes()


# G.711 mu-law.  audioop is gone in Python 3.13, so tables built once with numpy.
_MULAW_BIAS = 0x84


def _build_mulaw_decode() -> Int16Array:
    u = ~np.arange(256, dtype=np.int32) & 0xFF
    sign = u & 0x80
    exponent = (u >> 4) & 0x07
    mantissa = u & 0x0F
    magnitude = (((mantissa << 3) + _MULAW_BIAS) << exponent) - _MULAW_BIAS
    return np.where(sign != 0, -magnitude, magnitude).astype(np.int16)


def _build_mulaw_encode() -> npt.NDArray[np.uint8]:
    # Indexed by the int16 sample reinterpreted as uint16.  Works on 14-bit values
    # like the reference Sun g711.c (and audioop), so bytes match byte for byte.
    x = np.arange(65536, dtype=np.int32)
    x = np.where(x >= 32768, x - 65536, x) >> 2
    negative = x < 0
    magnitude = np.minimum(np.abs(x), 8159) + 0x21
    segment = np.maximum(np.floor(np.log2(magnitude)).astype(np.int32) - 5, 0)
    mantissa = (magnitude >> (segment + 1)) & 0x0F
    # Full-scale samples overflow into a ninth segment: saturate to the top code.
    code = np.where(segment >= 8, 0x7F, (segment << 4) | mantissa)
    return (code ^ np.where(negative, 0x7F, 0xFF)).astype(np.uint8)


_MULAW_DECODE = _build_mulaw_decode()
_MULAW_ENCODE = _build_mulaw_encode()


def mulaw_decode(data: bytes) -> Int16Array:
    """G.711 mu-law bytes to int16 samples."""
    return _MULAW_DECODE[np.frombuffer(data, dtype=np.uint8)]


def mulaw_encode(samples: npt.ArrayLike) -> bytes:
    """int16 samples to G.711 mu-law bytes."""
    pcm = np.asarray(samples, dtype=np.int16)
    return _MULAW_ENCODE[pcm.view(np.uint16)].tobytes()


# --- resampling and WAV ---------------------------------------------------------


def resample(samples: npt.ArrayLike, src_rate: int, dst_rate: int) -> FloatArray:
    """Band-limited resampling of mono float audio (libsoxr, high quality)."""
    arr = np.asarray(samples, dtype=np.float32).reshape(-1)
    if src_rate == dst_rate or arr.size == 0:
        return arr.copy()
    if src_rate <= 0 or dst_rate <= 0:
        raise ValueError("sample rates must be positive")
    import soxr

    return np.asarray(soxr.resample(arr, src_rate, dst_rate, quality="HQ"), dtype=np.float32)


def wav_bytes(samples: npt.ArrayLike, sample_rate: int) -> bytes:
    """Mono 16-bit PCM WAV file contents."""
    buffer = io.BytesIO()
    _write_wav(buffer, samples, sample_rate)
    return buffer.getvalue()


def write_wav(path: str | Path, samples: npt.ArrayLike, sample_rate: int) -> Path:
    """Write mono 16-bit PCM WAV; parent folders are created."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as handle:
        _write_wav(handle, samples, sample_rate)
    return target


def _write_wav(handle: IO[bytes], samples: npt.ArrayLike, sample_rate: int) -> None:
    with wave.open(cast(BinaryIO, handle), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(int(sample_rate))
        wav.writeframes(float32_to_pcm16(samples))
