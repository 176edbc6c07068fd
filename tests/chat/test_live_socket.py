"""Over a real socket: daphne in a subprocess, audio played in real time like a microphone."""

import json
import urllib.request

import pytest

from sawt.speech.scoring import normalize_text
from sawt.testing.streamclient import play
from tests.chat.conftest import silence

pytestmark = pytest.mark.slow


def api_get(server, path):
    request = urllib.request.Request(server.url + path, headers={"Authorization": f"Bearer {server.token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


async def test_it_transcribes_speech_played_in_real_time_over_a_real_socket(chat_server, jfk_pcm):
    headers = {"Authorization": f"Bearer {chat_server.token}"}

    run = await play(f"{chat_server.ws_url}/ws/chat/", jfk_pcm + silence(1.5), headers=headers)

    assert run.done_at is not None and not run.errors
    said = set(normalize_text(run.text).split())
    assert {"fellow", "americans", "country", "ask"} <= said
    assert run.partials, "no partial text while speaking"
    # The final of each segment arrives before the stream ends, not only at stop.
    assert run.finals[0][3] < run.sent_at[-1]
    sessions = api_get(chat_server, "/api/v1/chat/sessions/")["results"]
    detail = api_get(chat_server, f"/api/v1/chat/sessions/{sessions[0]['id']}/")
    assert [m["text"] for m in detail["messages"]] == [text for text, *_ in run.finals]
    assert detail["ended_at"] is not None
