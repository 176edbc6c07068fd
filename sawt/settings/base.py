"""Settings shared by every environment; values come from sawt.settings.env."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import django_stubs_ext
import redis.exceptions
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
    "sawt.accounts.apps.SawtAdminConfig",  # django.contrib.admin with Sawt's site (its login is limited)
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
    "sawt.core.middleware.AccessLogMiddleware",
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
# A URL prefix such as "/_protected/": stored files are then sent by nginx (X-Accel-Redirect) once a view
# has checked ownership; empty: Django streams them. The nginx location it needs: sawt/core/ranges.py.
SAWT_ACCEL_REDIRECT = env.str("SAWT_ACCEL_REDIRECT", default="")

# Size limits. JSON and form bodies are small; audio uploads have their own limit.
SAWT_MAX_BODY_BYTES = env.int("SAWT_MAX_BODY_BYTES", default=2 * 1024 * 1024)
SAWT_MAX_UPLOAD_BYTES = env.int("SAWT_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
# What one user's unfinished resumable uploads may declare in all (413 upload_quota_exceeded above it).
SAWT_UPLOAD_QUOTA_BYTES = env.int("SAWT_UPLOAD_QUOTA_BYTES", default=4 * 1024**3)
DATA_UPLOAD_MAX_MEMORY_SIZE = SAWT_MAX_BODY_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "sawt.core.uploads.LimitedMemoryFileUploadHandler",
    "sawt.core.uploads.LimitedTemporaryFileUploadHandler",
]
FILE_UPLOAD_TEMP_DIR = None

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="sawt@localhost")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The address people reach this site on, for links in e-mails (no request to read it from).
SAWT_PUBLIC_URL = env.str("SAWT_PUBLIC_URL", default="http://127.0.0.1:8000")

# Encryption at rest (tokens, phone numbers). Comma-separated base64 32-byte keys, newest first.
SAWT_ENCRYPTION_KEYS = env.list("SAWT_ENCRYPTION_KEYS", default=[])
SAWT_LOOKUP_HASH_KEY = env.str("SAWT_LOOKUP_HASH_KEY", default="")
# Archives of export_user_data: comma-separated base64 32-byte keys, newest first (older ones still read).
SAWT_BACKUP_KEYS = env.list("SAWT_BACKUP_KEYS", default=[])

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
# Failed sign-ins (token API, login page, admin login, password confirmations) count per client address
# (auth) and per username (auth_account); password reset requests per address and per e-mail.
SAWT_RATE_LIMITS = {
    "api": env.str("SAWT_RATE_LIMIT_API", default="600/60"),
    "auth": env.str("SAWT_RATE_LIMIT_AUTH", default="20/300"),
    "auth_account": env.str("SAWT_RATE_LIMIT_AUTH_ACCOUNT", default="10/900"),
    "password_reset": env.str("SAWT_RATE_LIMIT_PASSWORD_RESET", default="5/3600"),
    "upload": env.str("SAWT_RATE_LIMIT_UPLOAD", default="60/3600"),
    "websocket": env.str("SAWT_RATE_LIMIT_WEBSOCKET", default="60/60"),
}
SAWT_RATE_LIMIT_ENABLED = env.bool("SAWT_RATE_LIMIT_ENABLED", default=True)
SAWT_WS_TICKET_SECONDS = 60
# How often an open socket checks that its user is still signed in and may still see its object.
SAWT_WS_RECHECK_SECONDS = 5.0

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
SAWT_TTS_VARIATION = env.float("SAWT_TTS_VARIATION", default=1.0)
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
# Everywhere, not only in production, so every browser test meets what production serves: scripts
# read the token from the page (base.html's csrf-token meta), never from the cookie.
CSRF_COOKIE_HTTPONLY = True
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
# Seconds of silence that end a spoken segment (its final is decoded as soon as the pause begins).
CHAT_ENDPOINT_SILENCE = env.float("SAWT_CHAT_ENDPOINT_SILENCE", default=0.3)
# Seconds of speech between two partials of one stream; widened automatically under load.
CHAT_PARTIAL_EVERY = env.float("SAWT_CHAT_PARTIAL_EVERY", default=0.5)


# --- dictation ---
DICTATION_MAX_TEXT_CHARS = env.int("DICTATION_MAX_TEXT_CHARS", default=500)
DICTATION_MAX_BULK_ITEMS = env.int("DICTATION_MAX_BULK_ITEMS", default=200)
DICTATION_MAX_ALTERNATIVES = 10
DICTATION_AUDIO_DIR = "dictation/audio"  # under MEDIA_ROOT, one WAV per content hash
DICTATION_TTS_RETRY_SECONDS = env.int("DICTATION_TTS_RETRY_SECONDS", default=5)
DICTATION_TTS_MAX_ATTEMPTS = env.int("DICTATION_TTS_MAX_ATTEMPTS", default=8)
DICTATION_TTS_SWEEP_AFTER_SECONDS = env.int("DICTATION_TTS_SWEEP_AFTER_SECONDS", default=300)
# Hard time limit of one audio job, in seconds; the sweep takes a job "running" for longer as left by a dead worker.
DICTATION_TTS_TIME_LIMIT = env.int("DICTATION_TTS_TIME_LIMIT", default=180)
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
# A meeting's status and a participant's role each appear in several components; their schema names stay.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    **SPECTACULAR_SETTINGS.get("ENUM_NAME_OVERRIDES", {}),  # type: ignore[dict-item]
    "MeetingOutputStatusEnum": "meetings.models.Meeting.Status",
    "RoleEnum": "meetings.models.Participant.Role",
}
MEETINGS_MAX_FILE_BYTES = env.int("MEETINGS_MAX_FILE_BYTES", default=4 * 1024**3)
MEETINGS_MAX_SECONDS = env.float("MEETINGS_MAX_SECONDS", default=4 * 3600.0)
MEETINGS_RETENTION_DAYS = env.int("MEETINGS_RETENTION_DAYS", default=30)
MEETINGS_MAX_ATTEMPTS = env.int("MEETINGS_MAX_ATTEMPTS", default=5)
MEETINGS_STALE_JOB_SECONDS = env.int("MEETINGS_STALE_JOB_SECONDS", default=3 * 3600 + 300)
MEETINGS_VOICE_MATCH = env.float("MEETINGS_VOICE_MATCH", default=0.95)
MEETINGS_CHUNK_BYTES = env.int("MEETINGS_CHUNK_BYTES", default=16 * 1024 * 1024)
MEETINGS_MAX_CHUNKED_BYTES = env.int("MEETINGS_MAX_CHUNKED_BYTES", default=4 * 1024**3)
CELERY_TASK_ROUTES["meetings.tasks.process_meeting"] = {"queue": "speech"}
CELERY_TASK_ROUTES["meetings.tasks.summarize_meeting"] = {"queue": "speech"}
CELERY_TASK_ROUTES["meetings.tasks.send_outcome_email"] = {"queue": "io"}
CELERY_BEAT_SCHEDULE["meetings-summarize-missing"] = {"task": "meetings.tasks.summarize_missing", "schedule": 600}
CELERY_BEAT_SCHEDULE["meetings-retry-failed"] = {"task": "meetings.tasks.retry_failed_jobs", "schedule": 60}
CELERY_BEAT_SCHEDULE["meetings-purge-deleted"] = {"task": "meetings.tasks.purge_deleted", "schedule": 3600}
CELERY_BEAT_SCHEDULE["meetings-sweep-abandoned-uploads"] = {
    "task": "meetings.tasks.sweep_abandoned_uploads",
    "schedule": 3600,
}


# --- music ---
MUSIC_SPOTIFY_CLIENT_ID = env.str("MUSIC_SPOTIFY_CLIENT_ID", default="")
MUSIC_SPOTIFY_CLIENT_SECRET = env.str("MUSIC_SPOTIFY_CLIENT_SECRET", default="")
MUSIC_SPOTIFY_ACCOUNTS_URL = env.str("MUSIC_SPOTIFY_ACCOUNTS_URL", default="https://accounts.spotify.com")
MUSIC_SPOTIFY_API_URL = env.str("MUSIC_SPOTIFY_API_URL", default="https://api.spotify.com")
MUSIC_SPOTIFY_SCOPES = [
    "user-read-playback-state", "user-modify-playback-state", "user-read-currently-playing",
    "user-library-read", "user-library-modify", "playlist-read-private",
]
MUSIC_SOUNDCLOUD_CLIENT_ID = env.str("MUSIC_SOUNDCLOUD_CLIENT_ID", default="")
MUSIC_SOUNDCLOUD_CLIENT_SECRET = env.str("MUSIC_SOUNDCLOUD_CLIENT_SECRET", default="")
MUSIC_SOUNDCLOUD_AUTH_URL = env.str("MUSIC_SOUNDCLOUD_AUTH_URL", default="https://secure.soundcloud.com")
MUSIC_SOUNDCLOUD_API_URL = env.str("MUSIC_SOUNDCLOUD_API_URL", default="https://api.soundcloud.com")
MUSIC_SOUNDCLOUD_WIDGET_ORIGIN = env.str("MUSIC_SOUNDCLOUD_WIDGET_ORIGIN", default="https://w.soundcloud.com")
MUSIC_HTTP_TIMEOUT = env.float("MUSIC_HTTP_TIMEOUT", default=8.0)
MUSIC_HOT_CACHE_SECONDS = env.int("MUSIC_HOT_CACHE_SECONDS", default=600)
MUSIC_SEARCH_CACHE_DAYS = env.int("MUSIC_SEARCH_CACHE_DAYS", default=7)
MUSIC_SYNC_MAX_INLINE_WAIT = env.int("MUSIC_SYNC_MAX_INLINE_WAIT", default=10)
# A sync "running" this long lost its worker: the redelivered task or the beat job resumes it from its
# cursor (longer than the sync task's 1900 s hard time limit).
MUSIC_SYNC_STALE_SECONDS = env.int("MUSIC_SYNC_STALE_SECONDS", default=3600)
MUSIC_DIALOG_TURNS = 5
MUSIC_USE_LLM = env.bool("MUSIC_USE_LLM", default=True)
# Whisper base (multilingual, from its wheels) follows the transliteration prompt; "" = the engine's default model.
MUSIC_ASR_MODEL = env.str("MUSIC_ASR_MODEL", default="multilingual")
# A spoken command is a few words: greedy decoding (1) answers sooner than the engine's beam search.
MUSIC_ASR_BEAM_SIZE = env.int("MUSIC_ASR_BEAM_SIZE", default=1)
MUSIC_ASR_PROMPT = env.str(
    "MUSIC_ASR_PROMPT",
    default="Music commands. Write song titles in Latin letters, transliterated: play Nuvvu Nenantu, "
    "play Butta Bomma, play Kesariya on Spotify, pause, next, play it on SoundCloud.",
)
# social_django's strategy completes through django.contrib.auth.authenticate(), so the backends must be listed
# here; they are association-only (they never sign anyone in), the pipeline refuses a request that is not
# signed in, and social_django's own routes (which would call login()) are not mounted: the music adapter's
# login-required views are the only way in.
AUTHENTICATION_BACKENDS += ["music.oauth.SpotifyBackend", "music.oauth.SoundCloudBackend"]
SOCIAL_AUTH_SPOTIFY_SCOPE = MUSIC_SPOTIFY_SCOPES
SOCIAL_AUTH_NEW_ASSOCIATION_REDIRECT_URL = "/music/"
SOCIAL_AUTH_LOGIN_REDIRECT_URL = "/music/"
SOCIAL_AUTH_LOGIN_ERROR_URL = "/music/"
SOCIAL_AUTH_PIPELINE = (
    "social_core.pipeline.social_auth.social_details",
    "social_core.pipeline.social_auth.social_uid",
    "social_core.pipeline.social_auth.auth_allowed",
    "social_core.pipeline.social_auth.social_user",
    "music.oauth.require_signed_in_user",
    "social_core.pipeline.social_auth.associate_user",
    "social_core.pipeline.social_auth.load_extra_data",
    "music.oauth.store_tokens",
)
CELERY_TASK_ROUTES["music.tasks.*"] = {"queue": "io"}
CELERY_BEAT_SCHEDULE["music-refresh-libraries"] = {"task": "music.tasks.refresh_all_libraries", "schedule": 6 * 3600}
CELERY_BEAT_SCHEDULE["music-expire-cache"] = {"task": "music.tasks.expire_search_cache", "schedule": 3600}


# --- voicebot ---
# Telephony: auth tokens sign/verify webhooks; the public base URL is what Plivo/Twilio call back.
VOICEBOT_PUBLIC_BASE_URL = env.str("VOICEBOT_PUBLIC_BASE_URL", default="")
VOICEBOT_PLIVO_AUTH_ID = env.str("VOICEBOT_PLIVO_AUTH_ID", default="")
VOICEBOT_PLIVO_AUTH_TOKEN = env.str("VOICEBOT_PLIVO_AUTH_TOKEN", default="")
VOICEBOT_PLIVO_API_URL = env.str("VOICEBOT_PLIVO_API_URL", default="https://api.plivo.com")
VOICEBOT_TWILIO_ACCOUNT_SID = env.str("VOICEBOT_TWILIO_ACCOUNT_SID", default="")
VOICEBOT_TWILIO_AUTH_TOKEN = env.str("VOICEBOT_TWILIO_AUTH_TOKEN", default="")
VOICEBOT_TWILIO_API_URL = env.str("VOICEBOT_TWILIO_API_URL", default="https://api.twilio.com")
VOICEBOT_STREAM_TOKEN_SECONDS = env.int("VOICEBOT_STREAM_TOKEN_SECONDS", default=60)
# Twilio cannot put a token in the stream URL; it arrives in the `start` event within this time.
VOICEBOT_STREAM_AUTH_WAIT_SECONDS = env.float("VOICEBOT_STREAM_AUTH_WAIT_SECONDS", default=2.0)
# A signed webhook seen again within this time (same Plivo nonce, same Twilio signature) gets the first
# answer and changes nothing: providers retry, and a captured request must not start a second call.
VOICEBOT_WEBHOOK_REPLAY_SECONDS = env.int("VOICEBOT_WEBHOOK_REPLAY_SECONDS", default=300)
# true: a business's new or changed phone number and transfer number serve real calls only once staff
# approve them in the admin (on by default in production; test calls never wait).
VOICEBOT_REQUIRE_NUMBER_APPROVAL = env.bool("VOICEBOT_REQUIRE_NUMBER_APPROVAL", default=False)
# Calls in progress at once: per business (phone and test calls), and test calls per signed-in user.
VOICEBOT_MAX_CALLS_PER_BUSINESS = env.int("VOICEBOT_MAX_CALLS_PER_BUSINESS", default=20)
VOICEBOT_MAX_TEST_CALLS_PER_USER = env.int("VOICEBOT_MAX_TEST_CALLS_PER_USER", default=2)
# WhatsApp follow-ups: "plivo", "twilio" or "" (off).
VOICEBOT_MESSAGING_PROVIDER = env.str("VOICEBOT_MESSAGING_PROVIDER", default="")
VOICEBOT_WHATSAPP_SENDER = env.str("VOICEBOT_WHATSAPP_SENDER", default="")
VOICEBOT_MESSAGE_MAX_ATTEMPTS = env.int("VOICEBOT_MESSAGE_MAX_ATTEMPTS", default=5)
# A message still "sending" this long after its worker took it was abandoned (longer than the task's
# 90 s hard limit); the next try first asks the provider whether it went out.
VOICEBOT_MESSAGE_SEND_LEASE_SECONDS = env.int("VOICEBOT_MESSAGE_SEND_LEASE_SECONDS", default=120)
VOICEBOT_REMINDER_HOURS = env.int("VOICEBOT_REMINDER_HOURS", default=3)
# Phone endpointing (ms): silence that ends a turn, and when speculative transcription starts.
VOICEBOT_ENDPOINT_SILENCE_MS = env.int("VOICEBOT_ENDPOINT_SILENCE_MS", default=500)
VOICEBOT_SPECULATIVE_AFTER_MS = env.int("VOICEBOT_SPECULATIVE_AFTER_MS", default=100)
VOICEBOT_SILENCE_PROMPT_SECONDS = env.float("VOICEBOT_SILENCE_PROMPT_SECONDS", default=10.0)
VOICEBOT_SILENCE_HANGUP_SECONDS = env.float("VOICEBOT_SILENCE_HANGUP_SECONDS", default=30.0)
# Concurrent ASR/TTS jobs across all calls in one web process.
VOICEBOT_INFERENCE_WORKERS = env.int("VOICEBOT_INFERENCE_WORKERS", default=2)
# Seconds of bot audio sent ahead of playback (jitter buffer vs. how fast a barge-in silences it).
VOICEBOT_PLAYBACK_LEAD_SECONDS = env.float("VOICEBOT_PLAYBACK_LEAD_SECONDS", default=0.4)
# Longest stretch of a call kept in a recording (when the business records and the caller agrees).
VOICEBOT_RECORDING_MAX_SECONDS = env.float("VOICEBOT_RECORDING_MAX_SECONDS", default=3600.0)
# Who runs the conversation after consent: "rules", "llm" (the SAWT_LLM_* server, with tools), or
# "auto" (llm when SAWT_LLM_BASE_URL is set). Consent is always asked by the rules.
VOICEBOT_DIALOGUE = env.str("VOICEBOT_DIALOGUE", default="auto")
# Callers who decline the transcript are answered by the rules, so their words never reach the model
# server; true sends them there too (a server you run that keeps nothing).
VOICEBOT_LLM_WITHOUT_CONSENT = env.bool("VOICEBOT_LLM_WITHOUT_CONSENT", default=False)
# Seconds the model may take over one caller turn (all its requests together) before the call goes on
# with the rules.
VOICEBOT_LLM_TIMEOUT = env.float("VOICEBOT_LLM_TIMEOUT", default=3.0)
# The Whisper model a call in another language than English (Hindi) listens with: "multilingual" is Whisper
# base from its wheels; English calls keep the engine's model (SAWT_ASR_MODEL, tiny.en by default).
VOICEBOT_MULTILINGUAL_ASR_MODEL = env.str("VOICEBOT_MULTILINGUAL_ASR_MODEL", default="multilingual")
CELERY_TASK_ROUTES["voicebot.tasks.message_send"] = {"queue": "io"}
CELERY_BEAT_SCHEDULE["voicebot-reminders"] = {"task": "voicebot.tasks.reminders_queue", "schedule": 600}
CELERY_BEAT_SCHEDULE["voicebot-retry-messages"] = {"task": "voicebot.tasks.messages_retry", "schedule": 300}
CELERY_BEAT_SCHEDULE["voicebot-retention"] = {"task": "voicebot.tasks.retention_purge", "schedule": 3600}


# --- end of product settings ---
