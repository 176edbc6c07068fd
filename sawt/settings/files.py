"""Files: static files, stored media (STORAGES, MEDIA_*) and the limits on what may be uploaded."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from sawt.settings.env import BASE_DIR, VAR_DIR, env

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("SAWT_STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Stored files (uploads, recordings, generated audio): the folder MEDIA_ROOT, or with SAWT_STORAGE=s3 an
# S3 bucket, so that web and worker machines share no disk. Credentials: boto3's own AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY (or an instance role); SAWT_S3_ENDPOINT_URL for a store other than AWS.
SAWT_STORAGE = env.str("SAWT_STORAGE", default="filesystem")
if SAWT_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("SAWT_S3_BUCKET"),
            "endpoint_url": env.str("SAWT_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "default_acl": None,  # private, as the bucket is; files are served only through the app
        },
    }
elif SAWT_STORAGE != "filesystem":
    raise ImproperlyConfigured(f"SAWT_STORAGE must be filesystem or s3, not {SAWT_STORAGE!r}.")
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
