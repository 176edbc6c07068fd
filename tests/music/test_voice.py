"""Voice commands: audio made with the engine's TTS, through ASR with the transliteration prompt."""

import io

import pytest

from sawt.speech import tts

pytestmark = pytest.mark.slow


def spoken(text: str) -> io.BytesIO:
    audio = io.BytesIO(tts.synthesize(text).wav_bytes())
    audio.name = "command.wav"
    return audio


def test_it_plays_the_right_track_from_a_spoken_command_and_speaks_the_reply(api, spotify, spotify_account):
    response = api.post(
        "/api/v1/music/voice/process", {"audio": spoken("play nuvvu nenantu on spotify")}, format="multipart"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert "nuvvu nenantu" in body["transcript"].lower()
    assert (body["action"], body["status"]) == ("PLAY", "ok")
    assert body["parameters"]["item"]["uri"] == "spotify:track:5jbYbSzpBqxcqxHcbZS6ns"
    audio = api.get(body["response_audio_url"])
    assert audio.status_code == 200 and audio["Content-Type"] == "audio/wav"
    assert b"".join(audio.streaming_content)[:4] == b"RIFF"


def test_it_rejects_audio_it_cannot_decode_with_a_clear_error(api, db):
    junk = io.BytesIO(b"this is not audio at all" * 20)
    junk.name = "command.webm"
    response = api.post("/api/v1/music/voice/process", {"audio": junk}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["code"].startswith("audio_")


def test_it_says_it_did_not_catch_silence(api, db):
    from sawt.speech.audio import wav_bytes

    silence = io.BytesIO(wav_bytes([0.0] * 16000, 16000))
    silence.name = "silence.wav"
    body = api.post("/api/v1/music/voice/process", {"audio": silence}, format="multipart").json()
    assert (body["transcript"], body["action"], body["status"]) == ("", "CHAT", "error")
    assert "didn't catch" in body["response_text"]
