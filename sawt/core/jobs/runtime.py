"""Claim, renew, succeed, fail and publish job rows, each by a conditional UPDATE.

`attempts` is the claim's fencing token: every claim adds one, and every later write of that run is
`WHERE state = 'running' AND attempts = <its attempt>`, so a worker that lost its lease (taken for dead
and superseded) can no longer write the row.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError, close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from sawt.accounts.notifications import group_push
from sawt.core.jobs.models import Job, JobEvent, JobState

log = logging.getLogger(__name__)
J = TypeVar("J", bound=Job)


class JobFailed(Exception):
    """Raised by a job's work: fail with this code and message (transient: retry while attempts last)."""

    def __init__(self, code: str, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.code, self.message, self.transient = code, message, transient


class JobDeferred(Exception):
    """Raised by a job's work: put the job back, to run again in `seconds`, without counting a try."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def lease_seconds() -> int:
    return int(settings.SAWT_JOB_LEASE_SECONDS)


def _changed(job: Job, event: JobEvent) -> None:
    try:
        job.job_changed(event)
    except Exception:  # a failed mirror or push must not undo the transition
        log.exception("job %s %s: hook after %s failed", type(job).__name__, job.pk, event)


def _held(job: Job) -> Any:
    return type(job)._default_manager.filter(pk=job.pk, state=JobState.RUNNING, attempts=job.attempts)


def claim(model: type[J], job_id: int, *, now: datetime | None = None) -> J | None:
    """Takes a queued row that is due, or a running one whose lease has passed; None if there is nothing
    to take (gone, not yet due, finished, or held by a live worker)."""
    now = now or timezone.now()
    row = (
        model._default_manager.filter(pk=job_id)
        .values("state", "attempts", "lease_until", "next_attempt_at", "started_at", "error_code")
        .first()
    )
    if row is None:
        return None
    expired = row["state"] == JobState.RUNNING and row["lease_until"] is not None and row["lease_until"] < now
    due = row["state"] == JobState.QUEUED and (row["next_attempt_at"] is None or row["next_attempt_at"] <= now)
    if not (expired or due):
        return None
    abandoned = expired or (row["state"] == JobState.QUEUED and row["error_code"] == "abandoned")
    current = model._default_manager.filter(pk=job_id, state=row["state"], attempts=row["attempts"])
    if row["attempts"] >= model.max_attempts:
        # Every try so far died with its worker (or the row was queued by hand past its limit).
        if current.update(**_failed_fields(model, "abandoned", "The job stopped its worker too many times.", now)):
            job = model._default_manager.get(pk=job_id)
            _changed(job, JobEvent.FAILED)
        return None
    try:
        claimed = current.update(
            state=JobState.RUNNING, attempts=F("attempts") + 1, started_at=now, next_attempt_at=None,
            error_code="", error="", lease_until=now + timedelta(seconds=lease_seconds()),
            **model.fields_for(JobEvent.CLAIMED),
        )
    except OperationalError as exc:
        # SQLite (the embedded default) reports a claim racing another worker's as a locked table
        # instead of an update of no rows: the other worker has it.
        if connection.vendor == "sqlite" and "locked" in str(exc):
            return None
        raise
    if not claimed:
        return None
    job = model._default_manager.get(pk=job_id)
    job.abandoned_since = row["started_at"] if abandoned else None
    _changed(job, JobEvent.CLAIMED)
    return job


def renew(job: Job) -> bool:
    """Extends the lease of a run; False when this run no longer holds the row."""
    return bool(_held(job).update(lease_until=timezone.now() + timedelta(seconds=lease_seconds())))


def succeed(job: Job, **fields: Any) -> bool:
    now = timezone.now()
    done = _held(job).update(**{
        "state": JobState.SUCCEEDED, "finished_at": now, "lease_until": None, "error_code": "", "error": "",
        **type(job).fields_for(JobEvent.SUCCEEDED), **fields,
    })
    if done:
        job.refresh_from_db()
        _changed(job, JobEvent.SUCCEEDED)
    return bool(done)


def _failed_fields(model: type[Job], code: str, message: str, now: datetime) -> dict[str, Any]:
    return {"state": JobState.FAILED, "finished_at": now, "lease_until": None, "next_attempt_at": None,
            "error_code": code, "error": message, **model.fields_for(JobEvent.FAILED)}


def fail(job: Job, *, code: str, message: str, transient: bool = False) -> float | None:
    """Records a failed run. Transient with tries left: queued again, due after the backoff (returned,
    in seconds); otherwise failed for good (None)."""
    now = timezone.now()
    model = type(job)
    if transient and job.attempts < model.max_attempts:
        delay = job.retry_delay()
        if _held(job).update(
            state=JobState.QUEUED, lease_until=None, next_attempt_at=now + timedelta(seconds=delay), queued_at=now,
            error_code=code, error=message, **model.fields_for(JobEvent.RETRYING),
        ):
            job.refresh_from_db()
            _changed(job, JobEvent.RETRYING)
            return delay
        return None
    if _held(job).update(**_failed_fields(model, code, message, now)):
        job.refresh_from_db()
        _changed(job, JobEvent.FAILED)
    return None


def defer(job: Job, *, seconds: float) -> bool:
    """Puts a run back without counting it as a try (the work asked to wait, e.g. a long Retry-After)."""
    now = timezone.now()
    if _held(job).update(
        state=JobState.QUEUED, lease_until=None, attempts=F("attempts") - 1, queued_at=now,
        next_attempt_at=now + timedelta(seconds=seconds), **type(job).fields_for(JobEvent.REQUEUED),
    ):
        job.refresh_from_db()
        _changed(job, JobEvent.REQUEUED)
        return True
    return False


def job_progress(job: Job, progress: int, **event: Any) -> None:
    """Records progress (0-100) and pushes `{"type": "progress", "job", "progress", **event}` to the
    job's channel group; a lost lease or a down channel layer never fails the work."""
    type(job)._default_manager.filter(pk=job.pk).update(progress=progress)
    job.progress = progress
    channel = job.progress_channel()
    if channel is not None:
        group, message_type = channel
        group_push(group, message_type, {"type": "progress", "job": job.pk, **event, "progress": progress})


def publish(model: type[Job], job_id: int, *, countdown: float | None = None) -> None:
    """Hands a row's id to its task once the current transaction commits."""
    task = _task(model)
    transaction.on_commit(lambda: task.apply_async((job_id,), countdown=countdown))


def _task(model: type[Job]) -> Any:
    name = model.task_name
    if name not in current_app.tasks:
        importlib.import_module(name.rsplit(".", 1)[0])  # registers it (the web process imports tasks lazily)
    return current_app.tasks[name]


class _Heartbeat:
    """Renews the lease every third of it from a thread while the work runs. Not inside a transaction:
    no other connection could see (or would wait on) the row then."""

    def __init__(self, job: Job) -> None:
        self.job, self.stop = job, threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> _Heartbeat:
        if not connection.in_atomic_block:
            self.thread = threading.Thread(target=self._beat, name=f"lease-{self.job.pk}", daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()

    def _beat(self) -> None:
        try:
            while not self.stop.wait(lease_seconds() / 3):
                if not renew(self.job):
                    log.warning("job %s %s lost its lease", type(self.job).__name__, self.job.pk)
                    return
        finally:
            close_old_connections()
            connection.close()


def run_job(model: type[J], job_id: int, work: Callable[[J], dict[str, Any] | None]) -> JobState | None:
    """Claims the row, runs `work(job)` while renewing its lease, and records the outcome: success with
    the fields `work` returns, a retry for `JobFailed(transient=True)` or `model.transient_errors`, or a
    final failure. Returns the new state, or None when there was nothing to claim."""
    job = claim(model, job_id)
    if job is None:
        return None
    retry_in: float | None = None
    with _Heartbeat(job):
        try:
            fields = work(job) or {}
        except JobDeferred as wait:
            defer(job, seconds=wait.seconds)
            retry_in = wait.seconds
        except JobFailed as exc:
            retry_in = fail(job, code=exc.code, message=exc.message, transient=exc.transient)
        except SoftTimeLimitExceeded:
            retry_in = fail(job, code="time_limit", message="The job ran out of time.", transient=True)
        except model.transient_errors as exc:
            log.warning("job %s %s: transient failure", model.__name__, job_id, exc_info=True)
            retry_in = fail(job, code="transient", message=f"{type(exc).__name__}: {exc}"[:500], transient=True)
        except Exception as exc:
            log.exception("job %s %s failed", model.__name__, job_id)
            fail(job, code="error", message=f"{type(exc).__name__}: {exc}"[:500])
        else:
            succeed(job, **fields)
    if retry_in is not None:
        publish(model, job_id, countdown=retry_in)
    return JobState(model._default_manager.filter(pk=job_id).values_list("state", flat=True).first() or JobState.FAILED)


def job_models() -> list[type[Job]]:
    """Every concrete job model of the installed apps."""
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, Job) and not m._meta.abstract]


