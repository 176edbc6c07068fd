"""Live meetings: a meeting that is recorded and transcribed as it happens.

Finals from the streaming transcriber are saved as segments while the meeting runs; the raw PCM is
appended to a file on the local disk of the process recording it (which also finishes the meeting). On
stop the PCM becomes the meeting's WAV recording, saved to storage, and a processing job starts at
"diarize", so speakers and the summary come from the full recording while the live transcript is kept.
"""

from __future__ import annotations

import hashlib
import wave
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from meetings.models import Meeting, ProcessingJob, Recording, Segment
from meetings.services import _queue_job
from sawt.core.jobs.models import JobState
from sawt.core.storage import scratch_folder

# A live meeting whose socket has sent no audio for this long is closed by beat (and processed).
LIVE_IDLE_SECONDS = 300.0


def live_meeting_create(*, owner: Any, title: str = "", language: str = "en") -> Meeting:
    return Meeting.objects.create(
        owner=owner,
        title=title or f"Live meeting {timezone.localtime():%Y-%m-%d %H:%M}",
        language=language,
        status=Meeting.Status.LIVE,
        started=timezone.now(),
    )


def live_pcm_path(*, meeting_id: int) -> Path:
    return scratch_folder("meetings-live") / f"{meeting_id}.pcm"


def live_segment_append(*, meeting_id: int, text: str, start: float, end: float) -> Segment:
    last = Segment.objects.filter(meeting_id=meeting_id).aggregate(m=Max("index"))["m"]
    return Segment.objects.create(
        meeting_id=meeting_id, index=(last or 0) + 1, start=round(start, 3), end=round(end, 3), text=text.strip()
    )


def live_meeting_finish(*, meeting_id: int) -> ProcessingJob | None:
    """Turn the PCM into the recording and queue diarization + summary. Safe to call twice."""
    pcm = live_pcm_path(meeting_id=meeting_id)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
        if meeting.status != Meeting.Status.LIVE:
            return None
        if not pcm.exists() or pcm.stat().st_size < 3200:
            meeting.status = Meeting.Status.FAILED
            meeting.save(update_fields=["status", "updated"])
            pcm.unlink(missing_ok=True)
            return ProcessingJob.objects.create(
                meeting=meeting,
                status=ProcessingJob.Status.FAILED,
                state=JobState.FAILED,
                error_code="empty_audio",
                error="No audio was recorded.",
            )
        wav_path = pcm.with_suffix(".wav")
        data = pcm.read_bytes()
        with wave.open(str(wav_path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(16000)
            out.writeframes(data)
        duration = len(data) / 32000
        with wav_path.open("rb") as handle:
            Recording.objects.update_or_create(
                meeting=meeting,
                defaults={
                    "file": File(handle, name="live.wav"),
                    "original_name": "live.wav",
                    "format": "wav/pcm_s16le",
                    "content_type": "audio/wav",
                    "size": wav_path.stat().st_size,
                    "duration": duration,
                    "checksum": hashlib.sha256(wav_path.read_bytes()).hexdigest(),
                },
            )
        meeting.status, meeting.duration = Meeting.Status.QUEUED, duration
        meeting.save(update_fields=["status", "duration", "updated"])
        job = ProcessingJob.objects.create(meeting=meeting, stage=ProcessingJob.Stage.DIARIZE, progress=50)
        _queue_job(job)
    pcm.unlink(missing_ok=True)
    wav_path.unlink(missing_ok=True)
    return job


def idle_live_meetings_close(*, now: float | None = None) -> list[int]:
    """Beat: finish every live meeting whose socket has sent no audio for LIVE_IDLE_SECONDS (the
    PCM file's last write; the meeting's start when none came), as a clean close would. Returns their ids."""
    import time

    now = time.time() if now is None else now
    idle = LIVE_IDLE_SECONDS
    closed = []
    for meeting in Meeting.objects.filter(status=Meeting.Status.LIVE).only("pk", "started", "created"):
        pcm = live_pcm_path(meeting_id=meeting.pk)
        started = meeting.started or meeting.created
        last = pcm.stat().st_mtime if pcm.exists() else started.timestamp()
        if now - last >= idle:
            live_meeting_finish(meeting_id=meeting.pk)
            closed.append(meeting.pk)
    return closed
