"""Settings shared by every environment; values come from sawt.settings.env."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import django_stubs_ext
from kombu import Queue

from sawt.settings.env import BASE_DIR, EMBEDDED_REDIS_URL, VAR_DIR, env

django_stubs_ext.monkeypatch()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/(api|v1)/.*$"

SAWT_VERSION = "0.1.0"

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_celery_beat",
    "social_django",
    "sawt.core",
    "sawt.accounts",
    "sawt.chat",
    "dictation",
    "meetings",
    "music",
    "voicebot",
]

MIDDLEWARE = [
    "sawt.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "sawt.core.middleware.BodySizeLimitMiddleware",
    "sawt.core.middleware.OptionalSlashMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "sawt.accounts.middleware.UserTimezoneMiddleware",
    "sawt.core.middleware.AccessLogMiddleware",
]

ROOT_URLCONF = "sawt.urls"
WSGI_APPLICATION = "sawt.wsgi.application"
ASGI_APPLICATION = "sawt.asgi.application"
AUTH_USER_MODEL = "accounts.User"
APPEND_SLASH = False  # OptionalSlashMiddleware answers both forms without a redirect

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "social_django.context_processors.backends",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'sawt.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
            "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
            "capacity": 1500,
            "expiry": 30,
        },
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("SAWT_STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, str]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_URL = "/media/"
# Uploads live outside the static root and are only ever served through views that check ownership.
MEDIA_ROOT = Path(env.str("SAWT_MEDIA_ROOT", default=str(VAR_DIR / "media")))

# Size limits. JSON and form bodies are small; audio uploads have their own limit.
SAWT_MAX_BODY_BYTES = env.int("SAWT_MAX_BODY_BYTES", default=2 * 1024 * 1024)
SAWT_MAX_UPLOAD_BYTES = env.int("SAWT_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = SAWT_MAX_BODY_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "sawt.core.uploads.LimitedMemoryFileUploadHandler",
    "sawt.core.uploads.LimitedTemporaryFileUploadHandler",
]
FILE_UPLOAD_TEMP_DIR = None

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="sawt@localhost")

# Encryption at rest (tokens, phone numbers). Comma-separated base64 32-byte keys, newest first.
SAWT_ENCRYPTION_KEYS = env.list("SAWT_ENCRYPTION_KEYS", default=[])
SAWT_LOOKUP_HASH_KEY = env.str("SAWT_LOOKUP_HASH_KEY", default="")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "sawt.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "sawt.core.pagination.SawtPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "sawt.core.errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["sawt.core.ratelimit.ApiThrottle"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ]

SPECTACULAR_SETTINGS = {
    "TITLE": "Sawt API",
    "DESCRIPTION": "Speech to working software: chat, meetings, music, voice bot, dictation.",
    "VERSION": SAWT_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/(api/v1|v1)",
}

# Rate limits: "<count>/<seconds>" per scope, counted in Redis per user (per IP when anonymous).
SAWT_RATE_LIMITS = {
    "api": env.str("SAWT_RATE_LIMIT_API", default="600/60"),
    "auth": env.str("SAWT_RATE_LIMIT_AUTH", default="20/300"),
    "upload": env.str("SAWT_RATE_LIMIT_UPLOAD", default="60/3600"),
    "websocket": env.str("SAWT_RATE_LIMIT_WEBSOCKET", default="60/60"),
}
SAWT_RATE_LIMIT_ENABLED = env.bool("SAWT_RATE_LIMIT_ENABLED", default=True)
SAWT_WS_TICKET_SECONDS = 60

# Celery: JSON only, at-least-once (acks late + reject on lost worker), bounded tasks.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=3600)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=3900)
# The visibility timeout must outlast the longest task, or Redis hands it to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 300)
}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue("default"), Queue("speech"), Queue("io")]
CELERY_TASK_ROUTES: dict[str, dict[str, str]] = {}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}

# Speech engine (sawt/speech): every model is a setting.
SAWT_ASR_MODEL = env.str("SAWT_ASR_MODEL", default="tiny.en")
SAWT_ASR_DEVICE = env.str("SAWT_ASR_DEVICE", default="auto")
SAWT_ASR_COMPUTE_TYPE = env.str("SAWT_ASR_COMPUTE_TYPE", default="auto")
SAWT_ASR_THREADS = env.int("SAWT_ASR_THREADS", default=0)
SAWT_MODEL_CACHE_DIR = env.str("SAWT_MODEL_CACHE_DIR", default=str(VAR_DIR / "models"))
SAWT_TTS_VOICE = env.str("SAWT_TTS_VOICE", default="joe-us")
SAWT_TTS_CACHE_DIR = env.str("SAWT_TTS_CACHE_DIR", default=str(VAR_DIR / "tts-cache"))
SAWT_MAX_AUDIO_SECONDS = env.float("SAWT_MAX_AUDIO_SECONDS", default=7200.0)
SAWT_LLM_BASE_URL = env.str("SAWT_LLM_BASE_URL", default="")
SAWT_LLM_MODEL = env.str("SAWT_LLM_MODEL", default="")
SAWT_LLM_API_KEY = env.str("SAWT_LLM_API_KEY", default="")
SAWT_LLM_TIMEOUT = env.float("SAWT_LLM_TIMEOUT", default=10.0)

SOCIAL_AUTH_JSONFIELD_ENABLED = True
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

# Content Security Policy: nothing from outside this origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "sawt.core.views.csrf_failure"

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "sawt.core.logs.RequestContextFilter"},
        "redact": {"()": "sawt.core.logs.RedactingFilter"},
    },
    "formatters": {"json": {"()": "sawt.core.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_context", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR", "propagate": True},
        "django.server": {"level": "WARNING", "propagate": True},
    },
}

SAWT_TEST_DATA = env.str("SAWT_TEST_DATA", default=str(BASE_DIR.parent / "shared" / "data"))
SAWT_DEMO_PASSWORD_LIFETIME = timedelta(days=1)

# Product settings: one section per app, each app edits only its own.

# --- chat (live voice chat) ---


# --- dictation ---
DICTATION_MAX_TEXT_CHARS = env.int("DICTATION_MAX_TEXT_CHARS", default=500)
DICTATION_MAX_BULK_ITEMS = env.int("DICTATION_MAX_BULK_ITEMS", default=200)
DICTATION_MAX_ALTERNATIVES = 10
DICTATION_AUDIO_DIR = "dictation/audio"  # under MEDIA_ROOT, one WAV per content hash
DICTATION_TTS_RETRY_SECONDS = env.int("DICTATION_TTS_RETRY_SECONDS", default=5)
DICTATION_TTS_MAX_ATTEMPTS = env.int("DICTATION_TTS_MAX_ATTEMPTS", default=8)
DICTATION_TTS_SWEEP_AFTER_SECONDS = env.int("DICTATION_TTS_SWEEP_AFTER_SECONDS", default=300)
DICTATION_ORPHAN_GRACE_SECONDS = env.int("DICTATION_ORPHAN_GRACE_SECONDS", default=3600)
# Audio jobs and their bulk fan-out; a deployment (or the benchmark) may give them a queue of their own.
DICTATION_TTS_QUEUE = env.str("DICTATION_TTS_QUEUE", default="speech")
CELERY_TASK_ROUTES["dictation.tasks.generate_item_audio"] = {"queue": DICTATION_TTS_QUEUE}
CELERY_TASK_ROUTES["dictation.tasks.queue_item_audio"] = {"queue": DICTATION_TTS_QUEUE}
CELERY_BEAT_SCHEDULE["dictation-sweep-stuck-audio"] = {"task": "dictation.tasks.sweep_stuck_audio", "schedule": 60}
CELERY_BEAT_SCHEDULE["dictation-cleanup-orphan-audio"] = {
    "task": "dictation.tasks.cleanup_orphan_audio", "schedule": 3600,
}
# Items and their TTS jobs share one status set; one schema name for it.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    **SPECTACULAR_SETTINGS.get("ENUM_NAME_OVERRIDES", {}),  # type: ignore[dict-item]
    "DictationTTSStatusEnum": "dictation.models.TTSStatus",
}


# --- meetings ---


# --- music ---


# --- voicebot ---


# --- end of product settings ---
