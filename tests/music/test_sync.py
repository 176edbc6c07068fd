"""Library sync against the fakes: paging, idempotent upserts, 429 Retry-After, token refresh, resuming."""

from music.library import sync_run_execute
from music.models import LibraryTrack, MusicAccount, Playlist, PlaylistTrack, SyncRun


def run_sync(account: MusicAccount, waits: list[int] | None = None) -> SyncRun:
    run = SyncRun.objects.create(owner=account.owner, account=account)
    sync_run_execute(run_id=run.pk, sleep=(waits.append if waits is not None else lambda s: None))
    run.refresh_from_db()
    return run


def test_it_pages_through_saved_tracks_and_playlists(spotify, spotify_account):
    spotify.extra_tracks = 120
    run = run_sync(spotify_account)
    assert (run.status, run.tracks_synced, run.playlists_synced) == ("done", 126, 2)
    assert len(spotify.server.requests_to("/v1/me/tracks")) == 3
    assert LibraryTrack.objects.filter(owner=spotify_account.owner, is_saved=True).count() == 126
    road_trip = Playlist.objects.get(name="Road Trip")
    assert [e.track.title for e in PlaylistTrack.objects.filter(playlist=road_trip)] == [
        "Tum Hi Ho",
        "Shape of You",
        "Blinding Lights",
        "Levitating",
    ]


def test_it_upserts_so_a_second_sync_changes_nothing(spotify, spotify_account):
    run_sync(spotify_account)
    before = sorted(LibraryTrack.objects.values_list("pk", "uri"))
    entries = PlaylistTrack.objects.count()
    run_sync(spotify_account)
    assert sorted(LibraryTrack.objects.values_list("pk", "uri")) == before
    assert PlaylistTrack.objects.count() == entries


def test_it_waits_out_a_429_retry_after_and_finishes(spotify, spotify_account):
    spotify.throttle["/v1/me/tracks"] = 2
    spotify.retry_after = 3
    waits: list[int] = []
    run = run_sync(spotify_account, waits)
    assert waits == [3, 3] and run.rate_limited == 2 and run.status == "done"
    assert LibraryTrack.objects.filter(is_saved=True).count() == 6


def test_it_requeues_itself_when_retry_after_is_long(spotify, spotify_account, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.MUSIC_SYNC_MAX_INLINE_WAIT = 5
    spotify.throttle["/v1/me/playlists"] = 1
    spotify.retry_after = 120
    run = SyncRun.objects.create(owner=spotify_account.owner, account=spotify_account)
    sync_run_execute(run_id=run.pk)
    run.refresh_from_db()
    countdown = (run.next_attempt_at - timezone.now()).total_seconds()
    assert 110 < countdown <= 120 and run.status == "pending" and run.cursor["stage"] == "playlists"
    SyncRun.objects.filter(pk=run.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))  # 120 s later
    sync_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "done" and len(spotify.server.requests_to("/v1/me/tracks")) == 1


def test_it_resumes_from_the_cursor(spotify, spotify_account):
    spotify.extra_tracks = 120
    run = SyncRun.objects.create(
        owner=spotify_account.owner, account=spotify_account, cursor={"stage": "tracks", "next": 100}
    )
    sync_run_execute(run_id=run.pk)
    assert [r.query["offset"] for r in spotify.server.requests_to("/v1/me/tracks")] == [["100"]]


def test_it_refreshes_an_expired_token_mid_sync(spotify, spotify_account):
    spotify.expire_all()
    run = run_sync(spotify_account)
    assert run.status == "done" and len(spotify.server.requests_to("/api/token")) == 1


def test_it_fails_clearly_when_access_is_revoked(spotify, spotify_account):
    spotify.expire_all()
    spotify.revoked.add(spotify_account.refresh_token)
    run = run_sync(spotify_account)
    assert run.status == "failed" and "reconnect" in run.error


def test_it_syncs_soundcloud_likes_and_playlists_by_next_href(soundcloud, soundcloud_account):
    soundcloud.liked = list(range(1001, 1011)) * 6  # 60 likes: two pages of 50
    run = run_sync(soundcloud_account)
    assert run.status == "done" and len(soundcloud.server.requests_to("/me/likes/tracks")) == 2
    assert Playlist.objects.get(platform="soundcloud").entries.count() == 2


def test_it_does_not_run_a_claimed_run_twice(spotify, spotify_account):
    run = run_sync(spotify_account)
    calls = len(spotify.server.requests)
    sync_run_execute(run_id=run.pk)
    assert len(spotify.server.requests) == calls


