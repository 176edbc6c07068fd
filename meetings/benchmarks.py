"""`manage.py bench meetings --data DIR`: pipeline speed, transcript WER, diarization error rate.

- speed: a long recording made by concatenating the English data files (30 min, 5 with --quick,
  or --seconds) through the engine stages the worker runs (decode, transcribe, diarize, align words
  to speakers, summarize); figure = processing seconds / audio seconds.
- WER: the meeting transcript (words after speaker alignment) against raw faster-whisper on the
  same files, both against the references (manifest rows in English, pyannote_sample from its STM).
- DER (pyannote.metrics definition, no collar, overlap scored), pooled over every multi-speaker
  recording with an RTTM in DIR and DIR/dev/rttm, for the diarization turns and the transcript lines,
  with missed speech, false alarm, confusion and speakers found (`diarization_bench`); clean montages
  of 2, 3 and 4 people recorded apart (only 3 with --quick): speakers found exactly, DER; on DIR's files,
  the voice similarities `pipeline.VOICE_MATCH`
  must separate (a voice against itself in another cut, different voices against each other).
- `--hours H` instead: a recording of H hours looping the data folder's recordings (written to disk
  piece by piece) goes through the real job (`pipeline.job_run`) in a child process, and the figure is
  that worker's peak RSS (`long_worker_peak_rss_mb`), with its stage timings and what it produced.
"""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from meetings.diarization_bench import der_figures, montage_figures, multi_speaker_recordings
from meetings.upload_bench import bench_meetings_upload  # noqa: F401 - registers `bench meetings-upload`
from sawt.core.bench import load_seed, register


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
    from sawt.speech.diarize import diarize, group_words_by_speaker, line_times
    from sawt.speech.summarize import Utterance, summarize

    timings: dict[str, float] = {}
    started = time.perf_counter()
    transcript = transcribe(samples, word_timestamps=True)
    timings["transcribe"] = time.perf_counter() - started
    started = time.perf_counter()
    diarization = diarize(samples, min_speakers=min_speakers, max_speakers=max_speakers)
    timings["diarize"] = time.perf_counter() - started
    started = time.perf_counter()
    lines: list[tuple[str, str, float, float]] = []
    for segment in transcript.segments:
        runs = group_words_by_speaker([(w.start, w.end) for w in segment.words], diarization.turns, min_words=1)
        for label, indexes in runs:
            text = "".join(segment.words[i].word for i in indexes)
            lines.append((label or "?", text, segment.words[indexes[0]].start, segment.words[indexes[-1]].end))
    timings["align"] = time.perf_counter() - started
    started = time.perf_counter()
    summary = summarize([Utterance(s, t.strip(), start) for s, t, start, _ in lines])
    timings["summarize"] = time.perf_counter() - started
    return {
        "text": " ".join(t.strip() for _, t, _, _ in lines),
        "raw_text": transcript.text,
        "turns": diarization.turns,
        "lines": [
            (start, end, label)
            for (label, _, _, _), (start, end) in zip(
                lines, line_times([(label, a, b) for label, _, a, b in lines], diarization.turns), strict=True
            )
        ],
        "speakers": diarization.speakers,
        "summary": summary,
        "timings": timings,
    }


def _voice_match(key: str, samples: np.ndarray, skip: float = 8.0) -> dict[str, Any]:
    """What pipeline.VOICE_MATCH separates: each voice against itself in another cut of the recording
    (from `skip` s on; the lowest best match) and the different voices of the recording against each
    other (the highest)."""
    from meetings.pipeline import VOICE_MATCH
    from sawt.speech.diarize import diarize, similarity

    whole, cut = diarize(samples).embeddings, diarize(samples[int(skip * 16000) :]).embeddings
    same = [max(similarity(e, other) for other in cut.values()) for e in whole.values()] if cut else []
    voices = list(whole.values())
    others = [similarity(a, b) for i, a in enumerate(voices) for b in voices[i + 1 :]]
    return {
        f"voice_same_{key}_min": round(min(same), 3) if same else None,
        f"voice_other_{key}_max": round(max(others), 3) if others else None,
        "voice_match_threshold": VOICE_MATCH,
    }


