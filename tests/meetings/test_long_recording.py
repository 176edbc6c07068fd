"""A recording processed piece by piece: every piece transcribed once, in time order, and the job
re-run from its transcription stage replaces its lines instead of adding to them."""

from pathlib import Path

import pytest
from django.core.files import File

from meetings.models import ProcessingJob, Recording, Segment
from meetings.pipeline import job_run
from tests.meetings.factories import MeetingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_a_recording_in_pieces_gives_ordered_lines_once_even_when_rerun(owner, shared_data, settings):
    settings.MEETINGS_DECODE_SECONDS = 8.0  # pyannote_sample's 30 s in four pieces
    audio = Path(shared_data) / "pyannote_sample.wav"
    meeting = MeetingFactory(owner=owner, status="processing", language="en", duration=None)
    with open(audio, "rb") as handle:
        Recording.objects.create(meeting=meeting, file=File(handle, name="call.wav"), size=audio.stat().st_size)
    job = ProcessingJob.objects.create(meeting=meeting)
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.stage, job.progress) == ("completed", "done", 100)

    def lines() -> list[tuple[float, float, str, str]]:
        return list(
            Segment.objects.filter(meeting=meeting)
            .order_by("index")
            .values_list("start", "end", "text", "speaker__label")
        )

    first = lines()
    assert len(first) >= 4
    assert [start for start, *_ in first] == sorted(start for start, *_ in first)
    assert first[-1][1] > 20.0  # the last pieces were transcribed, their times offset
    words = [
        (w["start"], w["word"])
        for words in Segment.objects.filter(meeting=meeting).order_by("index").values_list("words", flat=True)
        for w in words
    ]
    assert [start for start, _ in words] == sorted(start for start, _ in words)
    assert len(set(words)) == len(words)  # no piece transcribed twice
    assert {label for *_, label in first} == {"SPEAKER_00", "SPEAKER_01"}
    assert max(t[1] for t in job.turns) > 25.0  # diarization reached the end

    # The worker died in transcription: the re-run starts there and replaces, never duplicates.
    ProcessingJob.objects.filter(pk=job.pk).update(stage="transcribe", status="queued", state="queued")
    job_run(job_id=job.pk)
    assert lines() == first
