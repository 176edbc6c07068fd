"""The fake SoundCloud OAuth 2.1 service and API."""

from dataclasses import dataclass, field
from typing import Any

from sawt.testing.fakeserver import FakeRequest, Reply
from sawt.testing.music_providers import TRACKS, FakeProvider


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
            ("GET", "/playlists/*", self._playlist),
            ("PUT", "/playlists/*", self._playlist_update),
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

    def _find_playlist(self, request: FakeRequest) -> dict[str, Any] | None:
        playlist_id = request.path.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
        return next((p for p in self.playlists if str(p["id"]) == playlist_id), None)

    def _playlist(self, request: FakeRequest) -> Reply:
        playlist = self._find_playlist(request)
        return (200, {}, self._playlist_json(playlist)) if playlist else (404, {}, {"error": "not found"})

    def _playlist_update(self, request: FakeRequest) -> Reply:
        """The playlist's track list replaced by the one sent (`{"playlist": {"tracks": [{"id": n}]}}`)."""
        playlist = self._find_playlist(request)
        if playlist is None:
            return 404, {}, {"error": "not found"}
        playlist["tracks"] = [int(t["id"]) for t in request.json()["playlist"]["tracks"]]
        return 200, {}, self._playlist_json(playlist)
