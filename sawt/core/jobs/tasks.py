from celery import shared_task

from sawt.core.jobs import runtime


@shared_task(name="sawt.core.jobs.tasks.sweep", soft_time_limit=120, time_limit=150)
def sweep() -> int:
    """Beat, every minute: re-publishes the jobs of dead workers, due retries and lost messages."""
    return runtime.sweep()
