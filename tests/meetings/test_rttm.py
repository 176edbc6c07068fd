import pytest

from sawt.speech.der import read_rttm
from tests.meetings.factories import JobFactory, MeetingFactory, SegmentFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def test_it_exports_the_diarization_turns_as_nist_rttm_with_labels_not_names(api, owner, tmp_path):
    meeting = MeetingFactory(owner=owner)
    SegmentFactory(meeting=meeting, speaker=SpeakerFactory(meeting=meeting, label="SPEAKER_00", display_name="Diane"))
    JobFactory(meeting=meeting, turns=[[3.5, 7.25, "SPEAKER_01"], [0.0, 3.5, "SPEAKER_00"], [7.25, 9.0, "SPEAKER_00"]])

    response = api.get(f"/api/v1/meetings/{meeting.pk}/export/", {"format": "rttm"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.rttm"'
    body = response.content.decode()
    assert body.splitlines() == [
        f"SPEAKER meeting-{meeting.pk} 1 0.000 3.500 <NA> <NA> SPEAKER_00 <NA> <NA>",
        f"SPEAKER meeting-{meeting.pk} 1 3.500 3.750 <NA> <NA> SPEAKER_01 <NA> <NA>",
        f"SPEAKER meeting-{meeting.pk} 1 7.250 1.750 <NA> <NA> SPEAKER_00 <NA> <NA>",
    ]
    assert "Diane" not in body
    (tmp_path / "m.rttm").write_text(body)  # what scoring tools read back
    assert read_rttm(tmp_path / "m.rttm") == [
        (0.0, 3.5, "SPEAKER_00"),
        (3.5, 7.25, "SPEAKER_01"),
        (7.25, 9.0, "SPEAKER_00"),
    ]


def test_a_meeting_not_yet_diarized_exports_an_empty_rttm(api, owner):
    meeting = MeetingFactory(owner=owner)
    response = api.get(f"/api/v1/meetings/{meeting.pk}/export/", {"format": "rttm"})
    assert (response.status_code, response.content) == (200, b"")


@pytest.mark.slow
def test_an_uploaded_call_exports_its_turns_and_every_word_sits_in_one_speakers_line(
    api, shared_data, django_capture_on_commit_callbacks
):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from meetings.models import ProcessingJob, Segment
    from sawt.speech.der import diarization_error_rate

    data = Path(shared_data)
    with django_capture_on_commit_callbacks(execute=True):
        body = api.post(
            "/api/v1/meetings/",
            {"file": SimpleUploadedFile("call.wav", (data / "pyannote_sample.wav").read_bytes()), "title": "Call"},
            format="multipart",
        ).json()
    job = ProcessingJob.objects.get(pk=body["job"]["id"])
    exported = api.get(f"/api/v1/meetings/{body['id']}/export/", {"format": "rttm"}).content.decode()
    lines = [line.split() for line in exported.splitlines()]
    assert {fields[7] for fields in lines} == {"SPEAKER_00", "SPEAKER_01"}
    served = [(float(f[3]), float(f[3]) + float(f[4]), f[7]) for f in lines]
    assert diarization_error_rate(read_rttm(data / "pyannote_sample.rttm"), served).der <= 0.20
    assert len(served) == len(job.turns)

    turns = [(float(a), float(b), str(c)) for a, b, c in job.turns]
    for segment in Segment.objects.filter(meeting_id=body["id"]).select_related("speaker"):
        for word in segment.words:  # every word's turn (the one it overlaps most) is its line's speaker's;
            overlap = {}  # a word said while two people speak at once is in either one's line
            for a, b, label in turns:
                overlap[label] = overlap.get(label, 0.0) + max(0.0, min(word["end"], b) - max(word["start"], a))
            if max(overlap.values()) > 0:
                assert overlap[segment.speaker.label] >= max(overlap.values()) - 1e-6
