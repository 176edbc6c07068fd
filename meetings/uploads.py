"""Resumable chunked uploads: `Content-Range: bytes start-end/total` chunks of at most
MEETINGS_CHUNK_BYTES, accepted in order; the last chunk turns the file into a meeting.

Each chunk is stored as a part of its own, `<upload.path>.parts/<start>` (an S3 object cannot be written
at an offset, and a web machine may not see the disk of the one that took the previous chunk); the last
chunk joins the parts into the recording, stored as `upload.path`, and deletes them.

A client that lost its connection asks for `received` and sends the next chunk from there. The declared
sizes of a user's unfinished uploads may add up to SAWT_UPLOAD_QUOTA_BYTES; an upload left unfinished
for ABANDONED_AFTER is swept by beat, part and row.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import uuid
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from meetings.models import ChunkedUpload, Meeting, ProcessingJob, Recording
from meetings.services import _queue_job
from sawt.accounts.services import on_account_delete
from sawt.core.errors import Conflict, PayloadTooLarge, ValidationFailed
from sawt.core.storage import delete_folder, save_replacing, walk


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")

ABANDONED_AFTER = timedelta(days=1)
PART_IN_MEMORY_BYTES = 8 * 1024 * 1024  # a larger chunk waits on local disk until stored


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
    with transaction.atomic():
        # One user's creations one at a time, so two at once cannot both fit in the same room.
        get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
        in_flight = ChunkedUpload.objects.filter(owner=owner, meeting__isnull=True).aggregate(total=Sum("size"))
        in_flight_bytes = int(in_flight["total"] or 0)
        if in_flight_bytes + size > settings.SAWT_UPLOAD_QUOTA_BYTES:
            raise PayloadTooLarge(
                "Your unfinished uploads already hold most of your quota: finish or cancel one first.",
                code="upload_quota_exceeded",
                details={
                    "quota_bytes": settings.SAWT_UPLOAD_QUOTA_BYTES,
                    "in_flight_bytes": in_flight_bytes,
                    "size": size,
                },
            )
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


def chunked_upload_cancel(*, upload_id: int) -> None:
    """Drops an unfinished upload and its part; a finished one belongs to its meeting and stays."""
    with transaction.atomic():
        upload = ChunkedUpload.objects.select_for_update().get(pk=upload_id)
        if upload.meeting_id is not None:
            raise Conflict("This upload is finished: delete its meeting instead.")
        _discard(upload)


def abandoned_uploads_sweep(*, now: datetime | None = None) -> int:
    """Beat: drops uploads that received nothing for ABANDONED_AFTER, and their parts."""
    cutoff = (now or timezone.now()) - ABANDONED_AFTER
    abandoned = ChunkedUpload.objects.filter(meeting__isnull=True, updated__lt=cutoff)
    count = 0
    for upload_id in abandoned.values_list("pk", flat=True):
        with transaction.atomic():
            # A chunk being appended right now holds the row: leave that upload alone.
            upload = abandoned.select_for_update(skip_locked=True).filter(pk=upload_id).first()
            if upload is None:
                continue
            _discard(upload)
        count += 1
    return count


def _discard(upload: ChunkedUpload) -> None:
    upload.delete()
    default_storage.delete(upload.path)
    delete_folder(default_storage, _parts_folder(upload.path))


def chunked_upload_parts(*, upload: ChunkedUpload) -> list[str]:
    """The storage names of the parts an unfinished upload holds, in order."""
    return sorted(walk(default_storage, _parts_folder(upload.path)))


def _parts_folder(path: str) -> str:
    return f"{path}.parts"


def _part_name(path: str, start: int) -> str:
    return f"{_parts_folder(path)}/{start:015d}"


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
        with tempfile.SpooledTemporaryFile(max_size=PART_IN_MEMORY_BYTES) as part:
            written = 0
            while written < length:
                piece = stream.read(min(1 << 20, length - written))
                if not piece:
                    break
                part.write(piece)
                written += len(piece)
            if written != length:
                raise ValidationFailed(
                    "The body is shorter than its Content-Range.", details={"received": upload.received}
                )
            # Replaces what a chunk sent before at this offset left if its transaction did not commit.
            save_replacing(default_storage, _part_name(upload.path, start), File(part))
        upload.received = start + written
        upload.save(update_fields=["received", "updated"])
        if upload.received == upload.size:
            _finish(upload)
    return upload


def _finish(upload: ChunkedUpload) -> None:
    digest = hashlib.sha256()
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as joined:
        offset = 0
        while offset < upload.size:  # each part found by its offset, so nothing stale is joined
            with default_storage.open(_part_name(upload.path, offset), "rb") as part:
                for block in part.chunks(1 << 20):
                    digest.update(block)
                    joined.write(block)
                    offset += len(block)
        if offset != upload.size:
            raise Conflict("The stored parts of this upload do not add up: cancel it and upload again.")
        save_replacing(default_storage, upload.path, File(joined))
    meeting = Meeting.objects.create(
        owner=upload.owner,
        title=(upload.title or upload.filename.rsplit(".", 1)[0])[:200] or "Meeting",
        language=upload.language,
        min_speakers=upload.min_speakers,
        max_speakers=upload.max_speakers,
    )
    recording = Recording(meeting=meeting, original_name=upload.filename, size=upload.size, checksum=digest.hexdigest())
    recording.file.name = upload.path  # stored above
    recording.save()
    job = ProcessingJob.objects.create(meeting=meeting)
    upload.meeting = meeting
    upload.save(update_fields=["meeting", "updated"])
    _queue_job(job)
    parts = _parts_folder(upload.path)
    transaction.on_commit(lambda: delete_folder(default_storage, parts))


@on_account_delete
def uploads_delete_for_account(user: Any) -> None:
    """The rows go by CASCADE with the account; the parts of unfinished uploads must go too (a finished
    upload's file is its meeting's recording, removed with it)."""
    paths = list(ChunkedUpload.objects.filter(owner=user, meeting__isnull=True).values_list("path", flat=True))
    transaction.on_commit(lambda: _parts_delete(paths))


def _parts_delete(paths: list[str]) -> None:
    for path in paths:
        delete_folder(default_storage, _parts_folder(path))
        default_storage.delete(path)  # what a join cut short may have left
