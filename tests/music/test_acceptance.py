"""The issue's acceptance path in one go, against the fake providers."""

import io
from urllib.parse import urlsplit

import pytest
import requests

from sawt.speech import tts

pytestmark = pytest.mark.slow


def connect(client, platform: str) -> None:  # type: ignore[no-untyped-def]
    start = client.get(f"/api/v1/music/adapter/{platform}/login")
    back = urlsplit(requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"])
    assert client.get(f"{back.path}?{back.query}")["Location"] == "/music/"


def test_connect_sync_speak_cache_and_follow_ups(client, owner, outsider_api, spotify, soundcloud,
                                                 django_capture_on_commit_callbacks):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        connect(client, "spotify")
        connect(client, "soundcloud")
    statuses = client.get("/api/v1/music/accounts").json()
    assert [(s["platform"], s["connected"], s["sync"]["status"]) for s in statuses] == [
        ("spotify", True, "done"), ("soundcloud", True, "done")]

    audio = io.BytesIO(tts.synthesize("play nuvvu nenantu on spotify").wav_bytes())
    audio.name = "command.wav"
    spoken = client.post("/api/v1/music/voice/process", {"audio": audio}).json()
    assert (spoken["action"], spoken["status"]) == ("PLAY", "ok"), spoken
    assert spoken["parameters"]["item"]["uri"] == "spotify:track:5jbYbSzpBqxcqxHcbZS6ns"
    assert spoken["parameters"]["cache"] == "library"  # the synced library answered before the API

    again = client.post("/api/v1/music/chat/message", {"text": "Play Nuvvu-Nenantu song"},
                        content_type="application/json").json()
    assert again["parameters"]["cache"] in {"redis", "table"}
    assert again["parameters"]["item"]["uri"] == "spotify:track:5jbYbSzpBqxcqxHcbZS6ns"

    def say(text: str) -> dict:  # type: ignore[type-arg]
        return client.post("/api/v1/music/chat/message", {"text": text}, content_type="application/json").json()

    assert (say("pause")["status"], spotify.player["is_playing"]) == ("ok", False)
    assert say("next")["status"] == "ok" and spotify.player["item"]["name"] == "Butta Bomma"
    moved = say("play it on soundcloud")
    assert (moved["status"], moved["parameters"]["platform"]) == ("ok", "soundcloud")
    assert moved["parameters"]["item"]["title"] == "Nuvvu Nenantu"

    # The owner's library answer is cached for the owner only.
    assert outsider_api.post("/api/v1/music/chat/message", {"text": "play nuvvu nenantu on spotify"},
                             format="json").json()["status"] == "needs_account"
    assert outsider_api.get("/api/v1/music/library/tracks").json()["count"] == 0
