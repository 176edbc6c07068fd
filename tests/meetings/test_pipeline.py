"""The acceptance run: a real two-speaker call uploaded over HTTP, processed end to end (eager Celery)."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from meetings.models import ProcessingJob, Segment
from sawt.speech.der import diarization_error_rate, read_rttm

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SRT_CUE = re.compile(r"^\d+\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n.+$", re.S)
VTT_TIME = re.compile(r"^\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}$")


def _stm_reference(path: Path) -> str:
    return " ".join(line.split(None, 5)[5] for line in path.read_text().splitlines() if line.strip())


def _validate_srt(text: str) -> int:
    blocks = [b for b in text.strip().split("\n\n") if b]
    for number, block in enumerate(blocks, start=1):
        assert SRT_CUE.match(block), block
        assert block.split("\n", 1)[0] == str(number)
    return len(blocks)


def _validate_vtt(text: str) -> int:
    assert text.startswith("WEBVTT\n\n")
    times = [line for line in text.splitlines() if "-->" in line]
    assert all(VTT_TIME.match(t) for t in times)
    return len(times)


def test_it_transcribes_diarizes_and_summarizes_an_uploaded_call(api, shared_data, django_capture_on_commit_callbacks):
    from sawt.speech.asr import transcribe
    from sawt.speech.audio import decode_audio
    from sawt.speech.scoring import score

    data = Path(shared_data)
    audio = (data / "pyannote_sample.wav").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/meetings/",
            {"file": SimpleUploadedFile("call.wav", audio, content_type="audio/wav"), "title": "Phone call"},
            format="multipart",
        )
    assert response.status_code == 202
    body = response.json()
    assert set(body) >= {"id", "status", "job"}
    meeting_id = body["id"]

    meeting = api.get(f"/api/v1/meetings/{meeting_id}/").json()
    job = ProcessingJob.objects.get(pk=body["job"]["id"])
    assert (meeting["status"], job.status, job.error) == ("completed", "completed", "")

    transcript = api.get(f"/api/v1/meetings/{meeting_id}/transcript/").json()
    assert len(transcript["speakers"]) == 2
    assert {s["speaker"] for s in transcript["segments"]} == {s["name"] for s in transcript["speakers"]}
    assert all({"start", "end", "text", "speaker", "words"} <= set(s) for s in transcript["segments"])

    # DER of the diarization turns stored on the job, against the RTTM (no collar, overlap scored).
    turns = [(float(a), float(b), str(c)) for a, b, c in job.turns]
    reference = read_rttm(data / "pyannote_sample.rttm")
    assert diarization_error_rate(reference, turns).der <= 0.20

    # WER of the meeting transcript within 0.5 points of raw faster-whisper on the same audio.
    stm = _stm_reference(data / "pyannote_sample.stm")
    ours = score(stm, " ".join(s["text"] for s in transcript["segments"])).wer
    raw = score(stm, transcribe(decode_audio(data / "pyannote_sample.wav"), word_timestamps=True).text).wer
    assert ours <= raw + 0.005

    summary = api.get(f"/api/v1/meetings/{meeting_id}/summary/").json()
    assert summary["text"]
    assert any(s["name"] in summary["text"] for s in transcript["speakers"])

    srt = api.get(f"/api/v1/meetings/{meeting_id}/export/", {"format": "srt"}).content.decode()
    vtt = api.get(f"/api/v1/meetings/{meeting_id}/export/", {"format": "vtt"}).content.decode()
    assert _validate_srt(srt) == _validate_vtt(vtt) == Segment.objects.filter(meeting_id=meeting_id).count()
