"""`GET /health`: each component "ok", "error" or "not configured"; 503 when the database is down.

The status is "ok", "degraded" (a component is in error) or "starting": the web process or a speech worker
is still loading its models (sawt/core/warmup.py), or, within STARTING_SECONDS of the web process starting,
the workers do not answer yet. "warming" then names the processes still loading."""

import logging
import os
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sawt.core import warmup
from sawt.core.ratelimit import redis_client

logger = logging.getLogger("sawt.health")

OK, ERROR, NOT_CONFIGURED = "ok", "error", "not configured"

_celery_cache: dict[str, Any] = {"at": 0.0, "value": None}
STARTING_SECONDS = 90  # after the web process starts, workers not answering yet is "starting", not "degraded"
_process_started = time.monotonic()


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return OK
    except Exception:
        logger.warning("health: database check failed", exc_info=True)
        return ERROR


def check_redis() -> str:
    try:
        redis_client().ping()
        return OK
    except Exception:
        logger.warning("health: redis check failed")
        return ERROR


def check_celery() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return OK  # tasks run inline
    now = time.monotonic()
    # A good answer is kept 15 s; a bad one is asked again each time, so workers that have just come up
    # (or come back) show at once instead of keeping /health "starting" or "degraded" for 15 s more.
    if now - _celery_cache["at"] < 15 and _celery_cache["value"] == OK:
        return OK
    from sawt.celery import app

    try:
        # One connection attempt first: ping() itself retries an unreachable broker for seconds.
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=0, timeout=1)
        replies = app.control.ping(timeout=0.5)
        value = OK if replies else ERROR
    except Exception:
        value = ERROR
    _celery_cache.update(at=now, value=value)
    return value


def check_storage() -> str:
    """The file storage (a folder or an S3 bucket) takes a small file and gives it back."""
    try:
        name = default_storage.save(f".health-{uuid.uuid4().hex}", ContentFile(b"ok"))
        try:
            with default_storage.open(name, "rb") as handle:
                back = handle.read()
        finally:
            default_storage.delete(name)
        return OK if back == b"ok" else ERROR
    except Exception:
        logger.warning("health: storage check failed", exc_info=True)
        return ERROR


def check_asr_model() -> str:
    """The configured ASR model's files are present (loading it is the workers' job, not /health's)."""
    from sawt.speech import asr
    from sawt.speech.config import get_config
    from sawt.speech.models import resolve_asr_model

    try:
        if asr.model_info().get("loaded"):
            return OK
        config = get_config()
        path, _ = resolve_asr_model(config.asr_model, config.model_cache_dir)
        return OK if os.path.isdir(path) else NOT_CONFIGURED
    except Exception:
        logger.warning("health: ASR model check failed", exc_info=True)
        return ERROR


def check_tts_voice() -> str:
    from sawt.speech import tts

    try:
        return OK if tts.tts_info().get("available") else ERROR
    except Exception:
        logger.warning("health: TTS voice check failed", exc_info=True)
        return ERROR


COMPONENTS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "redis": check_redis,
    "celery": check_celery,
    "storage": check_storage,
    "asr_model": check_asr_model,
    "tts_voice": check_tts_voice,
}


def overall(components: dict[str, str], warming: list[str], uptime: float) -> str:
    if all(value in (OK, NOT_CONFIGURED) for value in components.values()) and not warming:
        return "ok"
    if components["database"] == ERROR:
        return "degraded"
    others = [name for name, value in components.items() if value == ERROR and name != "celery"]
    if warming and not others:
        return "starting"
    if components["celery"] == ERROR and not others and uptime < STARTING_SECONDS:
        return "starting"
    return "degraded"


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    components = {name: check() for name, check in COMPONENTS.items()}
    warming = warmup.warming()
    body: dict[str, Any] = {
        "status": overall(components, warming, time.monotonic() - _process_started),
        "components": components,
        "version": settings.SAWT_VERSION,
        "time": datetime.now(UTC).isoformat(),
    }
    if body["status"] == "starting":
        body["warming"] = warming or ["workers"]
    return JsonResponse(body, status=503 if components["database"] == ERROR else 200)
