"""Rate limits counted in Redis, per user (per client IP when anonymous), one window per identity.

A limit is a scope (its rate in SAWT_RATE_LIMITS) and an identity: a user, a client address, or a name
people type (a username, an e-mail). Sign-ins and password resets count against several at once
(peek_all/hit_all), so one address's failures never lock out a whole office and one username's never
lock out anyone else.
"""

import hashlib
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

import redis
from django.conf import settings
from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle

if TYPE_CHECKING:
    from rest_framework.request import Request

from sawt.core.errors import RateLimited


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


def hit(scope: str, ident: str) -> int | None:
    """Counts one hit; answers None when allowed, else the seconds until the window reopens.

    The window opens at the first hit and lasts the scope's seconds, so a burst is never split
    across two windows (as it can be with windows aligned to the clock).
    """
    if not settings.SAWT_RATE_LIMIT_ENABLED:
        return None
    limit, window = _key(scope)
    key = _counter(scope, ident)
    pipe = redis_client().pipeline()  # MULTI/EXEC: the three commands run as one
    pipe.set(key, 0, ex=window, nx=True)
    pipe.incr(key)
    pipe.ttl(key)
    _, count, ttl = pipe.execute()
    return max(1, int(ttl)) if int(count) > limit else None


def peek(scope: str, ident: str) -> int | None:
    """Like hit() without counting: for limits on failures only (bad logins)."""
    if not settings.SAWT_RATE_LIMIT_ENABLED:
        return None
    limit, _ = _key(scope)
    pipe = redis_client().pipeline()
    key = _counter(scope, ident)
    pipe.get(key)
    pipe.ttl(key)
    count, ttl = pipe.execute()
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
