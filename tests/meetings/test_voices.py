"""A voice named in one meeting is recognised in the owner's next meeting (stored voice embeddings),
one name per voice, and never from another person's meetings."""

import io
from pathlib import Path

import pytest
import soundfile
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _upload(client, content: bytes, capture) -> int:
    with capture(execute=True):
        response = client.post(
            "/api/v1/meetings/", {"file": SimpleUploadedFile("call.wav", content)}, format="multipart"
        )
    assert response.status_code == 202
    return response.json()["id"]


def _who_at(transcript: dict, time: float) -> str | None:
    for segment in transcript["segments"]:
        if segment["start"] <= time <= segment["end"]:
            return segment["speaker"]
    return None


def test_it_names_known_voices_in_the_owners_next_meeting_only(
    api, outsider_api, shared_data, django_capture_on_commit_callbacks
):
    from sawt.speech.audio import decode_audio

    samples = decode_audio(Path(shared_data) / "pyannote_sample.wav")
    first = _upload(api, (Path(shared_data) / "pyannote_sample.wav").read_bytes(), django_capture_on_commit_callbacks)
    speakers = api.get(f"/api/v1/meetings/{first}/transcript/").json()["speakers"]
    assert len(speakers) == 2
    names = dict(zip(sorted(s["label"] for s in speakers), ["Alice", "Bob"], strict=True))
    for speaker in speakers:
        renamed = api.patch(
            f"/api/v1/meetings/speakers/{speaker['id']}/", {"display_name": names[speaker["label"]]}, format="json"
        )
        assert renamed.status_code == 200
    named = api.get(f"/api/v1/meetings/{first}/transcript/").json()

    # The next meeting: the same two people, a different recording (the call from 8 s on).
    skip = 8.0
    buffer = io.BytesIO()
    soundfile.write(buffer, samples[int(skip * 16000) :], 16000, format="WAV", subtype="PCM_16")
    second = _upload(api, buffer.getvalue(), django_capture_on_commit_callbacks)
    transcript = api.get(f"/api/v1/meetings/{second}/transcript/").json()
    assert sorted(s["name"] for s in transcript["speakers"]) == ["Alice", "Bob"]
    # Each name follows its voice: whoever speaks at a moment of the call has the same name in both.
    moments = [(s["start"] + s["end"]) / 2 for s in transcript["segments"]]
    agree = [_who_at(transcript, t) == _who_at(named, t + skip) for t in moments]
    assert sum(agree) >= 0.8 * len(agree)

    # Another person's meeting of the same call learns no names from this owner's meetings.
    theirs = _upload(outsider_api, buffer.getvalue(), django_capture_on_commit_callbacks)
    strangers = outsider_api.get(f"/api/v1/meetings/{theirs}/transcript/").json()["speakers"]
    assert len(strangers) == 2
    assert not {"Alice", "Bob"} & {s["name"] for s in strangers}
