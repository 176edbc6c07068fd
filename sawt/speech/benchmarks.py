"""Speed and accuracy checks behind ``manage.py bench`` (plain functions, no Django).

``bench_asr`` runs Sawt's :func:`~sawt.speech.asr.transcribe` and raw faster-whisper
(``WhisperModel.transcribe`` with its default arguments, same model object, same
device) on the same files in the same run, so the comparison survives a noisy
machine; each side is timed ``repeats`` times, interleaved, and the fastest kept.
"""

from __future__ import annotations

import csv
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sawt.speech import asr, audio, tts
from sawt.speech.scoring import corpus_wer

Samples = npt.NDArray[np.float32]

TTS_TEXT = (
    "Good morning. Your meeting with the design team starts at ten thirty in room four. "
    "I have moved your dentist appointment to Friday afternoon, and the weather looks dry all week. "
    "Would you like me to play some music while you get ready?"
)


def read_manifest(data_dir: str | Path) -> list[dict[str, str]]:
    """Rows of ``manifest.tsv`` (TSV, no quoting: references contain quotes)."""
    with open(Path(data_dir) / "manifest.tsv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _timed(fn: Callable[[], str], repeats: int) -> tuple[str, float]:
    best = float("inf")
    text = ""
    for _ in range(repeats):
        started = time.perf_counter()
        text = fn()
        best = min(best, time.perf_counter() - started)
    return text, best


def _raw_text(model: Any, samples: Samples) -> str:
    segments, _ = model.transcribe(samples)  # faster-whisper defaults, on purpose
    return "".join(segment.text for segment in segments)


def _long_input(items: list[tuple[Samples, str]], seconds: float) -> tuple[Samples, str]:
    gap = np.zeros(audio.SAMPLE_RATE // 2, dtype=np.float32)
    parts: list[Samples] = []
    references: list[str] = []
    total = 0.0
    while total < seconds:
        for samples, reference in items:
            parts += [samples, gap]
            references.append(reference)
            total += (len(samples) + len(gap)) / audio.SAMPLE_RATE
            if total >= seconds:
                break
    return np.concatenate(parts), " ".join(references)


def bench_asr(data_dir: str | Path, *, repeats: int = 2, long_seconds: float = 90.0) -> dict[str, Any]:
    """WER and time of Sawt vs raw faster-whisper on the English rows with a reference.

    ``sawt_*`` figures use :func:`asr.transcribe` producing what raw produces (segment
    timestamps, no word timestamps); ``sawt_words_*`` use its defaults, which add
    word timestamps (extra alignment pass).  WERs are corpus WERs with numbers
    spelled out on both sides.  The long input (at least ``long_seconds``, made by
    concatenating the files) compares the batched pipeline with raw sequential.
    """
    rows = [r for r in read_manifest(data_dir) if r.get("reference") and r.get("language") == "en"]
    if not rows:
        raise ValueError(f"No English rows with a reference in {data_dir}/manifest.tsv")
    unlimited = {"min_seconds": 0.0, "max_seconds": float("inf")}
    items = [(audio.decode_audio(Path(data_dir) / r["file"], **unlimited), r["reference"]) for r in rows]
    model = asr.get_asr_model()
    info = asr.model_info()

    def sawt(samples: Samples, words: bool = False) -> Callable[[], str]:
        return lambda: asr.transcribe(samples, word_timestamps=words).text

    def raw(samples: Samples) -> Callable[[], str]:
        return lambda: _raw_text(model, samples)

    # Warm every path so one-off allocations are not billed to either side.
    for warm in (sawt(items[0][0]), sawt(items[0][0], True), raw(items[0][0])):
        warm()

    pairs: dict[str, list[tuple[str, str]]] = {"sawt": [], "words": [], "raw": []}
    totals = dict.fromkeys(pairs, 0.0)
    files = []
    for (samples, reference), row in zip(items, rows, strict=True):
        entry: dict[str, Any] = {"file": row["file"], "seconds": round(len(samples) / audio.SAMPLE_RATE, 2)}
        for name, fn in (("sawt", sawt(samples)), ("raw", raw(samples)), ("words", sawt(samples, True))):
            text, seconds = _timed(fn, repeats)
            totals[name] += seconds
            pairs[name].append((reference, text))
            entry[f"{name}_seconds"] = round(seconds, 3)
            entry[f"{name}_text"] = text.strip()
        files.append(entry)

    long_samples, long_reference = _long_input(items, long_seconds)
    long_text: dict[str, str] = {}
    long_time: dict[str, float] = {}
    for name, fn in (("raw", raw(long_samples)), ("sawt", sawt(long_samples)), ("words", sawt(long_samples, True))):
        long_text[name], long_time[name] = _timed(fn, 1)

    wer = {name: corpus_wer(values, numbers=True) for name, values in pairs.items()}
    long_wer = {name: corpus_wer([(long_reference, text)], numbers=True) for name, text in long_text.items()}
    return {
        "model": info.get("name"),
        "device": info.get("device"),
        "compute_type": info.get("compute_type"),
        "cpu": platform.processor() or platform.machine(),
        "files": files,
        "sawt_wer": round(wer["sawt"], 4),
        "sawt_words_wer": round(wer["words"], 4),
        "raw_wer": round(wer["raw"], 4),
        "wer_delta_points": round((wer["sawt"] - wer["raw"]) * 100, 2),
        "sawt_seconds": round(totals["sawt"], 3),
        "sawt_words_seconds": round(totals["words"], 3),
        "raw_seconds": round(totals["raw"], 3),
        "time_ratio": _ratio(totals["sawt"], totals["raw"]),
        "words_time_ratio": _ratio(totals["words"], totals["raw"]),
        "long_input_seconds": round(len(long_samples) / audio.SAMPLE_RATE, 1),
        "long_batched_seconds": round(long_time["sawt"], 3),
        "long_batched_words_seconds": round(long_time["words"], 3),
        "long_raw_seconds": round(long_time["raw"], 3),
        "long_ratio": _ratio(long_time["sawt"], long_time["raw"]),
        "long_words_ratio": _ratio(long_time["words"], long_time["raw"]),
        "long_sawt_wer": round(long_wer["sawt"], 4),
        "long_sawt_words_wer": round(long_wer["words"], 4),
        "long_raw_wer": round(long_wer["raw"], 4),
    }


def _ratio(value: float, base: float) -> float | None:
    return round(value / base, 3) if base else None


def bench_tts(text: str = TTS_TEXT, *, repeats: int = 3) -> dict[str, Any]:
    """Real-time factor (synthesis time / audio time) and first-sentence latency.

    ``cpu_rtf`` divides the process CPU time instead of wall time: on a shared
    machine it shows what one uncontended core would do.
    """
    started = time.perf_counter()
    synth = tts.PiperSynthesizer()
    synth.synthesize("Warm up.")
    load_ms = (time.perf_counter() - started) * 1000
    best_total = best_first = best_cpu = float("inf")
    result = None
    for _ in range(repeats):
        first_latency, _first = tts.first_audio_latency(text, synth)
        best_first = min(best_first, first_latency)
        started, cpu_started = time.perf_counter(), time.process_time()
        result = synth.synthesize(text)
        best_total = min(best_total, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - cpu_started)
    assert result is not None
    return {
        "voice": synth.voice_id,
        "sample_rate": result.sample_rate,
        "audio_seconds": round(result.duration, 2),
        "synth_seconds": round(best_total, 3),
        "rtf": round(best_total / result.duration, 4) if result.duration else None,
        # CPU seconds per audio second: what the RTF would be on an idle core.
        "cpu_rtf": round(best_cpu / result.duration, 4) if result.duration else None,
        "first_audio_ms": round(best_first * 1000, 1),
        "load_ms": round(load_ms, 1),
        "sentences": len(tts.split_sentences(text)),
    }
