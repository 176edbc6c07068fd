"""Upload handlers that stop reading at the limit and answer 413 (Django alone would answer 400)."""

from django.conf import settings
from django.core.files.uploadhandler import (
    MemoryFileUploadHandler,
    TemporaryFileUploadHandler,
)

from sawt.core.errors import PayloadTooLarge


class _LimitMixin:
    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        limit = settings.SAWT_MAX_UPLOAD_BYTES
        if start + len(raw_data) > limit:
            raise PayloadTooLarge(details={"limit_bytes": limit})
        return super().receive_data_chunk(raw_data, start)  # type: ignore[misc]


class LimitedMemoryFileUploadHandler(_LimitMixin, MemoryFileUploadHandler):
    pass


class LimitedTemporaryFileUploadHandler(_LimitMixin, TemporaryFileUploadHandler):
    pass

