"""Follow-ups off the call path: WhatsApp sends (io queue) and the beat jobs."""

from celery import shared_task

from voicebot import followups, services


@shared_task(soft_time_limit=60, time_limit=90)
def message_send(message_id: int) -> str:
    """Sends one WhatsApp message (a job: a second delivery finds nothing to claim)."""
    return followups.message_send(message_id=message_id)


@shared_task(soft_time_limit=300, time_limit=330)
def reminders_queue() -> int:
    return followups.reminders_queue()


@shared_task(soft_time_limit=600, time_limit=660)
def retention_purge() -> int:
    return services.retention_purge()
