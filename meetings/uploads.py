"""Resumable chunked uploads: `Content-Range: bytes start-end/total` chunks of at most
MEETINGS_CHUNK_BYTES, appended on disk in order; the last chunk turns the file into a meeting.

A client that lost its connection asks for `received` and sends the next chunk from there.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from meetings.models import ChunkedUpload, Meeting, ProcessingJob, Recording
from meetings.services import _queue_job
from sawt.accounts.services import on_account_delete
from sawt.core.errors import Conflict, PayloadTooLarge, ValidationFailed


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


def chunked_upload_create(
    *,
    owner: Any,
    filename: str,
    size: int,
    title: str = "",
    language: str = "",
    min_speakers: int | None = None,
    max_speakers: int | None = None,
) -> ChunkedUpload:
    if size <= 0:
        raise ValidationFailed("size must be positive.")
    if size > settings.MEETINGS_MAX_CHUNKED_BYTES:
        raise PayloadTooLarge(details={"limit_bytes": settings.MEETINGS_MAX_CHUNKED_BYTES})
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    relative = f"meetings/{uuid.uuid4().hex}.{suffix if suffix.isalnum() else 'bin'}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.touch()
    return ChunkedUpload.objects.create(
        owner=owner,
        filename=filename[:255],
        size=size,
        path=relative,
        title=title,
        language=language,
        min_speakers=min_speakers,
        max_speakers=max_speakers,
    )


def chunked_upload_append(*, upload_id: int, content_range: str, stream: Readable) -> ChunkedUpload:
    """Append one chunk; idempotent for a repeated chunk that was already stored."""
    match = _RANGE.match(content_range.strip())
    if not match:
        raise ValidationFailed("Content-Range must look like 'bytes START-END/TOTAL'.")
    start, end, total = (int(v) for v in match.groups())
    length = end - start + 1
    if length <= 0 or length > settings.MEETINGS_CHUNK_BYTES:
        raise PayloadTooLarge(details={"limit_bytes": settings.MEETINGS_CHUNK_BYTES})
    with transaction.atomic():
        upload = ChunkedUpload.objects.select_for_update().get(pk=upload_id)
        if total != upload.size or end >= upload.size:
            raise ValidationFailed("Content-Range does not match the upload's size.")
        if upload.meeting_id is not None or end < upload.received:
            return upload  # a retried chunk that already arrived
        if start != upload.received:
            raise Conflict("Chunks must be sent in order.", details={"received": upload.received})
        written = 0
        with (Path(settings.MEDIA_ROOT) / upload.path).open("r+b") as handle:
            handle.seek(start)
            while written < length:
                piece = stream.read(min(1 << 20, length - written))
                if not piece:
                    break
                handle.write(piece)
                written += len(piece)
            handle.truncate(start + written)
        if written != length:
            raise ValidationFailed("The body is shorter than its Content-Range.", details={"received": upload.received})
        upload.received = start + written
        upload.save(update_fields=["received", "updated"])
        if upload.received == upload.size:
            _finish(upload)
    return upload


def _finish(upload: ChunkedUpload) -> None:
    path = Path(settings.MEDIA_ROOT) / upload.path
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    meeting = Meeting.objects.create(
        owner=upload.owner,
        title=(upload.title or upload.filename.rsplit(".", 1)[0])[:200] or "Meeting",
        language=upload.language,
        min_speakers=upload.min_speakers,
        max_speakers=upload.max_speakers,
    )
    recording = Recording(meeting=meeting, original_name=upload.filename, size=upload.size, checksum=digest.hexdigest())
    recording.file.name = upload.path  # already in place under MEDIA_ROOT
    recording.save()
    job = ProcessingJob.objects.create(meeting=meeting)
    upload.meeting = meeting
    upload.save(update_fields=["meeting", "updated"])
    _queue_job(job)


@on_account_delete
def uploads_delete_for_account(user: Any) -> None:
    """The rows go by CASCADE with the account; the parts of unfinished uploads must go too (a finished
    upload's file is its meeting's recording, removed with it)."""
    parts = list(ChunkedUpload.objects.filter(owner=user, meeting__isnull=True).values_list("path", flat=True))
    transaction.on_commit(lambda: _parts_delete(parts))


def _parts_delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
