"""Writes for meetings: upload, sharing, edits, speakers, summaries, job control."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from meetings.models import Meeting, Participant, ProcessingJob, Recording, Segment, Speaker, Summary
from meetings.selectors import SPEAKER_REF, account_by_username
from sawt.accounts.notifications import group_push, user_notify
from sawt.accounts.services import on_account_delete
from sawt.core.errors import Conflict, ValidationFailed
from sawt.core.jobs import runtime
from sawt.core.jobs.models import JobEvent, JobState
from sawt.core.wsauth import sockets_recheck

log = logging.getLogger(__name__)


def meeting_group(meeting_id: int) -> str:
    return f"meetings.{meeting_id}"


def meeting_notify(*, meeting_id: int, event: dict[str, Any]) -> None:
    """Push an event to every socket watching the meeting; a down channel layer never fails a job."""
    group_push(meeting_group(meeting_id), "meeting.event", event)


def job_changed(*, job: ProcessingJob, event: JobEvent) -> None:
    """Mirrors a job transition into its meeting, and tells the meeting's sockets and its owner."""
    meeting_status = {
        JobEvent.CLAIMED: Meeting.Status.PROCESSING,
        JobEvent.SUCCEEDED: Meeting.Status.COMPLETED,
        JobEvent.RETRYING: Meeting.Status.FAILED,
        JobEvent.REQUEUED: Meeting.Status.QUEUED,
        JobEvent.FAILED: Meeting.Status.FAILED,
    }[event]
    Meeting.objects.filter(pk=job.meeting_id).update(status=meeting_status)
    if event == JobEvent.SUCCEEDED:
        meeting_notify(
            meeting_id=job.meeting_id, event={"type": "completed", "job": job.pk, "title": job.meeting.title}
        )
    elif event in (JobEvent.RETRYING, JobEvent.FAILED):
        meeting_notify(
            meeting_id=job.meeting_id,
            event={"type": "failed", "job": job.pk, "code": job.error_code, "message": job.error},
        )
    if event in (JobEvent.SUCCEEDED, JobEvent.FAILED):
        job_outcome_notify(job_id=job.pk)


def job_outcome_notify(*, job_id: int) -> bool:
    """Tell the owner a job has finished: a notification on every page they have open and, when they
    have an address and want it, an e-mail. Once per job (claimed by `notified_at`); a failure that will
    be retried is not an outcome yet."""
    job = ProcessingJob.objects.select_related("meeting", "meeting__owner").get(pk=job_id)
    if job.state not in {JobState.SUCCEEDED, JobState.FAILED}:
        return False
    if not ProcessingJob.objects.filter(pk=job.pk, notified_at__isnull=True).update(notified_at=timezone.now()):
        return False
    meeting, owner = job.meeting, job.meeting.owner
    ready = job.status == ProcessingJob.Status.COMPLETED
    message = f"“{meeting.title}” is ready." if ready else f"“{meeting.title}” could not be processed: {job.error}"
    user_notify(
        user_id=owner.pk,
        event={
            "type": "meeting.ready" if ready else "meeting.failed",
            "meeting": meeting.pk,
            "job": job.pk,
            "title": meeting.title,
            "url": f"/meetings/{meeting.pk}/",
            "message": message,
        },
    )
    if owner.email and owner.meeting_emails:
        from meetings.tasks import send_outcome_email

        send_outcome_email.delay(job.pk)
    return True


def outcome_email_send(*, job_id: int) -> None:
    job = ProcessingJob.objects.select_related("meeting", "meeting__owner").get(pk=job_id)
    meeting, owner = job.meeting, job.meeting.owner
    link = f"{settings.SAWT_PUBLIC_URL.rstrip('/')}/meetings/{meeting.pk}/"
    if job.status == ProcessingJob.Status.COMPLETED:
        subject = f"Your meeting “{meeting.title}” is ready"
        body = f"The transcript, speakers and summary of “{meeting.title}” are ready:\n\n{link}\n"
    else:
        subject = f"Your meeting “{meeting.title}” could not be processed"
        body = f"Processing “{meeting.title}” failed: {job.error}\n\nThe meeting and its audio are kept:\n\n{link}\n"
    body += "\nYou get this e-mail because it is switched on in your account settings.\n"
    send_mail(subject, body, None, [owner.email])


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _queue_job(job: ProcessingJob) -> None:
    runtime.publish(ProcessingJob, job.pk)


