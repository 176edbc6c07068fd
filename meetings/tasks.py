from smtplib import SMTPException

from celery import shared_task

from meetings.models import Meeting
from meetings.pipeline import job_run, meeting_summarize
from meetings.services import deleted_recordings_purge, outcome_email_send
from meetings.uploads import abandoned_uploads_sweep


@shared_task(name="meetings.tasks.process_meeting", soft_time_limit=3 * 3600, time_limit=3 * 3600 + 60)
def process_meeting(job_id: int) -> None:
    job_run(job_id=job_id)


@shared_task(name="meetings.tasks.summarize_meeting", soft_time_limit=1800, time_limit=1860)
def summarize_meeting(meeting_id: int) -> None:
    if Meeting.objects.filter(pk=meeting_id, deleted_at__isnull=True).exists():
        meeting_summarize(meeting_id=meeting_id)


@shared_task(name="meetings.tasks.summarize_missing")
def summarize_missing() -> int:
    """Beat: completed meetings that have transcript lines but no summary (e.g. the LLM was down)."""
    ids = list(
        Meeting.objects.filter(status=Meeting.Status.COMPLETED, deleted_at__isnull=True, summary__isnull=True)
        .filter(segments__isnull=False)
        .values_list("pk", flat=True)
        .distinct()[:50]
    )
    for meeting_id in ids:
        summarize_meeting.delay(meeting_id)
    return len(ids)


@shared_task(name="meetings.tasks.purge_deleted")
def purge_deleted() -> int:
    return deleted_recordings_purge()


@shared_task(name="meetings.tasks.close_idle_live")
def close_idle_live() -> int:
    from meetings.live import idle_live_meetings_close

    return len(idle_live_meetings_close())


@shared_task(name="meetings.tasks.sweep_abandoned_uploads")
def sweep_abandoned_uploads() -> int:
    return abandoned_uploads_sweep()


@shared_task(
    name="meetings.tasks.send_outcome_email",
    autoretry_for=(OSError, SMTPException),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_outcome_email(job_id: int) -> None:
    outcome_email_send(job_id=job_id)
