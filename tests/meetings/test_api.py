import io
import wave

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from meetings.models import Meeting, ProcessingJob, Segment, Speaker
from tests.factories import UserFactory
from tests.meetings.factories import MeetingFactory, ParticipantFactory, SegmentFactory, SpeakerFactory, SummaryFactory

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _upload(api, name: str, content: bytes, **extra):
    return api.post("/api/v1/meetings/", {"file": SimpleUploadedFile(name, content), **extra}, format="multipart")


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("notes.wav", b"this is a text file, not audio at all" * 10, "not_audio"),
        ("corrupt.wav", b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(256)) * 4, None),
        ("empty.wav", b"", "empty_audio"),
    ],
)
def test_it_fails_the_job_not_the_request_on_bad_audio(api, django_capture_on_commit_callbacks, name, content, code):
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(api, name, content)
    assert response.status_code == 202
    meeting_id = response.json()["id"]
    detail = api.get(f"/api/v1/meetings/{meeting_id}/").json()
    assert detail["status"] == "failed"
    job = api.get(f"/api/v1/meetings/jobs/{response.json()['job']['id']}/").json()
    assert job["status"] == "failed" and job["error"]
    if code:
        assert job["error_code"] == code
    assert Meeting.objects.filter(pk=meeting_id).exists()


