"""Production: same code, hardened transport. DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS must be set."""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")

from sawt.settings.base import *
from sawt.settings.env import env

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Nobody's phone number answers, and no transfer number is dialled on the operator's bill, before staff approve it.
VOICEBOT_REQUIRE_NUMBER_APPROVAL = env.bool("VOICEBOT_REQUIRE_NUMBER_APPROVAL", default=True)
