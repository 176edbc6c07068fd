"""MusicActionService: carries out one intent on the chosen platform and says honestly what happened."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from rapidfuzz import fuzz

from music.cache import cache_lookup, cache_store, count, user_scope
from music.dialog import DialogManager
from music.intents import Intent, normalize_text, search_fields
from music.models import MusicAccount, PlayerState
from music.oauth import AccountRevoked, account_fresh, account_refresh_token
from music.platforms import MediaItem, PlatformError, TokenExpired
from music.platforms.soundcloud import SoundCloudAdapter
from music.platforms.spotify import SpotifyAdapter
from music.selectors import account_get, library_search, platform_choose, player_state_get
from sawt.accounts.models import User

T = TypeVar("T")
Adapter = SpotifyAdapter | SoundCloudAdapter
NAMES = {"spotify": "Spotify", "soundcloud": "SoundCloud"}
CONTROL = {"PAUSE", "RESUME", "SKIP", "PREVIOUS", "VOLUME", "SHUFFLE", "REPEAT", "NOW_PLAYING", "LIKE", "QUEUE"}


@dataclass
class Outcome:
    status: str
    text: str
    parameters: dict[str, Any] = field(default_factory=dict)
    platform: str = ""


def adapter_for(account: MusicAccount) -> Adapter:
    if account.platform == "spotify":
        return SpotifyAdapter(account.access_token)
    return SoundCloudAdapter(account.access_token)


def with_account(account: MusicAccount, call: Callable[[Adapter], T]) -> T:
    """Runs `call` with a fresh token; a 401 refreshes the token and tries once more."""
    account = account_fresh(account=account)
    try:
        return call(adapter_for(account))
    except TokenExpired:
        account = account_refresh_token(account=account)
        return call(adapter_for(account))


class MusicActionService:
    def __init__(self, user: User, dialog: DialogManager) -> None:
        self.user = user
        self.dialog = dialog

    def execute(self, intent: Intent) -> Outcome:
        if intent.action == "CHAT":
            return Outcome("ok", chat_reply())
        params = intent.parameters
        requested = params.get("platform")
        note = ""
        if requested and requested not in NAMES:
            # Another service named ("on YouTube"): say where Sawt plays, and play there.
            note = f"I play music on Spotify or SoundCloud, not {str(requested).title()}. "
            requested = None
        if intent.action == "SWITCH_PLATFORM":
            return self._switch(requested)
        if not requested and intent.action in CONTROL:
            # "pause" after "play it on soundcloud" is about SoundCloud, whatever the preference says.
            requested = (self.dialog.last_item() or {}).get("platform")
        platform = platform_choose(owner=self.user, requested=requested)
        if platform is None:
            return Outcome("needs_account", "Connect Spotify or SoundCloud on the music page first.")
        account = account_get(owner=self.user, platform=platform)
        name = NAMES.get(platform, platform)
        if account is None:
            return Outcome(
                "needs_account",
                f"{name} isn't connected. Connect it on the music page, then ask again.",
                platform=platform,
            )
        handler = getattr(self, f"_{intent.action.lower()}")
        try:
            outcome: Outcome = handler(account, params)
        except AccountRevoked:
            return Outcome(
                "needs_account",
                f"{name} no longer accepts my access. Reconnect {name} on the music page.",
                platform=platform,
            )
        except PlatformError as exc:
            extra = {"retry_after": exc.retry_after} if exc.retry_after else {}
            return Outcome(exc.status, exc.message, extra, platform=platform)
        outcome.platform = platform
        outcome.text = note + outcome.text
        return outcome

    # --- finding things ----------------------------------------------------------------------------

    def find(
        self, account: MusicAccount, query: str, media_type: str | None, fields: dict[str, str] | None = None
    ) -> tuple[list[MediaItem], str]:
        """Tier 1 and 2 caches, then the user's library, then the platform API (written back). `fields`
        (music.intents.search_fields) narrow the API search and are part of the cache keys."""
        fields = fields or {}
        key = " ".join([query, *(f"{k} {v}" for k, v in sorted(fields.items()))])
        items, tier = cache_lookup(platform=account.platform, query=key, media_type=media_type, user_id=self.user.pk)
        if items is not None:
            return items, tier
        named = " ".join(fields[k] for k in ("title", "album", "artist") if k in fields) or query
        local = library_search(owner=self.user, platform=account.platform, query=named, media_type=media_type)
        count("library", "hit" if local else "miss")
        if local:
            cache_store(
                platform=account.platform,
                query=key,
                media_type=media_type,
                items=local,
                scope=user_scope(self.user.pk),
            )
            return local, "library"
        found = with_account(account, lambda a: a.search(query, media_type, fields=fields or None))
        count("api", "hit" if found else "miss")
        cache_store(platform=account.platform, query=key, media_type=media_type, items=found[:5])
        return found, "api"

    def _target(self, account: MusicAccount, params: dict[str, Any]) -> tuple[MediaItem | None, dict[str, Any]]:
        given = params.get("item")
        if given and given.get("platform") == account.platform:
            return MediaItem.from_dict(given), {"cache": "dialog"}
        query = params.get("query")
        if not query:
            return None, {}
        items, tier = self.find(account, query, params.get("media_type"), search_fields(params))
        extra: dict[str, Any] = {"cache": tier, "results": [i.as_dict() for i in items[:5]]}
        playable = [i for i in items if i.playable]
        if not items:
            return None, extra
        return (playable[0] if playable else items[0]), extra

    # --- actions -------------------------------------------------------------------------------------

    def _device_named(self, account: MusicAccount, params: dict[str, Any]) -> str | None:
        """ "play X on kitchen speaker": the Connect device named at the end, taken out of the query."""
        query = str(params.get("query") or "")
        if account.platform != "spotify" or " on " not in query:
            return None
        title, _, spoken = query.rpartition(" on ")
        devices = with_account(account, lambda a: a.devices())  # type: ignore[union-attr]
        names = {str(d.get("name", "")): normalize_text(str(d.get("name", ""))) for d in devices}
        for name, normalised in names.items():
            if normalised and fuzz.token_set_ratio(normalize_text(spoken), normalised) >= 85:
                params["query"] = title
                return name
        return None

    def _play(self, account: MusicAccount, params: dict[str, Any]) -> Outcome:
        device_name = self._device_named(account, params)
        item, extra = self._target(account, params)
        name = NAMES[account.platform]
        if item is None:
            if not params.get("query") and not params.get("reference"):
                # "put some music on": nothing named, so carry on with what was playing.
                return self._resume(account, params)
            if not params.get("query"):
                return Outcome("not_found", "Play what? Name a song, album, artist or playlist.")
            return Outcome("not_found", f"I couldn't find {params['query']} on {name}.", extra)
        extra["item"] = item.as_dict()
        if not item.playable:
            return Outcome("not_found", f"{item.spoken()} is on {name} but isn't available to you.", extra)
        if account.platform == "soundcloud":
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
        device = with_account(account, lambda a: a.play(item, device_name))  # type: ignore[union-attr]
        extra["device"] = device
        return self._played(account, item, device, extra)

    def _played(self, account: MusicAccount, item: MediaItem, device: str, extra: dict[str, Any]) -> Outcome:
        """After Spotify's 204, what the player really does (GET /me/player) is what the user is told."""
        state = with_account(account, lambda a: a.player())  # type: ignore[union-attr]
        playing = (state or {}).get("item") or {}
        ours = playing.get("uri") == item.uri or (state or {}).get("context_uri") == item.uri
        if state and state["is_playing"] and ours:
            return Outcome("ok", f"Playing {item.spoken()} on {state['device'] or device}.", extra)
        if state and state["is_playing"] and playing:
            now = MediaItem.from_dict(playing).spoken()
            extra["now_playing"] = playing
            return Outcome("error", f"Spotify took the request, but {device} is still playing {now}.", extra)
        return Outcome(
            "error",
            f"Spotify took the request, but nothing is playing on {device}. Open Spotify there and try again.",
            extra,
        )

    def _add_to_playlist(self, account: MusicAccount, params: dict[str, Any]) -> Outcome:
        from music.playlist_add import add_to_playlist

        return add_to_playlist(self, account, params)

    def _search(self, account: MusicAccount, params: dict[str, Any]) -> Outcome:
        if not params.get("query"):
            return Outcome("not_found", "Search for what?")
        items, tier = self.find(account, params["query"], params.get("media_type"))
        extra = {"cache": tier, "results": [i.as_dict() for i in items[:5]]}
        if not items:
            return Outcome("not_found", f"I couldn't find {params['query']} on {NAMES[account.platform]}.", extra)
        listing = "; ".join(f"{n}. {i.spoken()}" for n, i in enumerate(items[:5], 1))
        return Outcome("ok", f"I found {listing}. Say 'the first one' or 'the second one' to play it.", extra)

    def _queue(self, account: MusicAccount, params: dict[str, Any]) -> Outcome:
        if account.platform == "soundcloud":
            return Outcome("error", "SoundCloud's player has no queue I can add to. Ask me to play it instead.")
        item, extra = self._target(account, params)
        if item is None:
            return Outcome("not_found", "Queue what? Name a song.", extra)
        with_account(account, lambda a: a.queue(item))  # type: ignore[union-attr]
        return Outcome("ok", f"Added {item.spoken()} to the queue.", {**extra, "item": item.as_dict()})

    def _like(self, account: MusicAccount, params: dict[str, Any]) -> Outcome:
        item = MediaItem.from_dict(params["item"]) if params.get("item") else None
        if item is None and account.platform == "spotify":
            playing = with_account(account, lambda a: a.now_playing())  # type: ignore[union-attr]
            item = MediaItem.from_dict(playing["item"]) if playing else None
        if item is None and account.platform == "soundcloud":
            state = player_state_get(owner=self.user)
            if state and state.uri and state.state in {"playing", "paused"}:
                item = MediaItem(uri=state.uri, title=state.title, media_type="track", platform="soundcloud")
        if item is None or item.platform != account.platform:
            return Outcome("not_found", "Like what? Nothing is playing that I can see.")
        with_account(account, lambda a: a.like(item))
        return Outcome(
            "ok", f"Saved {item.spoken()} to your liked songs on {NAMES[account.platform]}.", {"item": item.as_dict()}
        )

    def _now_playing(self, account: MusicAccount, params: dict[str, Any]) -> Outcome:
        if account.platform == "soundcloud":
            state = player_state_get(owner=self.user)
            if state is None or state.platform != "soundcloud" or state.state in {"finished", "error", ""}:
                return Outcome("ok", "Nothing is playing in the SoundCloud player.")
            words = {"playing": "Playing", "paused": "Paused:", "loading": "Still loading, not playing yet:"}
            return Outcome(
                "ok",
                f"{words.get(state.state, state.state)} {state.title} in the SoundCloud player.",
                {"player_state": state.state},
            )
        playing = with_account(account, lambda a: a.now_playing())  # type: ignore[union-attr]
        if not playing:
            return Outcome("ok", "Nothing is playing on Spotify right now.")
        item = MediaItem.from_dict(playing["item"])
        verb = "Playing" if playing["is_playing"] else "Paused:"
        return Outcome("ok", f"{verb} {item.spoken()} on {playing['device'] or 'Spotify'}.", {"item": item.as_dict()})

    def _widget(self, command: str, done: str, extra: dict[str, Any] | None = None) -> Outcome:
        """SoundCloud controls go to the page's widget; only its report says whether they worked."""
        state = player_state_get(owner=self.user)
        if state is None or state.platform != "soundcloud" or state.state not in {"playing", "paused", "loading"}:
            return Outcome("no_device", "Nothing is loaded in the SoundCloud player on the music page.")
        return Outcome("ok", done, {"player": {"platform": "soundcloud", "command": command, **(extra or {})}})

    def _spotify_only(self, account: MusicAccount, what: str) -> Outcome | None:
        if account.platform == "soundcloud":
            return Outcome("error", f"The SoundCloud player plays one track at a time, so it can't {what}.")
        return None

    def _pause(self, account: MusicAccount, params: dict[str, Any]) -> Outcome:
        if account.platform == "soundcloud":
            return self._widget("pause", "Pausing the SoundCloud player.")
        with_account(account, lambda a: a.pause())  # type: ignore[union-attr]
        return Outcome("ok", "Paused.")

    def _resume(self, account: MusicAccount, params: dict[str, Any]) -> Outcome:
        if account.platform == "soundcloud":
            return self._widget("play", "Resuming the SoundCloud player.")
        with_account(account, lambda a: a.resume())  # type: ignore[union-attr]
        return Outcome("ok", "Resumed.")

    def _skip(self, account: MusicAccount, params: dict[str, Any]) -> Outcome:
        refused = self._spotify_only(account, "skip")
        if refused:
            return refused
        with_account(account, lambda a: a.skip())  # type: ignore[union-attr]
        return Outcome("ok", "Skipped to the next track.")

    def _previous(self, account: MusicAccount, params: dict[str, Any]) -> Outcome:
        refused = self._spotify_only(account, "go back")
        if refused:
            return refused
        with_account(account, lambda a: a.previous())  # type: ignore[union-attr]
        return Outcome("ok", "Back to the previous track.")

    def _volume(self, account: MusicAccount, params: dict[str, Any]) -> Outcome:
        level, delta = params.get("volume"), params.get("volume_delta")
        if account.platform == "soundcloud":
            state = player_state_get(owner=self.user)
            current = state.volume if state else 50
            target = max(0, min(100, level if level is not None else current + int(delta or 0)))
            return self._widget("volume", f"Setting the SoundCloud player to {target}%.", {"volume": target})
        target = with_account(account, lambda a: a.set_volume(level=level, delta=delta))  # type: ignore[union-attr]
        return Outcome("ok", f"Volume {target}%.", {"volume": target})

    def _shuffle(self, account: MusicAccount, params: dict[str, Any]) -> Outcome:
        refused = self._spotify_only(account, "shuffle")
        if refused:
            return refused
        on = params.get("state", "on") != "off"
        with_account(account, lambda a: a.shuffle(on))  # type: ignore[union-attr]
        return Outcome("ok", "Shuffle on." if on else "Shuffle off.")

    def _repeat(self, account: MusicAccount, params: dict[str, Any]) -> Outcome:
        refused = self._spotify_only(account, "repeat")
        if refused:
            return refused
        state = params.get("state") or "context"
        state = "context" if state == "on" else state
        with_account(account, lambda a: a.repeat(state))  # type: ignore[union-attr]
        words = {"track": "Repeating this track.", "context": "Repeat on.", "off": "Repeat off."}
        return Outcome("ok", words.get(state, "Repeat on."))

    def _switch(self, requested: str | None) -> Outcome:
        accounts = {a.platform: a for a in MusicAccount.objects.filter(owner=self.user)}
        if not requested:
            current = next((p for p, a in accounts.items() if a.is_preferred), None)
            others = [p for p in accounts if p != current]
            if not others:
                return Outcome("needs_account", "Only one platform is connected; connect another on the music page.")
            requested = others[0]
        if requested not in accounts:
            return Outcome(
                "needs_account",
                f"{NAMES.get(requested, requested)} isn't connected. Connect it on the music page first.",
                platform=requested,
            )
        MusicAccount.objects.filter(owner=self.user).update(is_preferred=False)
        MusicAccount.objects.filter(owner=self.user, platform=requested).update(is_preferred=True)
        return Outcome("ok", f"I'll use {NAMES[requested]} from now on.", {"platform": requested}, platform=requested)


def chat_reply() -> str:
    return (
        "I'm SAM, your music assistant. Try 'play Nuvvu Nenantu on Spotify', 'pause', 'next', "
        "'louder' or 'what's playing?'."
    )
