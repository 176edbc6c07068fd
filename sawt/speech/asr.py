"""Speech recognition with faster-whisper (CTranslate2).

One model per process, loaded lazily under a lock and shared by all threads:
``WhisperModel.transcribe`` is thread-safe and runs up to ``asr_workers`` calls in
parallel.  Decoding defaults equal faster-whisper's own (beam 5, temperature
fallback, conditioning on previous text), plus Silero VAD so silence is skipped.
Inputs of ``asr_batched_min_seconds`` or more go through ``BatchedInferencePipeline``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sawt.speech import audio as audio_mod
from sawt.speech.config import SpeechConfig, get_config
from sawt.speech.models import resolve_asr_model

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    word: str
    probability: float


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    id: int = 0
    seek: int = 0
    tokens: list[int] = field(default_factory=list)
    temperature: float = 0.0
    compression_ratio: float = 0.0


@dataclass(frozen=True)
class Transcript:
    language: str
    language_probability: float
    duration: float
    segments: list[Segment]
    model: str = ""
    batched: bool = False
    processing_seconds: float = 0.0

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments if s.text.strip())

    @property
    def words(self) -> list[Word]:
        return [w for s in self.segments for w in s.words]


@dataclass(frozen=True)
class _Loaded:
    model: Any
    info: dict[str, Any]


_lock = threading.Lock()
# One copy of each configured model per process: the products may use different models (music voice
# commands the multilingual one, the rest tiny.en) and must not evict each other's.
_loaded: dict[tuple[Any, ...], _Loaded] = {}


def resolve_device(device: str, compute_type: str) -> tuple[str, str]:
    """``auto`` picks CUDA float16 when CTranslate2 sees a GPU, else CPU int8."""
    import ctranslate2

    if device == "auto":
        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if compute_type in ("auto", ""):
        compute_type = "float16" if device == "cuda" else "int8"
    return device, compute_type


def keep_blas_in_caller_thread() -> None:
    """Run numpy's OpenBLAS in the calling thread only, for the rest of the process.

    Every decode computes its mel features with a small numpy matrix product just before the encoder.
    OpenBLAS hands that to its worker threads, which then busy-wait for more work while CTranslate2's
    threads run the encoder on the same cores: on a 2-core machine the encoder took 58 ms instead of
    32 ms after the mel product, and a 4 s utterance's decode 164 ms instead of 128 ms (medians). With the cores
    left to CTranslate2 the product itself runs in the caller's thread (under a millisecond). Other numpy
    linear algebra in a process that decodes speech (clustering a meeting's speakers) runs on one core too.
    """
    from threadpoolctl import ThreadpoolController

    ThreadpoolController().select(internal_api="openblas").limit(limits=1)


def _key(config: SpeechConfig) -> tuple[Any, ...]:
    return (
        config.asr_model,
        config.asr_device,
        config.asr_compute_type,
        config.asr_threads,
        config.asr_workers,
        config.model_cache_dir,
    )


def get_asr_model(config: SpeechConfig | None = None) -> Any:
    """The process-wide ``faster_whisper.WhisperModel`` for the current config."""
    return _get_loaded(config).model


def _get_loaded(config: SpeechConfig | None = None) -> _Loaded:
    cfg = config or get_config()
    key = _key(cfg)
    current = _loaded.get(key)
    if current is not None:
        return current
    with _lock:
        if key in _loaded:
            return _loaded[key]
        from faster_whisper import WhisperModel

        path, name = resolve_asr_model(cfg.asr_model, cfg.model_cache_dir)
        device, compute_type = resolve_device(cfg.asr_device, cfg.asr_compute_type)
        if device == "cpu":
            keep_blas_in_caller_thread()
        started = time.perf_counter()
        model = WhisperModel(
            path,
            device=device,
            compute_type=compute_type,
            cpu_threads=cfg.asr_threads,
            num_workers=max(1, cfg.asr_workers),
            local_files_only=True,
        )
        info = {
            "name": name,
            "path": path,
            "device": device,
            "compute_type": compute_type,
            "multilingual": bool(model.model.is_multilingual),
            "load_seconds": round(time.perf_counter() - started, 3),
        }
        log.info("loaded ASR model %s on %s/%s in %.2fs", name, device, compute_type, info["load_seconds"])
        _loaded[key] = _Loaded(model, info)
        return _loaded[key]


def model_info(load: bool = False) -> dict[str, Any]:
    """For /health: what is (or would be) loaded, without loading unless asked."""
    cfg = get_config()
    current = _loaded.get(_key(cfg))
    if current is not None:
        return {**current.info, "loaded": True}
    if load:
        return {**_get_loaded(cfg).info, "loaded": True}
    return {"name": cfg.asr_model, "device": cfg.asr_device, "compute_type": cfg.asr_compute_type, "loaded": False}


def unload() -> None:
    with _lock:
        _loaded.clear()


def _language_code(language: str | None) -> str | None:
    if not language or language == "auto":
        return None
    code = language.strip().lower().replace("_", "-").split("-")[0]
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    if code not in _LANGUAGE_CODES:
        raise ValueError(f"Unknown language code {language!r}.")
    return code


def _as_float_audio(samples: npt.ArrayLike) -> npt.NDArray[np.float32]:
    arr = np.asarray(samples)
    if arr.dtype == np.int16:
        arr = arr.astype(np.float32) / 32768.0
    arr = np.ascontiguousarray(arr, dtype=np.float32)
    if arr.ndim != 1:
        raise ValueError("transcribe() needs mono 16 kHz samples (1-D array); use decode_audio().")
    return arr


def transcribe(
    audio: npt.ArrayLike,
    *,
    language: str | None = None,
    initial_prompt: str | None = None,
    hotwords: str | None = None,
    word_timestamps: bool = True,
    vad_filter: bool = True,
    batched: bool | None = None,
    temperature: float | Sequence[float] | None = None,
    beam_size: int | None = None,
    task: str = "transcribe",
    vad_parameters: dict[str, Any] | None = None,
    config: SpeechConfig | None = None,
    on_segment: Callable[[Segment], None] | None = None,
) -> Transcript:
    """Transcribe float32 mono 16 kHz samples.

    ``language=None`` detects it.  English-only models (``tiny.en``) always
    transcribe as ``en``, like faster-whisper, whatever ``language`` says; check
    ``model_info()["multilingual"]`` before offering other languages.
    ``batched=None`` batches inputs of ``asr_batched_min_seconds`` or more.
    ``temperature=None`` keeps Whisper's fallback schedule (0.0 ... 1.0).
    ``on_segment`` is called with each segment as soon as it is decoded (to stream the text).
    """
    cfg = config or get_config()
    samples = _as_float_audio(audio)
    duration = len(samples) / audio_mod.SAMPLE_RATE
    loaded = _get_loaded(cfg)
    if samples.size == 0:
        return Transcript("en", 0.0, 0.0, [], model=loaded.info["name"])
    use_batch = duration >= cfg.asr_batched_min_seconds if batched is None else batched
    options: dict[str, Any] = {
        "language": _language_code(language),
        "task": task,
        "beam_size": beam_size or cfg.asr_beam_size,
        "initial_prompt": initial_prompt or None,
        "hotwords": hotwords or None,
        "word_timestamps": word_timestamps,
        "vad_filter": vad_filter,
        "vad_parameters": vad_parameters,
    }
    if temperature is not None:
        options["temperature"] = temperature
    started = time.perf_counter()
    if use_batch:
        from faster_whisper import BatchedInferencePipeline

        # The pipeline keeps per-call state, so each call gets its own (it is cheap).
        pipeline = BatchedInferencePipeline(loaded.model)
        if not vad_filter:
            # Without VAD the pipeline needs explicit 30 s windows.
            options["clip_timestamps"] = [
                {"start": s, "end": min(s + 30 * 16000, len(samples))} for s in range(0, len(samples), 30 * 16000)
            ]
        raw_segments, info = pipeline.transcribe(samples, batch_size=cfg.asr_batch_size, **options)
    else:
        raw_segments, info = loaded.model.transcribe(samples, **options)
    segments = _convert(raw_segments, on_segment)
    return Transcript(
        language=info.language,
        language_probability=float(info.language_probability),
        duration=float(info.duration),
        segments=segments,
        model=loaded.info["name"],
        batched=use_batch,
        processing_seconds=time.perf_counter() - started,
    )


def _convert(raw_segments: Iterable[Any], on_segment: Callable[[Segment], None] | None = None) -> list[Segment]:
    segments = []
    for index, seg in enumerate(raw_segments):
        words = [Word(float(w.start), float(w.end), str(w.word), float(w.probability)) for w in (seg.words or [])]
        segments.append(
            Segment(
                start=float(seg.start),
                end=float(seg.end),
                text=str(seg.text),
                words=words,
                avg_logprob=float(seg.avg_logprob),
                no_speech_prob=float(seg.no_speech_prob),
                id=index,
                seek=int(seg.seek),
                tokens=list(seg.tokens),
                temperature=float(seg.temperature or 0.0),
                compression_ratio=float(seg.compression_ratio),
            )
        )
        if on_segment is not None:
            on_segment(segments[-1])
    return segments


def transcribe_file(
    path: str | Path,
    *,
    min_seconds: float | None = None,
    max_seconds: float | None = None,
    **options: Any,
) -> Transcript:
    """Decode any audio file (with the configured limits) and transcribe it."""
    samples = audio_mod.decode_audio(Path(path), min_seconds=min_seconds, max_seconds=max_seconds)
    return transcribe(samples, **options)
