"""Over a real socket: daphne in a subprocess, audio played in real time like a microphone."""

import csv
import json
import os
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from sawt.speech.scoring import normalize_text
from sawt.testing.streamclient import play
from tests.chat.conftest import pcm16, silence

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


def dev_recording(name: str) -> tuple[np.ndarray, str]:
    """A real recording of `../shared/data/dev/` (read in place) and its reference text."""
    from django.conf import settings

    from sawt.speech import audio

    folder = Path(os.environ.get("SAWT_TEST_DATA") or settings.SAWT_TEST_DATA) / "dev"
    if not (folder / name).is_file():
        pytest.skip(f"real speech not found at {folder / name} (set SAWT_TEST_DATA)")
    with open(folder / "manifest.tsv", encoding="utf-8", newline="") as handle:
        rows = {row["file"]: row for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}
    return audio.decode_audio(folder / name), rows[name]["reference_text"]


@pytest.mark.parametrize("pause", [0.35, 0.55])
async def test_no_word_is_lost_when_the_speaker_pauses_briefly_before_a_last_clause(chat_server, pause):
    # One read sentence, a short pause, then one more clause (two real utterances of the shared data).
    sentence, sentence_text = dev_recording("nemo_LJ003-0182.wav")
    clause, clause_text = dev_recording("mfa_mfa_thoughts.flac")
    pcm = pcm16(np.concatenate([sentence, np.zeros(int(pause * 16000), np.float32), clause]))
    headers = {"Authorization": f"Bearer {chat_server.token}"}  # a token, no Origin header

    run = await play(f"{chat_server.ws_url}/ws/chat/", pcm + silence(1.5), headers=headers)

    assert run.done_at is not None and not run.errors
    said = set(normalize_text(run.text).split())
    missing = [w for w in normalize_text(f"{sentence_text} {clause_text}").split() if w not in said]
    assert not missing, f"lost {missing} from {[text for text, *_ in run.finals]}"
    # Every final arrived while the stream was still playing or right after it, not only at stop.
    assert run.finals[0][3] < run.sent_at[-1]


async def test_a_stream_over_the_cap_is_closed_1013_by_daphne_itself(tmp_path):
    # Daphne (autobahn) refuses application close codes below 3000 as it stands: the client would
    # see the connection drop (1006) instead of "try again later".
    import websockets

    from sawt.testing.liveserver import DaphneServer

    server = DaphneServer.on_sqlite(tmp_path)
    server.env["SAWT_CHAT_MAX_STREAMS_PER_USER"] = "1"
    token = (
        server.manage(
            "shell",
            "-c",
            "from sawt.accounts.models import User; from sawt.accounts.services import api_token_create; "
            "u = User.objects.create_user('busy', 'busy@example.com', 'correct horse battery staple'); "
            "print(api_token_create(user=u, name='live')[1])",
        )
        .strip()
        .splitlines()[-1]
    )
    headers = {"Authorization": f"Bearer {token}"}
    with server:
        async with websockets.connect(f"{server.ws_url}/ws/chat/", additional_headers=headers) as first:
            await first.send(json.dumps({"event": "start", "language": "en"}))
            assert json.loads(await first.recv())["type"] == "session"
            async with websockets.connect(f"{server.ws_url}/ws/chat/", additional_headers=headers) as second:
                refused = json.loads(await second.recv())
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    await second.recv()

    assert refused["code"] == "busy"
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013
