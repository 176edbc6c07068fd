from celery import shared_task

from music.cache import search_cache_expire
from music.library import libraries_refresh_all, sync_run_execute


@shared_task(soft_time_limit=1800, time_limit=1900)
def library_sync(run_id: int) -> None:
    sync_run_execute(run_id=run_id)


@shared_task(soft_time_limit=300, time_limit=360)
def refresh_all_libraries() -> int:
    return libraries_refresh_all()


@shared_task(soft_time_limit=300, time_limit=360)
def expire_search_cache() -> int:
    return search_cache_expire()
