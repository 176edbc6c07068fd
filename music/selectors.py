import re
from typing import Any

from django.db.models import Q, QuerySet
from rapidfuzz import fuzz

from music.intents import normalize_query, normalize_text
from music.models import LibraryTrack, MusicAccount, PlayerState, Playlist, SyncRun, Turn
from music.platforms import MediaItem
from sawt.accounts.models import User

PLATFORM_NAMES = ("spotify", "soundcloud")


def account_get(*, owner: User, platform: str) -> MusicAccount | None:
    return MusicAccount.objects.filter(owner=owner, platform=platform).first()


def account_status(*, owner: User, platform: str) -> dict[str, Any]:
    account = account_get(owner=owner, platform=platform)
    last_run = SyncRun.objects.filter(owner=owner, account__platform=platform).first()
    return {
        "platform": platform,
        "connected": account is not None,
        "needs_reconnect": bool(account and account.needs_reconnect),
        "display_name": account.display_name if account else "",
        "preferred": bool(account and account.is_preferred),
        "connected_at": account.connected_at if account else None,
        "last_synced_at": account.last_synced_at if account else None,
        "tracks": LibraryTrack.objects.filter(owner=owner, platform=platform).count(),
        "playlists": Playlist.objects.filter(owner=owner, platform=platform).count(),
        "sync": {
            "status": last_run.status,
            "tracks_synced": last_run.tracks_synced,
            "playlists_synced": last_run.playlists_synced,
            "playlists_skipped": last_run.playlists_skipped,
        }
        if last_run
        else None,
    }


def platform_choose(*, owner: User, requested: str | None) -> str | None:
    """Explicit in the command, else the user's preferred account, else the one connected."""
    if requested:
        return requested
    accounts = list(MusicAccount.objects.filter(owner=owner).order_by("-is_preferred", "connected_at"))
    return accounts[0].platform if accounts else None


def library_search(
    *, owner: User, platform: str, query: str, media_type: str | None, limit: int = 5
) -> list[MediaItem]:
    """The user's synced library, searched before any platform API; close matches only.

    Candidates share at least one word with the query; the score compares spelling skeletons, so a
    transliterated title heard a little differently ("nuvu nenantu" for "Nuvvu Nenantu") still matches.
    """
    words = normalize_query(query).split()
    if not words:
        return []
    wanted = _skeleton(" ".join(words))
    any_word = Q()
    for word in [w for w in words if len(w) > 2][:4] or words[:4]:
        any_word |= Q(search_text__contains=word)
    found: list[tuple[float, MediaItem]] = []
    if media_type in (None, "track"):
        tracks = LibraryTrack.objects.filter(any_word, owner=owner, platform=platform)
        for t in tracks[:200]:
            score = max(
                fuzz.ratio(wanted, _skeleton(normalize_query(t.title))), fuzz.ratio(wanted, _skeleton(t.search_text))
            )
            found.append(
                (
                    score,
                    MediaItem(
                        uri=t.uri,
                        title=t.title,
                        media_type="track",
                        platform=platform,
                        artist=t.artist,
                        album=t.album,
                        duration_ms=t.duration_ms,
                    ),
                )
            )
    if media_type in (None, "playlist"):
        playlists = Playlist.objects.filter(any_word, owner=owner, platform=platform)
        for p in playlists[:50]:
            score = fuzz.ratio(wanted, _skeleton(p.search_text)) + (10 if media_type == "playlist" else 0)
            found.append((score, MediaItem(uri=p.uri, title=p.name, media_type="playlist", platform=platform)))
    found.sort(key=lambda pair: pair[0], reverse=True)
    return [item for score, item in found if score >= 80][:limit]


def _skeleton(text: str) -> str:
    """Doubled letters and long vowels folded: the spellings one transliterated name is heard in."""
    for long, short in (("ee", "i"), ("oo", "u"), ("w", "v")):
        text = text.replace(long, short)
    return re.sub(r"(.)\1+", r"\1", text)


def library_tracks(*, owner: User, search: str = "", platform: str = "") -> QuerySet[LibraryTrack]:
    tracks = LibraryTrack.objects.filter(owner=owner)
    if platform:
        tracks = tracks.filter(platform=platform)
    for word in normalize_text(search).split()[:6]:
        tracks = tracks.filter(Q(search_text__contains=word))
    return tracks.order_by("title", "pk")


def playlists_list(*, owner: User) -> QuerySet[Playlist]:
    return Playlist.objects.filter(owner=owner).order_by("name", "pk")


def turns_recent(*, owner: User, limit: int) -> list[Turn]:
    return list(Turn.objects.filter(owner=owner).order_by("-created_at", "-id")[:limit])


def player_state_get(*, owner: User) -> PlayerState | None:
    return PlayerState.objects.filter(owner=owner).first()


PROMPT_NAMES_CHARS = 400  # the library names given to Whisper as context (its prompt holds about 224 tokens)


def library_prompt_names(*, owner: User, limit_chars: int = PROMPT_NAMES_CHARS) -> list[str]:
    """Names from the user's synced library that recognition should know: playlists, the most-saved artists,
    the latest saved titles; as many as fit in `limit_chars` (library-biased recognition)."""
    from itertools import zip_longest

    from django.db.models import Count

    playlists = list(Playlist.objects.filter(owner=owner).order_by("-synced_at").values_list("name", flat=True)[:10])
    artists = list(
        LibraryTrack.objects.filter(owner=owner)
        .exclude(artist="")
        .values("artist")
        .annotate(n=Count("id"))
        .order_by("-n", "artist")
        .values_list("artist", flat=True)[:20]
    )
    titles = list(
        LibraryTrack.objects.filter(owner=owner, is_saved=True)
        .order_by("-added_at", "-synced_at")
        .values_list("title", flat=True)[:30]
    )
    names: list[str] = []
    used = 0
    for name in [n for group in zip_longest(playlists, artists, titles) for n in group if n]:
        if name in names or used + len(name) + 2 > limit_chars:
            continue
        names.append(name)
        used += len(name) + 2
    return names
