"""The `Player` protocol: what a platform's player does for each command, and says honestly. Spotify is
driven through Spotify Connect; SoundCloud has no remote player, so its commands go to the music page's
widget, whose own reports (PlayerState) say what really happened. The action service picks one with
`player_for` and never branches on the platform's name."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from music.models import MusicAccount, PlayerState
from music.oauth import account_fresh, account_refresh_token
from music.platforms import MediaItem, TokenExpired
from music.platforms.soundcloud import SoundCloudAdapter
from music.platforms.spotify import SpotifyAdapter
from music.selectors import player_state_get
from sawt.accounts.models import User

T = TypeVar("T")
Adapter = SpotifyAdapter | SoundCloudAdapter
NAMES = {"spotify": "Spotify", "soundcloud": "SoundCloud"}
ADAPTERS: dict[str, type[SpotifyAdapter] | type[SoundCloudAdapter]] = {
    "spotify": SpotifyAdapter,
    "soundcloud": SoundCloudAdapter,
}


@dataclass
class Outcome:
    status: str
    text: str
    parameters: dict[str, Any] = field(default_factory=dict)
    platform: str = ""


def adapter_for(account: MusicAccount) -> Adapter:
    return ADAPTERS[account.platform](account.access_token)


def with_account(account: MusicAccount, call: Callable[[Any], T]) -> T:
    """Runs `call` with a fresh token; a 401 refreshes the token and tries once more."""
    account = account_fresh(account=account)
    try:
        return call(adapter_for(account))
    except TokenExpired:
        account = account_refresh_token(account=account)
        return call(adapter_for(account))


class Player(Protocol):
    platform: str
    can_queue: bool

    def play(self, item: MediaItem, device_name: str | None, extra: dict[str, Any]) -> Outcome: ...
    def pause(self) -> Outcome: ...
    def resume(self) -> Outcome: ...
    def skip(self) -> Outcome: ...
    def previous(self) -> Outcome: ...
    def volume(self, level: int | None, delta: int | None) -> Outcome: ...
    def shuffle(self, on: bool) -> Outcome: ...
    def repeat(self, state: str) -> Outcome: ...
    def queue(self, item: MediaItem | None, extra: dict[str, Any]) -> Outcome: ...
    def now_playing(self) -> Outcome: ...
    def current_item(self) -> MediaItem | None: ...
    def devices(self) -> list[dict[str, Any]]: ...


class SpotifyPlayer:
    platform = "spotify"
    can_queue = True

    def __init__(self, user: User, account: MusicAccount) -> None:
        self.user, self.account = user, account

    def _do(self, call: Callable[[SpotifyAdapter], T]) -> T:
        return with_account(self.account, call)

    def play(self, item: MediaItem, device_name: str | None, extra: dict[str, Any]) -> Outcome:
        device = self._do(lambda a: a.play(item, device_name))
        extra["device"] = device
        # After Spotify's 204, what the player really does (GET /me/player) is what the user is told.
        state = self._do(lambda a: a.player())
        playing = (state or {}).get("item") or {}
        ours = playing.get("uri") == item.uri or (state or {}).get("context_uri") == item.uri
        if state and state["is_playing"] and ours:
            return Outcome("ok", f"Playing {item.spoken()} on {state['device'] or device}.", extra)
        if state and state["is_playing"] and playing:
            extra["now_playing"] = playing
            now = MediaItem.from_dict(playing).spoken()
            return Outcome("error", f"Spotify took the request, but {device} is still playing {now}.", extra)
        return Outcome(
            "error",
            f"Spotify took the request, but nothing is playing on {device}. Open Spotify there and try again.",
            extra,
        )

    def pause(self) -> Outcome:
        self._do(lambda a: a.pause())
        return Outcome("ok", "Paused.")

    def resume(self) -> Outcome:
        self._do(lambda a: a.resume())
        return Outcome("ok", "Resumed.")

    def skip(self) -> Outcome:
        self._do(lambda a: a.skip())
        return Outcome("ok", "Skipped to the next track.")

    def previous(self) -> Outcome:
        self._do(lambda a: a.previous())
        return Outcome("ok", "Back to the previous track.")

    def volume(self, level: int | None, delta: int | None) -> Outcome:
        target = self._do(lambda a: a.set_volume(level=level, delta=delta))
        return Outcome("ok", f"Volume {target}%.", {"volume": target})

    def shuffle(self, on: bool) -> Outcome:
        self._do(lambda a: a.shuffle(on))
        return Outcome("ok", "Shuffle on." if on else "Shuffle off.")

    def repeat(self, state: str) -> Outcome:
        self._do(lambda a: a.repeat(state))
        words = {"track": "Repeating this track.", "context": "Repeat on.", "off": "Repeat off."}
        return Outcome("ok", words.get(state, "Repeat on."))

    def queue(self, item: MediaItem | None, extra: dict[str, Any]) -> Outcome:
        if item is None:
            return Outcome("not_found", "Queue what? Name a song.", extra)
        self._do(lambda a: a.queue(item))
        return Outcome("ok", f"Added {item.spoken()} to the queue.", {**extra, "item": item.as_dict()})

    def now_playing(self) -> Outcome:
        playing = self._do(lambda a: a.now_playing())
        if not playing:
            return Outcome("ok", "Nothing is playing on Spotify right now.")
        item = MediaItem.from_dict(playing["item"])
        verb = "Playing" if playing["is_playing"] else "Paused:"
        return Outcome("ok", f"{verb} {item.spoken()} on {playing['device'] or 'Spotify'}.", {"item": item.as_dict()})

    def current_item(self) -> MediaItem | None:
        playing = self._do(lambda a: a.now_playing())
        return MediaItem.from_dict(playing["item"]) if playing else None

    def devices(self) -> list[dict[str, Any]]:
        return self._do(lambda a: a.devices())


class SoundCloudPlayer:
    """Commands go to the page's widget; only its report says whether they worked."""

    platform = "soundcloud"
    can_queue = False

    def __init__(self, user: User, account: MusicAccount) -> None:
        self.user, self.account = user, account

    def _widget(self, command: str, done: str, extra: dict[str, Any] | None = None) -> Outcome:
        state = player_state_get(owner=self.user)
        if state is None or state.platform != "soundcloud" or state.state not in {"playing", "paused", "loading"}:
            return Outcome("no_device", "Nothing is loaded in the SoundCloud player on the music page.")
        return Outcome("ok", done, {"player": {"platform": "soundcloud", "command": command, **(extra or {})}})

    def _cannot(self, what: str) -> Outcome:
        return Outcome("error", f"The SoundCloud player plays one track at a time, so it can't {what}.")

    def play(self, item: MediaItem, device_name: str | None, extra: dict[str, Any]) -> Outcome:
        PlayerState.objects.update_or_create(
            owner=self.user,
            defaults={"platform": "soundcloud", "uri": item.uri, "title": item.spoken(), "state": "loading"},
        )
        extra["player"] = {"platform": "soundcloud", "command": "load", "url": item.external_url, "uri": item.uri}
        return Outcome(
            "ok",
            f"Loading {item.spoken()} in the SoundCloud player on the music page. It will "
            "show when it is really playing.",
            extra,
        )

    def pause(self) -> Outcome:
        return self._widget("pause", "Pausing the SoundCloud player.")

    def resume(self) -> Outcome:
        return self._widget("play", "Resuming the SoundCloud player.")

    def skip(self) -> Outcome:
        return self._cannot("skip")

    def previous(self) -> Outcome:
        return self._cannot("go back")

    def volume(self, level: int | None, delta: int | None) -> Outcome:
        state = player_state_get(owner=self.user)
        current = state.volume if state else 50
        target = max(0, min(100, level if level is not None else current + int(delta or 0)))
        return self._widget("volume", f"Setting the SoundCloud player to {target}%.", {"volume": target})

    def shuffle(self, on: bool) -> Outcome:
        return self._cannot("shuffle")

    def repeat(self, state: str) -> Outcome:
        return self._cannot("repeat")

    def queue(self, item: MediaItem | None, extra: dict[str, Any]) -> Outcome:
        return Outcome("error", "SoundCloud's player has no queue I can add to. Ask me to play it instead.")

    def now_playing(self) -> Outcome:
        state = player_state_get(owner=self.user)
        if state is None or state.platform != "soundcloud" or state.state in {"finished", "error", ""}:
            return Outcome("ok", "Nothing is playing in the SoundCloud player.")
        words = {"playing": "Playing", "paused": "Paused:", "loading": "Still loading, not playing yet:"}
        return Outcome(
            "ok",
            f"{words.get(state.state, state.state)} {state.title} in the SoundCloud player.",
            {"player_state": state.state},
        )

    def current_item(self) -> MediaItem | None:
        state = player_state_get(owner=self.user)
        if state and state.platform == "soundcloud" and state.uri and state.state in {"playing", "paused"}:
            return MediaItem(uri=state.uri, title=state.title, media_type="track", platform="soundcloud")
        return None

    def devices(self) -> list[dict[str, Any]]:
        return []  # the page's widget is the only player


PLAYERS: dict[str, type[SpotifyPlayer] | type[SoundCloudPlayer]] = {
    "spotify": SpotifyPlayer,
    "soundcloud": SoundCloudPlayer,
}


def player_for(user: User, account: MusicAccount) -> Player:
    return PLAYERS[account.platform](user, account)
