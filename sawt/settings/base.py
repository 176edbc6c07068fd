"""Settings shared by every environment: Django's core here, each other topic in its own module.

Values come from sawt.settings.env (the one reader of the environment). The topics combined below:
services (database, Redis), files (static, media, uploads), mail, security, api (REST framework, OpenAPI),
celery, speech (the engine), then one module per product (dictation, meetings, music, voicebot).
deployment.py (HTTPS only) is added by production.py, and by default.py when DEBUG is off.
"""

import django_stubs_ext

from sawt.settings.env import BASE_DIR, DEBUG, env  # noqa: F401 (DEBUG: a setting)

django_stubs_ext.monkeypatch()

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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

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

# The topics, one module each (products edit only their own). A product adds its routes, beat jobs, schema
# names and sign-in backends to the shared objects in place, so the order of these imports does not matter.
from sawt.settings.api import *  # noqa: E402
from sawt.settings.celery import *  # noqa: E402
from sawt.settings.dictation import *  # noqa: E402
from sawt.settings.files import *  # noqa: E402
from sawt.settings.mail import *  # noqa: E402
from sawt.settings.meetings import *  # noqa: E402
from sawt.settings.music import *  # noqa: E402
from sawt.settings.security import *  # noqa: E402
from sawt.settings.services import *  # noqa: E402
from sawt.settings.speech import *  # noqa: E402
from sawt.settings.voicebot import *  # noqa: E402
