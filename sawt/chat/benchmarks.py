"""`manage.py bench stream`: the live chat socket measured as an outside client measures it.

At least 20 real recordings with references (`data/` and `data/dev/`, read in place), played in real
time in 100 ms frames over `/ws/chat/` against daphne, by clients with a token and no Origin header:
latency from the last spoken sample (Silero VAD without padding over the audio sent) to the final's
arrival, one stream and four concurrent streams of different recordings, each WER beside the batch
WER of the same files, and RSS growth over a long stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from sawt.core.bench import register
from sawt.testing.liveserver import DaphneServer
from sawt.testing.streamclient import StreamRun, play

TAIL_SILENCE = 3.0
CONCURRENT = 4
MIN_RECORDINGS = 20
SAMPLE_RATE = 16000
# A final's own end (the server's VAD) may fall a little before the benchmark's VAD end of speech.
SPOKEN_SLACK = 0.3


def _manifest_rows(folder: Path) -> list[tuple[Path, str]]:
    """English rows with a reference of one manifest (`reference` in data/, `reference_text` in dev/)."""
    with open(folder / "manifest.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    found = []
    for row in rows:
        reference = (row.get("reference") or row.get("reference_text") or "").strip()
        if row["language"] == "en" and reference:
            found.append((folder / row["file"], reference))
    return found


def _pcm(path: Path) -> bytes:
    from sawt.speech import audio

    samples = audio.decode_audio(path)
    return (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()


def scorable_files(data: Path) -> list[tuple[str, str, bytes]]:
    """English rows with a reference: (name, reference, PCM16 16 kHz); at least one, or RuntimeError."""
    files = [(path.name, reference, _pcm(path)) for path, reference in _manifest_rows(data)]
    if not files:
        raise RuntimeError(f"no scorable English files in {data / 'manifest.tsv'}")
    return files


def stream_recordings(data: Path) -> list[tuple[str, str, bytes]]:
    """Every English recording with a reference in `data/` and `data/dev/`, read in place."""
    rows = _manifest_rows(data)
    if (data / "dev" / "manifest.tsv").is_file():
        rows += _manifest_rows(data / "dev")
    files = [(str(path.relative_to(data)), reference, _pcm(path)) for path, reference in rows]
    if len(files) < MIN_RECORDINGS:
        raise RuntimeError(f"bench stream needs {MIN_RECORDINGS} recordings with references; {data} has {len(files)}")
    return files


def spoken_ends(pcm: bytes) -> list[float]:
    """Where speech ends in `pcm` (seconds): Silero VAD over the audio sent, without padding."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    samples = np.frombuffer(pcm, "<i2").astype(np.float32) / 32768.0
    options = VadOptions(speech_pad_ms=0, min_silence_duration_ms=100)
    return [stamp["end"] / SAMPLE_RATE for stamp in get_speech_timestamps(samples, options)]


def spoken_latencies(run: StreamRun, ends: list[float]) -> list[float]:
    """For each final: its arrival minus the moment the last speech sample before its end was sent."""
    latencies = []
    for _, _, end, arrival in run.finals:
        before = [e for e in ends if e <= end + SPOKEN_SLACK]
        if before:
            latencies.append(arrival - run.sent_time(before[-1]))
    return latencies


@contextlib.contextmanager
def bench_server(options: dict[str, Any]) -> Iterator[tuple[str, DaphneServer | None]]:
    """The ws:// base a socket bench talks to: `--url`, or daphne started on a free port (stopped after)."""
    if options.get("url"):
        yield options["url"].rstrip("/").replace("http://", "ws://").replace("https://", "wss://"), None
        return
    server = DaphneServer(log_path=Path(tempfile.gettempdir()) / "sawt-bench-daphne.log").start()
    try:
        yield server.ws_url, server
    finally:
        server.stop()


def stream_wer(pairs: list[tuple[str, str]]) -> float:
    from sawt.speech.scoring import score

    errors = words = 0
    for reference, hypothesis in pairs:
        result = score(reference, hypothesis, numbers=True)
        errors += result.substitutions + result.deletions + result.insertions
        words += result.reference_words
    return round(errors / max(1, words), 4)


