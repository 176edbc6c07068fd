from typing import Any

from tests.meetings.factories import (
    JobFactory,
    MeetingFactory,
    ParticipantFactory,
    RecordingFactory,
    SegmentFactory,
    SpeakerFactory,
)
from tests.ownership import owned


@owned("meeting_id")
def _meeting(owner: Any) -> int:
    meeting = MeetingFactory(owner=owner)
    RecordingFactory(meeting=meeting)
    SegmentFactory(meeting=meeting)
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
