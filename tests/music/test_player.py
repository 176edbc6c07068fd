"""The player card's API against the fake Spotify: the user's devices, what is playing now (title, artist,
artwork), moving playback to a picked device; SoundCloud says it has no remote player. Errors leave in the
error shape, in the same words the commands use."""

import httpx
import pytest

from music.models import MusicAccount, PlayerState
from tests.music.test_commands import say

PLAYER = "/api/v1/music/player"
DEVICE = "/api/v1/music/player/device"
KITCHEN = {
    "id": "dev-kitchen",
    "is_active": False,
    "is_private_session": False,
    "is_restricted": False,
    "name": "Kitchen speaker",
    "type": "Speaker",
    "volume_percent": 30,
    "supports_volume": True,
}


@pytest.fixture
def kitchen(spotify):  # type: ignore[no-untyped-def]
    spotify.devices.append(dict(KITCHEN))
    return spotify


def error_of(response) -> dict:  # type: ignore[no-untyped-def]
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    return body["error"]


def transfers(spotify) -> list[dict]:  # type: ignore[no-untyped-def]
    return [r.json() for r in spotify.server.requests if r.method == "PUT" and r.path == "/v1/me/player"]


def test_it_lists_the_devices_and_what_is_playing_with_its_artwork(api, kitchen, spotify_account):
    say(api, "play butta bomma")
    body = api.get(PLAYER).json()
    assert body["platform"] == "spotify" and body["remote_devices"] is True
    assert [(d["id"], d["name"], d["is_active"]) for d in body["devices"]] == [
        ("dev-phone", "Pixel phone", True),
        ("dev-kitchen", "Kitchen speaker", False),
    ]
    playing = body["now_playing"]
    assert (playing["title"], playing["artist"], playing["album"]) == (
        "Butta Bomma",
        "Armaan Malik",
        "Ala Vaikunthapurramuloo",
    )
    assert playing["is_playing"] and playing["device"] == "Pixel phone"
    assert playing["uri"] == "spotify:track:2kD8nIA5WVcW4Q2EGs5tvN" and playing["duration_ms"] == 215000
    # Of Spotify's 640, 300 and 64 px images, the smallest that stays sharp on the card.
    assert playing["artwork_url"].endswith("-300")
    artwork = httpx.get(playing["artwork_url"])
    assert artwork.headers["Content-Type"] == "image/png" and artwork.content.startswith(b"\x89PNG")
    assert body["message"] == "Playing Butta Bomma by Armaan Malik on Pixel phone."


def test_a_paused_track_is_said_paused(api, spotify, spotify_account):
    say(api, "play kesariya")
    say(api, "pause")
    body = api.get(PLAYER).json()
    assert body["now_playing"]["is_playing"] is False
    assert body["message"] == "Paused: Kesariya by Arijit Singh on Pixel phone."


def test_nothing_playing_is_said_so(api, spotify, spotify_account):
    body = api.get(PLAYER).json()  # the fake answers 204, as Spotify does with no playback
    assert body["now_playing"] is None and len(body["devices"]) == 1
    assert body["message"] == "Nothing is playing on Spotify right now."


def test_with_no_device_open_it_says_where_to_open_spotify(api, spotify, spotify_account):
    spotify.devices.clear()
    body = api.get(PLAYER).json()
    assert body["devices"] == [] and body["now_playing"] is None
    assert body["message"].startswith("No Spotify device is open. Open Spotify on a phone")


