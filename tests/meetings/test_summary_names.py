import pytest

from meetings.models import Summary
from meetings.pipeline import meeting_summarize
from tests.meetings.factories import MeetingFactory, SegmentFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def test_a_summary_names_speakers_by_id_so_a_rename_never_rewrites_what_was_said(api, owner):
    meeting = MeetingFactory(owner=owner)
    first = SpeakerFactory(meeting=meeting, label="SPEAKER_00", display_name="Sheila")
    second = SpeakerFactory(meeting=meeting, label="SPEAKER_01")
    SegmentFactory(meeting=meeting, speaker=first, start=0.0, text="Sheila, I will send the report by Friday.")
    SegmentFactory(meeting=meeting, speaker=second, start=3.0, text="Thanks. We agreed to move the launch to May.")
    meeting_summarize(meeting_id=meeting.pk)
    stored = Summary.objects.get(meeting=meeting)
    assert "Sheila" not in stored.text.replace("Sheila, I will", "")  # the speaker is stored by id

    url = f"/api/v1/meetings/{meeting.pk}/summary/"
    before = api.get(url).json()
    assert before["action_items"][0]["owner"] == "Sheila"
    assert "Sheila (" in before["text"]

    api.patch(f"/api/v1/meetings/speakers/{first.pk}/", {"display_name": "Diane"}, format="json")
    after = api.get(url).json()
    assert after["action_items"][0]["owner"] == "Diane"
    assert "Diane (" in after["text"] and "Sheila (" not in after["text"]
    assert "Sheila, I will send the report by Friday." in after["action_items"][0]["text"]  # as said
    assert Summary.objects.get(meeting=meeting).text == stored.text

    api.post(f"/api/v1/meetings/speakers/{second.pk}/merge/", {"into": first.pk}, format="json")
    merged = api.get(url).json()
    assert merged["decisions"] == ["Diane: We agreed to move the launch to May."]
    md = api.get(f"/api/v1/meetings/{meeting.pk}/export/", {"format": "md"}).content.decode()
    assert "[[speaker:" not in md and "Diane" in md
