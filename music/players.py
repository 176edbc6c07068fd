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


@dataclass
class Device:
    """A place the platform can play on (a Spotify Connect device)."""

    id: str
    name: str
    type: str
    is_active: bool
    is_restricted: bool  # accepts no remote commands
    volume_percent: int | None


@dataclass
class Playback:
    """What is playing now, as the platform itself reports it."""

    title: str
    artist: str
    album: str
    artwork_url: str
    uri: str
    is_playing: bool
    device: str
    progress_ms: int
    duration_ms: int


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
    # False where the platform has no remote player (SoundCloud): no devices to pick or transfer to.
    remote_devices: bool

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
    def devices(self) -> list[Device]: ...
    def transfer(self, device_id: str, play: bool) -> Outcome: ...
    def playback(self) -> Playback | None: ...


class SpotifyPlayer:
    platform = "spotify"
    can_queue = True
    remote_devices = True

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

    def devices(self) -> list[Device]:
        return [
            Device(
                id=str(d["id"]),
                name=str(d.get("name") or "Unnamed device"),
                type=str(d.get("type") or ""),
                is_active=bool(d.get("is_active")),
                is_restricted=bool(d.get("is_restricted")),
                volume_percent=d.get("volume_percent"),
            )
            for d in self._do(lambda a: a.devices())
            if d.get("id")  # Spotify gives no id to a device it cannot address
        ]

    def transfer(self, device_id: str, play: bool) -> Outcome:
        """Moves playback to one of the user's devices, then says where Spotify really plays."""
        device = next((d for d in self.devices() if d.id == device_id), None)
        if device is None:
            return Outcome("no_device", "That device isn't in your Spotify devices any more. Open Spotify on it.")
        if device.is_restricted:
            return Outcome("error", f"{device.name} doesn't accept remote commands, so playback can't move there.")
        self._do(lambda a: a.transfer(device.id, play=play))
        state = self._do(lambda a: a.player())
        params = {"device": device.name, "device_id": device.id}
        if state and state["device_id"] == device.id:
            verb = "Playing" if state["is_playing"] else "Paused"
            return Outcome("ok", f"{verb} on {device.name}.", params)
        # Spotify answers 204 before the device takes over; the page's next refresh shows the outcome.
        return Outcome("ok", f"Asked Spotify to move playback to {device.name}; it hasn't switched yet.", params)

    def playback(self) -> Playback | None:
        state = self._do(lambda a: a.player())
        if not state or not state["item"]:
            return None
        item = MediaItem.from_dict(state["item"])
        return Playback(
            title=item.title,
            artist=item.artist,
            album=item.album,
            artwork_url=state["artwork_url"],
            uri=item.uri,
            is_playing=state["is_playing"],
            device=state["device"],
            progress_ms=state["progress_ms"],
            duration_ms=item.duration_ms,
        )


NO_REMOTE_PLAYER = (
    "SoundCloud has no remote player, so there are no devices to pick: it plays in the SoundCloud player "
    "on the music page."
)


class SoundCloudPlayer:
    """Commands go to the page's widget; only its report says whether they worked."""

    platform = "soundcloud"
    can_queue = False
    remote_devices = False

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

    def devices(self) -> list[Device]:
        return []  # the page's widget is the only player

    def transfer(self, device_id: str, play: bool) -> Outcome:
        return Outcome("no_device", NO_REMOTE_PLAYER)

    def playback(self) -> Playback | None:
        """The widget's own last report (loading is not playing yet); it knows the title, not the artwork."""
        state = player_state_get(owner=self.user)
        if state is None or state.platform != "soundcloud" or state.state not in {"playing", "paused"}:
            return None
        title, by, artist = state.title.rpartition(" by ")  # the page reports "Title by Artist"
        if not by:
            title, artist = state.title, ""
        return Playback(
            title=title,
            artist=artist,
            album="",
            artwork_url="",
            uri=state.uri,
            is_playing=state.state == "playing",
            device="the music page",
            progress_ms=0,
            duration_ms=0,
        )


PLAYERS: dict[str, type[SpotifyPlayer] | type[SoundCloudPlayer]] = {
    "spotify": SpotifyPlayer,
    "soundcloud": SoundCloudPlayer,
}


def player_for(user: User, account: MusicAccount) -> Player:
    return PLAYERS[account.platform](user, account)
