"""MusicActionService: carries out one intent on the chosen platform and says honestly what happened."""

from collections.abc import Callable
from typing import Any

from rapidfuzz import fuzz

from music.cache import cache_lookup, cache_store, count, user_scope
from music.dialog import DialogManager
from music.intents import Intent, normalize_text, search_fields
from music.models import MusicAccount
from music.oauth import AccountRevoked
from music.platforms import MediaItem, PlatformError
from music.players import NAMES, Outcome, Player, adapter_for, player_for, with_account
from music.selectors import account_get, library_search, platform_choose
from sawt.accounts.models import User

CONTROL = {"PAUSE", "RESUME", "SKIP", "PREVIOUS", "VOLUME", "SHUFFLE", "REPEAT", "NOW_PLAYING", "LIKE", "QUEUE"}
__all__ = ["NAMES", "MusicActionService", "Outcome", "adapter_for", "chat_reply", "with_account"]


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
        handler = self._handlers()[intent.action]
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

    def _handlers(self) -> dict[str, Callable[[MusicAccount, dict[str, Any]], Outcome]]:
        return {
            "PLAY": self._play,
            "PAUSE": lambda account, params: self.player(account).pause(),
            "RESUME": lambda account, params: self.player(account).resume(),
            "SKIP": lambda account, params: self.player(account).skip(),
            "PREVIOUS": lambda account, params: self.player(account).previous(),
            "VOLUME": lambda account, params: self.player(account).volume(
                params.get("volume"), params.get("volume_delta")
            ),
            "SHUFFLE": lambda account, params: self.player(account).shuffle(params.get("state", "on") != "off"),
            "REPEAT": lambda account, params: self.player(account).repeat(
                "context" if params.get("state") in (None, "on") else str(params["state"])
            ),
            "QUEUE": self._queue,
            "NOW_PLAYING": lambda account, params: self.player(account).now_playing(),
            "SEARCH": self._search,
            "LIKE": self._like,
            "ADD_TO_PLAYLIST": self._add_to_playlist,
        }

    def player(self, account: MusicAccount) -> Player:
        return player_for(self.user, account)

    def _device_named(self, account: MusicAccount, params: dict[str, Any]) -> str | None:
        """ "play X on kitchen speaker": the Connect device named at the end, taken out of the query."""
        query = str(params.get("query") or "")
        if " on " not in query:
            return None
        devices = self.player(account).devices()
        title, _, spoken = query.rpartition(" on ")
        names = {d.name: normalize_text(d.name) for d in devices}
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
                return self.player(account).resume()
            if not params.get("query"):
                return Outcome("not_found", "Play what? Name a song, album, artist or playlist.")
            return Outcome("not_found", f"I couldn't find {params['query']} on {name}.", extra)
        extra["item"] = item.as_dict()
        if not item.playable:
            return Outcome("not_found", f"{item.spoken()} is on {name} but isn't available to you.", extra)
        return self.player(account).play(item, device_name, extra)

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
        player = self.player(account)
        if not player.can_queue:
            return player.queue(None, {})
        item, extra = self._target(account, params)
        if item is None:
            return Outcome("not_found", "Queue what? Name a song.", extra)
        return player.queue(item, extra)

    def _like(self, account: MusicAccount, params: dict[str, Any]) -> Outcome:
        item = MediaItem.from_dict(params["item"]) if params.get("item") else None
        item = item or self.player(account).current_item()
        if item is None or item.platform != account.platform:
            return Outcome("not_found", "Like what? Nothing is playing that I can see.")
        with_account(account, lambda a: a.like(item))
        return Outcome(
            "ok", f"Saved {item.spoken()} to your liked songs on {NAMES[account.platform]}.", {"item": item.as_dict()}
        )

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
