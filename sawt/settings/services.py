"""Backing services: the database, Redis, the cache and the channel layer."""

from typing import Any

import redis.exceptions

from sawt.settings.env import EMBEDDED_REDIS_URL, VAR_DIR, env

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'sawt.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=0)  # PostgreSQL only (below)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # A database host that stops answering fails requests in seconds instead of hanging them.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=3)
    # Django's psycopg pool, for the web processes (daphne): requests borrow an open connection instead of
    # opening one each, and at most this many per process reach PostgreSQL. Leave 0 (off) for Celery
    # workers: prefork children must not inherit a parent's pool, and gevent does not suit it.
    if DATABASE_POOL_MAX_SIZE > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django refuses persistent connections with a pool
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": min(2, DATABASE_POOL_MAX_SIZE),
            "max_size": DATABASE_POOL_MAX_SIZE,
            # A request waits this long for a free connection, then fails with 503 (service_unavailable).
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        }

REDIS_URL = env.str("REDIS_URL", default=EMBEDDED_REDIS_URL)
REDIS_IS_EMBEDDED = REDIS_URL == EMBEDDED_REDIS_URL

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "sawt",
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

CHANNEL_LAYERS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            # redis-py 8 reads with a 5 s socket timeout by default, which kills the channel layer's
            # blocking BZPOPMIN on any idle socket (django/channels_redis#422): no client-side timeout.
            # After a Redis restart the pool would hand out dead connections: retry them instead.
            "hosts": [
                {
                    "address": REDIS_URL,
                    "socket_timeout": None,
                    "retry_on_error": [redis.exceptions.ConnectionError],
                }
            ],
            "capacity": 1500,
            "expiry": 30,
        },
    }
}
