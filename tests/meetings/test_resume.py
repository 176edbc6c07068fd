import pytest

from meetings.models import ProcessingJob, Segment
from meetings.pipeline import job_run
from meetings.selectors import summary_get
from tests.meetings.factories import JobFactory, MeetingFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def _word(start: float, end: float, word: str) -> dict:
    return {"start": start, "end": end, "word": word, "probability": 0.9}


def test_it_resumes_a_killed_job_from_its_stage_without_duplicating_lines(owner):
    meeting = MeetingFactory(owner=owner, status="processing")
    SpeakerFactory(meeting=meeting, label="SPEAKER_00", display_name="Diane")
    SpeakerFactory(meeting=meeting, label="SPEAKER_01", display_name="Sheila")
    # One ASR line in which the speaker changes: align must split it in two.
    Segment.objects.create(
        meeting=meeting,
        index=0,
        start=0.0,
        end=4.0,
        text="Hello there, Sheila. Hi, I will send the report by Friday.",
        words=[
            _word(0.0, 0.3, " Hello"),
            _word(0.3, 0.5, " there,"),
            _word(0.5, 0.75, " Sheila."),
            _word(1.0, 1.3, " Hi,"),
            _word(1.4, 1.6, " I"),
            _word(1.6, 1.8, " will"),
            _word(1.8, 2.0, " send"),
            _word(2.0, 2.2, " the"),
            _word(2.2, 2.6, " report"),
            _word(2.6, 2.8, " by"),
            _word(2.8, 3.2, " Friday."),
        ],
    )
    # The worker died during "align": after restart the job is queued again at that stage.
    job = JobFactory(
        meeting=meeting,
        stage="align",
        status="queued",
        progress=85,
        turns=[[0.0, 0.8, "SPEAKER_00"], [0.9, 3.5, "SPEAKER_01"]],
    )
    job_run(job_id=job.pk)
    first = list(Segment.objects.filter(meeting=meeting).values_list("start", "text", "speaker__display_name"))
    # Sheila's line starts where her turn does (0.9), not at her first word's timestamp (issue 19).
    assert first == [(0.0, "Hello there, Sheila.", "Diane"), (0.9, "Hi, I will send the report by Friday.", "Sheila")]

    ProcessingJob.objects.filter(pk=job.pk).update(stage="align", status="queued", state="queued")
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "completed" and job.stage == "done"
    assert list(Segment.objects.filter(meeting=meeting).values_list("start", "text", "speaker__display_name")) == first
    summary = summary_get(meeting=meeting)  # as read: speakers stored by id, named on each read
    assert summary is not None and "Sheila" in summary.text
    assert summary.action_items[0]["owner"] == "Sheila" and summary.action_items[0]["due"] == "by Friday"


def test_it_does_not_run_a_job_that_is_already_running(owner):
    job = JobFactory(meeting=MeetingFactory(owner=owner), stage="align", status="running")
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.stage) == ("running", "align")
