from typing import Any

from tests.meetings.factories import (
    JobFactory,
    MeetingFactory,
    ParticipantFactory,
    RecordingFactory,
    SegmentFactory,
    SpeakerFactory,
    SummaryFactory,
)
from tests.ownership import id_input, owned


@owned("meeting_id")
def _meeting(owner: Any) -> int:
    meeting = MeetingFactory(owner=owner)
    RecordingFactory(meeting=meeting)
    SegmentFactory(meeting=meeting)
    SummaryFactory(meeting=meeting)
    return meeting.pk


@owned("segment_id")
def _segment(owner: Any) -> int:
    return SegmentFactory(meeting=MeetingFactory(owner=owner)).pk


@owned("speaker_id")
def _speaker(owner: Any) -> int:
    return SpeakerFactory(meeting=MeetingFactory(owner=owner)).pk


@owned("job_id")
def _job(owner: Any) -> int:
    return JobFactory(meeting=MeetingFactory(owner=owner), status="failed").pk


@owned("upload_id")
def _upload(owner: Any) -> int:
    from meetings.uploads import chunked_upload_create

    return chunked_upload_create(owner=owner, filename="long.wav", size=100).pk


@owned("participant_id")
def _participant(owner: Any) -> int:
    return ParticipantFactory(meeting=MeetingFactory(owner=owner)).pk


# Speaker ids in bodies: the path's object is the user's own, the id in the body is what is tried.
@id_input("PATCH", "/api/v1/meetings/segments/{segment_id}/", "speaker_id")
def _segment_speaker(user: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    meeting = MeetingFactory(owner=user)
    segment = SegmentFactory(meeting=meeting)
    return {"segment_id": segment.pk}, {"speaker_id": SpeakerFactory(meeting=meeting).pk}


@id_input("POST", "/api/v1/meetings/speakers/{speaker_id}/merge/", "into")
def _merge_into(user: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    meeting = MeetingFactory(owner=user)
    return {"speaker_id": SpeakerFactory(meeting=meeting).pk}, {"into": SpeakerFactory(meeting=meeting).pk}


@id_input("POST", "/api/v1/meetings/segments/{segment_id}/move/", "speaker_id")
def _move_to(user: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    meeting = MeetingFactory(owner=user)
    segment = SegmentFactory(meeting=meeting)
    return {"segment_id": segment.pk}, {"speaker_id": SpeakerFactory(meeting=meeting).pk}