@register("meetings")
def bench_meetings(options: dict[str, Any]) -> dict[str, Any]:
    """Meetings: pipeline real-time factor, transcript WER vs raw faster-whisper, DER."""
    from sawt.speech.asr import model_info, transcribe
    from sawt.speech.audio import decode_audio
    from sawt.speech.scoring import corpus_wer
    from sawt.speech.summarize import extractive_summary

    data = Path(options["data"])
    if options.get("hours"):
        return long_recording_rss(data, float(options["hours"]))
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

    # DER, pooled over every multi-speaker recording with a reference RTTM, turns and transcript lines.
    def scored(samples: np.ndarray) -> dict[str, Any]:
        run = meeting_transcript(samples)
        return {**run, "turns": [(t.start, t.end, t.speaker) for t in run["turns"]]}

    result.update(der_figures(data, scored))
    result.update(montage_figures(data, (3,) if options.get("quick") else (2, 3, 4)))
    for audio_path, _ in multi_speaker_recordings(data):
        if audio_path.parent == data:
            result.update(_voice_match(audio_path.stem.replace("pyannote_", ""), decode_audio(audio_path)))

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


def _write_looped(data: Path, seconds: float, target: Path) -> None:
    """A 16 kHz mono WAV of `seconds` looping the data folder's English and multi-speaker recordings
    (a second of silence between them), written piece by piece."""
    import wave

    from sawt.speech.audio import decode_audio, float32_to_pcm16

    sources = [path for path, _ in _english_files(data)] + [audio for audio, _ in multi_speaker_recordings(data)]
    pieces = [float32_to_pcm16(decode_audio(path, max_seconds=float("inf"))) + bytes(32000) for path in sources]
    left = int(seconds * 16000) * 2
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        while left > 0:
            for piece in pieces:
                out.writeframes(piece[:left])
                left -= min(left, len(piece))


def long_recording_rss(data: Path, hours: float) -> dict[str, Any]:
    """`bench meetings --hours H`: the whole job on an H-hour recording in a fresh worker process;
    its peak RSS (os.wait4's ru_maxrss), stage timings and output."""
    import subprocess
    import sys
    import tempfile

    from django.core.files import File

    from meetings.models import Meeting, ProcessingJob, Recording, Segment, Speaker
    from sawt.chat.benchmarks import bench_user

    seconds = hours * 3600
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"bench-{hours:g}h.wav"
        _write_looped(data, seconds, path)
        meeting = Meeting.objects.create(owner=bench_user("bench-long-meeting"), title=f"bench {hours:g} h")
        with open(path, "rb") as handle:
            Recording.objects.create(meeting=meeting, file=File(handle, name=path.name), size=path.stat().st_size)
    job = ProcessingJob.objects.create(meeting=meeting)
    code = f"import django; django.setup(); from meetings.pipeline import job_run; job_run(job_id={job.pk})"
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code], env=os.environ.copy())
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    result = {
        "long_hours": hours,
        "long_audio_seconds": round(seconds, 1),
        "long_worker_exit": os.waitstatus_to_exitcode(status),
        "long_worker_peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux: kilobytes
        "long_job_status": job.status,
        "long_job_error": job.error,
        "long_pipeline_seconds": round(elapsed, 1),
        "long_real_time_factor": round(elapsed / seconds, 4),
        "long_stage_seconds": job.timings,
        "long_lines": Segment.objects.filter(meeting=meeting).count(),
        "long_speakers": Speaker.objects.filter(meeting=meeting).count(),
        "long_turns_last_end_s": max((float(t[1]) for t in job.turns or []), default=0.0),
        "cpu_count": os.cpu_count(),
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
    }
    meeting.recording.file.delete(save=False)
    meeting.delete()
    return result


LIVE_CONCURRENT = 4
LIVE_TAIL_SILENCE = 3.0


async def _watch(url: str, headers: dict[str, str], finals: list[tuple[str, float, float]]) -> None:
    """A participant's `/ws/meetings/<id>/` socket: (text, end, arrival) of every final line."""
    import json

    import websockets

    async with websockets.connect(url, additional_headers=headers, open_timeout=60) as socket:
        async for raw in socket:
            event = json.loads(raw)
            if event.get("type") == "final":
                finals.append((event["text"], event["end"], time.perf_counter()))


async def _live_one(base: str, headers: dict[str, str], meeting_id: int, pcm: bytes) -> tuple[Any, list[float]]:
    """Record `pcm` into a live meeting while a participant watches; the watcher's final latencies."""
    import asyncio
    import contextlib

    from sawt.testing.streamclient import play

    seen: list[tuple[str, float, float]] = []
    watcher = asyncio.create_task(_watch(f"{base}/ws/meetings/{meeting_id}/", headers, seen))
    await asyncio.sleep(0.2)  # joined before the first word
    silence = bytes(int(LIVE_TAIL_SILENCE * 32000))
    run = await play(f"{base}/ws/meetings/{meeting_id}/live/", pcm + silence, headers=headers, language=None)
    await asyncio.sleep(0.5)
    watcher.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await watcher
    return run, [arrival - run.sent_time(end) for _, end, arrival in seen]


