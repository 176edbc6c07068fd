"""The fake Spotify accounts service and Web API."""

import re
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

from sawt.testing.fakeserver import FakeRequest, Reply
from sawt.testing.music_providers import TRACKS, FakeProvider, _error, _page


@dataclass
class FakeSpotify(FakeProvider):
    premium: bool = True
    devices: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {
                "id": "dev-phone",
                "is_active": True,
                "is_private_session": False,
                "is_restricted": False,
                "name": "Pixel phone",
                "type": "Smartphone",
                "volume_percent": 50,
                "supports_volume": True,
            }
        ]
    )
    unavailable: set[str] = field(default_factory=lambda: {"3n3Ppam7vgaVa1iaRUc9Lp"})
    saved: list[str] = field(default_factory=lambda: [t[0] for t in TRACKS[:6]])
    playlists: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {"id": "37i9dQZF1DX0XUsuxWHRQd", "name": "Telugu Melodies", "tracks": [t[0] for t in TRACKS[:4]]},
            {"id": "1h0CEZCm6IbFTbxThn6Xcs", "name": "Road Trip", "tracks": [t[0] for t in TRACKS[5:9]]},
        ]
    )
    player: dict[str, Any] = field(
        default_factory=lambda: {"is_playing": False, "item": None, "shuffle": False, "repeat": "off", "queue": []}
    )
    extra_tracks: int = 0
    # Player knobs: a command name -> the 403 reason it is refused with; `silent`: play answers 204 but the
    # player does not start (what GET /me/player then shows is the truth).
    refuse: dict[str, str] = field(default_factory=dict)
    silent: bool = False

    def track(self, track_id: str) -> dict[str, Any]:
        known = {t[0]: t for t in TRACKS}
        _, name, artist, album = known.get(track_id, (track_id, f"Extra Track {track_id[-4:]}", "Various", "Extras"))
        album_id = f"al{hash(album) % 10**6}"
        return {
            "id": track_id,
            "name": name,
            "uri": f"spotify:track:{track_id}",
            "type": "track",
            "artists": [{"id": f"a{hash(artist) % 10**6}", "name": artist, "uri": f"spotify:artist:{artist}"}],
            "album": {
                "id": album_id,
                "name": album,
                "uri": f"spotify:album:{hash(album) % 10**6}",
                # Widest first, as Spotify lists them; the fake's own /image route serves them.
                "images": [
                    {"url": f"{self.url}/image/{album_id}-{size}", "height": size, "width": size}
                    for size in (640, 300, 64)
                ],
            },
            "duration_ms": 215000,
            "is_playable": track_id not in self.unavailable,
            "popularity": 70,
        }

    def saved_ids(self) -> list[str]:
        return self.saved + [f"extra{n:018d}" for n in range(self.extra_tracks)]

    def start(self) -> "FakeSpotify":
        add = self.server.add
        add("GET", "/authorize", self._authorize)
        add("POST", "/api/token", self._token)
        add("GET", "/image/*", self._image)  # the artwork CDN (i.scdn.co): public, no token
        for method, path, handler in [
            ("GET", "/v1/me", self._me),
            ("GET", "/v1/search", self._search),
            ("GET", "/v1/me/player/devices", self._devices),
            ("PUT", "/v1/me/player/play", self._play),
            ("GET", "/v1/me/player/currently-playing", self._current),
            ("GET", "/v1/me/player", self._current),
            ("PUT", "/v1/me/player", self._transfer),
            ("PUT", "/v1/me/player/*", self._command),
            ("POST", "/v1/me/player/*", self._command),
            ("PUT", "/v1/me/library", self._save),
            ("GET", "/v1/me/tracks", self._saved),
            ("GET", "/v1/me/playlists", self._playlists),
            ("GET", "/v1/playlists/*", self._playlist_tracks),
            ("POST", "/v1/playlists/*", self._playlist_add),
        ]:
            add(method, path, self._gated(handler))
        super().start()
        return self

    def _gated(self, handler: Any) -> Any:
        def gated(request: FakeRequest) -> Reply:
            return self.check(request) or handler(request)

        return gated

    def _me(self, request: FakeRequest) -> Reply:
        return (
            200,
            {},
            {
                "id": self.user_id,
                "display_name": "Fake Listener",
                "email": "listener@example.com",
                "product": "premium" if self.premium else "free",
                "uri": f"spotify:user:{self.user_id}",
            },
        )

    def _search(self, request: FakeRequest) -> Reply:
        q = request.query.get("q", [""])[0].lower()
        types = request.query.get("type", ["track"])[0].split(",")
        # Field filters as Spotify reads them: track:, artist:, album: narrow to that field; year:, genre: are
        # accepted (the fake catalogue has neither, so they match everything).
        filters = {k: v.strip('"') for k, v in re.findall(r'(track|artist|album|year|genre):("[^"]*"|\S+)', q)}
        q = re.sub(r'(?:track|artist|album|year|genre):(?:"[^"]*"|\S+)', " ", q)
        words = [w for w in q.replace("-", " ").split() if ":" not in w]
        fields = {"track": 1, "artist": 2, "album": 3}

        def fits(t: tuple[str, str, str, str]) -> bool:
            named = all(all(w in t[i].lower() for w in filters[k].split()) for k, i in fields.items() if k in filters)
            return named and all(w in f"{t[1]} {t[2]} {t[3]}".lower() for w in words)

        hits = [self.track(t[0]) for t in TRACKS if fits(t)]
        body: dict[str, Any] = {}
        if "track" in types:
            body["tracks"] = _page(request, hits, self.url)
        if "album" in types:
            albums = {
                h["album"]["name"]: h["album"] for h in hits if any(w in h["album"]["name"].lower() for w in words)
            }
            body["albums"] = _page(request, [{**a, "type": "album", "artists": []} for a in albums.values()], self.url)
        if "artist" in types:
            artists = {a["name"]: a for h in hits for a in h["artists"] if all(w in a["name"].lower() for w in words)}
            body["artists"] = _page(request, [{**a, "type": "artist"} for a in artists.values()], self.url)
        if "playlist" in types:
            lists = [self._playlist_json(p) for p in self.playlists if all(w in p["name"].lower() for w in words)]
            body["playlists"] = _page(request, lists, self.url)
        return 200, {}, body

    def _playlist_json(self, playlist: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": playlist["id"],
            "name": playlist["name"],
            "uri": f"spotify:playlist:{playlist['id']}",
            "type": "playlist",
            "tracks": {"href": f"{self.url}/v1/playlists/{playlist['id']}/tracks", "total": len(playlist["tracks"])},
        }

    def _devices(self, request: FakeRequest) -> Reply:
        return 200, {}, {"devices": self.devices}

    def _player_gate(self, request: FakeRequest) -> Reply | None:
        if not self.premium:
            return _error(403, "Player command failed: Premium required", "PREMIUM_REQUIRED")
        device = request.query.get("device_id", [None])[0]
        if not any(d["is_active"] for d in self.devices) and not any(d["id"] == device for d in self.devices):
            return _error(404, "Player command failed: No active device found", "NO_ACTIVE_DEVICE")
        target = next((d for d in self.devices if d["id"] == device), None) or next(
            (d for d in self.devices if d["is_active"]), None
        )
        if target and target.get("sleeping"):
            return _error(404, "Device not found")  # no reason: the device went to sleep
        command = request.path.rsplit("/", 1)[-1]
        if command in self.refuse:
            return _error(403, "Player command failed: Restriction violated", self.refuse[command])
        if command == "volume" and target and target.get("supports_volume") is False:
            return _error(403, "Cannot control device volume", "VOLUME_CONTROL_DISALLOW")
        if device:
            for d in self.devices:
                d["is_active"] = d["id"] == device
        return None

    def _transfer(self, request: FakeRequest) -> Reply:
        """Transfer playback (PUT /me/player `{"device_ids": [id], "play": bool}`): one device id only (more
        is a 400), Premium only; the device wakes and becomes the active one. `play: true` starts playback
        there, `false` or absent keeps the current state."""
        body = request.json() or {}
        wanted = body.get("device_ids") or []
        if len(wanted) != 1:
            return _error(400, "Only one device_id is supported")
        if not self.premium:
            return _error(403, "Player command failed: Premium required", "PREMIUM_REQUIRED")
        target = next((d for d in self.devices if d["id"] == wanted[0]), None)
        if target is None:
            return _error(404, "Device not found")
        if target.get("is_restricted"):
            return _error(403, "Player command failed: Restriction violated", "UNKNOWN")
        for d in self.devices:
            d["is_active"] = d is target
        target.pop("sleeping", None)
        if body.get("play") and self.player["item"] is not None:
            self.player["is_playing"] = True
        return 204, {}, b""

    def _image(self, request: FakeRequest) -> Reply:
        """Album artwork: a small PNG in a colour of its own per album."""
        shade = zlib.crc32(request.path.encode()) & 0xFFFFFF
        return 200, {"Content-Type": "image/png"}, _png(8, 8, shade.to_bytes(3, "big"))

    def _play(self, request: FakeRequest) -> Reply:
        refused = self._player_gate(request)
        if refused:
            return refused
        body = request.json() or {}
        uri = (body.get("uris") or [body.get("context_uri")])[0] if body else None
        if uri:
            track_id = uri.rsplit(":", 1)[-1]
            if uri.startswith("spotify:track:") and track_id in self.unavailable:
                return _error(403, "Player command failed: Restriction violated", "UNKNOWN")
            self.player["item"] = (
                self.track(track_id)
                if uri.startswith("spotify:track:")
                else {"name": uri, "uri": uri, "artists": [], "album": {"name": ""}}
            )
            self.player["context"] = uri
        if self.player["item"] is None:
            return _error(404, "Player command failed: Nothing to play", "NO_ACTIVE_DEVICE")
        self.player["is_playing"] = not self.silent
        return 204, {}, b""

    def _command(self, request: FakeRequest) -> Reply:
        refused = self._player_gate(request)
        if refused:
            return refused
        command = request.path.rsplit("/", 1)[-1]
        arg = {k: v[0] for k, v in request.query.items()}
        if command == "pause":
            self.player["is_playing"] = False
        elif command in {"next", "previous"}:
            self.player["item"] = self.track(
                TRACKS[
                    (
                        TRACKS.index(
                            next(
                                (t for t in TRACKS if self.player["item"] and t[0] == self.player["item"].get("id")),
                                TRACKS[0],
                            )
                        )
                        + (1 if command == "next" else -1)
                    )
                    % len(TRACKS)
                ][0]
            )
        elif command == "volume":
            active = next(d for d in self.devices if d["is_active"])
            active["volume_percent"] = int(arg["volume_percent"])
        elif command == "shuffle":
            self.player["shuffle"] = arg["state"] == "true"
        elif command == "repeat":
            self.player["repeat"] = arg["state"]
        elif command == "queue":
            self.player["queue"].append(arg["uri"])
        return 204, {}, b""

    def _current(self, request: FakeRequest) -> Reply:
        if self.player["item"] is None:
            return 204, {}, b""
        active = next((d for d in self.devices if d["is_active"]), None)
        return (
            200,
            {},
            {
                "is_playing": self.player["is_playing"],
                "item": self.player["item"],
                "context": {"uri": self.player.get("context")} if self.player.get("context") else None,
                "device": active,
                "shuffle_state": self.player["shuffle"],
                "repeat_state": self.player["repeat"],
                "progress_ms": 1000,
                "currently_playing_type": "track",
            },
        )

    def _save(self, request: FakeRequest) -> Reply:
        ids = [u.rsplit(":", 1)[-1] for u in request.query.get("uris", [""])[0].split(",")]
        self.saved = ids + [s for s in self.saved if s not in ids]
        return 200, {}, b""

    def _saved(self, request: FakeRequest) -> Reply:
        items = [{"added_at": "2026-01-01T00:00:00Z", "track": self.track(t)} for t in self.saved_ids()]
        return 200, {}, _page(request, items, self.url)

    def _playlists(self, request: FakeRequest) -> Reply:
        return 200, {}, _page(request, [self._playlist_json(p) for p in self.playlists], self.url)

    def _playlist_tracks(self, request: FakeRequest) -> Reply:
        playlist_id = request.path.split("/")[3]
        playlist = next((p for p in self.playlists if p["id"] == playlist_id), None)
        if playlist is None or playlist.get("spotify_owned"):
            # Spotify's own playlists answer 404 to apps created after November 2024.
            return _error(404, "Resource not found")
        if playlist.get("owner", self.user_id) != self.user_id:
            # Someone else's playlist, to an app in development mode.
            return _error(403, "Forbidden")
        return (
            200,
            {},
            _page(
                request, [{"item": self.track(t), "track": self.track(t)} for t in playlist["tracks"]], self.url, 100
            ),
        )

    def _playlist_add(self, request: FakeRequest) -> Reply:
        """Add-items; someone else's playlist (an "owner" other than the user) answers 403."""
        playlist_id = request.path.split("/")[3]
        playlist = next((p for p in self.playlists if p["id"] == playlist_id), None)
        if playlist is None:
            return _error(404, "Resource not found")
        if playlist.get("owner", self.user_id) != self.user_id:
            return _error(403, "Forbidden")
        body = request.json()
        uris = body.get("uris", []) if isinstance(body, dict) else body
        playlist["tracks"].extend(str(u).rsplit(":", 1)[-1] for u in uris)
        return 201, {}, {"snapshot_id": f"snap{len(playlist['tracks'])}"}


def _png(width: int, height: int, rgb: bytes) -> bytes:
    """A solid-colour PNG, written by hand (signature, IHDR, IDAT, IEND)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + rgb * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
