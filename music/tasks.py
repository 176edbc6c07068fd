from celery import shared_task

from music.cache import search_cache_expire
from music.library import Requeue, libraries_refresh_all, sync_run_execute


@shared_task(soft_time_limit=1800, time_limit=1900)
def library_sync(run_id: int) -> None:
    try:
        sync_run_execute(run_id=run_id)
    except Requeue as wait:
        # A long Retry-After: give the worker back and come back when the platform allows.
        library_sync.apply_async((run_id,), countdown=wait.countdown)


@shared_task(soft_time_limit=300, time_limit=360)
def refresh_all_libraries() -> int:
    return libraries_refresh_all()


@shared_task(soft_time_limit=300, time_limit=360)
def expire_search_cache() -> int:
    return search_cache_expire()
