"""Local fakes of the Spotify (accounts service + Web API) and SoundCloud (OAuth 2.1 + API) wire formats.

Used by the tests and by `manage.py bench music`; each is a `FakeServer` on 127.0.0.1 holding a small
catalogue, per-user libraries, devices and player state, with knobs for the failures users meet:
expired tokens (401), non-Premium (403 PREMIUM_REQUIRED), no device (404 NO_ACTIVE_DEVICE), 429.
"""

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sawt.core.fakeserver import FakeRequest, FakeServer, Reply

TRACKS = [
    ("5jbYbSzpBqxcqxHcbZS6ns", "Nuvvu Nenantu", "Sid Sriram", "Nuvvu Nenantu (Single)"),
    ("2kD8nIA5WVcW4Q2EGs5tvN", "Butta Bomma", "Armaan Malik", "Ala Vaikunthapurramuloo"),
    ("4uLU6hMCjMI75M1A2tKUQC", "Samajavaragamana", "Sid Sriram", "Ala Vaikunthapurramuloo"),
    ("1ZMiCix7XSAbfAJlEZWMCp", "Naatu Naatu", "Rahul Sipligunj", "RRR"),
    ("6habFhsOp2NvshLv26DqMb", "Kesariya", "Arijit Singh", "Brahmastra"),
    ("0nrRP2bk19rLc0orkWPQk2", "Tum Hi Ho", "Arijit Singh", "Aashiqui 2"),
    ("7qiZfU4dY1lWllzX7mPBI3", "Shape of You", "Ed Sheeran", "Divide"),
    ("0VjIjW4GlUZAMYd2vXMi3b", "Blinding Lights", "The Weeknd", "After Hours"),
    ("39LLxExYz6ewLAcYrzQQyP", "Levitating", "Dua Lipa", "Future Nostalgia"),
    ("3n3Ppam7vgaVa1iaRUc9Lp", "Region Locked Song", "Nobody", "Nowhere"),
]


def _bearer(request: FakeRequest, scheme: str = "Bearer") -> str:
    header = request.headers.get("Authorization", "")
    return header[len(scheme) + 1 :] if header.startswith(scheme + " ") else ""


def _error(status: int, message: str, reason: str = "") -> Reply:
    body: dict[str, Any] = {"status": status, "message": message}
    if reason:
        body["reason"] = reason
    return status, {}, {"error": body}


@dataclass
class FakeProvider:
    client_id: str = "client-id"
    client_secret: str = "client-secret"
    server: FakeServer = field(default_factory=FakeServer)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # access token -> user id
    expired: set[str] = field(default_factory=set)
    refresh_tokens: dict[str, str] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)
    # path prefix -> how many more requests answer 429
    throttle: dict[str, int] = field(default_factory=dict)
    retry_after: int = 1
    user_id: str = "fake-user"

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> "FakeProvider":
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def issue_tokens(self, user: str) -> dict[str, Any]:
        access, refresh = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        self.tokens[access] = user
        self.refresh_tokens[refresh] = user
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": refresh,
            "scope": "user-read-playback-state user-modify-playback-state user-library-read",
        }

    def expire_all(self) -> None:
        self.expired.update(self.tokens)

    def _authorize(self, request: FakeRequest) -> Reply:
        """Consent is given at once, as if the user pressed "Agree"."""
        query = {k: v[0] for k, v in request.query.items()}
        if query.get("client_id") != self.client_id:
            return 400, {}, "INVALID_CLIENT: Invalid client"
        code = secrets.token_urlsafe(12)
        self.codes[code] = query
        location = (
            query["redirect_uri"]
            + ("&" if "?" in query["redirect_uri"] else "?")
            + urlencode({"code": code, "state": query.get("state", "")})
        )
        return 302, {"Location": location}, b""

    def _client_ok(self, request: FakeRequest, form: dict[str, str]) -> bool:
        basic = request.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            pair = base64.b64decode(basic[6:]).decode()
            return pair == f"{self.client_id}:{self.client_secret}"
        return form.get("client_id") == self.client_id and form.get("client_secret") == self.client_secret

    def _token(self, request: FakeRequest) -> Reply:
        form = request.form()
        if not self._client_ok(request, form):
            return 400, {}, {"error": "invalid_client"}
        if form.get("grant_type") == "authorization_code":
            grant = self.codes.pop(form.get("code", ""), None)
            if grant is None or grant.get("redirect_uri") != form.get("redirect_uri"):
                return 400, {}, {"error": "invalid_grant", "error_description": "Invalid authorization code"}
            if not self.pkce_ok(grant, form):
                return 400, {}, {"error": "invalid_grant", "error_description": "code_verifier mismatch"}
            return 200, {}, self.issue_tokens(self.user_id)
        if form.get("grant_type") == "refresh_token":
            refresh = form.get("refresh_token", "")
            if refresh in self.revoked or refresh not in self.refresh_tokens:
                return 400, {}, {"error": "invalid_grant", "error_description": "Refresh token revoked"}
            issued = self.issue_tokens(self.refresh_tokens[refresh])
            issued["refresh_token"] = refresh
            return 200, {}, issued
        return 400, {}, {"error": "unsupported_grant_type"}

    def pkce_ok(self, grant: dict[str, str], form: dict[str, str]) -> bool:
        challenge = grant.get("code_challenge")
        if not challenge:
            return True
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=") == challenge

    def check(self, request: FakeRequest, scheme: str = "Bearer") -> Reply | None:
        """The common gate of every API call: throttling, then the token."""
        for prefix, remaining in self.throttle.items():
            if remaining > 0 and request.path.startswith(prefix):
                self.throttle[prefix] = remaining - 1
                return (
                    429,
                    {"Retry-After": str(self.retry_after)},
                    {"error": {"status": 429, "message": "API rate limit exceeded"}},
                )
        token = _bearer(request, scheme)
        if token not in self.tokens:
            return _error(401, "Invalid access token")
        if token in self.expired:
            return _error(401, "The access token expired")
        return None


