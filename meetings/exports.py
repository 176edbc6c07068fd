"""Transcript exports with speaker names: TXT, SRT, VTT, JSON, Markdown, DOCX; the diarization turns as
NIST RTTM (speaker labels, never display names)."""

from __future__ import annotations

import io
import json
from typing import Any

from meetings.models import Meeting
from meetings.selectors import summary_get, transcript_get
from sawt.speech.asr import Segment as EngineSegment
from sawt.speech.subtitles import format_timestamp, to_srt, to_vtt

FORMATS = {
    "txt": "text/plain; charset=utf-8",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "rttm": "text/plain; charset=utf-8",
}


def _lines(transcript: dict[str, Any]) -> list[tuple[float, float, str, str]]:
    return [(s["start"], s["end"], s["speaker"] or "Unknown speaker", s["text"]) for s in transcript["segments"]]


def _cues(transcript: dict[str, Any]) -> list[EngineSegment]:
    # The engine's subtitle writers, with the speaker in front of each cue.
    return [EngineSegment(start, end, f"{name}: {text}") for start, end, name, text in _lines(transcript)]


def rttm(meeting: Meeting) -> str:
    """One NIST RTTM line per diarization turn of the meeting's latest diarized job; the label is the
    speaker's label (SPEAKER_00), so scoring tools compare it with a reference, not a display name."""
    job = meeting.jobs.exclude(turns=[]).order_by("-created", "-pk").first()
    turns = [] if job is None else job.turns
    return "".join(
        f"SPEAKER meeting-{meeting.pk} 1 {float(start):.3f} {float(end) - float(start):.3f} "
        f"<NA> <NA> {label} <NA> <NA>\n"
        for start, end, label in sorted(turns, key=lambda t: (float(t[0]), float(t[1])))
        if float(end) > float(start)
    )


def meeting_export(*, meeting: Meeting, fmt: str) -> bytes:
    if fmt == "rttm":
        return rttm(meeting).encode()
    transcript = transcript_get(meeting=meeting)
    lines = _lines(transcript)
    if fmt == "srt":
        return to_srt(_cues(transcript)).encode()
    if fmt == "vtt":
        return to_vtt(_cues(transcript)).encode()
    if fmt == "json":
        summary = summary_get(meeting=meeting)
        body = {
            "id": meeting.pk,
            "title": meeting.title,
            "duration": meeting.duration,
            **transcript,
            "summary": None
            if summary is None
            else {"text": summary.text, "action_items": summary.action_items, "decisions": summary.decisions},
        }
        return json.dumps(body, ensure_ascii=False, indent=2).encode()
    if fmt == "txt":
        return "".join(f"[{format_timestamp(s, always_hours=False)}] {n}: {t}\n" for s, _, n, t in lines).encode()
    if fmt == "md":
        return _markdown(meeting, lines).encode()
    if fmt == "docx":
        return _docx(meeting, lines)
    raise ValueError(fmt)


def _markdown(meeting: Meeting, lines: list[tuple[float, float, str, str]]) -> str:
    out = [f"# {meeting.title}", ""]
    summary = summary_get(meeting=meeting)
    if summary is not None and summary.text:
        out += ["## Summary", "", summary.text, ""]
        if summary.action_items:
            out += ["### Action items", ""]
            for item in summary.action_items:
                extra = ", ".join(f"{k}: {item[k]}" for k in ("owner", "due") if item.get(k))
                out.append(f"- [ ] {item['text']}" + (f" ({extra})" if extra else ""))
            out.append("")
    out += ["## Transcript", ""]
    out += [f"**{n}** [{format_timestamp(s, always_hours=False)}]: {t}  " for s, _, n, t in lines]
    return "\n".join(out) + "\n"


def _docx(meeting: Meeting, lines: list[tuple[float, float, str, str]]) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(meeting.title, level=1)
    summary = summary_get(meeting=meeting)
    if summary is not None and summary.text:
        document.add_heading("Summary", level=2)
        document.add_paragraph(summary.text)
    document.add_heading("Transcript", level=2)
    for start, _, name, text in lines:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{name} [{format_timestamp(start, always_hours=False)}]: ").bold = True
        paragraph.add_run(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