@transaction.atomic
def meeting_create_from_upload(
    *,
    owner: Any,
    file: UploadedFile,
    title: str = "",
    language: str = "",
    min_speakers: int | None = None,
    max_speakers: int | None = None,
) -> tuple[Meeting, ProcessingJob]:
    """Store the file and queue processing. Decode problems fail the job later, never this call."""
    if min_speakers and max_speakers and min_speakers > max_speakers:
        raise ValidationFailed("min_speakers must not exceed max_speakers.")
    name = file.name or "recording"
    meeting = Meeting.objects.create(
        owner=owner,
        title=(title or name.rsplit(".", 1)[0])[:200] or "Meeting",
        language=language,
        min_speakers=min_speakers,
        max_speakers=max_speakers,
        started=timezone.now(),
    )
    Recording.objects.create(
        meeting=meeting,
        file=file,
        original_name=name[:255],
        size=file.size or 0,
        checksum=_sha256(file),
    )
    job = ProcessingJob.objects.create(meeting=meeting)
    _queue_job(job)
    return meeting, job


def meeting_update(*, meeting: Meeting, title: str | None = None, language: str | None = None) -> Meeting:
    if title is not None:
        meeting.title = title[:200]
    if language is not None:
        meeting.language = language
    meeting.save(update_fields=["title", "language", "updated"])
    return meeting


def meeting_delete(*, meeting: Meeting) -> None:
    """Soft delete: invisible at once, the recording file is purged after the retention period."""
    meeting.deleted_at = timezone.now()
    meeting.save(update_fields=["deleted_at", "updated"])
    meeting_id = meeting.pk
    transaction.on_commit(lambda: meeting_notify(meeting_id=meeting_id, event={"type": "deleted"}))
    transaction.on_commit(lambda: sockets_recheck(group=meeting_group(meeting_id)))  # they close with 4404


UNDO_SECONDS = 30  # how long a deleted meeting can be restored by its owner


def meeting_restore(*, meeting: Meeting) -> Meeting:
    """Undo a delete within UNDO_SECONDS; afterwards the meeting stays deleted (409 `undo_expired`).
    Restoring a meeting that is not deleted changes nothing."""
    if meeting.deleted_at is None:
        return meeting
    if timezone.now() - meeting.deleted_at > timedelta(seconds=UNDO_SECONDS):
        raise Conflict("Too late to undo: the meeting is deleted.", code="undo_expired")
    meeting.deleted_at = None
    meeting.save(update_fields=["deleted_at", "updated"])
    return meeting


def meeting_share(*, meeting: Meeting, user: Any, role: str) -> Participant:
    if user.pk == meeting.owner_id:
        raise ValidationFailed("The owner already has full access.")
    participant, _ = Participant.objects.update_or_create(meeting=meeting, user=user, defaults={"role": role})
    return participant


def meeting_share_by_username(*, meeting: Meeting, username: str, role: str) -> None:
    """Share with `username` if that account exists. Callers answer alike either way, so that sharing
    cannot be used to probe for accounts."""
    user = account_by_username(username=username)
    if user is not None:
        meeting_share(meeting=meeting, user=user, role=role)


def meeting_unshare(*, meeting: Meeting, user_id: int) -> None:
    """The user loses access, and the sockets they have open on the meeting close (4404)."""
    Participant.objects.filter(meeting=meeting, user_id=user_id).delete()
    meeting_id = meeting.pk
    transaction.on_commit(lambda: sockets_recheck(group=meeting_group(meeting_id)))


def words_for_text(*, text: str, words: list[dict[str, Any]], start: float, end: float) -> list[dict[str, Any]]:
    """The word timings of a line whose text was edited: kept word for word when the count of words is
    unchanged, else spread evenly over the line, so that highlighting, seeking and splitting keep working."""
    tokens = text.split()
    if not tokens:
        return []
    if len(tokens) == len(words):
        return [{**w, "word": (" " if i else "") + t} for i, (w, t) in enumerate(zip(words, tokens, strict=True))]
    step = max(end - start, 0.0) / len(tokens)
    return [
        {
            "start": round(start + i * step, 3),
            "end": round(start + (i + 1) * step, 3),
            "word": (" " if i else "") + t,
            "probability": 1.0,
        }
        for i, t in enumerate(tokens)
    ]


