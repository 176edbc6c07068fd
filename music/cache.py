"""The three-tier search cache: Redis for identical recent queries, the SearchCache table for normalised
queries, the platform API behind both (its answers are written back to tiers 1 and 2).

Catalogue answers are shared (scope ""); answers from a user's own library are cached under that user's
scope ("user:<id>") and only ever read back for that user.

Redis only caches here: while it is unreachable the Redis tier and the hit counters are skipped
(sawt.core.ratelimit's breaker), and searches go on through the table and the API."""

import hashlib
import json
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from music.intents import normalize_query, normalize_text
from music.models import SearchCache
from music.platforms import MediaItem
from sawt.core.ratelimit import redis_client, redis_or_none

TIERS = ("redis", "table", "library", "api")


def _type_key(media_type: str | None) -> str:
    # "song"/"track" and an unnamed type share a row: "play X song" and "play X" mean the same thing.
    return media_type if media_type in {"album", "artist", "playlist"} else "any"


def query_hash(query: str, media_type: str | None = None) -> str:
    return hashlib.sha256(f"{_type_key(media_type)}|{normalize_query(query)}".encode()).hexdigest()


def user_scope(user_id: int) -> str:
    return f"user:{user_id}"


def _hot_key(platform: str, query: str, media_type: str | None, scope: str) -> str:
    exact = hashlib.sha256(f"{_type_key(media_type)}|{normalize_text(query)}".encode()).hexdigest()
    return f"music:hot:{platform}:{scope}:{exact}"


def _counter_key() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX') or 'sawt'}:music:cache-counters"


def count(tier: str, outcome: str) -> None:
    redis_or_none(lambda: redis_client().hincrby(_counter_key(), f"{tier}:{outcome}", 1))


def counters() -> dict[str, dict[str, int]]:
    stored = redis_or_none(lambda: redis_client().hgetall(_counter_key())) or {}
    raw = {(k.decode() if isinstance(k, bytes) else k): int(v) for k, v in stored.items()}
    return {tier: {"hits": raw.get(f"{tier}:hit", 0), "misses": raw.get(f"{tier}:miss", 0)} for tier in TIERS}


def cache_lookup(
    *, platform: str, query: str, media_type: str | None, user_id: int
) -> tuple[list[MediaItem] | None, str]:
    """The cached candidates (the user's own first) and the tier that answered ("redis", "table")."""
    scopes = [user_scope(user_id), ""]
    hot_keys = [_hot_key(platform, query, media_type, scope) for scope in scopes]
    found = redis_or_none(lambda: cache.get_many(hot_keys)) or {}
    hot = next((found[k] for k in hot_keys if k in found), None)
    if hot is not None:
        count("redis", "hit")
        return [MediaItem.from_dict(d) for d in json.loads(hot)], "redis"
    count("redis", "miss")
    row = (
        SearchCache.objects.filter(
            query_hash=query_hash(query, media_type),
            platform=platform,
            scope__in=scopes,
            expires_at__gt=timezone.now(),
        )
        .order_by("-scope")
        .values("pk", "result", "scope")
        .first()
    )
    if row is None:
        count("table", "miss")
        return None, ""
    count("table", "hit")
    SearchCache.objects.filter(pk=row["pk"]).update(hits=F("hits") + 1)
    items = list(row["result"].get("items") or [])
    hot_key = _hot_key(platform, query, media_type, row["scope"])
    redis_or_none(lambda: cache.set(hot_key, json.dumps(items), settings.MUSIC_HOT_CACHE_SECONDS))
    return [MediaItem.from_dict(d) for d in items], "table"


def cache_store(*, platform: str, query: str, media_type: str | None, items: list[MediaItem], scope: str = "") -> None:
    if not items:
        return
    payload: list[dict[str, Any]] = [i.as_dict() for i in items]
    SearchCache.objects.update_or_create(
        query_hash=query_hash(query, media_type),
        platform=platform,
        scope=scope,
        defaults={
            "normalized_query": normalize_query(query)[:500],
            "media_type": media_type or "",
            "result_uri": items[0].uri,
            "result": {"items": payload},
            "expires_at": timezone.now() + timedelta(days=settings.MUSIC_SEARCH_CACHE_DAYS),
        },
    )
    hot_key = _hot_key(platform, query, media_type, scope)
    redis_or_none(lambda: cache.set(hot_key, json.dumps(payload), settings.MUSIC_HOT_CACHE_SECONDS))


def search_cache_expire() -> int:
    deleted, _ = SearchCache.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