SWEEP_BATCH = 500


def sweep(*, now: datetime | None = None) -> int:
    """Finds, in every job table, runs whose worker died (lease passed), retries now due, and rows queued
    so long ago that their message must be lost, and publishes them again. Returns how many."""
    now = now or timezone.now()
    published = 0
    for model in job_models():
        for job in model._default_manager.filter(state=JobState.RUNNING, lease_until__lt=now)[:SWEEP_BATCH]:
            published += _requeue_abandoned(job, now)
        due = model._default_manager.filter(state=JobState.QUEUED, next_attempt_at__lte=now)
        lost = model._default_manager.filter(
            state=JobState.QUEUED, next_attempt_at__isnull=True,
            queued_at__lt=now - timedelta(seconds=model.queued_timeout),
        )
        rows = [*due.values_list("pk", "queued_at")[:SWEEP_BATCH], *lost.values_list("pk", "queued_at")[:SWEEP_BATCH]]
        for pk, queued_at in rows:
            # Republished once per queued_timeout at most, so a stopped worker pool is not flooded.
            if model._default_manager.filter(pk=pk, state=JobState.QUEUED, queued_at=queued_at).filter(
                Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
            ).update(queued_at=now, next_attempt_at=None):
                publish(model, pk)
                published += 1
    return published


