"""Rate limits counted in Redis, per user (per client IP when anonymous), one window per identity.

A limit is a scope (its rate in SAWT_RATE_LIMITS) and an identity: a user, a client address, or a name
people type (a username, an e-mail). Sign-ins and password resets count against several at once
(peek_all/hit_all), so one address's failures never lock out a whole office and one username's never
lock out anyone else.

When Redis does not answer, the limits fail open: a request is let through uncounted rather than
answered with a 500. After a failure Redis is left alone for BREAKER_SECONDS, so a hung Redis costs
one request a timeout, not every request; the warning is logged at most once per WARNING_SECONDS.
Features that only cache in Redis (the music search cache) go through the same breaker with
`redis_or_none` and skip the cache while it is open.
"""

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

import redis
from django.conf import settings
from django.http import HttpRequest
from redis.client import Pipeline
from rest_framework.throttling import BaseThrottle

if TYPE_CHECKING:
    from rest_framework.request import Request

from sawt.core.errors import RateLimited

logger = logging.getLogger("sawt.ratelimit")

BREAKER_SECONDS = 5.0
WARNING_SECONDS = 60.0

T = TypeVar("T")

_breaker_lock = threading.Lock()
_breaker: dict[str, float] = {"skip_until": 0.0, "warned_at": float("-inf")}


@cache
def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def parse_rate(rate: str) -> tuple[int, int]:
    count, seconds = rate.split("/")
    return int(count), int(seconds)


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def identity(request: "HttpRequest | Request") -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


def client_identity(request: "HttpRequest | Request") -> str:
    """The client address, even for a signed-in user (limits on what people type come per address)."""
    return f"ip:{client_ip(request)}"


def name_identity(kind: str, name: str) -> str:
    """An identity for a typed name: its spellings in another case or with spaces share one counter,
    and the name itself never lands in Redis."""
    digest = hashlib.sha256(name.strip().casefold().encode()).hexdigest()[:32]
    return f"{kind}:{digest}"


def _key(scope: str) -> tuple[int, int]:
    limit, window = parse_rate(settings.SAWT_RATE_LIMITS[scope])
    return limit, window


def _counter(scope: str, ident: str) -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', 'sawt')}:rl:{scope}:{ident}"


def reset_breaker(*, keep_warning_time: bool = False) -> None:
    """Forgets a past Redis failure (tests, and after REDIS_URL changes)."""
    with _breaker_lock:
        _breaker["skip_until"] = 0.0
        if not keep_warning_time:
            _breaker["warned_at"] = float("-inf")


def redis_or_none(call: Callable[[], T]) -> T | None:
    """The answer of `call` (any Redis work, the Django cache included); None when Redis is unreachable
    or was a moment ago, for callers that carry on without it."""
    if time.monotonic() < _breaker["skip_until"]:
        return None
    try:
        return call()
    except redis.RedisError as exc:
        now = time.monotonic()
        with _breaker_lock:
            _breaker["skip_until"] = now + BREAKER_SECONDS
            warn = now - _breaker["warned_at"] >= WARNING_SECONDS
            if warn:
                _breaker["warned_at"] = now
        if warn:
            logger.warning(
                "rate limits fail open and caches are skipped: Redis is unreachable (%s); "
                "skipping it for %s s at a time",
                type(exc).__name__,
                BREAKER_SECONDS,
            )
        return None


def _execute(commands: Callable[[Pipeline], object]) -> list[Any] | None:
    """Runs the commands as one MULTI/EXEC; None when Redis is unreachable or was a moment ago."""

    def run() -> list[Any]:
        pipe = redis_client().pipeline()
        commands(pipe)
        return list(pipe.execute())

    return redis_or_none(run)


def hit(scope: str, ident: str) -> int | None:
    """Counts one hit; answers None when allowed, else the seconds until the window reopens.

    The window opens at the first hit and lasts the scope's seconds, so a burst is never split
    across two windows (as it can be with windows aligned to the clock).
    """
    if not settings.SAWT_RATE_LIMIT_ENABLED:
        return None
    limit, window = _key(scope)
    key = _counter(scope, ident)

    def commands(pipe: Pipeline) -> None:
        pipe.set(key, 0, ex=window, nx=True)
        pipe.incr(key)
        pipe.ttl(key)

    replies = _execute(commands)
    if replies is None:
        return None
    _, count, ttl = replies
    return max(1, int(ttl)) if int(count) > limit else None


def peek(scope: str, ident: str) -> int | None:
    """Like hit() without counting: for limits on failures only (bad logins)."""
    if not settings.SAWT_RATE_LIMIT_ENABLED:
        return None
    limit, _ = _key(scope)
    key = _counter(scope, ident)

    def commands(pipe: Pipeline) -> None:
        pipe.get(key)
        pipe.ttl(key)

    replies = _execute(commands)
    if replies is None:
        return None
    count, ttl = replies
    return max(1, int(ttl)) if int(count or 0) >= limit else None


Limit = tuple[str, str]  # (scope, identity)


def peek_all(limits: Iterable[Limit]) -> int | None:
    """peek() on each limit: the longest wait among those already reached, else None."""
    waits = [wait for scope, ident in limits if (wait := peek(scope, ident)) is not None]
    return max(waits, default=None)


def hit_all(limits: Iterable[Limit]) -> int | None:
    """hit() on each limit (every one counts): the longest wait among those now over, else None."""
    waits = [wait for scope, ident in limits if (wait := hit(scope, ident)) is not None]
    return max(waits, default=None)


def check(scope: str, request: "HttpRequest | Request") -> None:
    """Raises RateLimited (429 with Retry-After) when the request's identity is over the scope's limit."""
    retry_after = hit(scope, identity(request))
    if retry_after is not None:
        raise RateLimited(retry_after)


class ScopedThrottle(BaseThrottle):
    scope = "api"

    def allow_request(self, request: "Request", view: Any) -> bool:
        # A view may limit one method under its own scope: throttle_scopes = {"POST": "upload"}.
        scope = getattr(view, "throttle_scopes", {}).get(request.method)
        check(scope or getattr(view, "throttle_scope", None) or self.scope, request)
        return True


class ApiThrottle(ScopedThrottle):
    scope = "api"