def stream_figures(
    runs: list[tuple[str, StreamRun]], references: dict[str, str], ends: dict[str, list[float]] | None = None
) -> dict[str, Any]:
    """Latency (from the last spoken sample when `ends` holds each recording's speech ends, else from
    the final's own end), partial gaps, WER and errors of finished runs."""
    if ends is None:
        latencies = [lat for _, run in runs for lat in run.latencies()]
    else:
        latencies = [lat for name, run in runs for lat in spoken_latencies(run, ends[name])]
    return {
        "latency_p50_s": round(float(np.percentile(latencies, 50)), 3) if latencies else None,
        "latency_p95_s": round(float(np.percentile(latencies, 95)), 3) if latencies else None,
        "max_partial_gap_s": round(max((run.max_partial_gap() for _, run in runs), default=0.0), 3),
        "wer": stream_wer([(references[name], run.text) for name, run in runs]),
        "finals": len(latencies),
        "errors": sum(len(run.errors) for _, run in runs),
    }


def bench_user(username: str) -> Any:
    from sawt.accounts.models import User

    return User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.com"})[0]


def bench_token(username: str) -> str:
    from sawt.accounts.services import api_token_create

    user = bench_user(username)
    return api_token_create(user=user, name="bench stream")[1]


async def _stream_all(
    url: str, headers: dict[str, str], files: list[tuple[str, str, bytes]]
) -> list[tuple[str, StreamRun]]:
    silence = bytes(int(TAIL_SILENCE * 32000))
    return [(name, await play(url, pcm + silence, headers=headers)) for name, _, pcm in files]


async def _measure(
    url: str, headers: dict[str, str], files: list[tuple[str, str, bytes]], server: DaphneServer | None, seconds: float
) -> dict[str, Any]:
    references = {name: reference for name, reference, _ in files}
    silence = bytes(int(TAIL_SILENCE * 32000))
    ends = {name: spoken_ends(pcm + silence) for name, _, pcm in files}
    # Warm-up (model load in the server), not counted.
    await play(url, files[0][2][: 32000 * 2], headers=headers, real_time=False)
    single = await _stream_all(url, headers, files)
    # Four clients at once, each playing every recording in its own order: at any moment the four
    # streams carry different recordings.
    step = max(1, len(files) // CONCURRENT)
    orders = [files[i * step :] + files[: i * step] for i in range(CONCURRENT)]
    crowd = await asyncio.gather(*(_stream_all(url, headers, order) for order in orders))
    result = {**stream_figures(single, references, ends)}
    result.update(
        {
            f"concurrent{CONCURRENT}_{k}": v
            for k, v in stream_figures([r for runs in crowd for r in runs], references, ends).items()
        }
    )
    # Memory: one long stream of the files looped (with their pauses) for `seconds`.
    loop_pcm = b"".join(pcm + bytes(32000) for _, _, pcm in files)
    long_pcm = (loop_pcm * (int(seconds * 32000 / len(loop_pcm)) + 1))[: int(seconds * 32000)]
    process = None
    if server is not None and server.process is not None:
        import psutil

        process = psutil.Process(server.process.pid)
    before = process.memory_info().rss if process else 0
    long_run = await play(url, long_pcm, headers=headers, timeout=120)
    after = process.memory_info().rss if process else 0
    result["rss_growth_mb"] = round((after - before) / 2**20, 1) if process else None
    result["long_stream_s"] = round(seconds, 1)
    result["long_stream_latency_p95_s"] = (
        round(float(np.percentile(long_run.latencies(), 95)), 3) if long_run.finals else None
    )
    return result


@register("stream", help="live chat socket: final latency, partial gaps, WER, 4 streams, RSS over a long stream")
def bench_stream(options: dict[str, Any]) -> dict[str, Any]:
    from sawt.speech import asr

    data = Path(options["data"])
    files = stream_recordings(data)
    seconds = options.get("seconds") or (60.0 if options.get("quick") else 600.0)
    batch_wer = stream_wer(
        [(ref, asr.transcribe(np.frombuffer(pcm, "<i2"), language="en").text) for _, ref, pcm in files]
    )
    headers = {"Authorization": f"Bearer {bench_token('bench-stream')}"}
    load_before = os.getloadavg()
    started = time.perf_counter()
    with bench_server(options) as (base, server):
        result = asyncio.run(_measure(f"{base}/ws/chat/", headers, files, server, seconds))
    result["batch_wer"] = batch_wer
    result["concurrent4_batch_wer"] = batch_wer  # the same files, decoded in batch
    return {
        "data": str(data),
        "recordings": len(files),
        "files": [name for name, _, _ in files],
        "audio_s": round(sum(len(pcm) for _, _, pcm in files) / 32000, 1),
        **result,
        "latency_from": "last spoken sample (Silero VAD, no padding, over the audio sent)",
        "model": asr.model_info()["name"],
        "cpu_count": os.cpu_count(),
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "bench_seconds": round(time.perf_counter() - started, 1),
    }
