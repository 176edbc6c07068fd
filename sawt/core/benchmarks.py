"""The platform's benchmarks: `manage.py bench asr`, `bench tts` (the speech engine) and `bench load`
(every app's read API under an open-model load, then live chat streams; see `sawt.testing.loadgen`)."""

import asyncio
import functools
import os
from pathlib import Path
from typing import Any

from django.conf import settings

from sawt.core.bench import register
from sawt.speech import benchmarks


@register("asr", "ASR WER and time vs raw faster-whisper on DIR/manifest.tsv, plus a batched long input")
def bench_asr(options: dict[str, Any]) -> dict[str, Any]:
    quick = options.get("quick")
    return benchmarks.bench_asr(options["data"], repeats=1 if quick else 2, long_seconds=60.0 if quick else 90.0)


@register("tts", "TTS real-time factor and first-audio latency")
def bench_tts(options: dict[str, Any]) -> dict[str, Any]:
    return benchmarks.bench_tts(repeats=1 if options.get("quick") else 3)


def _speech_pcm(data: Path) -> bytes:
    import numpy as np

    from sawt.speech.audio import decode_audio

    samples = decode_audio(data / "fw_jfk.flac")
    return (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes() + bytes(32000)


@register("load", help="read APIs at 200 req/s on one daphne per core (p95 < 100 ms?), then 20 live chat streams")
def bench_load(options: dict[str, Any]) -> dict[str, Any]:
    from sawt.testing import loadgen

    quick = bool(options.get("quick"))
    seconds = float(options.get("seconds") or (10 if quick else 60))
    step_seconds = min(seconds, 10.0 if quick else 20.0)
    chat_count = 4 if quick else 20
    chat_seconds = 20.0 if quick else 120.0
    load_before = os.getloadavg()
    token, paths = loadgen.seed_read_data()
    headers = {"Authorization": f"Bearer {token}"}
    servers = loadgen.start_servers(os.cpu_count() or 1)
    bases = [server.url for server in servers]
    try:
        load = functools.partial(
            loadgen.open_load, bases, paths, headers=headers, max_in_flight=loadgen.BENCH_MAX_IN_FLIGHT
        )
        asyncio.run(load(rate=20, seconds=2))  # warm-up, not counted
        main = asyncio.run(load(rate=200, seconds=seconds))
        steps = []
        held = main.rate if main.holds() else None
        if held is None:
            for rate in loadgen.FALLBACK_RATES:
                step = asyncio.run(load(rate=rate, seconds=step_seconds))
                steps.append(step.figures())
                if step.holds():
                    held = rate
                    break
        chat: dict[str, Any] = {"skipped": "no speech data (--data)"}
        data = Path(options.get("data") or settings.SAWT_TEST_DATA)
        if (data / "fw_jfk.flac").is_file():
            ws_bases = [server.ws_url for server in servers]
            chat = asyncio.run(
                loadgen.chat_streams(ws_bases, token, _speech_pcm(data), streams=chat_count, seconds=chat_seconds)
            )
    finally:
        for server in servers:
            server.stop()
    return {
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "web_processes": len(bases),
        # DATABASE_POOL_MAX_SIZE (the daphnes inherit this process's environment): 0 = a connection per request.
        "database_pool_max_size": settings.DATABASE_POOL_MAX_SIZE,
        "max_in_flight": loadgen.BENCH_MAX_IN_FLIGHT,
        "read_api_200rps": main.figures(),
        "read_api_steps": steps,
        "highest_rate_holding_p95_100ms": held,
        "chat": chat,
        "cpu_count": os.cpu_count(),
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
    }
