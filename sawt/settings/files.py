"""Files: static files, stored media (STORAGES, MEDIA_*) and the limits on what may be uploaded."""

from pathlib import Path

from sawt.settings.env import BASE_DIR, VAR_DIR, env

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
