"""What a public deployment adds to the shared settings: HTTPS-only transport, and phone numbers that
serve real calls only once staff approve them.

sawt.settings.production always applies it; sawt.settings.default (what manage.py, asgi, wsgi and celery
run without DJANGO_SETTINGS_MODULE) applies it whenever DEBUG is off.
"""

from sawt.settings.env import env
from sawt.settings.voicebot import number_approval_from_env

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Nobody's phone number answers, and no transfer number is dialled on the operator's bill, before staff approve it.
VOICEBOT_REQUIRE_NUMBER_APPROVAL = True if number_approval_from_env is None else number_approval_from_env
