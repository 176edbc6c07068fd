"""The abstract job row: its state vocabulary, the retry and lease policy, and the product hooks."""

from __future__ import annotations

import enum
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone


class JobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class JobEvent(enum.StrEnum):
    """The transitions a product may mirror into the columns its clients read."""

    CLAIMED = "claimed"  # queued (or abandoned) -> running
    SUCCEEDED = "succeeded"  # running -> succeeded
    RETRYING = "retrying"  # running -> queued, due again at next_attempt_at (transient failure)
    REQUEUED = "requeued"  # running, abandoned by a dead worker, or deferred -> queued
    FAILED = "failed"  # -> failed for good


class Job(models.Model):
    """A unit of background work and its claim. Every change of `state` is a conditional UPDATE made by
    `sawt.core.jobs.runtime`; products never write `state`, `attempts` or `lease_until` themselves."""

    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    # While running: the worker renews this; once it has passed, the worker is taken for dead.
    lease_until = models.DateTimeField(null=True, blank=True)
    # While queued after a transient failure: not to be run before this.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    error_code = models.CharField(max_length=40, blank=True, default="")
    error = models.TextField(blank=True, default="")
    progress = models.PositiveSmallIntegerField(default=0)
    # When the row was last handed to the broker; a row still queued long after was lost on the way.
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # The Celery task (by name) that runs one row, given its id.
    task_name: ClassVar[str] = ""
    max_attempts: ClassVar[int] = 5
    # Seconds before the first retry, doubled for each further one, at most retry_backoff_max.
    retry_backoff: ClassVar[float] = 30.0
    retry_backoff_max: ClassVar[float] = 3600.0
    # A row still queued this many seconds after it was published lost its message (publish or broker).
    queued_timeout: ClassVar[float] = 600.0
    # Exceptions that say "try again later"; anything else fails the job for good.
    transient_errors: ClassVar[tuple[type[BaseException], ...]] = (OSError,)

    # Set by the claim: when the previous attempt started, if a dead worker left it unfinished.
    abandoned_since: Any = None

    class Meta:
        abstract = True

    @classmethod
    def fields_for(cls, event: JobEvent) -> dict[str, Any]:
        """Product columns written in the same UPDATE as a transition (a client-facing status)."""
        return {}

    def job_changed(self, event: JobEvent) -> None:
        """Called after a transition: mirror it into other rows, tell whoever watches."""

    def progress_channel(self) -> tuple[str, str] | None:
        """The channel-layer group and message type progress is pushed to; None: no push."""
        return None

    def retry_delay(self) -> float:
        """Seconds before the next try after `attempts` tries."""
        return float(min(self.retry_backoff * 2 ** max(0, self.attempts - 1), self.retry_backoff_max))
