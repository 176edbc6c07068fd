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