def _requeue_abandoned(job: Job, now: datetime) -> int:
    model = type(job)
    if job.attempts >= model.max_attempts:
        if _held(job).update(**_failed_fields(model, "abandoned", "The job stopped its worker too many times.", now)):
            job.refresh_from_db()
            _changed(job, JobEvent.FAILED)
        return 0
    if not _held(job).filter(lease_until__lt=now).update(
        state=JobState.QUEUED, lease_until=None, queued_at=now, error_code="abandoned",
        error="The worker running this job stopped; it runs again.", **model.fields_for(JobEvent.REQUEUED),
    ):
        return 0
    job.refresh_from_db()
    _changed(job, JobEvent.REQUEUED)
    publish(model, job.pk)
    return 1


def restart(job: Job) -> bool:
    """Queues a failed job (for good, or waiting for its retry) at once, with its tries counted afresh
    (a person asked)."""
    model = type(job)
    failed = Q(state=JobState.FAILED) | Q(state=JobState.QUEUED, next_attempt_at__isnull=False)
    if not model._default_manager.filter(failed, pk=job.pk).update(
        state=JobState.QUEUED, attempts=0, error_code="", error="", next_attempt_at=None, finished_at=None,
        queued_at=timezone.now(), **model.fields_for(JobEvent.REQUEUED),
    ):
        return False
    job.refresh_from_db()
    _changed(job, JobEvent.REQUEUED)
    publish(model, job.pk)
    return True


def cancel(jobs: Any, *, reason: str) -> int:
    """Rows of `jobs` (a queryset) still queued will never run: they fail with code "cancelled"."""
    return int(jobs.filter(state=JobState.QUEUED).update(
        state=JobState.FAILED, error_code="cancelled", error=reason, next_attempt_at=None,
        finished_at=timezone.now(),
    ))
