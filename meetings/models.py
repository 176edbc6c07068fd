import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from sawt.core.jobs.models import Job, JobEvent


def recording_upload_to(instance: "Recording", filename: str) -> str:
    # Generated names only: the user's file name never reaches the file system.
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"meetings/{uuid.uuid4().hex}.{suffix if suffix.isalnum() else 'bin'}"


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: Any) -> "MeetingQuerySet":
        """Meetings the user owns or was invited to; deleted ones are invisible to everyone."""
        if user is None or not user.is_authenticated:
            return self.none()
        shared = Participant.objects.filter(user=user).values("meeting_id")
        return self.filter(Q(owner=user) | Q(pk__in=shared), deleted_at__isnull=True)

    def editable_by(self, user: Any) -> "MeetingQuerySet":
        if user is None or not user.is_authenticated:
            return self.none()
        editors = Participant.objects.filter(user=user, role=Participant.Role.EDITOR).values("meeting_id")
        return self.filter(Q(owner=user) | Q(pk__in=editors), deleted_at__isnull=True)


class Meeting(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        PROCESSING = "processing"
        COMPLETED = "completed"
        FAILED = "failed"
        LIVE = "live"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=200)
    started = models.DateTimeField(null=True, blank=True)
    duration = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    language = models.CharField(max_length=12, blank=True, default="")
    min_speakers = models.PositiveSmallIntegerField(null=True, blank=True)
    max_speakers = models.PositiveSmallIntegerField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # Soft delete: the recording file is purged by beat after MEETINGS_RETENTION_DAYS.
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.title

    def role_of(self, user: Any) -> str | None:
        if user.pk == self.owner_id:
            return "owner"
        participant = self.participants.filter(user=user).first()
        return participant.role if participant else None


class Participant(models.Model):
    class Role(models.TextChoices):
        VIEWER = "viewer"
        EDITOR = "editor"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_shares")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.VIEWER)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="meetings_participant_unique")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) on {self.meeting}"


class Recording(models.Model):
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="recording")
    file = models.FileField(upload_to=recording_upload_to, max_length=200)
    original_name = models.CharField(max_length=255, blank=True, default="")
    format = models.CharField(max_length=32, blank=True, default="")
    # What the decoder found the file to be (sawt.speech.audio.audio_content_type), never what its name
    # or the uploading client said; empty until the job has read it, served as application/octet-stream.
    content_type = models.CharField(max_length=64, blank=True, default="")
    size = models.BigIntegerField(default=0)
    duration = models.FloatField(null=True, blank=True)
    checksum = models.CharField(max_length=64, blank=True, default="")  # sha256 hex
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name or str(self.file.name)


class ProcessingJob(Job):
    """Processing of one meeting's recording; `status` is what clients read, mirrored from the job state."""

    class Stage(models.TextChoices):
        UPLOAD = "upload"  # decode check
        TRANSCRIBE = "transcribe"
        DIARIZE = "diarize"
        ALIGN = "align"
        SUMMARIZE = "summarize"
        DONE = "done"

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        COMPLETED = "completed"
        FAILED = "failed"

    task_name = "meetings.tasks.process_meeting"
    max_attempts = 5
    retry_backoff = 60.0
    # The speech queue may hold hours of other meetings: only a row waiting longer than this was lost.
    queued_timeout = 3600.0
    transient_errors = (OSError, ConnectionError, TimeoutError)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="jobs")
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.UPLOAD)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Seconds per stage, and the diarization turns so "align" can resume without re-diarizing.
    timings = models.JSONField(default=dict, blank=True)
    turns = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    # When the owner was told the outcome (page notification, e-mail): once per job.
    notified_at = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"job {self.pk} ({self.stage}, {self.status})"

    # Failures that say the file itself cannot be used: retrying cannot help (`AudioDecodeError` codes).
    UNREADABLE_CODES = frozenset(
        {"empty_audio", "not_audio", "corrupt_audio", "too_short", "too_long", "unsupported_codec", "too_large"}
    )

    @property
    def file_unreadable(self) -> bool:
        return self.status == self.Status.FAILED and self.error_code in self.UNREADABLE_CODES

    @classmethod
    def fields_for(cls, event: JobEvent) -> dict[str, Any]:
        # A transient failure shows as "failed" (error_code "transient") until its retry is queued.
        status = {
            JobEvent.CLAIMED: cls.Status.RUNNING,
            JobEvent.SUCCEEDED: cls.Status.COMPLETED,
            JobEvent.RETRYING: cls.Status.FAILED,
            JobEvent.REQUEUED: cls.Status.QUEUED,
            JobEvent.FAILED: cls.Status.FAILED,
        }[event]
        fields: dict[str, Any] = {"status": status, "updated": timezone.now()}
        if event == JobEvent.SUCCEEDED:
            fields["progress"] = 100
        if event == JobEvent.REQUEUED:
            fields["notified_at"] = None  # a retried job's outcome is news again
        return fields

    def job_changed(self, event: JobEvent) -> None:
        from meetings.services import job_changed

        job_changed(job=self, event=event)

    def progress_channel(self) -> tuple[str, str] | None:
        return f"meetings.{self.meeting_id}", "meeting.event"


class Speaker(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="speakers")
    label = models.CharField(max_length=32)  # SPEAKER_00 ...
    display_name = models.CharField(max_length=100, blank=True, default="")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    embedding = models.JSONField(default=list, blank=True)
    color = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["label"]
        constraints = [models.UniqueConstraint(fields=["meeting", "label"], name="meetings_speaker_label_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.label.replace("SPEAKER_", "Speaker ")


class Segment(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="segments")
    index = models.PositiveIntegerField()
    start = models.FloatField()
    end = models.FloatField()
    text = models.TextField()
    speaker = models.ForeignKey(Speaker, null=True, blank=True, on_delete=models.SET_NULL, related_name="segments")
    words = models.JSONField(default=list, blank=True)  # [{"start","end","word","probability"}]
    edited = models.BooleanField(default=False)

    class Meta:
        ordering = ["start", "index"]
        indexes = [models.Index(fields=["meeting", "start"])]

    def __str__(self) -> str:
        return f"{self.start:.1f}s {self.text[:40]}"


class Summary(models.Model):
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="summary")
    text = models.TextField()
    key_points = models.JSONField(default=list, blank=True)
    action_items = models.JSONField(default=list, blank=True)  # [{"text","owner","due"}]
    decisions = models.JSONField(default=list, blank=True)
    generator = models.CharField(max_length=80)
    created = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"summary of {self.meeting_id} ({self.generator})"


class ChunkedUpload(models.Model):
    """A large upload sent in Content-Range chunks and appended on disk; it becomes a meeting when complete."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_uploads")
    filename = models.CharField(max_length=255)
    size = models.BigIntegerField()
    received = models.BigIntegerField(default=0)
    path = models.CharField(max_length=200)  # the storage name of the recording it becomes, generated
    title = models.CharField(max_length=200, blank=True, default="")
    language = models.CharField(max_length=12, blank=True, default="")
    min_speakers = models.PositiveSmallIntegerField(null=True, blank=True)
    max_speakers = models.PositiveSmallIntegerField(null=True, blank=True)
    meeting = models.OneToOneField(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.filename} ({self.received}/{self.size})"
