"""`python manage.py bench dictation`: audio latency, bulk creation, scoring and stats speed.

Runs against the configured database and broker (run `manage.py migrate` first) as a throwaway user,
deleted at the end with its audio. The jobs run in a real `celery worker` (prefork) that the benchmark
starts as a subprocess on a private queue, so a worker started elsewhere on the same Redis cannot take
them, with an empty TTS cache; every sentence is new, so each item really is synthesized. The requests
go through the whole Django stack (middleware, token auth, DRF) with DRF's test client.

Not `celery.contrib.testing.worker.start_worker`: its thread pool shares one Redis connection between
threads, and under load it lost messages (popped, never run, never unacked).
"""

import contextlib
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from sawt.core.bench import load_seed, register

WORDS = (
    "river", "garden", "morning", "window", "teacher", "yellow", "quiet", "market", "bright", "winter", "coffee",
    "station", "letter", "orange", "travel", "simple", "mountain", "careful", "evening", "kitchen", "silver",
    "friendly", "summer", "doctor", "island", "number", "village", "ancient", "purple", "basket",
)


def _sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(6, 10))
    return f"The {' '.join(words)}."


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


@register("dictation")
def bench_dictation(options: dict[str, Any]) -> dict[str, Any]:
    """Dictation: creation->playable audio, 100-item bulk create, scoring, stats with 10,000 attempts, the
    review queue and weak words with 10,000 items and 100,000 attempts."""
    from sawt.celery import app

    queue = f"dictation-bench-{uuid.uuid4().hex[:8]}"
    load_before = os.getloadavg()[0]
    with (
        _private_broker() as broker_url,
        tempfile.TemporaryDirectory() as cache,
        _worker(app, broker_url, queue, cache) as started_in,
        override_settings(SAWT_RATE_LIMIT_ENABLED=False),
    ):
        figures = _run(options, random.Random(time.time_ns()))
    figures["worker"] = (f"celery worker subprocess, prefork -c {WORKER_CONCURRENCY}, private queue, "
                         f"ready in {started_in:.1f} s")
    figures["load_average_1m_before_after"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    figures["cpu_count"] = os.cpu_count()
    return figures


WORKER_CONCURRENCY = 2


@contextlib.contextmanager
def _private_broker() -> Iterator[str]:
    """A Redis server of the benchmark's own: on a Redis shared with other people's test runs, a FLUSHDB
    elsewhere empties the queue mid-run."""
    from sawt.core.embedded_redis import is_listening, server_command

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([*server_command(port), "--daemonize", "no"], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not is_listening(port):
            if time.monotonic() > deadline:
                raise RuntimeError("the benchmark's Redis did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextlib.contextmanager
def _worker(app: Any, broker_url: str, queue: str, cache_dir: str) -> Iterator[float]:
    """A real `celery worker` on a private queue, with an empty TTS cache, stopped afterwards."""
    # Set before this process sends anything, so its connection pool and router are built with them.
    app.conf.broker_url = broker_url
    app.conf.task_routes = {**settings.CELERY_TASK_ROUTES, "dictation.tasks.generate_item_audio": {"queue": queue},
                            "dictation.tasks.queue_item_audio": {"queue": queue}}
    name = f"{queue}@%h"
    env = {**os.environ, "SAWT_TTS_CACHE_DIR": cache_dir, "DICTATION_TTS_QUEUE": queue, "CELERY_BROKER_URL": broker_url}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "sawt", "worker", "-Q", queue, "-n", name, "-P", "prefork",
         "-c", str(WORKER_CONCURRENCY), "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
        env=env, cwd=str(settings.BASE_DIR),
    )
    try:
        while not app.control.ping(destination=[name.replace("%h", socket.gethostname())], timeout=0.5):
            if process.poll() is not None or time.perf_counter() - started > 120:
                raise RuntimeError("the benchmark's Celery worker did not start")
        yield time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=60)


def _run(options: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    from rest_framework.test import APIClient

    from sawt.accounts.models import User
    from sawt.accounts.services import account_delete, api_token_create

    quick = bool(options.get("quick"))
    user = User.objects.create(username=f"bench-dictation-{uuid.uuid4().hex[:8]}")
    _, key = api_token_create(user=user, name="bench")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    try:
        figures: dict[str, Any] = {}
        figures.update(_audio_latency(api, rng, runs=3 if quick else 10))
        figures.update(_bulk(api, rng, count=20 if quick else 100, limit=120 if quick else 480))
        figures.update(_scoring(api, user, runs=50 if quick else 200))
        figures.update(_stats(api, user, rng, attempts=1000 if quick else 10_000, runs=20 if quick else 50))
        figures.update(_review(api, user, rng, items=1000 if quick else 10_000,
                               attempts=10_000 if quick else 100_000, runs=20 if quick else 100))
        return figures
    finally:
        account_delete(user=user)


def _wait_until_completed(api: Any, item_id: int, limit: float = 60.0) -> str:
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        status = api.get(f"/api/v1/dictation/items/{item_id}/tts-status").json()["status"]
        if status in ("completed", "failed"):
            return str(status)
        time.sleep(0.02)
    return "timeout"


def _audio_latency(api: Any, rng: random.Random, runs: int) -> dict[str, Any]:
    """Creation -> tts-status completed -> the WAV downloaded, one sentence at a time."""
    from dictation.models import TTSTask

    latencies, ids = [], []
    cold = 0.0
    for index in range(runs + 1):
        started = time.perf_counter()
        item = api.post("/api/v1/dictation/items", {"text": _sentence(rng), "locale": "en-US"}, format="json").json()
        status = _wait_until_completed(api, item["id"])
        audio = api.get(f"/api/v1/dictation/items/{item['id']}/audio")
        body = b"".join(audio.streaming_content) if status == "completed" else b""
        elapsed = time.perf_counter() - started
        if status != "completed" or not body.startswith(b"RIFF"):
            raise RuntimeError(f"item {item['id']} audio {status}")
        if index == 0:
            cold = elapsed  # loads the voice
        else:
            latencies.append(elapsed)
            ids.append(item["id"])
    synthesis = list(TTSTask.objects.filter(item_id__in=ids).values_list("synthesis_seconds", flat=True))
    audio = list(TTSTask.objects.filter(item_id__in=ids).values_list("item__duration", flat=True))
    return {
        "synthesis_p50_s": round(statistics.median(s or 0.0 for s in synthesis), 3),
        "audio_seconds_p50": round(statistics.median(a or 0.0 for a in audio), 2),
        "create_to_audio_cold_s": round(cold, 3),
        "create_to_audio_p50_s": round(statistics.median(latencies), 3),
        "create_to_audio_max_s": round(max(latencies), 3),
        "create_to_audio_runs": runs,
    }


def _bulk(api: Any, rng: random.Random, count: int, limit: float = 180.0) -> dict[str, Any]:
    from dictation.models import Item, TTSStatus, TTSTask

    rows = [_sentence(rng) for _ in range(count)]
    started = time.perf_counter()
    response = api.post("/api/v1/dictation/items/bulk", {"locale": "en-US", "items": rows}, format="json")
    answered = time.perf_counter() - started
    ids = [r["item"]["id"] for r in response.json()["results"] if r["ok"]]
    done = 0
    while time.perf_counter() - started < limit:
        done = Item.objects.filter(pk__in=ids, tts_status=TTSStatus.COMPLETED).count()
        if done == len(ids):
            break
        time.sleep(0.1)
    from django.db.models import Count

    unfinished = TTSTask.objects.filter(item_id__in=ids).exclude(status=TTSStatus.COMPLETED)
    return {
        "bulk_unfinished_by_status": dict(unfinished.values_list("status").annotate(n=Count("id"))),
        "bulk_items": count,
        "bulk_created": len(ids),
        "bulk_response_s": round(answered, 3),
        "bulk_all_audio_s": round(time.perf_counter() - started, 2),
        "bulk_audio_completed": done,
    }


def _scoring(api: Any, user: Any, runs: int) -> dict[str, Any]:
    from dictation import grading
    from dictation.models import Item

    item = Item.objects.filter(owner=user).order_by("id").first()
    assert item is not None
    typed = item.text.replace("e", "a", 2)
    requests, grades = [], []
    for _ in range(runs):
        seconds, response = _timed(lambda: api.post("/api/v1/dictation/attempts", {"item_id": item.pk, "text": typed},
                                                    format="json"))
        assert response.status_code == 201, response.content
        requests.append(seconds)
        seconds, _ = _timed(lambda: grading.grade(answers=item.accepted_answers, typed=typed,
                                                  case_sensitive=False, keep_punctuation=False))
        grades.append(seconds)
    return {
        "attempt_request_p50_ms": _ms(statistics.median(requests)),
        "attempt_request_p95_ms": _ms(_percentile(requests, 0.95)),
        "attempt_grading_p50_ms": _ms(statistics.median(grades)),
    }


def _stats(api: Any, user: Any, rng: random.Random, attempts: int, runs: int) -> dict[str, Any]:
    from dictation.models import Attempt, Item

    items = list(Item.objects.filter(owner=user))
    now = timezone.now()
    existing = Attempt.objects.filter(owner=user).count()
    Attempt.objects.bulk_create(
        [
            Attempt(owner=user, item=rng.choice(items), text="typed", wer=rng.random() * 0.6, cer=0.1,
                    reference_words=8, hits=6, substitutions=1, deletions=1, insertions=0, typos=1, mistakes=1,
                    diff=[], created_at=now - timedelta(minutes=rng.randint(0, 90 * 24 * 60)))
            for _ in range(attempts - existing)
        ],
        batch_size=1000,
    )
    item_id = items[0].pk
    today = timezone.localdate()
    endpoints = {
        "summary": "/api/v1/dictation/stats/summary",
        "summary_window": f"/api/v1/dictation/stats/summary?since={today - timedelta(days=30)}",
        "practice_log": "/api/v1/dictation/stats/practice-log",
        "item": f"/api/v1/dictation/stats/items/{item_id}",
        "progress_30d": "/api/v1/dictation/stats/progress",
        "progress_90d_item": f"/api/v1/dictation/stats/progress?since={today - timedelta(days=89)}&item_id={item_id}",
        "attempts_list": "/api/v1/dictation/attempts",
    }
    figures: dict[str, Any] = {"stats_attempts": Attempt.objects.filter(owner=user).count()}
    worst = 0.0
    for name, url in endpoints.items():
        timings = []
        for _ in range(runs):
            seconds, response = _timed(lambda url=url: api.get(url))  # type: ignore[misc]
            assert response.status_code == 200, (url, response.content)
            timings.append(seconds)
        p95 = _percentile(timings, 0.95)
        worst = max(worst, p95)
        figures[f"stats_{name}_p95_ms"] = _ms(p95)
    figures["stats_worst_p95_ms"] = _ms(worst)
    return figures


def _review(api: Any, user: Any, rng: random.Random, items: int, attempts: int, runs: int) -> dict[str, Any]:
    """review/next, stats/review and stats/weak-words with `items` items (due times spread over two months
    either side of now) and `attempts` attempts for the user, word counts included."""
    from dictation.models import Attempt, Item, ReviewState, TTSStatus, WordStat, WordTotal

    now = timezone.now()
    have = Item.objects.filter(owner=user).count()
    Item.objects.bulk_create(
        [
            Item(owner=user, text=_sentence(rng), locale="en-US", difficulty=2, voice="default",
                 tts_status=TTSStatus.COMPLETED, review_state=rng.choice(list(ReviewState)),
                 review_due=now + timedelta(minutes=rng.randint(-60 * 24 * 60, 60 * 24 * 60)))
            for _ in range(items - have)
        ],
        batch_size=1000,
    )
    pool = list(Item.objects.filter(owner=user).values_list("pk", flat=True))
    have = Attempt.objects.filter(owner=user).count()
    Attempt.objects.bulk_create(
        [
            Attempt(owner=user, item_id=rng.choice(pool), text="typed", wer=0.2, cer=0.1, reference_words=8, hits=6,
                    substitutions=1, deletions=1, insertions=0, typos=1, mistakes=1, diff=[],
                    created_at=now - timedelta(minutes=rng.randint(0, 90 * 24 * 60)))
            for _ in range(attempts - have)
        ],
        batch_size=2000,
    )
    WordStat.objects.bulk_create(
        [
            WordStat(owner=user, item_id=item_id, word=word, seen=rng.randint(1, 20), misses=rng.randint(0, 5),
                     last_seen_at=now, last_missed_at=now)
            for item_id in pool for word in rng.sample(WORDS, 6)
        ],
        batch_size=2000, ignore_conflicts=True,
    )
    from django.db.models import Max, Sum

    sums = WordStat.objects.filter(owner=user).values("word").annotate(s=Sum("seen"), m=Sum("misses"),
                                                                       at=Max("last_seen_at"))
    WordTotal.objects.bulk_create(
        [WordTotal(owner=user, word=r["word"], seen=r["s"], misses=r["m"], last_seen_at=r["at"], last_missed_at=r["at"])
         for r in sums],
        ignore_conflicts=True,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    endpoints = {
        "review_next": "/api/v1/dictation/review/next",
        "stats_review": "/api/v1/dictation/stats/review",
        "weak_words": "/api/v1/dictation/stats/weak-words",
    }
    figures: dict[str, Any] = {
        "review_items": Item.objects.filter(owner=user).count(),
        "review_attempts": Attempt.objects.filter(owner=user).count(),
    }
    for name, url in endpoints.items():
        timings = []
        for _ in range(runs):
            seconds, response = _timed(lambda url=url: api.get(url))  # type: ignore[misc]
            assert response.status_code == 200, (url, response.content)
            timings.append(seconds)
        figures[f"{name}_p50_ms"] = _ms(statistics.median(timings))
        figures[f"{name}_p95_ms"] = _ms(_percentile(timings, 0.95))
    return figures


@load_seed
def seed_load(user: Any) -> list[str]:
    """`bench load`'s dictation rows: 200 items with their audio ready, 600 attempts, 5 tags."""
    from dictation.models import Attempt, Item, Tag, TTSStatus

    tags = [Tag.objects.create(owner=user, name=f"set{n}") for n in range(5)]
    items = Item.objects.bulk_create(
        Item(
            owner=user,
            text=f"Sentence number {n} is about the weather.",
            locale="en-US",
            difficulty=1 + n % 5,
            voice="default",
            tts_status=TTSStatus.COMPLETED,
        )
        for n in range(200)
    )
    for n, item in enumerate(items):
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
        for n, item in enumerate(items * 3)
    )
    paths = [
        "/api/v1/dictation/items",
        "/api/v1/dictation/stats/summary",
        "/api/v1/dictation/attempts",
        "/api/v1/dictation/stats/progress",
    ]
    return paths + [f"/api/v1/dictation/items/{item.pk}" for item in items[:20]]
