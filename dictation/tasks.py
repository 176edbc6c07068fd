"""Background jobs of the dictation trainer; each takes ids and calls a service."""

from celery import shared_task
from celery.app.task import Task
from django.conf import settings

from dictation import services


# The soft limit leaves a quarter of the hard one (at most 30 s) to mark the job for a retry.
@shared_task(bind=True, max_retries=3, acks_late=True,
             soft_time_limit=settings.DICTATION_TTS_TIME_LIMIT - min(30, settings.DICTATION_TTS_TIME_LIMIT // 4),
             time_limit=settings.DICTATION_TTS_TIME_LIMIT)
def generate_item_audio(self: Task, tts_task_id: int) -> None:
    """Synthesizes an item's audio. Runs twice harmlessly (the service claims the TTSTask row)."""
    try:
        services.tts_task_run(tts_task_id=tts_task_id, last_try=self.request.retries >= self.max_retries)
    except services.TRANSIENT_TTS_ERRORS as exc:
        raise self.retry(exc=exc, countdown=settings.DICTATION_TTS_RETRY_SECONDS * 2**self.request.retries) from exc


@shared_task(soft_time_limit=60, time_limit=90)
def queue_item_audio(tts_task_ids: list[int]) -> None:
    """Fans a bulk request's audio jobs out to the speech queue (sending twice is harmless: jobs claim)."""
    services.audio_jobs_queue(tts_task_ids=tts_task_ids)


@shared_task(soft_time_limit=60, time_limit=90)
def sweep_stuck_audio() -> int:
    return services.tts_sweep()


@shared_task(soft_time_limit=600, time_limit=660)
def cleanup_orphan_audio() -> int:
    return services.audio_cleanup_orphans()
