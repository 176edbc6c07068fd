"""ADD_TO_PLAYLIST end to end against the fake Spotify and SoundCloud, and fielded search."""

from music.models import SearchCache
from tests.music.test_commands import say

ROAD_TRIP = "1h0CEZCm6IbFTbxThn6Xcs"
TUM_HI_HO = "0nrRP2bk19rLc0orkWPQk2"


def _road_trip(spotify):  # type: ignore[no-untyped-def]
    return next(p for p in spotify.playlists if p["id"] == ROAD_TRIP)


def test_it_adds_the_named_track_to_a_spotify_playlist(api, spotify, spotify_account):
    reply = say(api, "add tum hi ho by arijit singh to my road trip playlist")
    assert (reply["action"], reply["status"]) == ("ADD_TO_PLAYLIST", "ok"), reply
    assert _road_trip(spotify)["tracks"][-1] == TUM_HI_HO
    assert reply["parameters"]["playlist"] == "road trip"
    assert "Tum Hi Ho" in reply["response_text"] and "Road Trip" in reply["response_text"]
    assert spotify.server.requests_to(f"/v1/playlists/{ROAD_TRIP}/items")


def test_it_adds_the_track_playing_when_told_to_add_it(api, spotify, spotify_account):
    say(api, "play butta bomma")
    reply = say(api, "add this song to road trip")
    assert (reply["action"], reply["status"]) == ("ADD_TO_PLAYLIST", "ok"), reply
    assert _road_trip(spotify)["tracks"][-1] == "2kD8nIA5WVcW4Q2EGs5tvN"


def test_an_unknown_playlist_creates_nothing_and_the_closest_are_named(api, spotify, spotify_account):
    before = [dict(p, tracks=list(p["tracks"])) for p in spotify.playlists]
    reply = say(api, "add kesariya to my road trips and telugu playlist")
    assert (reply["action"], reply["status"]) == ("ADD_TO_PLAYLIST", "not_found")
    assert spotify.playlists == before
    assert "didn't create" in reply["response_text"]
    assert set(reply["parameters"]["closest_playlists"]) == {"Road Trip", "Telugu Melodies"}
    assert "Road Trip" in reply["response_text"]


def test_someone_elses_playlist_refuses_and_is_said_so(api, spotify, spotify_account):
    spotify.playlists.append({"id": "friendsmix000000000001", "name": "Friends Mix", "owner": "someone", "tracks": []})
    reply = say(api, "add kesariya to friends mix")
    assert reply["status"] != "ok" and spotify.playlists[-1]["tracks"] == []


def test_it_updates_a_soundcloud_playlist(api, soundcloud, soundcloud_account):
    reply = say(api, "add naatu naatu to tollywood hits")
    assert (reply["action"], reply["status"]) == ("ADD_TO_PLAYLIST", "ok"), reply
    assert soundcloud.playlists[0]["tracks"] == [1001, 1002, 1004]


def test_title_and_artist_search_spotify_with_field_filters_and_key_the_cache(api, spotify, spotify_account):
    reply = say(api, "play tum hi ho by arijit singh")
    assert (reply["status"], reply["parameters"]["item"]["uri"]) == ("ok", f"spotify:track:{TUM_HI_HO}")
    queries = [r.query["q"][0] for r in spotify.server.requests_to("/v1/search")]
    assert 'track:"tum hi ho" artist:"arijit singh"' in queries
    # The cache row is keyed by the fields too: the same words by another artist are another search.
    assert SearchCache.objects.filter(normalized_query__contains="artist arijit singh").exists()
    other = say(api, "play tum hi ho by ed sheeran")
    assert other["parameters"].get("cache") == "api"
