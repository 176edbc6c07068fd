"""A bounded open-model load generator for 127.0.0.1: what `manage.py bench load` (sawt/core/benchmarks.py)
runs, against the rows and API paths every app registers with `sawt.core.bench.load_seed`.

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


def seed_read_data(*, username: str = "bench-load") -> tuple[str, list[str]]:
    """A fresh user with the rows every app's `@load_seed` gives it; returns (API token, paths to GET)."""
    from django.db import transaction

    from sawt.accounts.models import User
    from sawt.accounts.services import api_token_create
    from sawt.core.bench import load_seeds

    User.objects.filter(username=username).delete()
    paths: list[str] = []
    with transaction.atomic():
        user = User.objects.create_user(username, f"{username}@example.com", None)
        for seed in load_seeds():
            paths += seed(user)
    token = api_token_create(user=user, name="bench load")[1]
    return token, paths


def start_servers(count: int) -> list[Any]:
    from django.conf import settings

    from sawt.testing.liveserver import DaphneServer

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
    from sawt.testing.streamclient import play

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
