"""Honest playback against the fake Spotify: the player is read after a play, a sleeping device is woken,
refusals are named."""

from tests.music.test_commands import say


def test_after_a_play_it_says_what_the_player_really_does(api, spotify, spotify_account):
    reply = say(api, "play butta bomma")
    assert (reply["status"], reply["response_text"]) == ("ok", "Playing Butta Bomma by Armaan Malik on Pixel phone.")
    assert spotify.server.requests_to("/v1/me/player")  # read back after the 204


def test_a_204_that_starts_nothing_is_not_called_playing(api, spotify, spotify_account):
    spotify.silent = True
    reply = say(api, "play butta bomma")
    assert reply["status"] == "error" and "Playing" not in reply["response_text"]
    assert "nothing is playing" in reply["response_text"]


def test_a_sleeping_device_is_woken_with_a_transfer(api, spotify, spotify_account):
    spotify.devices[0]["sleeping"] = True
    reply = say(api, "play kesariya")
    assert reply["status"] == "ok" and spotify.player["item"]["name"] == "Kesariya"
    transfers = [r for r in spotify.server.requests if r.method == "PUT" and r.path == "/v1/me/player"]
    assert transfers and transfers[0].json()["device_ids"] == ["dev-phone"]


def test_a_device_that_stays_asleep_is_said_so(api, spotify, spotify_account):
    spotify.devices[0]["sleeping"] = True
    spotify.devices.append({"id": "gone", "is_active": False, "is_restricted": False, "name": "Gone"})
    spotify.server.add("PUT", "/v1/me/player", lambda request: (404, {}, {"error": {"status": 404}}))
    reply = say(api, "play kesariya")
    assert reply["status"] == "no_device" and "Open Spotify" in reply["response_text"]


def test_a_refused_pause_and_volume_are_named(api, spotify, spotify_account):
    say(api, "play kesariya")
    spotify.refuse["pause"] = "UNKNOWN"
    reply = say(api, "pause")
    assert reply["status"] == "error" and reply["response_text"].startswith("Spotify refused to pause")
    spotify.devices[0]["supports_volume"] = False
    reply = say(api, "set volume to thirty five")
    assert reply["status"] == "error" and "refused to change the volume" in reply["response_text"]
