"""Celery tasks of the platform's own endpoints (found by the worker's autodiscovery)."""

from celery import shared_task


@shared_task(name="sawt.core.transcription_run")  # published on the `speech` queue
def transcription_run(key: str) -> None:
    """`POST /v1/audio/transcriptions`: decode the request's audio (the web request waits for it)."""
    from sawt.core.transcriptions import transcription_job_run

    transcription_job_run(key=key)
