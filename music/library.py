"""Library sync: pages through saved tracks and playlists, upserts idempotently, honours 429 Retry-After,
refreshes tokens, and keeps its place in `SyncRun.cursor` so a stopped run resumes where it was.

Every row a run writes gets `synced_at` after the run's `created_at`, so when the run completes, what
it did not see is gone from the platform: tracks un-saved there lose `is_saved` (when the saved stage
ends), and tracks in no saved list or playlist, and playlists deleted there, are removed."""

import logging
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from music.intents import normalize_text
from music.models import LibraryTrack, MusicAccount, Playlist, PlaylistTrack, SyncRun
from music.oauth import AccountRevoked, account_fresh, account_refresh_token
from music.platforms import Page, PlatformError, TokenExpired
from sawt.core.jobs import runtime
from sawt.core.jobs.models import JobState
from sawt.core.jobs.runtime import JobDeferred, JobFailed

if TYPE_CHECKING:
    from music.players import Adapter

log = logging.getLogger(__name__)
ACTIVE = (JobState.QUEUED, JobState.RUNNING)


def sync_run_start(*, account: MusicAccount) -> SyncRun:
    """A new run, or the one already pending or running for this account."""
    with transaction.atomic():
        MusicAccount.objects.select_for_update().filter(pk=account.pk).first()
        run = SyncRun.objects.filter(account=account, state__in=ACTIVE).first()
        if run is None:
            run = SyncRun.objects.create(owner_id=account.owner_id, account=account)
            runtime.publish(SyncRun, run.pk)
    return run


def _tracks_upsert(run: SyncRun, items: list[dict[str, Any]], saved: bool) -> dict[str, int]:
    platform = run.account.platform
    now = timezone.now()
    rows = {
        i["uri"]: LibraryTrack(
            owner_id=run.owner_id,
            platform=platform,
            uri=i["uri"],
            title=i["title"][:500],
            artist=i["artist"][:500],
            album=(i.get("album") or "")[:500],
            duration_ms=int(i.get("duration_ms") or 0),
            is_saved=saved,
            search_text=normalize_text(f"{i['title']} {i['artist']}")[:1000],
            synced_at=now,
            added_at=i.get("added_at"),
        )
        for i in items
        if i.get("uri")
    }
    fields = ["title", "artist", "album", "duration_ms", "search_text", "synced_at"]
    LibraryTrack.objects.bulk_create(
        list(rows.values()),
        update_conflicts=True,
        unique_fields=["owner", "platform", "uri"],
        update_fields=[*fields, "is_saved", "added_at"] if saved else fields,
    )
    return dict(
        LibraryTrack.objects.filter(owner_id=run.owner_id, platform=platform, uri__in=list(rows)).values_list(
            "uri", "pk"
        )
    )


def _playlist_store(run: SyncRun, playlist: dict[str, Any], tracks: list[dict[str, Any]]) -> None:
    with transaction.atomic():
        row, _ = Playlist.objects.update_or_create(
            owner_id=run.owner_id,
            platform=run.account.platform,
            uri=playlist["uri"],
            defaults={
                "external_id": playlist["external_id"],
                "name": playlist["name"][:500],
                "search_text": normalize_text(playlist["name"])[:600],
                "track_count": len(tracks),
                "synced_at": timezone.now(),
            },
        )
        ids = _tracks_upsert(run, tracks, saved=False)
        # Replacing the entries makes a second run of the same page land on the same rows.
        PlaylistTrack.objects.filter(playlist=row).delete()
        PlaylistTrack.objects.bulk_create(
            [
                PlaylistTrack(playlist=row, track_id=ids[t["uri"]], position=n)
                for n, t in enumerate(tracks)
                if t["uri"] in ids
            ]
        )


