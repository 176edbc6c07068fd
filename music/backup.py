"""Music's part of a user's export (`sawt.core.backup`): their synced library (tracks, playlists in order),
their conversation with the assistant and their player settings. Connected platform accounts are not
exported, tokens least of all: after a restore the user connects Spotify or SoundCloud again. Spoken
replies (audio made for one moment) and sync runs are left out too; caches rebuild themselves."""

from typing import Any

from music.models import LibraryTrack, PlayerState, Playlist, PlaylistTrack, Turn
from sawt.core.backup import ExportContext, ImportContext, build, register_section, row


def music_export(context: ExportContext) -> dict[str, Any]:
    user = context.user
    tracks = [{**row(t), "key": t.pk} for t in LibraryTrack.objects.filter(owner=user).order_by("pk")]
    playlists = [
        {**row(p), "tracks": [e.track_id for e in p.entries.order_by("position")]}
        for p in Playlist.objects.filter(owner=user).prefetch_related("entries").order_by("pk")
    ]
    turns = [row(t, exclude=("audio_path",)) for t in Turn.objects.filter(owner=user).order_by("created_at", "pk")]
    player = PlayerState.objects.filter(owner=user).first()
    context.counts.update(tracks=len(tracks), playlists=len(playlists), turns=len(turns))
    return {
        "tracks": tracks,
        "playlists": playlists,
        "turns": turns,
        "player": row(player, exclude=("updated_at",)) if player is not None else None,
    }


def music_restore(context: ImportContext, music: dict[str, Any]) -> None:
    """Merges into what the user already has: a track or playlist they hold (same platform and URI)
    stays as it is, and so does their player."""
    user = context.user
    context.counts.update(tracks=0, playlists=0, turns=0)
    tracks: dict[int, LibraryTrack] = {}
    for data in music["tracks"]:
        track = build(LibraryTrack, data, owner=user)
        existing = LibraryTrack.objects.filter(owner=user, platform=track.platform, uri=track.uri).first()
        if existing is None:
            track.save()
            context.counts["tracks"] += 1
        tracks[data["key"]] = existing or track
    for data in music["playlists"]:
        playlist = build(Playlist, data, owner=user)
        if Playlist.objects.filter(owner=user, platform=playlist.platform, uri=playlist.uri).exists():
            continue
        playlist.save()
        entries = [tracks[key] for key in data["tracks"] if key in tracks]
        PlaylistTrack.objects.bulk_create(
            PlaylistTrack(playlist=playlist, track=track, position=position) for position, track in enumerate(entries)
        )
        context.counts["playlists"] += 1
    for data in music["turns"]:
        turn = build(Turn, data, owner=user)
        said_at = turn.created_at
        turn.save()
        if said_at is not None:  # created_at is set on insert (auto_now_add); the history keeps its moments
            Turn.objects.filter(pk=turn.pk).update(created_at=said_at)
        context.counts["turns"] += 1
    if music.get("player") and not PlayerState.objects.filter(owner=user).exists():
        build(PlayerState, music["player"], owner=user).save()


register_section("music", export=music_export, restore=music_restore)
