from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from sawt.core.fields import EncryptedTextField
from sawt.core.jobs.models import Job, JobEvent


class Platform(models.TextChoices):
    SPOTIFY = "spotify", "Spotify"
    SOUNDCLOUD = "soundcloud", "SoundCloud"


class MusicAccount(models.Model):
    """A user's connection to one platform; tokens live here encrypted, never in social-auth's extra_data."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="music_accounts")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    external_id = models.CharField(max_length=200, blank=True)
    display_name = models.CharField(max_length=200, blank=True)
    access_token = EncryptedTextField(blank=True)
    refresh_token = EncryptedTextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    scope = models.CharField(max_length=500, blank=True)
    is_preferred = models.BooleanField(default=False)
    # Set when the provider refuses the refresh token (revoked access): the user must reconnect.
    needs_reconnect = models.BooleanField(default=False)
    connected_at = models.DateTimeField(default=timezone.now)
    last_synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "platform"], name="music_account_owner_platform")]

    def __str__(self) -> str:
        return f"{self.owner_id}:{self.platform}"

    def expires_soon(self, margin: timedelta = timedelta(seconds=60)) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now() + margin


class SearchCache(models.Model):
    """Tier 2 of the search cache: a platform's answer to a normalised query. `scope` is "" for catalogue
    answers, shared by everyone, or "user:<id>" for an answer found in that user's own library."""

    query_hash = models.CharField(max_length=64)
    platform = models.CharField(max_length=20, choices=Platform.choices)
    scope = models.CharField(max_length=40, blank=True, default="")
    normalized_query = models.CharField(max_length=500)
    media_type = models.CharField(max_length=20, blank=True)
    result_uri = models.CharField(max_length=300)
    result = models.JSONField(default=dict)
    hits = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["query_hash", "platform", "scope"], name="music_cache_hash_platform")
        ]
        verbose_name_plural = "search cache entries"

    def __str__(self) -> str:
        return f"{self.platform}:{self.normalized_query}"


class LibraryTrack(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="music_tracks")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    uri = models.CharField(max_length=300)
    title = models.CharField(max_length=500)
    artist = models.CharField(max_length=500, blank=True)
    album = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    # Normalised "title artist" so library search needs no per-row work.
    search_text = models.CharField(max_length=1000, db_index=True)
    is_saved = models.BooleanField(default=False)
    added_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "platform", "uri"], name="music_track_owner_uri")]
        ordering = ["title"]

    def __str__(self) -> str:
        return f"{self.title} — {self.artist}"


class Playlist(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="music_playlists")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    uri = models.CharField(max_length=300)
    external_id = models.CharField(max_length=200)
    name = models.CharField(max_length=500)
    search_text = models.CharField(max_length=600, db_index=True)
    track_count = models.PositiveIntegerField(default=0)
    synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "platform", "uri"], name="music_playlist_owner_uri")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlaylistTrack(models.Model):
    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="entries")
    track = models.ForeignKey(LibraryTrack, on_delete=models.CASCADE, related_name="playlist_entries")
    position = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["playlist", "position"], name="music_playlist_position")]
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.playlist_id}#{self.position}"


class SyncRun(Job):
    """One library sync, as a job; `cursor` is where to resume after a crash, a 429 or a worker restart.
    `status` is what clients read, mirrored from the job state."""

    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    task_name = "music.tasks.library_sync"
    max_attempts = 5
    retry_backoff = 60.0

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="music_sync_runs")
    account = models.ForeignKey(MusicAccount, on_delete=models.CASCADE, related_name="sync_runs")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    # {"stage": "tracks"|"playlists"|"playlist_tracks", "next": url-or-offset, "playlist_index": n}
    cursor = models.JSONField(default=dict)
    tracks_synced = models.PositiveIntegerField(default=0)
    playlists_synced = models.PositiveIntegerField(default=0)
    rate_limited = models.PositiveIntegerField(default=0)
    # Playlists whose items the platform would not give (403: someone else's, to a development-mode app;
    # 404: Spotify's own, to new apps): skipped, not fatal.
    playlists_skipped = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"sync {self.pk} ({self.status})"

    @classmethod
    def fields_for(cls, event: JobEvent) -> dict[str, Any]:
        return {
            "status": {
                JobEvent.CLAIMED: cls.Status.RUNNING,
                JobEvent.SUCCEEDED: cls.Status.DONE,
                JobEvent.RETRYING: cls.Status.PENDING,
                JobEvent.REQUEUED: cls.Status.PENDING,
                JobEvent.FAILED: cls.Status.FAILED,
            }[event]
        }


class Turn(models.Model):
    """One exchange with the assistant: the conversation history and the DialogManager's memory."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="music_turns")
    text = models.TextField()
    action = models.CharField(max_length=30)
    parameters = models.JSONField(default=dict)
    status = models.CharField(max_length=30)
    response_text = models.TextField()
    platform = models.CharField(max_length=20, blank=True)
    transcript = models.TextField(blank=True)
    # The spoken reply (voice commands only), its generated storage name under music/replies/.
    audio_path = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.text[:40]}"


class PlayerState(models.Model):
    """What the user's SoundCloud widget last reported; the only truth about SoundCloud playback."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="music_player")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    uri = models.CharField(max_length=300, blank=True)
    title = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=20)  # loading | playing | paused | finished | error
    volume = models.PositiveSmallIntegerField(default=50)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.platform}: {self.state}"
