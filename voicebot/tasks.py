"""Follow-ups off the call path: WhatsApp sends (io queue) and the beat jobs."""

from typing import Any

from celery import shared_task

from voicebot import services
from voicebot.messaging import TransientSendError


@shared_task(
    bind=True, autoretry_for=(TransientSendError,), retry_backoff=30, retry_backoff_max=3600, max_retries=4,
    retry_jitter=True, soft_time_limit=60, time_limit=90,
)
def message_send(self: Any, message_id: int) -> str:
    return services.message_send(message_id=message_id)


@shared_task(soft_time_limit=300, time_limit=330)
def reminders_queue() -> int:
    return services.reminders_queue()


@shared_task(soft_time_limit=300, time_limit=330)
def messages_retry() -> int:
    return services.messages_retry()


@shared_task(soft_time_limit=600, time_limit=660)
def retention_purge() -> int:
    return services.retention_purge()
