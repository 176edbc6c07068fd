"""The music assistant's panel on the home page (`sawt.core.home`)."""

from typing import Any

from music.models import LibraryTrack, MusicAccount, Platform, SyncRun
from sawt.core.home import Link, counted, home_panel, latest_items, needs_attention


@home_panel(title="Music assistant", url="/music/", blurb="“Play something on Spotify” by voice or text.")
def music_summary(user: Any) -> str:
    platforms = MusicAccount.objects.filter(owner=user).order_by("platform").values_list("platform", flat=True)
    if not platforms:
        return "No music account connected yet."
    names = " and ".join(Platform(p).label for p in platforms)
    return f"Connected to {names}; {counted(LibraryTrack.objects.filter(owner=user).count(), 'track')} in your library."


@latest_items("/music/")
def latest_tracks(user: Any) -> list[Link]:
    tracks = LibraryTrack.objects.filter(owner=user).order_by("-pk")[:3]
    return [Link(f"{t.title} — {t.artist}" if t.artist else t.title, "/music/") for t in tracks]


@needs_attention("/music/")
def failed_syncs(user: Any) -> list[Link]:
    failed = SyncRun.objects.filter(owner=user, status=SyncRun.Status.FAILED).count()
    return [Link(f"{counted(failed, 'library sync')} failed", "/music/")] if failed else []
