"""The offline parser on the labelled set of 200 commands, and the LLM path with its fallback."""

import json
from pathlib import Path

import pytest

from music.grammar import parse_grammar, parse_offline
from music.intents import normalize_query

LABELLED = [
    line.rstrip("\n").split("\t")
    for line in (Path(__file__).parent / "commands.tsv").read_text().splitlines()
    if line and not line.startswith("#")
]


def test_the_labelled_set_has_200_commands_covering_every_action():
    from music.intents import ACTIONS

    assert len(LABELLED) == 200
    assert {action for _, action in LABELLED} == set(ACTIONS)


def test_it_understands_at_least_95_percent_of_the_labelled_commands_offline():
    misses = [(text, want, parse_offline(text).action) for text, want in LABELLED if parse_offline(text).action != want]
    assert len(misses) <= 10, misses


@pytest.mark.parametrize(
    ("text", "query", "media_type", "platform"),
    [
        ("play nuvvu nenantu on spotify", "nuvvu nenantu", None, "spotify"),
        ("play the album ala vaikunthapurramuloo", "ala vaikunthapurramuloo", "album", None),
        ("play songs by sid sriram", "sid sriram", "artist", None),
        ("play my road trip playlist", "road trip", "playlist", None),
        ("plya butta bomma on sound cloud", "butta bomma", None, "soundcloud"),
        ("Play Nuvvu Nenantu and Spotify.", "nuvvu nenantu", None, "spotify"),  # "on", as ASR heard it
    ],
)
def test_it_extracts_what_to_play_with_or_without_the_media_type(text, query, media_type, platform):
    intent = parse_grammar(text)
    assert intent is not None and intent.action == "PLAY"
    assert (intent.parameters.get("query"), intent.parameters.get("media_type"), intent.parameters.get("platform")) == (
        query,
        media_type,
        platform,
    )


def test_it_normalises_queries_so_spellings_of_one_title_share_a_cache_key():
    from music.cache import query_hash

    assert normalize_query("Play Nuvvu-Nenantu") == normalize_query("play nuvvu nenantu song") == "nuvvu nenantu"
    assert query_hash("Play Nuvvu-Nenantu") == query_hash("play nuvvu nenantu song", "track")
    assert query_hash("nuvvu nenantu") != query_hash("nuvvu nenantu", "album")


@pytest.fixture
def llm_server(settings):  # type: ignore[no-untyped-def]
    from sawt.speech import config as speech_config
    from sawt.testing.llm_server import FakeOpenAIServer

    answers: list = []
    server = FakeOpenAIServer(lambda body: answers.pop(0) if answers else "not json")
    server.start()
    before = speech_config.get_config()
    speech_config.configure(before.replace(llm_base_url=server.url, llm_model="fake"))
    settings.MUSIC_USE_LLM = True
    yield answers, server
    speech_config.configure(before)
    server.stop()


def test_it_uses_the_llm_answer_when_one_is_configured(api, llm_server, spotify, spotify_account):
    answers, server = llm_server
    answers.append(
        json.dumps(
            {
                "action": "PLAY",
                "parameters": {
                    "query": "butta bomma",
                    **dict.fromkeys(("title", "artist", "album", "playlist", "genre", "year")),
                    "media_type": None,
                    "platform": None,
                    "reference": None,
                    "index": None,
                    "volume": None,
                    "volume_delta": None,
                    "state": None,
                },
            }
        )
    )
    reply = api.post("/api/v1/music/chat/message", {"text": "i fancy that butta bomma tune"}, format="json").json()
    assert (reply["action"], reply["status"]) == ("PLAY", "ok")
    assert spotify.player["item"]["name"] == "Butta Bomma"
    sent = server.requests[0].json()
    assert sent["response_format"]["type"] == "json_schema"


def test_it_falls_back_to_the_offline_parser_when_the_llm_answers_nonsense(api, llm_server, spotify, spotify_account):
    answers, _ = llm_server
    answers.append(json.dumps({"action": "DANCE", "parameters": {}}))
    reply = api.post("/api/v1/music/chat/message", {"text": "play butta bomma"}, format="json").json()
    assert (reply["action"], reply["status"]) == ("PLAY", "ok")


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("set volume to thirty five", 35),
        ("volume to five", 5),
        ("set the volume to 40 percent", 40),
        ("volume max", 100),
    ],
)
def test_it_sets_the_volume_to_a_level_said_in_words_or_digits(text, level):
    intent = parse_grammar(text)
    assert intent is not None and intent.as_dict() == {"action": "VOLUME", "parameters": {"volume": level}}


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("turn off the music", "PAUSE"),  # the embedding fallback once read it as "turn up"
        ("switch it off", "PAUSE"),
        ("put it on shuffle", "SHUFFLE"),  # not a playlist called "shuffle"
        ("can you play it louder", "VOLUME"),
        ("play it softer", "VOLUME"),
        ("put it on", "PLAY"),
        ("put shape of you next", "QUEUE"),
        ("turn it up alexa", "VOLUME"),
        ("i can't hear it, increase the volume", "VOLUME"),
        ("mute the speakers for an hour", "VOLUME"),
        ("song title", "NOW_PLAYING"),
        ("tell me the name of the current song", "NOW_PLAYING"),
        ("give me some info on the song that's playing", "NOW_PLAYING"),
        ("what song is playing right now", "NOW_PLAYING"),
        ("pandora", "PLAY"),  # a service alone: play there (and hear that Sawt plays on Spotify or SoundCloud)
        ("resume born to run", "PLAY"),
        ("i want some music, how about playing my workout playlist", "PLAY"),
        ("shuffle my entire library", "SHUFFLE"),
        ("move to the next song in the list", "SKIP"),  # not a playlist called "the next song"
        ("save the current song to my favourites", "LIKE"),
        ("put that song in my favourite list", "LIKE"),
    ],
)
def test_everyday_commands_said_other_ways(text, action):
    assert parse_offline(text).action == action


def test_a_volume_step_said_in_percent_moves_the_volume_by_that_much():
    assert parse_offline("lower the volume by twenty percent").parameters == {"volume_delta": -20}
    assert parse_offline("increase thirty five percent").parameters == {"volume_delta": 35}