def _page(request: FakeRequest, items: list[Any], base: str, default_limit: int = 20) -> dict[str, Any]:
    offset = int(request.query.get("offset", ["0"])[0])
    limit = int(request.query.get("limit", [str(default_limit)])[0])
    chunk = items[offset : offset + limit]
    has_next = offset + limit < len(items)
    return {
        "href": f"{base}{request.path}?offset={offset}&limit={limit}",
        "items": chunk,
        "limit": limit,
        "offset": offset,
        "total": len(items),
        "previous": None,
        "next": f"{base}{request.path}?offset={offset + limit}&limit={limit}" if has_next else None,
    }


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

    def track(self, track_id: str) -> dict[str, Any]:
        known = {t[0]: t for t in TRACKS}
        _, name, artist, album = known.get(track_id, (track_id, f"Extra Track {track_id[-4:]}", "Various", "Extras"))
        return {
            "id": track_id,
            "name": name,
            "uri": f"spotify:track:{track_id}",
            "type": "track",
            "artists": [{"id": f"a{hash(artist) % 10**6}", "name": artist, "uri": f"spotify:artist:{artist}"}],
            "album": {"id": f"al{hash(album) % 10**6}", "name": album, "uri": f"spotify:album:{hash(album) % 10**6}"},
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
        for method, path, handler in [
            ("GET", "/v1/me", self._me),
            ("GET", "/v1/search", self._search),
            ("GET", "/v1/me/player/devices", self._devices),
            ("PUT", "/v1/me/player/play", self._play),
            ("GET", "/v1/me/player/currently-playing", self._current),
            ("GET", "/v1/me/player", self._current),
            ("PUT", "/v1/me/player/*", self._command),
            ("POST", "/v1/me/player/*", self._command),
            ("PUT", "/v1/me/library", self._save),
            ("GET", "/v1/me/tracks", self._saved),
            ("GET", "/v1/me/playlists", self._playlists),
            ("GET", "/v1/playlists/*", self._playlist_tracks),
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
        words = [w for w in q.replace("-", " ").split() if ":" not in w]
        hits = [self.track(t[0]) for t in TRACKS if all(w in f"{t[1]} {t[2]} {t[3]}".lower() for w in words)]
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
        if device:
            for d in self.devices:
                d["is_active"] = d["id"] == device
        return None

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
        self.player["is_playing"] = True
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
        if playlist is None:
            return _error(404, "Resource not found")
        return (
            200,
            {},
            _page(
                request, [{"item": self.track(t), "track": self.track(t)} for t in playlist["tracks"]], self.url, 100
            ),
        )


@dataclass
class FakeSoundCloud(FakeProvider):
    blocked: set[int] = field(default_factory=lambda: {1010})
    liked: list[int] = field(default_factory=lambda: [1001, 1002, 1003])
    playlists: list[dict[str, Any]] = field(
        default_factory=lambda: [{"id": 5001, "title": "Tollywood Hits", "tracks": [1001, 1002]}]
    )

    def track(self, track_id: int) -> dict[str, Any]:
        index = (track_id - 1001) % len(TRACKS)
        _, name, artist, _ = TRACKS[index]
        slug = name.lower().replace(" ", "-")
        return {
            "kind": "track",
            "id": track_id,
            "urn": f"soundcloud:tracks:{track_id}",
            "title": name,
            "user": {"username": artist, "urn": f"soundcloud:users:{index}"},
            "duration": 215000,
            "permalink_url": f"https://soundcloud.com/{artist.lower().replace(' ', '-')}/{slug}",
            "streamable": track_id not in self.blocked,
            "access": "blocked" if track_id in self.blocked else "playable",
        }

    def start(self) -> "FakeSoundCloud":
        add = self.server.add
        add("GET", "/authorize", self._authorize)
        add("POST", "/oauth/token", self._token)
        for method, path, handler in [
            ("GET", "/me", self._me),
            ("GET", "/tracks", self._search),
            ("GET", "/me/likes/tracks", self._likes),
            ("GET", "/me/playlists", self._playlists),
            ("POST", "/likes/tracks/*", self._like),
            ("GET", "/playlists", self._search_playlists),
        ]:
            add(method, path, self._gated(handler))
        super().start()
        return self

    def _gated(self, handler: Any) -> Any:
        def gated(request: FakeRequest) -> Reply:
            return self.check(request, scheme="OAuth") or handler(request)

        return gated

    def _collection(self, request: FakeRequest, items: list[Any]) -> dict[str, Any]:
        offset = int(request.query.get("offset", ["0"])[0])
        limit = int(request.query.get("limit", ["50"])[0])
        has_next = offset + limit < len(items)
        return {
            "collection": items[offset : offset + limit],
            "next_href": f"{self.url}{request.path}?offset={offset + limit}&limit={limit}&linked_partitioning=true"
            if has_next
            else None,
        }

    def _me(self, request: FakeRequest) -> Reply:
        return (
            200,
            {},
            {"id": 424242, "urn": "soundcloud:users:424242", "username": "fakelistener", "full_name": "Fake Listener"},
        )

    def _search(self, request: FakeRequest) -> Reply:
        words = request.query.get("q", [""])[0].lower().replace("-", " ").split()
        ids = [1001 + i for i, t in enumerate(TRACKS) if all(w in f"{t[1]} {t[2]}".lower() for w in words)]
        return 200, {}, self._collection(request, [self.track(i) for i in ids])

    def _search_playlists(self, request: FakeRequest) -> Reply:
        words = request.query.get("q", [""])[0].lower().split()
        found = [self._playlist_json(p) for p in self.playlists if all(w in p["title"].lower() for w in words)]
        return 200, {}, self._collection(request, found)

    def _likes(self, request: FakeRequest) -> Reply:
        return 200, {}, self._collection(request, [self.track(i) for i in self.liked])

    def _playlist_json(self, playlist: dict[str, Any]) -> dict[str, Any]:
        return {
            "kind": "playlist",
            "id": playlist["id"],
            "urn": f"soundcloud:playlists:{playlist['id']}",
            "title": playlist["title"],
            "track_count": len(playlist["tracks"]),
            "tracks": [self.track(t) for t in playlist["tracks"]],
            "permalink_url": f"https://soundcloud.com/fakelistener/sets/{playlist['id']}",
        }

    def _playlists(self, request: FakeRequest) -> Reply:
        return 200, {}, self._collection(request, [self._playlist_json(p) for p in self.playlists])

    def _like(self, request: FakeRequest) -> Reply:
        track_id = int(request.path.rsplit("/", 1)[-1].rsplit(":", 1)[-1])
        if track_id not in self.liked:
            self.liked.insert(0, track_id)
        return 201, {}, {"status": "201 - Created"}
