import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from sawt.speech import scoring, tts
from sawt.speech.audio import wav_bytes
from tests.speech.test_audio import three_hour_flac

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
SENTENCE = "The quick brown fox jumps over the lazy dog."


@pytest.fixture(scope="module")
def speech_wav() -> bytes:
    spoken = tts.synthesize(SENTENCE)
    return wav_bytes(spoken.samples, spoken.sample_rate)


def jfk_reference(shared_data: str) -> str:
    for line in (Path(shared_data) / "manifest.tsv").read_text().splitlines()[1:]:
        cols = line.split("\t")
        if cols[0] == "fw_jfk.flac":
            return cols[4]
    raise AssertionError("fw_jfk.flac not in manifest")


def test_the_openai_sdk_transcribes_through_sawt_with_a_sawt_token(live_server, owner, speech_wav):
    from openai import OpenAI

    from sawt.accounts.services import api_token_create

    _, key = api_token_create(user=owner, name="sdk")
    client = OpenAI(base_url=f"{live_server.url}/v1", api_key=key, max_retries=0)
    result = client.audio.transcriptions.create(model="whisper-1", file=("fox.wav", speech_wav))
    assert scoring.score(SENTENCE, result.text).wer <= 0.1

    srt = client.audio.transcriptions.create(model="whisper-1", file=("fox.wav", speech_wav), response_format="srt")
    assert srt.startswith("1\n00:00:00,") and "-->" in srt

    verbose = client.audio.transcriptions.create(
        model="whisper-1", file=("fox.wav", speech_wav), response_format="verbose_json",
        timestamp_granularities=["word", "segment"],
    )
    assert verbose.language == "en"
    assert [w.word for w in verbose.words][:2] == ["The", "quick"]
    assert verbose.segments[0].end > verbose.segments[0].start


def test_the_openai_sdk_is_refused_without_a_valid_token(live_server, speech_wav):
    from openai import AuthenticationError, OpenAI

    client = OpenAI(base_url=f"{live_server.url}/v1", api_key="sawt_wrong", max_retries=0)
    with pytest.raises(AuthenticationError):
        client.audio.transcriptions.create(model="whisper-1", file=("fox.wav", speech_wav))


def test_it_transcribes_the_jfk_recording(api, shared_data):
    with open(Path(shared_data) / "fw_jfk.flac", "rb") as handle:
        response = api.post("/v1/audio/transcriptions", {"file": handle, "response_format": "json"}, format="multipart")
    assert response.status_code == 200
    assert scoring.score(jfk_reference(shared_data), response.json()["text"]).wer <= 0.05


def test_it_answers_vtt_and_text(api, speech_wav):
    vtt = api.post("/v1/audio/transcriptions", {"file": io.BytesIO(speech_wav), "response_format": "vtt"}, format="multipart")
    assert vtt.status_code == 200 and vtt["Content-Type"].startswith("text/vtt")
    assert vtt.content.decode().startswith("WEBVTT")
    text = api.post("/v1/audio/transcriptions", {"file": io.BytesIO(speech_wav), "response_format": "text"}, format="multipart")
    assert "fox" in text.content.decode().lower()


@pytest.mark.parametrize(
    ("name", "payload", "status", "code"),
    [
        ("garbage.wav", b"\x13\x37" * 4000, 400, None),
        ("empty.wav", b"", 400, None),
        ("short.wav", wav_bytes([0.0] * 1600, 16000), 400, "too_short"),
        ("three-hours.flac", three_hour_flac(), 413, "too_long"),
    ],
)
def test_it_answers_bad_audio_with_a_clear_error(api, name, payload, status, code):
    response = api.post("/v1/audio/transcriptions", {"file": io.BytesIO(payload)}, format="multipart")
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["message"] and error["code"] != "server_error"
    if code:
        assert error["code"] == code


@override_settings(SAWT_MAX_UPLOAD_BYTES=10_000)
def test_it_answers_413_for_an_upload_over_the_size_limit(api, speech_wav):
    response = api.post("/v1/audio/transcriptions", {"file": io.BytesIO(speech_wav)}, format="multipart")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_it_refuses_an_unknown_response_format_and_language(api, speech_wav):
    response = api.post("/v1/audio/transcriptions", {"file": io.BytesIO(speech_wav), "response_format": "docx"}, format="multipart")
    assert response.status_code == 400 and "response_format" in response.json()["error"]["details"]["fields"]
    response = api.post("/v1/audio/transcriptions", {"file": io.BytesIO(speech_wav), "language": "klingon"}, format="multipart")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_language"


def test_the_transcribe_command_prints_the_jfk_sentence(shared_data):
    result = subprocess.run(
        [sys.executable, "manage.py", "transcribe", str(Path(shared_data) / "fw_jfk.flac")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "sawt.settings.test"},
    )
    assert result.returncode == 0, result.stderr
    assert scoring.score(jfk_reference(shared_data), result.stdout).wer <= 0.05


def test_the_transcribe_command_explains_a_bad_file(tmp_path):
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"not audio at all" * 100)
    result = subprocess.run(
        [sys.executable, "manage.py", "transcribe", str(bad)], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "sawt.settings.test"},
    )
    assert result.returncode != 0
    assert "CommandError" in result.stderr or "Error" in result.stderr


def test_the_openai_sdk_streams_a_transcription_from_sawt(live_server, owner, speech_wav):
    from openai import OpenAI

    from sawt.accounts.services import api_token_create

    _, key = api_token_create(user=owner, name="sdk")
    client = OpenAI(base_url=f"{live_server.url}/v1", api_key=key, max_retries=0)
    stream = client.audio.transcriptions.create(model="whisper-1", file=("fox.wav", speech_wav), stream=True)

    events = list(stream)

    assert [e.type for e in events][-1] == "transcript.text.done"
    deltas = [e.delta for e in events if e.type == "transcript.text.delta"]
    assert deltas and "".join(deltas).strip() == events[-1].text.strip()
    assert scoring.score(SENTENCE, events[-1].text).wer <= 0.1
