"""ADD_TO_PLAYLIST: the named track, or the one playing, onto one of the user's own playlists. An unknown
playlist creates nothing; the answer names the closest ones."""

from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process

from music.intents import normalize_text
from music.models import MusicAccount
from music.platforms import MediaItem, Page

if TYPE_CHECKING:
    from music.actions import MusicActionService, Outcome

PLAYLIST_MATCH_SCORE = 90  # token-set similarity (0-100) at which a spoken name is taken as that playlist
PLAYLIST_PAGES = 4  # pages of 50 of the user's playlists read to find the one named
CLOSEST_SHOWN = 3


def _own_playlists(service: "MusicActionService", account: MusicAccount) -> list[dict[str, Any]]:
    from music.actions import with_account

    found: list[dict[str, Any]] = []
    cursor: Any = None  # the first page, whatever the platform's cursors are
    for _ in range(PLAYLIST_PAGES):
        page: Page = with_account(account, lambda a, c=cursor: a.playlists(c))  # type: ignore[misc]
        found.extend(page.items)
        cursor = page.next_cursor
        if not cursor:
            break
    return found


def playlist_match(wanted: str, playlists: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The playlist a spoken name means: the same words, else one close enough ("road trip" / "Road Trip!")."""
    said = normalize_text(wanted).removesuffix(" playlist")
    by_name = {normalize_text(str(p["name"])): p for p in playlists}
    if said in by_name:
        return by_name[said]
    best = process.extractOne(said, list(by_name), scorer=fuzz.token_set_ratio, score_cutoff=PLAYLIST_MATCH_SCORE)
    if best and fuzz.ratio(said, best[0]) >= PLAYLIST_MATCH_SCORE - 20:
        return by_name[best[0]]
    return None


def closest_playlists(wanted: str, playlists: list[dict[str, Any]]) -> list[str]:
    names = [str(p["name"]) for p in playlists]
    ranked = process.extract(normalize_text(wanted), names, scorer=fuzz.WRatio, processor=normalize_text, limit=3)
    return [name for name, _, _ in ranked[:CLOSEST_SHOWN]]


def _item_named(service: "MusicActionService", account: MusicAccount, params: dict[str, Any]) -> MediaItem | None:

    given = params.get("item")
    if given and given.get("platform") == account.platform and given.get("media_type") == "track":
        return MediaItem.from_dict(given)
    words = " ".join(str(params[k]) for k in ("title", "artist") if params.get(k)) or params.get("query")
    if words:
        items, _ = service.find(account, str(words), "track")
        playable = [i for i in items if i.media_type == "track"]
        return playable[0] if playable else None
    return service.player(account).current_item()


def add_to_playlist(service: "MusicActionService", account: MusicAccount, params: dict[str, Any]) -> "Outcome":
    from music.actions import NAMES, Outcome, with_account

    name = NAMES[account.platform]
    wanted = str(params.get("playlist") or "").strip()
    if not wanted:
        return Outcome("not_found", "Add it to which playlist? Name one of yours.")
    playlists = _own_playlists(service, account)
    chosen = playlist_match(wanted, playlists)
    if chosen is None:
        closest = closest_playlists(wanted, playlists)
        hint = f" The closest I have: {', '.join(closest)}." if closest else " You have no playlists there yet."
        return Outcome(
            "not_found",
            f"You have no playlist called {wanted} on {name}, and I didn't create one.{hint}",
            {"closest_playlists": closest},
        )
    item = _item_named(service, account, params)
    if item is None:
        what = params.get("title") or params.get("query")
        said = f"I couldn't find {what} on {name}." if what else "Add what? Nothing is playing that I can see."
        return Outcome("not_found", said)
    with_account(account, lambda a: a.playlist_add(str(chosen["external_id"]), item))
    return Outcome(
        "ok",
        f"Added {item.spoken()} to your playlist {chosen['name']} on {name}.",
        {"item": item.as_dict(), "added_to": {"name": chosen["name"], "uri": chosen["uri"]}},
    )
