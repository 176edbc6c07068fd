from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from music.cache import counters
from music.models import LibraryTrack, MusicAccount, Playlist, PlaylistTrack, SearchCache, SyncRun


@admin.register(MusicAccount)
class MusicAccountAdmin(admin.ModelAdmin[MusicAccount]):
    # Tokens are never shown or editable here.
    fields = (
        "owner",
        "platform",
        "external_id",
        "display_name",
        "expires_at",
        "scope",
        "is_preferred",
        "needs_reconnect",
        "connected_at",
        "last_synced_at",
    )
    readonly_fields = fields
    list_display = [
        "owner",
        "platform",
        "display_name",
        "is_preferred",
        "needs_reconnect",
        "expires_at",
        "last_synced_at",
    ]
    list_filter = ["platform", "needs_reconnect"]
    search_fields = ["owner__username", "display_name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(SearchCache)
class SearchCacheAdmin(admin.ModelAdmin[SearchCache]):
    change_list_template = "admin/music/searchcache/change_list.html"
    list_display = ["normalized_query", "platform", "media_type", "result_uri", "hits", "expires_at"]
    list_filter = ["platform"]
    search_fields = ["normalized_query", "result_uri"]
    readonly_fields = ["query_hash", "created_at"]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        tiers = counters()
        return super().changelist_view(request, {**(extra_context or {}), "cache_tiers": tiers})


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin[SyncRun]):
    list_display = [
        "id",
        "owner",
        "account",
        "status",
        "tracks_synced",
        "playlists_synced",
        "rate_limited",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status"]
    readonly_fields = [
        "owner",
        "account",
        "cursor",
        "tracks_synced",
        "playlists_synced",
        "rate_limited",
        "error",
        "created_at",
        "started_at",
        "finished_at",
    ]


@admin.register(LibraryTrack)
class LibraryTrackAdmin(admin.ModelAdmin[LibraryTrack]):
    list_display = ["title", "artist", "platform", "owner", "is_saved", "synced_at"]
    list_filter = ["platform", "is_saved"]
    search_fields = ["title", "artist", "owner__username"]


class PlaylistTrackInline(admin.TabularInline[PlaylistTrack, Playlist]):
    model = PlaylistTrack
    raw_id_fields = ["track"]
    extra = 0


@admin.register(Playlist)
class PlaylistAdmin(admin.ModelAdmin[Playlist]):
    list_display = ["name", "platform", "owner", "track_count", "synced_at"]
    list_filter = ["platform"]
    search_fields = ["name", "owner__username"]
    inlines = [PlaylistTrackInline]
