"""The music assistant's panel on the home page (`sawt.core.home`)."""

from typing import Any

from music.models import LibraryTrack, MusicAccount, Platform
from sawt.core.home import counted, home_panel


@home_panel(title="Music assistant", url="/music/", blurb="“Play something on Spotify” by voice or text.")
def music_summary(user: Any) -> str:
    platforms = MusicAccount.objects.filter(owner=user).order_by("platform").values_list("platform", flat=True)
    if not platforms:
        return "No music account connected yet."
    names = " and ".join(Platform(p).label for p in platforms)
    return f"Connected to {names}; {counted(LibraryTrack.objects.filter(owner=user).count(), 'track')} in your library."
