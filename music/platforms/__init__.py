"""Platform adapters: one class per music service, the same small vocabulary for the action service."""

from dataclasses import asdict, dataclass
from typing import Any

from rapidfuzz import fuzz

from music.intents import normalize_query


@dataclass
class MediaItem:
    uri: str
    title: str
    media_type: str  # track | album | artist | playlist
    platform: str
    artist: str = ""
    album: str = ""
    external_url: str = ""
    playable: bool = True
    duration_ms: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "MediaItem":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def spoken(self) -> str:
        if self.media_type == "track" and self.artist:
            return f"{self.title} by {self.artist}"
        return self.title if self.media_type == "track" else f"the {self.media_type} {self.title}"


@dataclass
class Page:
    items: list[dict[str, Any]]
    next_cursor: Any = None


class PlatformError(Exception):
    """A refusal from the platform, already phrased for people; `status` is the reply's status."""

    http_status: int = 0  # the platform's HTTP status, where it matters to the caller (403 / 404)
    reason: str = ""  # Spotify's `reason`, if it gave one

    def __init__(self, status: str, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


class TokenExpired(Exception):
    """The platform answered 401: refresh the token and try once more."""


def rank(query: str, items: list[MediaItem], media_type: str | None) -> list[MediaItem]:
    """Best match first: the named media type, then how closely the name (and artist) matches the query."""
    wanted = normalize_query(query)

    def score(item: MediaItem) -> float:
        name = normalize_query(item.title)
        with_artist = normalize_query(f"{item.title} by {item.artist}") if item.artist else name
        closeness = max(
            fuzz.ratio(wanted, name), fuzz.ratio(wanted, with_artist), fuzz.token_set_ratio(wanted, name) - 5
        )
        if media_type is None and item.media_type == "track":
            closeness += 3  # an unnamed type most often means a song
        if media_type and item.media_type == media_type:
            closeness += 50
        return closeness + (0 if item.playable else -20)

    return sorted(items, key=score, reverse=True)