def _text_of(words: list[dict[str, Any]]) -> str:
    return "".join(str(w["word"]) for w in words).strip()


def segment_update(*, segment: Segment, text: str | None = None, speaker: Speaker | None = None) -> Segment:
    if speaker is not None and speaker.meeting_id != segment.meeting_id:
        raise ValidationFailed("That speaker belongs to another meeting.")
    if text is not None:
        segment.text = text.strip()
        segment.words = words_for_text(text=segment.text, words=segment.words, start=segment.start, end=segment.end)
    if speaker is not None:
        segment.speaker = speaker
    segment.edited = True
    segment.save(update_fields=["text", "words", "speaker", "edited"])
    return segment


@transaction.atomic
def segment_split(*, segment: Segment, word: int) -> tuple[Segment, Segment]:
    """Split a line before its `word`-th word (0-based): the first part keeps the line, the rest becomes
    a new line of the same speaker, each with its own words and times."""
    segment = Segment.objects.select_for_update().get(pk=segment.pk)
    words = segment.words or words_for_text(text=segment.text, words=[], start=segment.start, end=segment.end)
    if not 0 < word < len(words):
        raise ValidationFailed(
            "A line is split between two of its words.", details={"word": word, "words": len(words)}
        )
    first, rest = words[:word], [{**w} for w in words[word:]]
    rest[0]["word"] = str(rest[0]["word"]).lstrip()
    boundary = float(rest[0]["start"])
    tail = Segment.objects.create(
        meeting_id=segment.meeting_id,
        index=segment.index,
        start=max(boundary, segment.start),
        end=segment.end,
        text=_text_of(rest),
        speaker_id=segment.speaker_id,
        words=rest,
        edited=True,
    )
    segment.words, segment.text = first, _text_of(first)
    segment.end = min(max(float(first[-1]["end"]), segment.start), tail.start)
    segment.edited = True
    segment.save(update_fields=["words", "text", "end", "edited"])
    return segment, tail


@transaction.atomic
def segment_move(
    *, segment: Segment, speaker: Speaker, first_word: int | None = None, last_word: int | None = None
) -> list[Segment]:
    """Give a line, or its words `first_word`..`last_word` (inclusive, 0-based), to `speaker`; a
    selection is first split off into a line of its own. Answers the lines the old one became, in order."""
    if speaker.meeting_id != segment.meeting_id:
        raise ValidationFailed("That speaker belongs to another meeting.")
    count = len(segment.words)
    first = 0 if first_word is None else first_word
    last = count - 1 if last_word is None else last_word
    if (first_word is not None or last_word is not None) and not 0 <= first <= last < count:
        raise ValidationFailed("No such words in this line.", details={"words": count})
    lines = [segment]
    if count and last < count - 1:
        segment, after = segment_split(segment=segment, word=last + 1)
        lines = [segment, after]
    if count and first > 0:
        before, segment = segment_split(segment=segment, word=first)
        lines = [before, segment, *lines[1:]]
    segment.speaker = speaker
    segment.edited = True
    segment.save(update_fields=["speaker", "edited"])
    return lines


@transaction.atomic
def speaker_update(*, speaker: Speaker, display_name: str | None = None, user: Any = None) -> Speaker:
    before = speaker.name
    if display_name is not None:
        speaker.display_name = display_name.strip()[:100]
    if user is not None:
        speaker.user = user
        if not speaker.display_name:
            speaker.display_name = user.get_full_name() or user.username
    speaker.save(update_fields=["display_name", "user"])
    _summary_rename(meeting_id=speaker.meeting_id, before=before, after=speaker.name)
    return speaker


@transaction.atomic
def speaker_merge(*, source: Speaker, target: Speaker) -> Speaker:
    """Move every line of ``source`` to ``target`` and delete ``source``."""
    if source.meeting_id != target.meeting_id or source.pk == target.pk:
        raise ValidationFailed("Speakers can only be merged into another speaker of the same meeting.")
    Segment.objects.filter(speaker=source).update(speaker=target)
    _summary_rename(meeting_id=target.meeting_id, before=source.name, after=target.name)
    # A summary names speakers by id: the merged one's id now means the target.
    _summary_rename(
        meeting_id=target.meeting_id,
        before=SPEAKER_REF.format(id=source.pk),
        after=SPEAKER_REF.format(id=target.pk),
        by_id=True,
    )
    source.delete()
    return target