def test_the_beat_job_refreshes_every_connected_library(
    spotify, soundcloud, spotify_account, soundcloud_account, django_capture_on_commit_callbacks
):
    from music.tasks import refresh_all_libraries

    with django_capture_on_commit_callbacks(execute=True):
        assert refresh_all_libraries() == 2
    assert set(SyncRun.objects.values_list("status", flat=True)) == {"done"}


def test_the_beat_job_expires_old_cache_rows(db):
    from datetime import timedelta

    from django.utils import timezone

    from music.models import SearchCache
    from music.tasks import expire_search_cache

    SearchCache.objects.create(
        query_hash="a" * 64,
        platform="spotify",
        normalized_query="old",
        result_uri="x",
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    SearchCache.objects.create(
        query_hash="b" * 64,
        platform="spotify",
        normalized_query="new",
        result_uri="y",
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert expire_search_cache() == 1
    assert list(SearchCache.objects.values_list("normalized_query", flat=True)) == ["new"]


def test_a_later_sync_forgets_what_was_unsaved_or_deleted_on_the_platform(spotify, spotify_account):
    run_sync(spotify_account)
    first_saved, only_in_deleted_playlist = spotify.saved[5], spotify.saved[0]  # [5] is also in "Road Trip"
    gone = spotify.saved[4]  # saved only: in no playlist
    spotify.saved = [t for t in spotify.saved if t not in {first_saved, only_in_deleted_playlist, gone}]
    spotify.playlists = [p for p in spotify.playlists if p["name"] != "Telugu Melodies"]
    run = run_sync(spotify_account)
    assert run.status == "done"
    tracks = {t.uri.rsplit(":", 1)[-1]: t for t in LibraryTrack.objects.filter(owner=spotify_account.owner)}
    assert gone not in tracks
    assert not tracks[first_saved].is_saved  # still in "Road Trip"
    assert set(Playlist.objects.values_list("name", flat=True)) == {"Road Trip"}
    assert LibraryTrack.objects.filter(is_saved=True).count() == 3
    # Tracks only "Telugu Melodies" held went with it; its entries too.
    assert only_in_deleted_playlist not in tracks and PlaylistTrack.objects.count() == 4


def test_a_failed_sync_forgets_nothing(spotify, spotify_account):
    run_sync(spotify_account)
    before = LibraryTrack.objects.count()
    spotify.saved = []
    spotify.expire_all()
    spotify.revoked.add(spotify_account.refresh_token)
    assert run_sync(spotify_account).status == "failed"
    assert LibraryTrack.objects.count() == before


def test_it_skips_and_counts_playlists_it_may_not_read(spotify, spotify_account):
    spotify.playlists += [
        {
            "id": "friendsmix000000000001",
            "name": "Friends Mix",
            "owner": "someone",
            "tracks": ["0nrRP2bk19rLc0orkWPQk2"],
        },
        {"id": "37i9dQZF1DXcBWIGoYBM5M", "name": "Today's Top Hits", "spotify_owned": True, "tracks": []},
    ]
    run = run_sync(spotify_account)
    assert (run.status, run.playlists_synced, run.playlists_skipped) == ("done", 2, 2)
    assert sorted(Playlist.objects.values_list("name", flat=True)) == ["Road Trip", "Telugu Melodies"]


def test_429_back_off_grows_and_is_capped():
    from music.library import SYNC_BACKOFF_CAP, backoff

    waits = [backoff(n, None) for n in range(1, 12)]
    assert waits == sorted(waits) and waits[0] < waits[4] and max(waits) == SYNC_BACKOFF_CAP
    assert backoff(1, 30) == 30 and backoff(1, 100_000) == SYNC_BACKOFF_CAP


def test_a_token_refresh_waits_for_the_other_workers_and_reuses_its_token(spotify, spotify_account):
    from datetime import timedelta

    from django.utils import timezone

    from music.oauth import account_refresh_token

    stale = MusicAccount.objects.get(pk=spotify_account.pk)
    fresh = account_refresh_token(account=spotify_account)  # the first worker refreshes
    refreshes = len(spotify.server.requests_to("/api/token"))
    again = account_refresh_token(account=stale)  # the second held the old token: it gets the new one
    assert again.access_token == fresh.access_token
    assert len(spotify.server.requests_to("/api/token")) == refreshes
    MusicAccount.objects.filter(pk=stale.pk).update(expires_at=timezone.now() + timedelta(seconds=5))
    assert account_refresh_token(account=stale).access_token != fresh.access_token  # expiring: refreshed


def test_spotify_is_asked_for_collaborative_and_modifiable_playlists(settings):
    assert {"playlist-read-collaborative", "playlist-modify-private"} <= set(settings.SOCIAL_AUTH_SPOTIFY_SCOPE)
