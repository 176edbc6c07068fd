"""An outsider cannot see or use another user's accounts, library or history."""

from music.models import MusicAccount, Turn
from tests.music.factories import LibraryTrackFactory, TurnFactory


def test_an_outsider_sees_their_own_status_never_the_owners(outsider_api, spotify, spotify_account):
    for platform in ("spotify", "soundcloud"):
        status = outsider_api.get(f"/api/v1/music/adapter/{platform}/status").json()
        assert status["connected"] is False and status["display_name"] == "" and status["tracks"] == 0
    assert all(not a["connected"] for a in outsider_api.get("/api/v1/music/accounts").json())


def test_an_outsider_cannot_disconnect_or_sync_the_owners_account(outsider_api, spotify, spotify_account):
    assert outsider_api.post("/api/v1/music/adapter/spotify/disconnect").status_code == 204
    assert MusicAccount.objects.filter(pk=spotify_account.pk).exists()
    assert outsider_api.post("/api/v1/music/adapter/spotify/sync").status_code == 404


def test_an_outsider_cannot_play_through_the_owners_account(outsider_api, spotify, spotify_account):
    reply = outsider_api.post(
        "/api/v1/music/chat/message", {"text": "play butta bomma on spotify"}, format="json"
    ).json()
    assert reply["status"] == "needs_account" and spotify.player["item"] is None


def test_an_outsider_sees_neither_the_owners_library_nor_history(api, outsider_api, owner):
    LibraryTrackFactory(owner=owner, title="Secret Song", search_text="secret song")
    TurnFactory(owner=owner, text="play my secret song")
    assert api.get("/api/v1/music/library/tracks?search=secret").json()["count"] == 1
    assert outsider_api.get("/api/v1/music/library/tracks?search=secret").json()["count"] == 0
    assert outsider_api.get("/api/v1/music/library/playlists").json()["count"] == 0
    assert outsider_api.get("/api/v1/music/history").json() == []
    assert outsider_api.delete("/api/v1/music/history").status_code == 204
    assert Turn.objects.filter(owner=owner).count() == 1


def test_an_outsider_cannot_fetch_the_owners_spoken_reply(api, outsider_api, owner):
    from tests.music.owned import _turn

    turn_id = _turn(owner)
    assert outsider_api.get(f"/api/v1/music/turns/{turn_id}/audio").status_code == 404
    # The owner can, and can seek in it.
    whole = api.get(f"/api/v1/music/turns/{turn_id}/audio")
    part = api.get(f"/api/v1/music/turns/{turn_id}/audio", HTTP_RANGE="bytes=4-7")
    assert whole.status_code == 200 and whole["Content-Type"] == "audio/wav" and whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Disposition"] == 'inline; filename="owned-reply.wav"'
    assert (whole["X-Content-Type-Options"], whole["Content-Security-Policy"]) == ("nosniff", "sandbox")
    assert part.status_code == 206 and part["Content-Range"] == "bytes 4-7/12"
    assert b"".join(part.streaming_content) == b"0000"


def test_a_stranger_must_sign_in(client, db):
    assert client.post("/api/v1/music/chat/message", {"text": "pause"}).status_code == 401
    assert client.get("/api/v1/music/adapter/spotify/login").status_code == 302  # to the login page
    assert client.get("/music/").status_code == 302


def test_an_outsider_never_gets_an_answer_cached_from_the_owners_library(api, outsider_api, outsider, owner,
                                                                          spotify, spotify_account):
    from tests.music.conftest import connect

    LibraryTrackFactory(owner=owner, uri="spotify:track:ownersprivatecopy00001", title="Butta Bomma",
                        artist="Armaan Malik", search_text="butta bomma armaan malik")
    connect(spotify, outsider, "spotify")
    mine = api.post("/api/v1/music/chat/message", {"text": "play butta bomma"}, format="json").json()
    theirs = outsider_api.post("/api/v1/music/chat/message", {"text": "play butta bomma"}, format="json").json()
    assert mine["parameters"]["item"]["uri"] == "spotify:track:ownersprivatecopy00001"
    assert theirs["parameters"]["cache"] == "api"
    assert theirs["parameters"]["item"]["uri"] == "spotify:track:2kD8nIA5WVcW4Q2EGs5tvN"
