"""Transcript output formats: SRT, WebVTT, plain text and OpenAI ``verbose_json``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sawt.speech.asr import Segment, Transcript


def _segments(source: Transcript | Iterable[Segment]) -> list[Segment]:
    return list(source.segments) if isinstance(source, Transcript) else list(source)


def format_timestamp(seconds: float, *, decimal: str = ",", always_hours: bool = True) -> str:
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    prefix = f"{hours:02d}:" if always_hours or hours else ""
    return f"{prefix}{minutes:02d}:{secs:02d}{decimal}{millis:03d}"


def to_srt(source: Transcript | Iterable[Segment]) -> str:
    blocks = []
    cues = [s for s in _segments(source) if s.text.strip()]
    for number, seg in enumerate(cues, start=1):
        span = f"{format_timestamp(seg.start)} --> {format_timestamp(seg.end)}"
        # "-->" inside a cue would end it early in some players.
        blocks.append(f"{number}\n{span}\n{seg.text.strip().replace('-->', '->')}\n")
    return "\n".join(blocks)


def to_vtt(source: Transcript | Iterable[Segment]) -> str:
    lines = ["WEBVTT", ""]
    for seg in _segments(source):
        text = seg.text.strip().replace("-->", "->")
        if not text:
            continue
        start = format_timestamp(seg.start, decimal=".")
        end = format_timestamp(seg.end, decimal=".")
        lines += [f"{start} --> {end}", text, ""]
    return "\n".join(lines)


def to_text(source: Transcript | Iterable[Segment]) -> str:
    return "\n".join(s.text.strip() for s in _segments(source) if s.text.strip()) + "\n"


def to_verbose_json(transcript: Transcript, *, task: str = "transcribe") -> dict[str, Any]:
    """The shape of OpenAI's ``response_format=verbose_json`` (segments and words)."""
    return {
        "task": task,
        "language": transcript.language,
        "duration": round(transcript.duration, 3),
        "text": transcript.text,
        "segments": [
            {
                "id": index,
                "seek": seg.seek,
                "start": round(seg.start, 3),
                "end": round(seg.end, 3),
                "text": seg.text,
                "tokens": list(seg.tokens),
                "temperature": seg.temperature,
                "avg_logprob": seg.avg_logprob,
                "compression_ratio": seg.compression_ratio,
                "no_speech_prob": seg.no_speech_prob,
            }
            for index, seg in enumerate(transcript.segments)
        ],
        "words": [
            {"word": w.word.strip(), "start": round(w.start, 3), "end": round(w.end, 3)} for w in transcript.words
        ],
    }
