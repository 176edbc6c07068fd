"""Background jobs of the dictation trainer; each takes ids and calls a service."""

from celery import shared_task

from dictation import services

# Hard time limit of one audio job; the soft one leaves a quarter of it (at most 30 s) to record a retry.
TTS_TIME_LIMIT = 180


@shared_task(acks_late=True, soft_time_limit=TTS_TIME_LIMIT - min(30, TTS_TIME_LIMIT // 4), time_limit=TTS_TIME_LIMIT)
def generate_item_audio(tts_task_id: int) -> None:
    """Synthesizes an item's audio. Runs twice harmlessly (the job runtime claims the TTSTask row)."""
    services.tts_task_run(tts_task_id=tts_task_id)


@shared_task(soft_time_limit=60, time_limit=90)
def queue_item_audio(tts_task_ids: list[int]) -> None:
    """Fans a bulk request's audio jobs out to the speech queue (sending twice is harmless: jobs claim)."""
    services.audio_jobs_queue(tts_task_ids=tts_task_ids)


@shared_task(soft_time_limit=600, time_limit=660)
def cleanup_orphan_audio() -> int:
    return services.audio_cleanup_orphans()