def _summary_rename(*, meeting_id: int, before: str, after: str, by_id: bool = False) -> None:
    """A summary written before speakers were stored by id (``SPEAKER_REF``) names them: a renamed (or
    merged) speaker is called by the new name there too. One that stores ids is never rewritten by name
    (the words said stay as said); a merge only points the merged speaker's id at the target."""
    summary = Summary.objects.select_for_update().filter(meeting_id=meeting_id).first()
    if summary is None or not before or before == after:
        return
    if not by_id and "[[speaker:" in json.dumps([summary.text, summary.action_items, summary.decisions]):
        return
    name = re.compile(rf"(?<!\w){re.escape(before)}(?!\w)")

    def renamed(value: Any) -> Any:
        if isinstance(value, str):
            return name.sub(lambda _: after, value)
        if isinstance(value, list):
            return [renamed(v) for v in value]
        if isinstance(value, dict):
            return {k: renamed(v) for k, v in value.items()}
        return value

    summary.text = renamed(summary.text)
    summary.key_points = renamed(summary.key_points)
    summary.action_items = renamed(summary.action_items)
    summary.decisions = renamed(summary.decisions)
    summary.save(update_fields=["text", "key_points", "action_items", "decisions"])


def summary_regenerate(*, meeting: Meeting) -> None:
    if meeting.status != Meeting.Status.COMPLETED:
        raise Conflict("The meeting has not finished processing yet.")
    from meetings.tasks import summarize_meeting

    meeting_id = meeting.pk
    transaction.on_commit(lambda: summarize_meeting.delay(meeting_id))


def job_retry(*, job: ProcessingJob) -> ProcessingJob:
    """Re-queue a failed job; it resumes at the stage it failed in."""
    if not runtime.restart(job):
        raise Conflict("Only failed jobs can be retried.")
    return job


def summary_save(*, meeting_id: int, result: Any) -> Summary:
    summary, _ = Summary.objects.update_or_create(
        meeting_id=meeting_id,
        defaults={
            "text": result.text,
            "key_points": result.key_points,
            "action_items": result.action_items,
            "decisions": result.decisions,
            "generator": result.generator,
        },
    )
    return summary


def deleted_recordings_purge(*, now: Any = None) -> int:
    """Beat: remove soft-deleted meetings and their files after MEETINGS_RETENTION_DAYS."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.MEETINGS_RETENTION_DAYS)
    count = 0
    for meeting in Meeting.objects.filter(deleted_at__lt=cutoff).select_related("recording"):
        recording = getattr(meeting, "recording", None)
        if recording is not None and recording.file:
            recording.file.delete(save=False)
        meeting.delete()
        count += 1
    return count


def job_progress(*, job: ProcessingJob, stage: str, progress: int) -> None:
    ProcessingJob.objects.filter(pk=job.pk).update(stage=stage, updated=timezone.now())
    job.stage = stage
    runtime.job_progress(job, progress, stage=stage)


# The share of the whole job that transcription stands for: it runs from 10 % to 50 %.
TRANSCRIBE_PROGRESS = (10, 50)


def transcription_progress(*, job: ProcessingJob, duration: float) -> Callable[[Any], None]:
    """An `on_segment` callback for the ASR: the job's progress follows the position reached in the
    audio (each decoded segment's end over the recording's length), told once per whole percent."""
    low, high = TRANSCRIBE_PROGRESS
    told = [low]

    def on_segment(segment: Any) -> None:
        reached = min(1.0, float(segment.end) / duration) if duration > 0 else 1.0
        progress = low + int((high - low) * reached)
        if progress > told[0]:
            told[0] = progress
            job_progress(job=job, stage=ProcessingJob.Stage.TRANSCRIBE, progress=progress)

    return on_segment


@on_account_delete
def recordings_delete_for_account(user: Any) -> None:
    """Rows go by CASCADE with the account; the files on disk must go too."""
    for recording in Recording.objects.filter(meeting__owner=user):
        if recording.file:
            recording.file.delete(save=False)
