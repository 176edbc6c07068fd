"""Spotify through spotipy, pointed at `MUSIC_SPOTIFY_API_URL` (the real API, or the local fake in tests)."""

from collections.abc import Callable
from typing import Any, TypeVar

import requests
import spotipy
from django.conf import settings

from music.platforms import MediaItem, Page, PlatformError, TokenExpired, rank

T = TypeVar("T")
SEARCH_TYPES = ("track", "album", "artist", "playlist")


class SpotifyAdapter:
    platform = "spotify"

    def __init__(self, access_token: str) -> None:
        # retries=0: a 429's Retry-After is ours to honour and report, not urllib3's to sleep through.
        self.client = spotipy.Spotify(
            auth=access_token,
            requests_session=requests.Session(),
            retries=0,
            status_retries=0,
            requests_timeout=settings.MUSIC_HTTP_TIMEOUT,
        )
        self.client.prefix = f"{settings.MUSIC_SPOTIFY_API_URL}/v1/"

    def _call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return func(*args, **kwargs)
        except spotipy.SpotifyException as exc:
            raise _translate(exc) from exc
        except requests.RequestException as exc:
            raise PlatformError("error", "I couldn't reach Spotify just now. Try again in a moment.") from exc

    # --- catalogue -------------------------------------------------------------------------------

    def search(
        self, query: str, media_type: str | None = None, limit: int = 5, fields: dict[str, str] | None = None
    ) -> list[MediaItem]:
        """Plain words, or with `fields` Spotify's field filters (track:, artist:, album:, year:, genre:),
        falling back to the plain words when the filters find nothing."""
        if fields:
            found = self.search(field_query(fields), media_type or "track", limit)
            if found:
                return rank(" ".join(fields.get(k, "") for k in ("title", "album", "artist")).strip(), found, None)
        types = [media_type] if media_type else list(SEARCH_TYPES)
        body = self._call(self.client.search, q=query, limit=limit, type=",".join(types), market="from_token") or {}
        items: list[MediaItem] = []
        for kind in types:
            for raw in (body.get(f"{kind}s") or {}).get("items") or []:
                if raw:
                    items.append(_item(raw, kind))
        return rank(query, items, media_type)

    # --- player (Spotify Connect) ----------------------------------------------------------------

    def devices(self) -> list[dict[str, Any]]:
        return list((self._call(self.client.devices) or {}).get("devices") or [])

    def pick_device(self, name: str | None = None) -> dict[str, Any]:
        """The named device, else the active one, else the first that accepts commands."""
        usable = [d for d in self.devices() if not d.get("is_restricted")]
        if not usable:
            raise PlatformError(
                "no_device",
                "No Spotify device is available. Open Spotify on your phone, computer or speaker, then ask again.",
            )
        if name:
            named = [d for d in usable if name.lower() in str(d.get("name", "")).lower()]
            if named:
                return named[0]
        return next((d for d in usable if d.get("is_active")), usable[0])

    def play(self, item: MediaItem, device_name: str | None = None) -> str:
        if not item.playable:
            raise PlatformError("not_found", f"{item.spoken()} is not available on Spotify in your country.")
        device = self.pick_device(device_name)
        name = str(device.get("name") or "your device")
        what = {"uris": [item.uri]} if item.media_type == "track" else {"context_uri": item.uri}
        try:
            self._call(self.client.start_playback, device_id=device["id"], **what)
        except PlatformError as exc:
            if exc.http_status != 404 or exc.reason:
                raise
            # A 404 without a reason: the device went to sleep. A transfer wakes it; then play again.
            try:
                self._call(self.client.transfer_playback, device["id"], force_play=False)
                self._call(self.client.start_playback, device_id=device["id"], **what)
            except PlatformError as again:
                raise PlatformError(
                    "no_device", f"{name} is asleep and didn't wake up. Open Spotify on it, then ask again."
                ) from again
        return name

    def player(self) -> dict[str, Any] | None:
        """What the player is really doing (GET /me/player): item, context, is_playing, device, artwork;
        None for Spotify's 204 (no playback anywhere)."""
        body = self._call(self.client.current_playback)
        if not body:
            return None
        raw = body.get("item") or None  # null for an ad, or between tracks
        device = body.get("device") or {}
        return {
            "item": _item(raw, "track").as_dict() if raw else None,
            "artwork_url": artwork_url((raw.get("album") or {}).get("images") if raw else None),
            "context_uri": (body.get("context") or {}).get("uri", ""),
            "is_playing": bool(body.get("is_playing")),
            "progress_ms": int(body.get("progress_ms") or 0),
            "device": device.get("name", ""),
            "device_id": device.get("id") or "",
        }

    def transfer(self, device_id: str, *, play: bool) -> None:
        """Moves playback to one device (PUT /me/player); `play` starts it there, else the state is kept."""
        try:
            self._call(self.client.transfer_playback, device_id, force_play=play)
        except PlatformError as exc:
            if exc.http_status == 404:
                raise PlatformError(
                    "no_device", "That device isn't available to Spotify any more. Open Spotify on it and try again."
                ) from exc
            if exc.http_status == 403:
                refused = PlatformError("error", "Spotify refused to move playback to that device.")
                refused.http_status = 403
                raise refused from exc
            raise

    def _refusable(self, what: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """A player command Spotify may refuse (403): the refusal is named for what it is."""
        try:
            self._call(func, *args, **kwargs)
        except PlatformError as exc:
            if exc.http_status != 403:
                raise
            why = {
                "VOLUME_CONTROL_DISALLOW": "this device doesn't let its volume be changed remotely",
                "ALREADY_PAUSED": "it is already paused",
                "NOTHING_PLAYING": "nothing is playing",
            }.get(exc.reason, "the device or the content doesn't allow it right now")
            raise PlatformError("error", f"Spotify refused to {what}: {why}.") from exc

    def pause(self) -> None:
        self._refusable("pause", self.client.pause_playback)

    def resume(self) -> None:
        self._call(self.client.start_playback, device_id=self.pick_device()["id"])

    def skip(self) -> None:
        self._call(self.client.next_track)

    def previous(self) -> None:
        self._call(self.client.previous_track)

    def set_volume(self, *, level: int | None = None, delta: int | None = None) -> int:
        device = self.pick_device()
        current = int(device.get("volume_percent") or 50)
        target = max(0, min(100, level if level is not None else current + (delta or 0)))
        if device.get("supports_volume") is False:
            refused = f"Spotify refused to change the volume: {device.get('name')} doesn't allow it."
            raise PlatformError("error", refused)
        self._refusable("change the volume", self.client.volume, target, device_id=device["id"])
        return target

    def shuffle(self, on: bool) -> None:
        self._call(self.client.shuffle, on)

    def repeat(self, state: str) -> None:
        self._call(self.client.repeat, state)

    def queue(self, item: MediaItem) -> None:
        if item.media_type != "track":
            raise PlatformError("not_found", "Spotify can only queue single songs, not albums or playlists.")
        self._call(self.client.add_to_queue, item.uri)

    def now_playing(self) -> dict[str, Any] | None:
        body = self._call(self.client.currently_playing)
        if not body or not body.get("item"):
            return None
        return {
            "item": _item(body["item"], "track").as_dict(),
            "is_playing": bool(body.get("is_playing")),
            "device": (body.get("device") or {}).get("name", ""),
        }

    def like(self, item: MediaItem) -> None:
        self._call(self.client.current_user_saved_tracks_add, [item.uri])

    def playlist_add(self, playlist_id: str, item: MediaItem) -> None:
        """Spotify's add-items: POST /v1/playlists/{id}/items."""
        if item.media_type != "track":
            raise PlatformError("not_found", "I can only add single songs to a playlist.")
        self._call(self.client.playlist_add_items, playlist_id, [item.uri])

    # --- library (sync) ---------------------------------------------------------------------------

    def saved_tracks(self, cursor: int | None, limit: int = 50) -> Page:
        """A page of saved tracks; the cursor is the offset (None: the first page)."""
        offset = int(cursor or 0)
        body = self._call(self.client.current_user_saved_tracks, limit=limit, offset=offset) or {}
        items = [
            {**_item(e["track"], "track").as_dict(), "added_at": e.get("added_at")}
            for e in body.get("items") or []
            if e.get("track")
        ]
        return Page(items, offset + limit if body.get("next") else None)

    def playlists(self, cursor: int | None, limit: int = 50) -> Page:
        offset = int(cursor or 0)
        body = self._call(self.client.current_user_playlists, limit=limit, offset=offset) or {}
        items = [
            {
                "uri": p["uri"],
                "external_id": p["id"],
                "name": p["name"],
                "track_count": int((p.get("tracks") or p.get("items") or {}).get("total") or 0),
            }
            for p in body.get("items") or []
            if p
        ]
        return Page(items, offset + limit if body.get("next") else None)

    def playlist_tracks(self, playlist_id: str, offset: int, limit: int = 100) -> Page:
        body = self._call(self.client.playlist_items, playlist_id, limit=limit, offset=offset) or {}
        entries = [e.get("item") or e.get("track") for e in body.get("items") or []]
        items = [_item(t, "track").as_dict() for t in entries if t and t.get("uri")]
        return Page(items, offset + limit if body.get("next") else None)

    def playlist_entries(self, playlist: dict[str, Any]) -> list[dict[str, Any]]:
        """Every track of a playlist listed by `playlists` (Spotify lists them apart, page by page)."""
        tracks: list[dict[str, Any]] = []
        offset: int | None = 0
        while offset is not None:
            page = self.playlist_tracks(str(playlist["external_id"]), offset)
            tracks += page.items
            offset = page.next_cursor
        return tracks


FIELD_FILTERS = {"title": "track", "artist": "artist", "album": "album", "year": "year", "genre": "genre"}


def field_query(fields: dict[str, str]) -> str:
    """`track:"tum hi ho" artist:"arijit singh" year:1990-1999`."""
    parts = []
    for key, name in FIELD_FILTERS.items():
        value = fields.get(key)
        if not value:
            continue
        if key == "year" and value.endswith("0s") and value[:4].isdigit():
            value = f"{value[:4]}-{int(value[:4]) + 9}"
        parts.append(f"{name}:{value}" if key == "year" else f'{name}:"{value}"')
    return " ".join(parts)


def _item(raw: dict[str, Any], kind: str) -> MediaItem:
    artists = ", ".join(a.get("name", "") for a in raw.get("artists") or [])
    owner = (raw.get("owner") or {}).get("display_name", "")
    return (
        MediaItem(
            uri=raw["uri"],
            title=raw.get("name", ""),
            media_type=kind,
            platform="spotify",
            artist=artists if kind != "artist" else raw.get("name", ""),
            album=(raw.get("album") or {}).get("name", "") if kind == "track" else "",
            external_url=(raw.get("external_urls") or {}).get("spotify", ""),
            playable=raw.get("is_playable", True) is not False,
            duration_ms=int(raw.get("duration_ms") or 0),
        )
        if kind != "playlist"
        else MediaItem(
            uri=raw["uri"], title=raw.get("name", ""), media_type="playlist", platform="spotify", artist=owner
        )
    )


ARTWORK_MIN_WIDTH = 300  # the card shows artwork at about 160 px: 300 stays sharp on a high-density screen


def artwork_url(images: list[dict[str, Any]] | None) -> str:
    """The smallest of Spotify's images (widest first) at least ARTWORK_MIN_WIDTH wide, else the widest."""
    sized = sorted((int(i.get("width") or 0), str(i.get("url") or "")) for i in images or [] if i.get("url"))
    if not sized:
        return ""
    return next((url for width, url in sized if width >= ARTWORK_MIN_WIDTH), sized[-1][1])


def _translate(exc: spotipy.SpotifyException) -> Exception:
    reason = str(exc.reason or "")
    if exc.http_status == 401:
        return TokenExpired()
    if exc.http_status == 429:
        retry_after = int((exc.headers or {}).get("Retry-After") or 1)
        return PlatformError(
            "rate_limited",
            f"Spotify is limiting requests right now. Try again in {retry_after} seconds.",
            retry_after=retry_after,
        )
    if reason == "NO_ACTIVE_DEVICE":
        return PlatformError(
            "no_device", "No Spotify device is active. Open Spotify on a phone, computer or speaker, then ask again."
        )
    if reason == "PREMIUM_REQUIRED":
        return PlatformError(
            "premium_required",
            "Spotify only lets Premium accounts control playback, so I "
            "can't play it for you. Search and your library still work.",
        )
    if exc.http_status in (403, 404):
        error = PlatformError("not_found", "Spotify refused to play that: it isn't available to you.")
        error.http_status = exc.http_status
        error.reason = reason
        return error
    return PlatformError("error", "Spotify answered with an error. Try again in a moment.")