def test_it_fails_an_upload_over_the_meetings_size_limit(api, settings, django_capture_on_commit_callbacks):
    settings.MEETINGS_MAX_FILE_BYTES = 1000
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(16000)
        out.writeframes((np.sin(np.arange(16000) / 5) * 8000).astype(np.int16).tobytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(api, "tone.wav", buffer.getvalue(), title="Too big")
    job = ProcessingJob.objects.get(pk=response.json()["job"]["id"])
    assert (job.status, job.error_code) == ("failed", "too_large")
    assert Meeting.objects.get(pk=response.json()["id"]).title == "Too big"


def test_it_lists_and_searches_only_visible_meetings(api, owner, outsider, outsider_api):
    mine = SegmentFactory(meeting=MeetingFactory(owner=owner), text="The quarterly budget is approved").meeting
    SegmentFactory(meeting=MeetingFactory(owner=outsider), text="Their budget is secret")
    listed = api.get("/api/v1/meetings/", {"q": "budget"}).json()
    assert [m["id"] for m in listed["results"]] == [mine.pk]
    hits = api.get("/api/v1/meetings/search/", {"q": "quarterly budget"}).json()["results"]
    assert [h["meeting"] for h in hits] == [mine.pk]
    assert outsider_api.get("/api/v1/meetings/search/", {"q": "quarterly"}).json()["results"] == []
    assert mine.pk not in [m["id"] for m in outsider_api.get("/api/v1/meetings/").json()["results"]]


def test_it_lets_an_editor_fix_lines_and_rename_speakers(owner):
    meeting = MeetingFactory(owner=owner)
    speaker = SpeakerFactory(meeting=meeting, label="SPEAKER_00")
    other = SpeakerFactory(meeting=meeting, label="SPEAKER_01")
    segment = SegmentFactory(meeting=meeting, speaker=speaker, text="helo")
    editor = ParticipantFactory(meeting=meeting, role="editor").user
    client = _client(editor)
    assert (
        client.patch(
            f"/api/v1/meetings/segments/{segment.pk}/", {"text": "Hello", "speaker_id": other.pk}, format="json"
        ).status_code
        == 200
    )
    assert (
        client.patch(f"/api/v1/meetings/speakers/{other.pk}/", {"display_name": "Diane"}, format="json").status_code
        == 200
    )
    transcript = client.get(f"/api/v1/meetings/{meeting.pk}/transcript/").json()
    assert transcript["segments"][0]["text"] == "Hello"
    assert transcript["segments"][0]["speaker"] == "Diane"
    assert transcript["segments"][0]["edited"] is True


def test_it_refuses_edits_from_a_read_only_participant_with_403(owner):
    meeting = MeetingFactory(owner=owner)
    segment = SegmentFactory(meeting=meeting, text="original")
    viewer = ParticipantFactory(meeting=meeting, role="viewer").user
    client = _client(viewer)
    assert client.get(f"/api/v1/meetings/{meeting.pk}/transcript/").status_code == 200
    response = client.patch(f"/api/v1/meetings/segments/{segment.pk}/", {"text": "changed"}, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "read_only"
    assert (
        client.patch(
            f"/api/v1/meetings/speakers/{segment.speaker_id}/", {"display_name": "X"}, format="json"
        ).status_code
        == 403
    )
    assert client.patch(f"/api/v1/meetings/{meeting.pk}/", {"title": "X"}, format="json").status_code == 403
    assert client.delete(f"/api/v1/meetings/{meeting.pk}/").status_code == 403
    segment.refresh_from_db()
    assert segment.text == "original"


def test_it_merges_one_speaker_into_another(api, owner):
    meeting = MeetingFactory(owner=owner)
    a, b = SpeakerFactory(meeting=meeting), SpeakerFactory(meeting=meeting)
    SegmentFactory(meeting=meeting, speaker=a), SegmentFactory(meeting=meeting, speaker=b)
    assert api.post(f"/api/v1/meetings/speakers/{a.pk}/merge/", {"into": b.pk}, format="json").status_code == 200
    assert not Speaker.objects.filter(pk=a.pk).exists()
    assert set(Segment.objects.filter(meeting=meeting).values_list("speaker_id", flat=True)) == {b.pk}


def test_renaming_or_merging_a_speaker_renames_them_in_the_summary_too(api, owner):
    meeting = MeetingFactory(owner=owner)
    first = SpeakerFactory(meeting=meeting, label="SPEAKER_00")
    second = SpeakerFactory(meeting=meeting, label="SPEAKER_01")
    third = SpeakerFactory(meeting=meeting, label="SPEAKER_10")
    SummaryFactory(
        meeting=meeting,
        text="Speakers: Speaker 00 (50%), Speaker 01 (30%), Speaker 10 (20%).\n- Speaker 00: I will send it.",
        action_items=[{"text": "Speaker 00 will send the budget", "owner": "Speaker 00", "due": None}],
        decisions=["Speaker 01 approved it."],
    )

    api.patch(f"/api/v1/meetings/speakers/{first.pk}/", {"display_name": "Diane"}, format="json")
    api.post(f"/api/v1/meetings/speakers/{third.pk}/merge/", {"into": second.pk}, format="json")
    api.patch(f"/api/v1/meetings/speakers/{second.pk}/", {"display_name": "Sheila"}, format="json")

    summary = api.get(f"/api/v1/meetings/{meeting.pk}/summary/").json()
    assert summary["text"] == "Speakers: Diane (50%), Sheila (30%), Sheila (20%).\n- Diane: I will send it."
    assert summary["action_items"] == [{"text": "Diane will send the budget", "owner": "Diane", "due": None}]
    assert summary["decisions"] == ["Sheila approved it."]


def test_it_shares_a_meeting_and_hides_it_once_deleted(api, owner):
    meeting = MeetingFactory(owner=owner)
    friend = UserFactory(username="friend")
    assert (
        api.post(
            f"/api/v1/meetings/{meeting.pk}/participants/", {"username": "friend", "role": "viewer"}, format="json"
        ).status_code
        == 202
    )
    assert _client(friend).get(f"/api/v1/meetings/{meeting.pk}/").json()["role"] == "viewer"
    assert api.delete(f"/api/v1/meetings/{meeting.pk}/").status_code == 204
    assert _client(friend).get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    assert api.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404


def test_it_answers_sharing_with_an_unknown_username_as_with_a_known_one(api, owner):
    meeting = MeetingFactory(owner=owner)
    UserFactory(username="friend")
    url = f"/api/v1/meetings/{meeting.pk}/participants/"

    known = api.post(url, {"username": "friend", "role": "editor"}, format="json")
    unknown = api.post(url, {"username": "no-such-person", "role": "editor"}, format="json")

    assert known.status_code == unknown.status_code == 202
    assert known.json() == {
        "username": "friend",
        "role": "editor",
        "message": "If “friend” has an account, they can now open this meeting.",
    }
    assert unknown.json() == {
        "username": "no-such-person",
        "role": "editor",
        "message": "If “no-such-person” has an account, they can now open this meeting.",
    }
    assert [p["username"] for p in api.get(url).json()] == ["friend"]  # the owner's list: real people only


def test_it_exports_every_format_with_speaker_names(api, owner):
    meeting = MeetingFactory(owner=owner, title="Budget")
    SegmentFactory(
        meeting=meeting, speaker=SpeakerFactory(meeting=meeting, display_name="Diane"), text="Hello there.", start=0.0
    )
    SummaryFactory(meeting=meeting)
    bodies = {
        fmt: api.get(f"/api/v1/meetings/{meeting.pk}/export/", {"format": fmt})
        for fmt in ("txt", "srt", "vtt", "json", "md", "docx")
    }
    assert all(r.status_code == 200 for r in bodies.values())
    assert "Diane: Hello there." in bodies["txt"].content.decode()
    assert bodies["srt"].content.decode().startswith("1\n00:00:00,000 --> ")
    assert bodies["vtt"].content.decode().startswith("WEBVTT\n\n00:00:00.000 --> ")
    assert bodies["json"].json()["segments"][0]["speaker"] == "Diane"
    assert "**Diane**" in bodies["md"].content.decode()
    assert bodies["docx"].content[:2] == b"PK"
    assert api.get(f"/api/v1/meetings/{meeting.pk}/export/", {"format": "exe"}).status_code == 400
    for fmt, response in bodies.items():
        assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.{fmt}"'
        assert (response["X-Content-Type-Options"], response["Content-Security-Policy"]) == ("nosniff", "sandbox")


def test_it_serves_the_original_audio_to_the_owner_only(api, outsider_api, owner, django_capture_on_commit_callbacks):
    response = _upload(api, "notes.wav", b"not audio at all" * 4)
    meeting_id = response.json()["id"]
    assert b"".join(api.get(f"/api/v1/meetings/{meeting_id}/audio/").streaming_content) == b"not audio at all" * 4
    assert outsider_api.get(f"/api/v1/meetings/{meeting_id}/audio/").status_code == 404


def test_it_serves_an_uploaded_web_page_as_an_attachment_no_browser_renders(api, django_capture_on_commit_callbacks):
    """A "meeting" that is an HTML page, shared with a victim, must not run on Sawt's origin."""
    page = b"<html><body><script>fetch('/api/v1/auth/tokens')</script></body></html>"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/meetings/",
            {"file": SimpleUploadedFile("minutes.html", page, content_type="text/html")},
            format="multipart",
        )
    assert ProcessingJob.objects.get(pk=response.json()["job"]["id"]).error_code == "not_audio"

    audio = api.get(f"/api/v1/meetings/{response.json()['id']}/audio/")

    assert b"".join(audio.streaming_content) == page
    assert audio["Content-Type"] == "application/octet-stream"
    assert audio["Content-Disposition"] == "attachment; filename=\"minutes.html\""
    assert (audio["X-Content-Type-Options"], audio["Content-Security-Policy"]) == ("nosniff", "sandbox")


def test_it_serves_the_upload_with_the_type_its_decoding_found_whatever_its_name(
    api, django_capture_on_commit_callbacks
):
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(16000)
        out.writeframes((np.sin(np.arange(32000) / 5) * 8000).astype(np.int16).tobytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/meetings/",
            {"file": SimpleUploadedFile("minutes.html", buffer.getvalue(), content_type="text/html")},
            format="multipart",
        )
    meeting = Meeting.objects.get(pk=response.json()["id"])
    assert meeting.status == "completed"

    audio = api.get(f"/api/v1/meetings/{meeting.pk}/audio/")

    assert meeting.recording.content_type == audio["Content-Type"] == "audio/wav"
    assert audio["Content-Disposition"] == "attachment; filename=\"minutes.html\""
    assert (audio["X-Content-Type-Options"], audio["Content-Security-Policy"]) == ("nosniff", "sandbox")

