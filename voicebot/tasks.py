"""Follow-ups off the call path: WhatsApp sends (io queue) and the beat jobs."""

from celery import shared_task

from voicebot import services


@shared_task(soft_time_limit=60, time_limit=90)
def message_send(message_id: int) -> str:
    """Sends one WhatsApp message; on a transient provider error it re-queues itself with backoff."""
    status, retry_in = services.message_send(message_id=message_id)
    if retry_in is not None:
        message_send.apply_async((message_id,), countdown=retry_in)
    return status


@shared_task(soft_time_limit=300, time_limit=330)
def reminders_queue() -> int:
    return services.reminders_queue()


@shared_task(soft_time_limit=300, time_limit=330)
def messages_retry() -> int:
    return services.messages_retry()


@shared_task(soft_time_limit=600, time_limit=660)
def retention_purge() -> int:
    return services.retention_purge()
