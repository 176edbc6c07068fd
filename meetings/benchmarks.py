"""`manage.py bench meetings --data DIR`: pipeline speed, transcript WER, diarization error rate.

- speed: a long recording made by concatenating the English data files (30 min, 5 with --quick,
  or --seconds) through the engine stages the worker runs (decode, transcribe, diarize, align words
  to speakers, summarize); figure = processing seconds / audio seconds.
- WER: the meeting transcript (words after speaker alignment) against raw faster-whisper on the
  same files, both against the references (manifest rows in English, pyannote_sample from its STM).
- DER (pyannote.metrics definition, no collar, overlap scored) on every `<stem>.rttm` in DIR, with
  false alarm, miss and confusion.
"""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from sawt.core.bench import register


def _english_files(data: Path) -> list[tuple[Path, str]]:
    rows = []
    with open(data / "manifest.tsv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["language"] == "en":
                reference = row["reference"]
                stm = data / (Path(row["file"]).stem + ".stm")
                if not reference and stm.exists():
                    reference = " ".join(
                        line.split(None, 5)[5] for line in stm.read_text().splitlines() if line.strip()
                    )
                rows.append((data / row["file"], reference))
    return rows


def meeting_transcript(
    samples: np.ndarray, *, min_speakers: int | None = None, max_speakers: int | None = None
) -> dict[str, Any]:
    """The worker's stages on plain arrays: what the job stores, without the database."""
    from sawt.speech.asr import transcribe
    from sawt.speech.diarize import diarize, group_words_by_speaker
    from sawt.speech.summarize import Utterance, summarize

    timings: dict[str, float] = {}
    started = time.perf_counter()
    transcript = transcribe(samples, word_timestamps=True)
    timings["transcribe"] = time.perf_counter() - started
    started = time.perf_counter()
    diarization = diarize(samples, min_speakers=min_speakers, max_speakers=max_speakers)
    timings["diarize"] = time.perf_counter() - started
    started = time.perf_counter()
    lines: list[tuple[str, str, float]] = []
    for segment in transcript.segments:
        runs = group_words_by_speaker([(w.start, w.end) for w in segment.words], diarization.turns)
        for label, indexes in runs:
            text = "".join(segment.words[i].word for i in indexes)
            lines.append((label or "?", text, segment.words[indexes[0]].start))
    timings["align"] = time.perf_counter() - started
    started = time.perf_counter()
    summary = summarize([Utterance(s, t.strip(), start) for s, t, start in lines])
    timings["summarize"] = time.perf_counter() - started
    return {
        "text": " ".join(t.strip() for _, t, _ in lines),
        "raw_text": transcript.text,
        "turns": diarization.turns,
        "speakers": diarization.speakers,
        "summary": summary,
        "timings": timings,
    }


@register("meetings")
def bench_meetings(options: dict[str, Any]) -> dict[str, Any]:
    """Meetings: pipeline real-time factor, transcript WER vs raw faster-whisper, DER."""
    from sawt.speech.asr import model_info, transcribe
    from sawt.speech.audio import decode_audio
    from sawt.speech.der import diarization_error_rate, read_rttm
    from sawt.speech.scoring import corpus_wer
    from sawt.speech.summarize import extractive_summary

    data = Path(options["data"])
    files = _english_files(data)
    decoded = {path: decode_audio(path, max_seconds=float("inf")) for path, _ in files}
    # Load every model once before timing anything.
    transcribe(np.zeros(16000, dtype=np.float32))
    extractive_summary([])
    result: dict[str, Any] = {"asr_model": model_info()["name"], "cpu_count": os.cpu_count()}
    result["load_average_start"] = [round(x, 2) for x in os.getloadavg()]

    # WER: the meeting transcript vs raw faster-whisper, on the files with a reference.
    ours, raw = [], []
    for path, reference in files:
        if reference:
            run = meeting_transcript(decoded[path])
            ours.append((reference, run["text"]))
            raw.append((reference, transcribe(decoded[path], word_timestamps=True).text))
    result["wer_meeting"] = round(corpus_wer(ours), 4)
    result["wer_raw_faster_whisper"] = round(corpus_wer(raw), 4)
    result["wer_difference_points"] = round(100 * (result["wer_meeting"] - result["wer_raw_faster_whisper"]), 2)
    result["wer_files"] = len(ours)

    # DER on every file with an RTTM.
    for rttm in sorted(data.glob("*.rttm")):
        audio_path = next((p for p, _ in files if p.stem == rttm.stem), None)
        if audio_path is None:
            continue
        run = meeting_transcript(decoded[audio_path])
        score = diarization_error_rate(read_rttm(rttm), [(t.start, t.end, t.speaker) for t in run["turns"]])
        key = rttm.stem.replace("pyannote_", "")
        result[f"der_{key}"] = round(score.der, 4)
        result[f"der_{key}_false_alarm"] = round(score.false_alarm, 4)
        result[f"der_{key}_miss"] = round(score.miss, 4)
        result[f"der_{key}_confusion"] = round(score.confusion, 4)
        result[f"der_{key}_speakers"] = len(run["speakers"])

    # Speed on one long recording made of the data files, with a second of silence between them.
    seconds = options.get("seconds") or (300.0 if options.get("quick") else 1800.0)
    gap = np.zeros(16000, dtype=np.float32)
    pieces, total = [], 0
    while total < seconds * 16000:
        for path, _ in files:
            pieces += [decoded[path], gap]
            total += len(decoded[path]) + len(gap)
    long_audio = np.concatenate(pieces)[: int(seconds * 16000)]
    started = time.perf_counter()
    run = meeting_transcript(long_audio)
    elapsed = time.perf_counter() - started
    result["long_audio_seconds"] = round(seconds, 1)
    result["long_pipeline_seconds"] = round(elapsed, 1)
    result["long_real_time_factor"] = round(elapsed / seconds, 4)
    result["long_stage_seconds"] = {k: round(v, 1) for k, v in run["timings"].items()}
    result["long_speakers"] = len(run["speakers"])
    result["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    return result
