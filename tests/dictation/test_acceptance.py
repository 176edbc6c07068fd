"""Acceptance: the whole loop through real HTTP only, with the real voice and the real recogniser."""

import io
import time
import wave

import httpx
import pytest

from sawt.speech import asr, audio, scoring

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SENTENCE = "The weather is nice today, so we are going to the park."


@pytest.fixture
def http(live_server, owner):
    from sawt.accounts.services import api_token_create

    _, key = api_token_create(user=owner, name="acceptance")
    with httpx.Client(base_url=f"{live_server.url}/api/v1/dictation",
                      headers={"Authorization": f"Bearer {key}"}, timeout=60) as client:
        yield client


def test_an_item_becomes_audio_that_says_its_text_and_an_attempt_is_scored(http):
    created = http.post("/items", json={"text": SENTENCE, "locale": "en-US"})
    assert created.status_code == 202
    item_id = created.json()["id"]

    deadline = time.monotonic() + 60
    while (status := http.get(f"/items/{item_id}/tts-status").json())["status"] not in ("completed", "failed"):
        assert time.monotonic() < deadline, status
        time.sleep(0.2)
    assert status["status"] == "completed", status

    wav_bytes = http.get(f"/items/{item_id}/audio").content
    with wave.open(io.BytesIO(wav_bytes)) as wav:
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2 and wav.getnframes() > wav.getframerate()
    heard = asr.transcribe(audio.decode_audio(wav_bytes), language="en").text
    assert scoring.score(SENTENCE, heard).wer <= 0.10, heard

    typed = "The weather is nice today so we are going to the beach"
    attempt = http.post("/attempts", json={"item_id": item_id, "text": typed})
    assert attempt.status_code == 201
    result = attempt.json()
    assert result["wer"] == pytest.approx(1 / 12)
    assert [{k: w[k] for k in ("op", "expected", "typed", "kind")} for w in result["diff"] if w["kind"] != "ok"] == [
        {"op": "substitute", "expected": "park", "typed": "beach", "kind": "mistake"}
    ]

    stats = http.get(f"/stats/items/{item_id}").json()
    assert stats["attempts"] == 1 and stats["latest_wer"] == pytest.approx(1 / 12)
    summary = http.get("/stats/summary").json()
    assert summary["attempts"] == 1 and summary["items_practiced"] == 1
    assert sum(day["attempts"] for day in http.get("/stats/progress").json()["days"]) == 1
    assert http.get("/attempts", params={"item_id": item_id}).json()["results"][0]["id"] == result["id"]
