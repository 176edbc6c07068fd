"""Dictation items (a sentence and its generated audio), their TTS jobs, scored attempts and tags."""

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from sawt.core.jobs.models import Job, JobEvent


class TTSStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class Tag(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dictation_tags")
    name = models.CharField(max_length=50)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="dictation_tag_unique_per_owner")]

    def __str__(self) -> str:
        return self.name


def content_hash(*, text: str, locale: str, voice: str) -> str:
    """Identifies the audio an item needs: the same text, locale and voice give the same WAV."""
    return hashlib.sha256(json.dumps([text, locale, voice], ensure_ascii=False).encode()).hexdigest()


class ReviewState(models.IntegerChoices):
    """The item's place in the review schedule: never practised, then FSRS's own states."""

    NEW = 0, "New"
    LEARNING = 1, "Learning"
    REVIEW = 2, "Review"
    RELEARNING = 3, "Relearning"


class Item(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dictation_items")
    text = models.TextField()
    locale = models.CharField(max_length=35)
    difficulty = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    difficulty_inferred = models.BooleanField(default=False)
    tags = models.ManyToManyField(Tag, related_name="items", blank=True)
    alternatives = models.JSONField(default=list, blank=True, help_text="Other accepted answers.")
    hint = models.CharField(max_length=200, blank=True)
    case_sensitive = models.BooleanField(default=False)
    keep_punctuation = models.BooleanField(default=False)

    voice = models.CharField(max_length=200)
    tts_status = models.CharField(max_length=10, choices=TTSStatus.choices, default=TTSStatus.PENDING)
    tts_error = models.TextField(blank=True)
    audio_file = models.CharField(max_length=200, blank=True, help_text="Path under MEDIA_ROOT.")
    duration = models.FloatField(null=True, blank=True)

    # Kept up to date by attempt_create so lists can filter and sort on practice without a join.
    attempts_count = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    # The review schedule (dictation.review): when the item is due and FSRS's memory state of it.
    review_due = models.DateTimeField(default=timezone.now)
    review_state = models.PositiveSmallIntegerField(choices=ReviewState.choices, default=ReviewState.NEW)
    review_memory = models.JSONField(default=dict, blank=True, help_text="The FSRS card (fsrs.Card.to_dict).")

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="dict_item_owner_created"),
            models.Index(fields=["owner", "locale"], name="dict_item_owner_locale"),
            models.Index(fields=["owner", "difficulty"], name="dict_item_owner_difficulty"),
            models.Index(fields=["owner", "last_attempt_at"], name="dict_item_owner_practiced"),
            models.Index(fields=["tts_status", "updated_at"], name="dict_item_tts_sweep"),
            models.Index(fields=["audio_file"], name="dict_item_audio_file"),
            # review/next: the owner's playable items by due time.
            models.Index(fields=["owner", "review_due", "id"], name="dict_item_review_due",
                         condition=models.Q(tts_status="completed")),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def content_hash(self) -> str:
        return content_hash(text=self.text, locale=self.locale, voice=self.voice)

    @property
    def accepted_answers(self) -> list[str]:
        return [self.text, *self.alternatives]


class TTSTask(Job):
    """One run of audio generation for an item, as a job; `status` (and the item's `tts_status`) is what
    clients read, mirrored from the job state."""

    task_name = "dictation.tasks.generate_item_audio"
    max_attempts = 8
    retry_backoff = 5.0
    retry_backoff_max = 300.0
    # A job still pending this long after it was queued lost its message.
    queued_timeout = 300.0

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="tts_tasks")
    status = models.CharField(max_length=10, choices=TTSStatus.choices, default=TTSStatus.PENDING)
    content_hash = models.CharField(max_length=64)
    force = models.BooleanField(default=False, help_text="Synthesize again instead of reusing identical audio.")
    reused = models.BooleanField(default=False, help_text="Audio came from an identical earlier item.")
    sample_rate = models.PositiveIntegerField(null=True, blank=True)
    file = models.CharField(max_length=200, blank=True)
    synthesis_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        indexes = [
            models.Index(fields=["content_hash", "status"], name="dict_tts_hash_status"),
            models.Index(fields=["status", "queued_at"], name="dict_tts_status_queued"),
        ]

    def __str__(self) -> str:
        return f"TTS for item {self.item_id}: {self.status}"

    @classmethod
    def fields_for(cls, event: JobEvent) -> dict[str, Any]:
        return {"status": _TTS_STATUS_FOR[event]}

    def job_changed(self, event: JobEvent) -> None:
        """The item shows its latest job (success writes the item with its audio, in the job's work)."""
        if event == JobEvent.SUCCEEDED:
            return
        fields: dict[str, Any] = {"tts_status": _TTS_STATUS_FOR[event], "updated_at": timezone.now()}
        if event in (JobEvent.RETRYING, JobEvent.FAILED):
            fields["tts_error"] = self.error
        Item.objects.filter(pk=self.item_id).update(**fields)


_TTS_STATUS_FOR = {
    JobEvent.CLAIMED: TTSStatus.RUNNING,
    JobEvent.SUCCEEDED: TTSStatus.COMPLETED,
    JobEvent.RETRYING: TTSStatus.PENDING,
    JobEvent.REQUEUED: TTSStatus.PENDING,
    JobEvent.FAILED: TTSStatus.FAILED,
}


class Attempt(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dictation_attempts")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="attempts")
    text = models.TextField()
    matched_answer = models.TextField(blank=True, help_text="The accepted answer the attempt was scored against.")
    wer = models.FloatField()
    cer = models.FloatField()
    reference_words = models.PositiveIntegerField()
    hits = models.PositiveIntegerField()
    substitutions = models.PositiveIntegerField()
    deletions = models.PositiveIntegerField()
    insertions = models.PositiveIntegerField()
    typos = models.PositiveIntegerField(help_text="Substitutions that are small typos in long words (H5P rule).")
    mistakes = models.PositiveIntegerField(help_text="All other errors.")
    score = models.FloatField(default=0.0, help_text="H5P-style: right 1, typo 0.5, else 0, over reference words.")
    diff = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="dict_attempt_owner_created"),
            models.Index(fields=["item", "-created_at"], name="dict_attempt_item_created"),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.pk} on item {self.item_id}: WER {self.wer:.2f}"


class WordStat(models.Model):
    """How often the owner heard a word of an item (`seen`) and missed it (a typo or a mistake), kept
    by attempt_create for the weak-words list."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dictation_words")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="word_stats")
    word = models.CharField(max_length=100)
    seen = models.PositiveIntegerField(default=0)
    misses = models.PositiveIntegerField(default=0)
    last_seen_at = models.DateTimeField()
    last_missed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "word"], name="dict_wordstat_item_word")]
        indexes = [models.Index(fields=["owner", "word", "-misses", "item"], name="dict_wordstat_owner_word")]

    def __str__(self) -> str:
        return f"{self.word}: {self.misses}/{self.seen}"


class WordTotal(models.Model):
    """The owner's counts of one word over all items (the sum of its WordStat rows), so the weak-words
    list is an index scan."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dictation_word_totals")
    word = models.CharField(max_length=100)
    seen = models.PositiveIntegerField(default=0)
    misses = models.PositiveIntegerField(default=0)
    last_seen_at = models.DateTimeField()
    last_missed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "word"], name="dict_wordtotal_owner_word")]
        indexes = [models.Index(fields=["owner", "-misses", "-last_missed_at"], name="dict_wordtotal_weakest")]

    def __str__(self) -> str:
        return f"{self.word}: {self.misses}/{self.seen}"
