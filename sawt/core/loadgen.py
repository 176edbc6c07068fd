"""A bounded open-model load generator for 127.0.0.1, and `manage.py bench load` built on it.

Open model: request i is due at t0 + i/rate whatever happened to earlier ones, so a slow server
cannot slow the generator down and hide its own latency (no coordinated omission). Latency is
measured from the moment a request was due, not from when it got a connection. Everything is
bounded: duration, request count and requests in flight (past the cap a due request is counted as
"dropped", an error, rather than queued without limit).

daphne cannot share a listening socket between processes, so the bench starts one daphne per CPU
core, each on its own port, and the generator spreads requests over them round-robin (what a
reverse proxy in front of them would do).
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import logging
import math
import os
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sawt.core.bench import register

TARGET_P95_S = 0.100
# Django under ASGI runs each request's sync code in a thread of its own with its own database
# connection, so requests in flight bound the server's PostgreSQL connections: past this many the
# generator counts a due request as "dropped" instead of exhausting a shared max_connections.
BENCH_MAX_IN_FLIGHT = 48
FALLBACK_RATES = (150.0, 100.0, 75.0, 50.0, 25.0, 10.0)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[rank]


@dataclass
class LoadResult:
    rate: float
    seconds: float
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    errors: Counter[str] = field(default_factory=Counter)  # "HTTP 500", "ReadTimeout", "dropped", ...
    sent: int = 0
    elapsed: float = 0.0

    @property
    def p95(self) -> float | None:
        return percentile(self.latencies, 95)

    def holds(self) -> bool:
        p95 = self.p95
        return p95 is not None and p95 < TARGET_P95_S and not self.errors

    def figures(self) -> dict[str, Any]:
        def ms(q: float) -> float | None:
            value = percentile(self.latencies, q)
            return round(value * 1000, 1) if value is not None else None

        return {
            "rate_target": self.rate,
            "rate_achieved": round(len(self.latencies) / self.elapsed, 1) if self.elapsed else 0.0,
            "requests": self.sent,
            "ok": len(self.latencies),
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "p50_ms": ms(50),
            "p95_ms": ms(95),
            "p99_ms": ms(99),
            "max_ms": round(max(self.latencies) * 1000, 1) if self.latencies else None,
            "seconds": round(self.elapsed, 1),
        }


async def open_load(
    bases: list[str],
    paths: list[str],
    *,
    rate: float,
    seconds: float,
    headers: dict[str, str] | None = None,
    max_requests: int = 100_000,
    max_in_flight: int = 500,
    timeout: float = 10.0,
) -> LoadResult:
    """GET `paths` in turn at a fixed arrival `rate` for `seconds`, spread over the servers in `bases`."""
    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)  # a log line per request would load the generator
    result = LoadResult(rate=rate, seconds=seconds)
    total = min(max_requests, int(rate * seconds))
    limits = httpx.Limits(max_connections=max_in_flight, max_keepalive_connections=max_in_flight)
    in_flight: set[asyncio.Task[None]] = set()
    targets = itertools.cycle([(base, path) for path in paths for base in bases])
    async with httpx.AsyncClient(headers=headers or {}, timeout=timeout, limits=limits) as client:

        async def one(url: str, due: float) -> None:
            try:
                response = await client.get(url)
            except httpx.HTTPError as exc:
                result.errors[type(exc).__name__] += 1
                return
            if response.status_code >= 400:
                result.errors[f"HTTP {response.status_code}"] += 1
            else:
                result.latencies.append(time.perf_counter() - due)

        began = time.perf_counter()
        for index in range(total):
            due = began + index / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            result.sent += 1
            if len(in_flight) >= max_in_flight:
                result.errors["dropped"] += 1
                continue
            base, path = next(targets)
            task = asyncio.create_task(one(base + path, due))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        if in_flight:
            await asyncio.wait(set(in_flight), timeout=timeout + 1)
        result.elapsed = time.perf_counter() - began
    return result


def seed_read_data(*, username: str = "bench-load", items: int = 200, meetings: int = 20) -> tuple[str, list[str]]:
    """A user with dictation items, attempts and tags and transcribed meetings; returns (token, paths)."""
    from django.db import transaction

    from dictation.models import Attempt, Item, Tag
    from meetings.models import Meeting, Segment, Speaker, Summary
    from sawt.accounts.models import User
    from sawt.accounts.services import api_token_create

    User.objects.filter(username=username).delete()
    with transaction.atomic():
        user = User.objects.create_user(username, f"{username}@example.com", None)
        tags = [Tag.objects.create(owner=user, name=f"set{n}") for n in range(5)]
        item_rows = Item.objects.bulk_create(
            Item(
                owner=user,
                text=f"Sentence number {n} is about the weather.",
                locale="en-US",
                difficulty=1 + n % 5,
                voice="default",
                tts_status="ready",
            )
            for n in range(items)
        )
        for n, item in enumerate(item_rows):
            item.tags.add(tags[n % len(tags)])
        Attempt.objects.bulk_create(
            Attempt(
                owner=user,
                item=item,
                text=item.text,
                wer=0.1 * (n % 3),
                cer=0.05,
                reference_words=8,
                hits=7,
                substitutions=1,
                deletions=0,
                insertions=0,
                typos=0,
                mistakes=1,
            )
            for n, item in enumerate(item_rows * 3)
        )
        meeting_rows = []
        for n in range(meetings):
            meeting = Meeting.objects.create(
                owner=user, title=f"Weekly sync {n}", status="completed", duration=600.0, language="en"
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
            meeting_rows.append(meeting)
    token = api_token_create(user=user, name="bench load")[1]
    paths = [
        "/api/v1/dictation/items",
        "/api/v1/dictation/stats/summary",
        "/api/v1/dictation/attempts",
        "/api/v1/dictation/stats/progress",
        "/api/v1/meetings/",
    ]
    paths += [f"/api/v1/dictation/items/{item.pk}" for item in item_rows[:20]]
    paths += [f"/api/v1/meetings/{m.pk}/" for m in meeting_rows[:5]]
    paths += [f"/api/v1/meetings/{m.pk}/transcript/" for m in meeting_rows[:5]]
    return token, paths


def start_servers(count: int) -> list[Any]:
    from django.conf import settings

    from sawt.chat.liveserver import DaphneServer

    env = {
        # The API rate limiter set out of the way for the test (it still runs: one Redis round trip per request).
        "SAWT_RATE_LIMIT_API": "1000000/60",
        # Uploads started (POST meetings/, meetings/uploads/) count under their own scope: lift it too.
        "SAWT_RATE_LIMIT_UPLOAD": "1000000/60",
        "SAWT_RATE_LIMIT_WEBSOCKET": "1000000/60",
        # Production-like: no DEBUG query log growing under load (a dev run borrows its secret key).
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or settings.SECRET_KEY,
    }
    if settings.SETTINGS_MODULE == "sawt.settings.default":  # which is HTTPS-only with DEBUG off: stay on http://
        env["DJANGO_SETTINGS_MODULE"] = "sawt.settings.development"
    servers = []
    try:
        for n in range(count):
            log = Path(tempfile.gettempdir()) / f"sawt-bench-load-daphne-{n}.log"
            servers.append(DaphneServer(env=env, log_path=log).start())
    except Exception:
        for server in servers:
            server.stop()
        raise
    return servers


async def chat_streams(ws_bases: list[str], token: str, pcm: bytes, *, streams: int, seconds: float) -> dict[str, Any]:
    """`streams` live chat sockets at once, each playing `seconds` of looped speech in real time."""
    from sawt.chat.streamclient import play

    looped = (pcm * (int(seconds * 32000 / max(1, len(pcm))) + 1))[: int(seconds * 32000)] + bytes(48000)

    async def one(n: int) -> Any:
        base = ws_bases[n % len(ws_bases)]
        headers = {"Authorization": f"Bearer {token}"}
        await asyncio.sleep(0.2 * n)  # not all in the same instant, as people do
        try:
            return await play(f"{base}/ws/chat/", looped, headers=headers, timeout=seconds + 120)
        except Exception as exc:
            return exc

    runs = await asyncio.gather(*(one(n) for n in range(streams)))
    finished = [run for run in runs if not isinstance(run, Exception)]
    latencies = [value for run in finished for value in run.latencies()]
    return {
        "streams": streams,
        "stream_seconds": seconds,
        "streams_completed": sum(1 for run in finished if run.done_at is not None),
        "streams_failed": [type(run).__name__ for run in runs if isinstance(run, Exception)],
        "error_frames": sum(len(run.errors) for run in finished),
        "finals": len(latencies),
        "final_latency_p50_s": round(percentile(latencies, 50) or 0, 3) if latencies else None,
        "final_latency_p95_s": round(percentile(latencies, 95) or 0, 3) if latencies else None,
    }


def _speech_pcm(data: Path) -> bytes:
    import numpy as np

    from sawt.speech.audio import decode_audio

    samples = decode_audio(data / "fw_jfk.flac")
    return (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes() + bytes(32000)


@register("load", help="read APIs at 200 req/s on one daphne per core (p95 < 100 ms?), then 20 live chat streams")
def bench_load(options: dict[str, Any]) -> dict[str, Any]:
    from django.conf import settings

    quick = bool(options.get("quick"))
    seconds = float(options.get("seconds") or (10 if quick else 60))
    step_seconds = min(seconds, 10.0 if quick else 20.0)
    chat_count = 4 if quick else 20
    chat_seconds = 20.0 if quick else 120.0
    load_before = os.getloadavg()
    token, paths = seed_read_data()
    headers = {"Authorization": f"Bearer {token}"}
    servers = start_servers(os.cpu_count() or 1)
    bases = [server.url for server in servers]
    try:
        load = functools.partial(open_load, bases, paths, headers=headers, max_in_flight=BENCH_MAX_IN_FLIGHT)
        asyncio.run(load(rate=20, seconds=2))  # warm-up, not counted
        main = asyncio.run(load(rate=200, seconds=seconds))
        steps = []
        held = main.rate if main.holds() else None
        if held is None:
            for rate in FALLBACK_RATES:
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
                chat_streams(ws_bases, token, _speech_pcm(data), streams=chat_count, seconds=chat_seconds)
            )
    finally:
        for server in servers:
            server.stop()
    return {
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "web_processes": len(bases),
        # DATABASE_POOL_MAX_SIZE (the daphnes inherit this process's environment): 0 = a connection per request.
        "database_pool_max_size": settings.DATABASE_POOL_MAX_SIZE,
        "max_in_flight": BENCH_MAX_IN_FLIGHT,
        "read_api_200rps": main.figures(),
        "read_api_steps": steps,
        "highest_rate_holding_p95_100ms": held,
        "chat": chat,
        "cpu_count": os.cpu_count(),
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
    }