def test_it_moves_playback_to_the_picked_device_and_keeps_it_playing(api, kitchen, spotify_account):
    say(api, "play naatu naatu")
    response = api.put(DEVICE, {"device_id": "dev-kitchen"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["moved"] == "Playing on Kitchen speaker."
    assert body["message"] == "Playing Naatu Naatu by Rahul Sipligunj on Kitchen speaker."
    assert [d["name"] for d in body["devices"] if d["is_active"]] == ["Kitchen speaker"]
    assert body["now_playing"]["device"] == "Kitchen speaker" and body["now_playing"]["title"] == "Naatu Naatu"
    assert transfers(kitchen) == [{"device_ids": ["dev-kitchen"], "play": False}]
    assert kitchen.player["is_playing"]


def test_a_transfer_with_play_starts_paused_music_there(api, kitchen, spotify_account):
    say(api, "play naatu naatu")
    say(api, "pause")
    paused = api.put(DEVICE, {"device_id": "dev-kitchen"}, format="json").json()
    assert paused["moved"] == "Paused on Kitchen speaker." and not kitchen.player["is_playing"]
    body = api.put(DEVICE, {"device_id": "dev-phone", "play": True}, format="json").json()
    assert body["moved"] == "Playing on Pixel phone." and kitchen.player["is_playing"]
    assert transfers(kitchen)[-1] == {"device_ids": ["dev-phone"], "play": True}


def test_a_device_that_is_gone_is_a_404_in_the_error_shape(api, spotify, spotify_account):
    response = api.put(DEVICE, {"device_id": "dev-gone"}, format="json")
    assert response.status_code == 404
    error = error_of(response)
    assert error["code"] == "no_device" and "Open Spotify on it" in error["message"]
    assert transfers(spotify) == []


def test_a_device_that_takes_no_commands_is_refused_without_asking_spotify(api, kitchen, spotify_account):
    kitchen.devices[1]["is_restricted"] = True
    response = api.put(DEVICE, {"device_id": "dev-kitchen"}, format="json")
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "refused" and error["message"].startswith("Kitchen speaker doesn't accept remote")
    assert transfers(kitchen) == []


def test_a_device_that_spotify_drops_meanwhile_is_said_gone(api, kitchen, spotify_account):
    kitchen.server.add("PUT", "/v1/me/player", lambda request: (404, {}, {"error": {"status": 404}}))
    response = api.put(DEVICE, {"device_id": "dev-kitchen"}, format="json")
    assert response.status_code == 404 and error_of(response)["code"] == "no_device"


def test_a_free_account_cannot_move_playback(api, kitchen, spotify_account):
    kitchen.premium = False
    response = api.put(DEVICE, {"device_id": "dev-kitchen"}, format="json")
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "premium_required" and "Premium" in error["message"]
    assert kitchen.devices[0]["is_active"]  # nothing moved


def test_spotifys_429_is_passed_on_with_its_wait(api, spotify, spotify_account):
    spotify.retry_after = 7
    spotify.throttle["/v1/me/player"] = 1
    response = api.get(PLAYER)
    assert response.status_code == 429 and response["Retry-After"] == "7"
    error = error_of(response)
    assert error["code"] == "rate_limited" and error["details"] == {"retry_after": 7}
    assert "Try again in 7 seconds" in error["message"]


def test_an_expired_token_is_refreshed_on_the_way(api, spotify, spotify_account):
    spotify.expire_all()
    assert api.get(PLAYER).status_code == 200


def test_a_revoked_account_is_asked_to_reconnect(api, spotify, spotify_account):
    spotify.expire_all()
    spotify.revoked.add(spotify_account.refresh_token)
    response = api.get(PLAYER)
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "needs_account" and "Reconnect Spotify" in error["message"]
    assert MusicAccount.objects.get(pk=spotify_account.pk).needs_reconnect


def test_without_an_account_it_says_connect_first(api, spotify):
    for response in (api.get(PLAYER), api.put(DEVICE, {"device_id": "dev-phone"}, format="json")):
        assert response.status_code == 409
        error = error_of(response)
        assert error["code"] == "needs_account" and error["message"].startswith("Spotify or SoundCloud isn't")
    response = api.get(PLAYER, {"platform": "spotify"})
    assert error_of(response)["message"] == "Spotify isn't connected. Connect it on the music page first."
    assert api.get(PLAYER, {"platform": "youtube"}).status_code == 400
    assert transfers(spotify) == []


def test_soundcloud_says_it_has_no_remote_player(api, soundcloud, soundcloud_account):
    body = api.get(PLAYER, {"platform": "soundcloud"}).json()
    assert (body["remote_devices"], body["devices"], body["now_playing"]) == (False, [], None)
    assert body["message"].startswith("SoundCloud has no remote player, so there are no devices to pick")
    response = api.put(DEVICE, {"platform": "soundcloud", "device_id": "anything"}, format="json")
    assert response.status_code == 409 and error_of(response)["code"] == "no_remote_player"


def test_soundcloud_now_playing_is_the_widgets_own_report(api, owner, soundcloud, soundcloud_account):
    PlayerState.objects.create(
        owner=owner, platform="soundcloud", uri="soundcloud:tracks:1", title="Rain Loop by lofi kid", state="playing"
    )
    body = api.get(PLAYER).json()  # the only account connected
    playing = body["now_playing"]
    assert (playing["title"], playing["artist"], playing["is_playing"]) == ("Rain Loop", "lofi kid", True)
    assert body["message"] == "Playing Rain Loop by lofi kid on the music page."


def test_an_outsider_neither_sees_nor_moves_the_owners_player(api, outsider_api, kitchen, spotify_account):
    say(api, "play butta bomma")
    response = outsider_api.get(PLAYER)
    assert response.status_code == 409 and error_of(response)["code"] == "needs_account"
    response = outsider_api.put(DEVICE, {"device_id": "dev-kitchen"}, format="json")
    assert response.status_code == 409 and transfers(kitchen) == []
    assert kitchen.devices[0]["is_active"] and kitchen.player["is_playing"]