def _step(run: SyncRun, adapter: "Adapter") -> bool:
    """Syncs one page at the cursor and moves the cursor; False when the run is complete."""
    cursor = run.cursor or {"stage": "tracks", "next": None}
    stage, position = cursor.get("stage", "tracks"), cursor.get("next")
    page: Page
    if stage == "tracks":
        page = adapter.saved_tracks(position)
        _tracks_upsert(run, page.items, saved=True)
        run.tracks_synced += len(page.items)
        if page.next_cursor:
            run.cursor = {"stage": "tracks", "next": page.next_cursor}
        else:
            run.cursor = {"stage": "playlists", "next": None}
            _stale_rows(run, LibraryTrack).filter(is_saved=True).update(is_saved=False)
    elif stage == "playlists":
        page = adapter.playlists(position)
        for playlist in page.items:
            try:
                tracks = adapter.playlist_entries(playlist)
            except PlatformError as exc:
                if exc.http_status not in (403, 404):
                    raise
                run.playlists_skipped += 1  # someone else's, or Spotify's own: not readable by this app
                continue
            _playlist_store(run, playlist, tracks)
            run.playlists_synced += 1
        run.cursor = {"stage": "playlists", "next": page.next_cursor} if page.next_cursor else {"stage": "done"}
    run.save(update_fields=["cursor", "tracks_synced", "playlists_synced", "playlists_skipped"])
    return run.cursor.get("stage") != "done"


SYNC_BACKOFF_BASE = 1  # seconds waited after a first 429 without a longer Retry-After; doubles each time
SYNC_BACKOFF_CAP = 300  # the longest wait between two tries, whatever Retry-After or the doubling says


def backoff(attempt: int, retry_after: int | None) -> int:
    """The wait after the `attempt`-th 429 of a run: at least Retry-After, growing, capped."""
    grown = SYNC_BACKOFF_BASE * 2 ** max(0, attempt - 1)
    return int(min(SYNC_BACKOFF_CAP, max(int(retry_after or 1), grown)))


def sync_run_execute(*, run_id: int, sleep: Any = time.sleep) -> None:
    """Runs (or resumes, from its cursor) one sync as a job; a second delivery finds nothing to claim.
    A Retry-After longer than MUSIC_SYNC_MAX_INLINE_WAIT gives the worker back: the run is due again then."""
    runtime.run_job(SyncRun, run_id, lambda run: _sync(run, sleep))


def _sync(run: SyncRun, sleep: Any) -> dict[str, Any]:
    account = run.account
    try:
        account = account_fresh(account=account)
        adapter = _adapter(account)
        more = True
        while more:
            try:
                more = _step(run, adapter)
            except TokenExpired:
                account = account_refresh_token(account=account)
                adapter = _adapter(account)
            except PlatformError as exc:
                if exc.status != "rate_limited":
                    raise
                run.rate_limited += 1
                run.save(update_fields=["rate_limited"])
                wait = backoff(run.rate_limited, exc.retry_after)
                if wait > settings.MUSIC_SYNC_MAX_INLINE_WAIT:
                    raise JobDeferred(wait) from exc
                sleep(wait)
    except AccountRevoked as exc:
        raise JobFailed("revoked", "The platform refused the stored access; reconnect the account.") from exc
    except PlatformError as exc:
        raise JobFailed("platform_error", exc.message) from exc
    with transaction.atomic():
        _stale_rows(run, Playlist).delete()
        _stale_rows(run, LibraryTrack).delete()
    MusicAccount.objects.filter(pk=account.pk).update(last_synced_at=timezone.now())
    return {}


def _stale_rows(run: SyncRun, model: type[LibraryTrack] | type[Playlist]) -> Any:
    """The account's rows this run has not written (so far)."""
    return model.objects.filter(owner_id=run.owner_id, platform=run.account.platform, synced_at__lt=run.created_at)


def _adapter(account: MusicAccount) -> "Adapter":
    from music.players import adapter_for

    return adapter_for(account)


def libraries_refresh_all() -> int:
    """Beat: a sync for every connected account that has none pending or running (the job sweep takes
    care of stuck runs)."""
    started = 0
    for account in MusicAccount.objects.filter(needs_reconnect=False):
        if not SyncRun.objects.filter(account=account, state__in=ACTIVE).exists():
            sync_run_start(account=account)
            started += 1
    return started
