"""Tests: PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set, else SQLite + embedded Redis."""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")

from sawt.settings.base import *
from sawt.settings.base import REDIS_URL

# The same speech for the same text on every run and machine: a test hears what it heard last time.
SAWT_TTS_VARIATION = 0.0
# No background model loading in tests (tests/core/test_warmup.py runs it on purpose).
SAWT_WARMUP = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
SAWT_ENCRYPTION_KEYS = ["c2F3dC10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE="]
SAWT_LOOKUP_HASH_KEY = "test-lookup-hash-key"
SAWT_BACKUP_KEYS = ["c2F3dC10ZXN0LWJhY2t1cC1rZXktMDEyMzQ1Njc4OWE="]
# Each pytest-xdist worker or run shares Redis; a prefix keeps runs from seeing each other's counters.
CACHES["default"]["KEY_PREFIX"] = f"sawt-test-{os.getpid()}"
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"sawt-test-{os.getpid()}"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
assert REDIS_URL
