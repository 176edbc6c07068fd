"""Who may reach the site and how: secret key, hosts and origins, sign-in backends, rate limits, keys for
secrets at rest, and the headers every answer carries. HTTPS-only transport: sawt/settings/deployment.py."""

from sawt.settings.env import DEBUG, env

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/(api|v1)/.*$"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: every saved password change revokes the user's API tokens (sawt/accounts/passwords.py).
    {"NAME": "sawt.accounts.passwords.ApiTokensRevokedOnPasswordChange"},
]
SOCIAL_AUTH_JSONFIELD_ENABLED = True
# Products append theirs (sawt/settings/music.py).
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

# Encryption at rest (tokens, phone numbers). Comma-separated base64 32-byte keys, newest first.
SAWT_ENCRYPTION_KEYS = env.list("SAWT_ENCRYPTION_KEYS", default=[])
SAWT_LOOKUP_HASH_KEY = env.str("SAWT_LOOKUP_HASH_KEY", default="")
# Archives of export_user_data: comma-separated base64 32-byte keys, newest first (older ones still read).
SAWT_BACKUP_KEYS = env.list("SAWT_BACKUP_KEYS", default=[])

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
