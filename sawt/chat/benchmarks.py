"""`manage.py bench stream`: the live chat socket, timed over a real socket against daphne."""

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


def scorable_files(data: Path) -> list[tuple[str, str, bytes]]:
    """English rows with a reference: (name, reference, PCM16 16 kHz); at least one, or RuntimeError."""
    from sawt.speech import audio

    with open(data / "manifest.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    files = []
    for row in rows:
        if row["language"] == "en" and row["reference"].strip():
            samples = audio.decode_audio(data / row["file"])
            files.append((row["file"], row["reference"], (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()))
    if not files:
        raise RuntimeError(f"no scorable English files in {data / 'manifest.tsv'}")
    return files


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


def stream_figures(runs: list[tuple[str, StreamRun]], references: dict[str, str]) -> dict[str, Any]:
    latencies = [lat for _, run in runs for lat in run.latencies()]
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
    url: str, headers: dict[str, str], files: list[tuple[str, str, bytes]], delay: float
) -> list[tuple[str, StreamRun]]:
    await asyncio.sleep(delay)
    silence = bytes(int(TAIL_SILENCE * 32000))
    return [(name, await play(url, pcm + silence, headers=headers)) for name, _, pcm in files]


async def _measure(
    url: str, headers: dict[str, str], files: list[tuple[str, str, bytes]], server: DaphneServer | None, seconds: float
) -> dict[str, Any]:
    references = {name: reference for name, reference, _ in files}
    # Warm-up (model load in the server), not counted.
    await play(url, files[0][2][: 32000 * 2], headers=headers, real_time=False)
    single = await _stream_all(url, headers, files, 0.0)
    crowd = await asyncio.gather(*(_stream_all(url, headers, files, 0.25 * i) for i in range(CONCURRENT)))
    result = {**stream_figures(single, references)}
    result.update(
        {
            f"concurrent{CONCURRENT}_{k}": v
            for k, v in stream_figures([r for runs in crowd for r in runs], references).items()
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
    files = scorable_files(data)
    seconds = options.get("seconds") or (60.0 if options.get("quick") else 600.0)
    batch_wer = stream_wer(
        [(ref, asr.transcribe(np.frombuffer(pcm, "<i2"), language="en").text) for _, ref, pcm in files]
    )
    headers = {"Authorization": f"Bearer {bench_token('bench-stream')}"}
    load_before = os.getloadavg()
    started = time.perf_counter()
    with bench_server(options) as (base, server):
        result = asyncio.run(_measure(f"{base}/ws/chat/", headers, files, server, seconds))
    return {
        "files": [name for name, _, _ in files],
        "audio_s": round(sum(len(pcm) for _, _, pcm in files) / 32000, 1),
        **result,
        "batch_wer": batch_wer,
        "model": asr.model_info()["name"],
        "cpu_count": os.cpu_count(),
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "bench_seconds": round(time.perf_counter() - started, 1),
    }
