"""SoundCloud's public HTTP API with httpx. It has no remote player: playback happens in the music page's
embedded widget, which reports its real state back (see `services.player_state_report`)."""

from typing import Any

import httpx
from django.conf import settings
from rapidfuzz import fuzz

from music.platforms import MediaItem, Page, PlatformError, TokenExpired, rank


class SoundCloudAdapter:
    platform = "soundcloud"

    def __init__(self, access_token: str) -> None:
        self.client = httpx.Client(
            base_url=settings.MUSIC_SOUNDCLOUD_API_URL,
            timeout=settings.MUSIC_HTTP_TIMEOUT,
            headers={"Authorization": f"OAuth {access_token}", "Accept": "application/json"},
        )

    def _request(self, method: str, url: str, **kwargs: Any) -> Any:
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise PlatformError("error", "I couldn't reach SoundCloud just now. Try again in a moment.") from exc
        if response.status_code == 401:
            raise TokenExpired()
        if response.status_code == 429:
            retry_after = int(response.headers.get("Retry-After") or 1)
            raise PlatformError(
                "rate_limited",
                f"SoundCloud is limiting requests right now. Try again in {retry_after} seconds.",
                retry_after=retry_after,
            )
        if response.status_code == 404:
            raise PlatformError("not_found", "SoundCloud doesn't have that.")
        if response.status_code >= 400:
            raise PlatformError("error", "SoundCloud answered with an error. Try again in a moment.")
        return response.json() if response.content else None

    def search(
        self, query: str, media_type: str | None = None, limit: int = 5, fields: dict[str, str] | None = None
    ) -> list[MediaItem]:
        """With `fields`: the title (or album) as the query, then the uploads whose uploader matches the
        artist first (SoundCloud has no field filters)."""
        if fields and media_type != "playlist":
            words = fields.get("title") or fields.get("album") or query
            found = self.search(words, media_type, limit * 2)
            if fields.get("artist"):
                artist = fields["artist"].lower()
                found.sort(key=lambda i: -fuzz.token_set_ratio(artist, i.artist.lower()))
                if not found:
                    found = self.search(f"{words} {fields['artist']}", media_type, limit)
            return found[:limit]
        params = {"q": query, "limit": limit, "linked_partitioning": "true"}
        if media_type == "playlist":
            body = self._request("GET", "/playlists", params=params) or {}
            items = [_playlist(p) for p in body.get("collection") or []]
        else:
            body = self._request("GET", "/tracks", params=params) or {}
            items = [_track(t) for t in body.get("collection") or []]
        return rank(query, items, media_type if media_type == "playlist" else None)

    def like(self, item: MediaItem) -> None:
        self._request("POST", f"/likes/tracks/{item.uri}")

    def playlist_add(self, playlist_id: str, item: MediaItem) -> None:
        """SoundCloud has no add-one call: the playlist is updated with its track list plus this track."""
        if item.media_type != "track":
            raise PlatformError("not_found", "I can only add single tracks to a playlist.")
        current = self._request("GET", f"/playlists/{playlist_id}") or {}
        ids = [str(t.get("id")) for t in current.get("tracks") or [] if t.get("id") is not None]
        new_id = item.uri.rsplit(":", 1)[-1]
        if new_id not in ids:
            ids.append(new_id)
        self._request("PUT", f"/playlists/{playlist_id}", json={"playlist": {"tracks": [{"id": i} for i in ids]}})

    def _collection(self, path_or_url: str, limit: int) -> tuple[list[dict[str, Any]], str | None]:
        params = None if "?" in path_or_url else {"limit": limit, "linked_partitioning": "true"}
        body = self._request("GET", path_or_url, params=params) or {}
        return list(body.get("collection") or []), body.get("next_href")

    def saved_tracks(self, cursor: str | None, limit: int = 50) -> Page:
        raw, next_href = self._collection(cursor or "/me/likes/tracks", limit)
        return Page([_track(t).as_dict() for t in raw], next_href)

    def playlists(self, cursor: str | None, limit: int = 50) -> Page:
        raw, next_href = self._collection(cursor or "/me/playlists", limit)
        return Page(
            [
                {
                    "uri": p["urn"],
                    "external_id": str(p["id"]),
                    "name": p.get("title", ""),
                    "track_count": int(p.get("track_count") or 0),
                    "tracks": [_track(t).as_dict() for t in p.get("tracks") or []],
                }
                for p in raw
            ],
            next_href,
        )

    def playlist_entries(self, playlist: dict[str, Any]) -> list[dict[str, Any]]:
        """Every track of a playlist listed by `playlists` (SoundCloud lists them with the playlist)."""
        return list(playlist.get("tracks") or [])


def _track(raw: dict[str, Any]) -> MediaItem:
    return MediaItem(
        uri=str(raw.get("urn") or f"soundcloud:tracks:{raw['id']}"),
        title=raw.get("title", ""),
        media_type="track",
        platform="soundcloud",
        artist=(raw.get("user") or {}).get("username", ""),
        external_url=raw.get("permalink_url", ""),
        duration_ms=int(raw.get("duration") or 0),
        playable=raw.get("access", "playable") != "blocked" and raw.get("streamable", True) is not False,
    )


def _playlist(raw: dict[str, Any]) -> MediaItem:
    return MediaItem(
        uri=str(raw.get("urn")),
        title=raw.get("title", ""),
        media_type="playlist",
        platform="soundcloud",
        external_url=raw.get("permalink_url", ""),
    )
