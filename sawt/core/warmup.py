"""Models loaded at process start, in the background: the web process (sawt/asgi.py) and each speech
worker child (a Celery signal, see CoreConfig.ready) load the ASR model, the voice-activity model and the
default voice while they already serve, so the first call answers as fast as later ones and start-up is not
delayed. Each process marks itself warming in Redis (`sawt:warming:<process>`, with an expiry in case it
dies); /health says "starting" while any mark is there or this process is still loading."""

import logging
import os
import socket
import threading
import time
from typing import Any

from django.conf import settings

from sawt.core.ratelimit import redis_client

logger = logging.getLogger("sawt.warmup")

PREFIX = "sawt:warming:"
MARK_SECONDS = 300  # a process that dies while warming stops counting after this
_state: dict[str, Any] = {"thread": None, "done": threading.Event(), "started": None}


def warm_models() -> None:
    """Load what a first call or job needs: the ASR model with one decode through the streaming scheduler
    (CTranslate2's first decode is slow too), the VAD model, the default voice with one sentence."""
    from sawt.speech import asr, tts, vad
    from sawt.speech.stream_scheduler import get_scheduler

    asr.get_asr_model()
    get_scheduler().warm_up().result(timeout=120)
    vad._model()
    tts.synthesize("Hello.")


def _process_name(kind: str) -> str:
    return f"{kind}:{socket.gethostname()}:{os.getpid()}"


def _mark(name: str, warming: bool) -> None:
    try:
        if warming:
            redis_client().set(PREFIX + name, "1", ex=MARK_SECONDS)
        else:
            redis_client().delete(PREFIX + name)
    except Exception:
        logger.warning("warm-up: could not reach Redis to mark %s", name)


def _run(name: str) -> None:
    started = time.perf_counter()
    try:
        warm_models()
        logger.info("warm-up: models ready in %.1fs", time.perf_counter() - started, extra={"warmed": name})
    except Exception:
        logger.warning("warm-up: models could not be loaded; the first call will load them", exc_info=True)
    finally:
        _mark(name, warming=False)
        _state["done"].set()


def start(kind: str) -> bool:
    """Warm this process's models in a thread (once per process); False when SAWT_WARMUP is off. Not a daemon:
    a process that exits while it loads waits for it (native model code aborts when cut off mid-load)."""
    if not settings.SAWT_WARMUP or _state["thread"] is not None:
        return False
    name = _process_name(kind)
    _mark(name, warming=True)
    thread = threading.Thread(target=_run, args=(name,), name="sawt-warmup", daemon=False)
    _state.update(thread=thread, started=time.monotonic())
    thread.start()
    return True


def warming() -> list[str]:
    """The processes still loading their models: this one, and any other that marked itself in Redis."""
    names: list[str] = []
    if _state["thread"] is not None and not _state["done"].is_set():
        names.append("this process")
    try:
        for key in redis_client().scan_iter(match=PREFIX + "*", count=100):
            text = key.decode() if isinstance(key, bytes) else str(key)
            names.append(text.removeprefix(PREFIX).split(":", 1)[0])
    except Exception:
        logger.warning("warm-up: could not read the warming marks from Redis")
    return sorted(set(names))


def wait(timeout: float) -> bool:
    """For tests and the ready line: block until this process's warm-up is over."""
    return bool(_state["done"].wait(timeout)) if _state["thread"] is not None else True