async def _live_measure(
    base: str, headers: dict[str, str], files: list[tuple[str, str, bytes]], ids: list[int]
) -> dict[str, Any]:
    import asyncio

    from sawt.chat.benchmarks import stream_figures
    from sawt.testing.streamclient import play

    references = {name: reference for name, reference, _ in files}
    ids = list(ids)
    # Warm-up (model load in the server), not counted.
    await play(f"{base}/ws/meetings/{ids.pop()}/live/", files[0][2][: 32000 * 2], headers=headers, language=None)

    async def one_after_another(delay: float) -> list[tuple[str, Any, list[float]]]:
        await asyncio.sleep(delay)
        out = []
        for name, _, pcm in files:
            run, watched = await _live_one(base, headers, ids.pop(), pcm)
            out.append((name, run, watched))
        return out

    def figures(results: list[tuple[str, Any, list[float]]]) -> dict[str, Any]:
        watched = [latency for _, _, latencies in results for latency in latencies]
        return {
            **stream_figures([(name, run) for name, run, _ in results], references),
            "watcher_latency_p50_s": round(float(np.percentile(watched, 50)), 3) if watched else None,
            "watcher_latency_p95_s": round(float(np.percentile(watched, 95)), 3) if watched else None,
            "watcher_finals": len(watched),
        }

    single = await one_after_another(0.0)
    crowd = await asyncio.gather(*(one_after_another(0.25 * i) for i in range(LIVE_CONCURRENT)))
    return {
        **figures(single),
        **{f"concurrent{LIVE_CONCURRENT}_{k}": v for k, v in figures([r for runs in crowd for r in runs]).items()},
    }


@register(
    "live-meeting",
    help="live meeting socket: final latency for the recorder and a watching participant, partial gaps, WER, "
    f"{LIVE_CONCURRENT} meetings at once",
)
def bench_live_meeting(options: dict[str, Any]) -> dict[str, Any]:
    import asyncio

    from meetings.live import live_meeting_create, live_pcm_path
    from meetings.models import Meeting
    from sawt.chat.benchmarks import bench_server, bench_token, bench_user, scorable_files
    from sawt.speech import asr

    files = scorable_files(Path(options["data"]))
    user = bench_user("bench-live-meeting")
    meetings = [
        live_meeting_create(owner=user, title=f"bench live {i}", language="en")
        for i in range(1 + len(files) * (1 + LIVE_CONCURRENT))
    ]
    load_before = os.getloadavg()
    started = time.perf_counter()
    try:
        with bench_server(options) as (base, _):
            headers = {"Authorization": f"Bearer {bench_token(user.username)}"}
            result = asyncio.run(_live_measure(base, headers, files, [m.pk for m in meetings]))
    finally:
        # The bench's meetings go with their audio (their processing jobs then find nothing to do).
        for meeting in Meeting.objects.filter(pk__in=[m.pk for m in meetings]).select_related("recording"):
            recording = getattr(meeting, "recording", None)
            if recording is not None and recording.file:
                recording.file.delete(save=False)
            live_pcm_path(meeting_id=meeting.pk).unlink(missing_ok=True)
            live_pcm_path(meeting_id=meeting.pk).with_suffix(".wav").unlink(missing_ok=True)
            meeting.delete()
    return {
        "files": [name for name, _, _ in files],
        "audio_s": round(sum(len(pcm) for _, _, pcm in files) / 32000, 1),
        **result,
        "model": asr.model_info()["name"],
        "cpu_count": os.cpu_count(),
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "bench_seconds": round(time.perf_counter() - started, 1),
    }


@load_seed
def seed_load(user: Any) -> list[str]:
    """`bench load`'s meetings: 20 transcribed ones, each with 2 speakers, 60 lines and a summary."""
    from meetings.models import Meeting, Segment, Speaker, Summary

    meetings = []
    for n in range(20):
        meeting = Meeting.objects.create(
            owner=user, title=f"Weekly sync {n}", status=Meeting.Status.COMPLETED, duration=600.0, language="en"
        )
        speakers = [Speaker.objects.create(meeting=meeting, label=f"SPEAKER_0{s}") for s in range(2)]
        Segment.objects.bulk_create(
            Segment(
                meeting=meeting,
                index=i,
                start=i * 5.0,
                end=i * 5.0 + 4.0,
                speaker=speakers[i % 2],
                text=f"Line {i}: we agreed to ship the report on Friday.",
            )
            for i in range(60)
        )
        Summary.objects.create(meeting=meeting, text="Shipping the report.", generator="bench")
        meetings.append(meeting)
    paths = ["/api/v1/meetings/"]
    paths += [f"/api/v1/meetings/{m.pk}/" for m in meetings[:5]]
    return paths + [f"/api/v1/meetings/{m.pk}/transcript/" for m in meetings[:5]]
