"""The meeting page's fixes through the API: split a line, move a line or some of its words to another
speaker, edit a line's text, undo a delete, sort the list, search over two lines, transcription progress."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from meetings.models import Meeting, ProcessingJob, Segment
from tests.meetings.factories import JobFactory, MeetingFactory, ParticipantFactory, SegmentFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def _words(*spoken: tuple[str, float, float]) -> list[dict]:
    return [
        {"start": start, "end": end, "word": (" " if i else "") + word, "probability": 0.9}
        for i, (word, start, end) in enumerate(spoken)
    ]


@pytest.fixture
def line(owner):
    meeting = MeetingFactory(owner=owner)
    words = _words(("We", 1.0, 1.2), ("ship", 1.3, 1.6), ("today.", 1.7, 2.0), ("Agreed.", 2.4, 2.9))
    return SegmentFactory(
        meeting=meeting, start=1.0, end=3.0, text="We ship today. Agreed.", words=words, speaker__label="SPEAKER_00"
    )


def test_it_splits_a_line_between_two_words(api, line):
    response = api.post(f"/api/v1/meetings/segments/{line.pk}/split/", {"word": 3}, format="json")

    assert response.status_code == 201
    first, second = response.json()["segments"]
    assert (first["id"], first["text"], first["start"], first["end"]) == (line.pk, "We ship today.", 1.0, 2.0)
    assert (second["text"], second["start"], second["end"], second["speaker_id"]) == (
        "Agreed.",
        2.4,
        3.0,
        line.speaker_id,
    )
    assert [w["word"] for w in second["words"]] == ["Agreed."]
    transcript = api.get(f"/api/v1/meetings/{line.meeting_id}/transcript/").json()
    assert [s["text"] for s in transcript["segments"]] == ["We ship today.", "Agreed."]


@pytest.mark.parametrize("word", [0, 4, 9])
def test_it_refuses_to_split_a_line_outside_its_words(api, line, word):
    response = api.post(f"/api/v1/meetings/segments/{line.pk}/split/", {"word": word}, format="json")

    assert response.status_code == 400 and set(response.json()["error"]) == {"code", "message", "details"}
    assert Segment.objects.filter(meeting_id=line.meeting_id).count() == 1


def test_it_moves_a_whole_line_to_another_speaker(api, line):
    other = SpeakerFactory(meeting=line.meeting, label="SPEAKER_01")

    response = api.post(f"/api/v1/meetings/segments/{line.pk}/move/", {"speaker_id": other.pk}, format="json")

    assert response.status_code == 200
    assert [(s["id"], s["speaker_id"]) for s in response.json()["segments"]] == [(line.pk, other.pk)]


def test_it_moves_a_selection_of_words_into_a_line_of_their_own(api, line):
    other = SpeakerFactory(meeting=line.meeting, label="SPEAKER_01")

    response = api.post(
        f"/api/v1/meetings/segments/{line.pk}/move/",
        {"speaker_id": other.pk, "first_word": 1, "last_word": 2},
        format="json",
    )

    assert response.status_code == 200
    lines = [(s["text"], s["speaker_id"]) for s in response.json()["segments"]]
    assert lines == [("We", line.speaker_id), ("ship today.", other.pk), ("Agreed.", line.speaker_id)]
    stored = Segment.objects.filter(meeting_id=line.meeting_id).order_by("start", "index")
    assert [(s.text, s.start, s.end) for s in stored] == [
        ("We", 1.0, 1.2),
        ("ship today.", 1.3, 2.0),
        ("Agreed.", 2.4, 3.0),
    ]


def test_it_refuses_a_selection_past_the_end_of_the_line(api, line):
    other = SpeakerFactory(meeting=line.meeting)
    response = api.post(
        f"/api/v1/meetings/segments/{line.pk}/move/",
        {"speaker_id": other.pk, "first_word": 2, "last_word": 7},
        format="json",
    )
    assert response.status_code == 400
    assert Segment.objects.get(pk=line.pk).speaker_id == line.speaker_id


def test_it_refuses_splits_and_moves_from_a_read_only_participant(line):
    from rest_framework.test import APIClient

    viewer = APIClient()
    viewer.force_authenticate(ParticipantFactory(meeting=line.meeting, role="viewer").user)
    other = SpeakerFactory(meeting=line.meeting)
    assert viewer.post(f"/api/v1/meetings/segments/{line.pk}/split/", {"word": 1}, format="json").status_code == 403
    moved = viewer.post(f"/api/v1/meetings/segments/{line.pk}/move/", {"speaker_id": other.pk}, format="json")
    assert moved.status_code == 403 and moved.json()["error"]["code"] == "read_only"


def test_editing_a_line_keeps_its_word_times_when_the_words_are_as_many(api, line):
    response = api.patch(f"/api/v1/meetings/segments/{line.pk}/", {"text": "We ship tomorrow. Agreed."}, format="json")

    assert [(w["word"], w["start"]) for w in response.json()["words"]] == [
        ("We", 1.0),
        (" ship", 1.3),
        (" tomorrow.", 1.7),
        (" Agreed.", 2.4),
    ]


def test_editing_a_line_spreads_its_words_over_it_when_their_number_changed(api, line):
    response = api.patch(f"/api/v1/meetings/segments/{line.pk}/", {"text": "Shipping now"}, format="json")

    assert [(w["word"], w["start"], w["end"]) for w in response.json()["words"]] == [
        ("Shipping", 1.0, 2.0),
        (" now", 2.0, 3.0),
    ]
    # Still split between its words.
    assert api.post(f"/api/v1/meetings/segments/{line.pk}/split/", {"word": 1}, format="json").status_code == 201


def test_the_owner_undoes_a_delete_within_thirty_seconds(api, owner):
    meeting = MeetingFactory(owner=owner)
    assert api.delete(f"/api/v1/meetings/{meeting.pk}/").status_code == 204
    assert meeting.pk not in [m["id"] for m in api.get("/api/v1/meetings/").json()["results"]]

    restored = api.post(f"/api/v1/meetings/{meeting.pk}/restore/")

    assert restored.status_code == 200 and restored.json()["id"] == meeting.pk
    assert meeting.pk in [m["id"] for m in api.get("/api/v1/meetings/").json()["results"]]


def test_it_is_too_late_to_undo_a_delete_after_thirty_seconds(api, owner):
    meeting = MeetingFactory(owner=owner, deleted_at=timezone.now() - timedelta(seconds=31))

    response = api.post(f"/api/v1/meetings/{meeting.pk}/restore/")

    assert response.status_code == 409 and response.json()["error"]["code"] == "undo_expired"
    assert api.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404


def test_only_the_owner_restores_a_meeting(owner, outsider_api):
    from rest_framework.test import APIClient

    meeting = MeetingFactory(owner=owner)
    editor = APIClient()
    editor.force_authenticate(ParticipantFactory(meeting=meeting, role="editor").user)
    assert editor.post(f"/api/v1/meetings/{meeting.pk}/restore/").status_code == 403
    Meeting.objects.filter(pk=meeting.pk).update(deleted_at=timezone.now())
    assert editor.post(f"/api/v1/meetings/{meeting.pk}/restore/").status_code == 404
    assert outsider_api.post(f"/api/v1/meetings/{meeting.pk}/restore/").status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).deleted_at is not None


def test_it_sorts_the_list_by_title_or_length(api, owner):
    MeetingFactory(owner=owner, title="Budget", duration=90.0)
    MeetingFactory(owner=owner, title="Alpha", duration=30.0)
    MeetingFactory(owner=owner, title="Chairs", duration=60.0)

    def titles(ordering: str) -> list[str]:
        return [m["title"] for m in api.get("/api/v1/meetings/", {"ordering": ordering}).json()["results"]]

    assert titles("title") == ["Alpha", "Budget", "Chairs"]
    assert titles("-duration") == ["Budget", "Chairs", "Alpha"]
    assert titles("-created") == ["Chairs", "Alpha", "Budget"]
    assert api.get("/api/v1/meetings/", {"ordering": "owner__password"}).status_code == 400


def test_it_finds_the_words_of_one_query_on_two_lines(api, owner):
    meeting = MeetingFactory(owner=owner)
    speaker = SpeakerFactory(meeting=meeting)
    first = SegmentFactory(meeting=meeting, speaker=speaker, start=0.0, text="The quarterly")
    SegmentFactory(meeting=meeting, speaker=speaker, start=2.0, text="budget is approved.")
    SegmentFactory(meeting=meeting, speaker=speaker, start=4.0, text="Next the quarterly budget review.")

    hits = api.get("/api/v1/meetings/search/", {"q": "quarterly budget"}).json()["results"]

    # The pair at its first line, and the line that holds both words by itself (not its previous pair).
    assert sorted(h["start"] for h in hits) == [0.0, 4.0]
    assert {h["segment"] for h in hits} >= {first.pk}


def test_transcription_reports_its_position_in_the_audio_as_the_job_progress(owner):
    from meetings.services import transcription_progress

    job = JobFactory(meeting=MeetingFactory(owner=owner), stage="transcribe", status="running", progress=10)
    on_segment = transcription_progress(job=job, duration=100.0)

    on_segment(SimpleNamespace(end=25.0))
    assert ProcessingJob.objects.get(pk=job.pk).progress == 20
    on_segment(SimpleNamespace(end=100.0))
    assert ProcessingJob.objects.get(pk=job.pk).progress == 50
