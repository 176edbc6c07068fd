from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.models import Meeting, ProcessingJob, Summary
from meetings.tasks import purge_deleted, summarize_missing
from sawt.core.jobs.tasks import sweep
from tests.meetings.factories import JobFactory, MeetingFactory, RecordingFactory, SegmentFactory

pytestmark = pytest.mark.django_db


def test_it_purges_deleted_meetings_and_their_files_after_the_retention_period(owner, settings):
    settings.MEETINGS_RETENTION_DAYS = 30
    old = RecordingFactory(meeting=MeetingFactory(owner=owner, deleted_at=timezone.now() - timedelta(days=31)))
    recent = RecordingFactory(meeting=MeetingFactory(owner=owner, deleted_at=timezone.now() - timedelta(days=1)))
    path = old.file.path
    assert purge_deleted() == 1
    assert not Meeting.objects.filter(pk=old.meeting_id).exists()
    assert Meeting.objects.filter(pk=recent.meeting_id).exists()
    import os

    assert not os.path.exists(path)


def test_it_retries_transient_failures_after_their_backoff(owner, django_capture_on_commit_callbacks):
    now = timezone.now()
    due = JobFactory(
        meeting=MeetingFactory(owner=owner, status="failed"),
        stage="done",
        status="failed",
        error_code="transient",
        attempts=1,
        finished_at=now - timedelta(minutes=2),
        state="queued",
        next_attempt_at=now - timedelta(minutes=1),
    )
    waiting = JobFactory(
        meeting=MeetingFactory(owner=owner, status="failed"),
        stage="done",
        status="failed",
        error_code="transient",
        attempts=3,
        finished_at=now - timedelta(minutes=2),
        state="queued",
        next_attempt_at=now + timedelta(minutes=2),
    )
    permanent = JobFactory(
        meeting=MeetingFactory(owner=owner, status="failed"),
        stage="upload",
        status="failed",
        error_code="not_audio",
        attempts=1,
        finished_at=now - timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep() == 1
    statuses = dict(ProcessingJob.objects.values_list("pk", "status"))
    assert statuses == {due.pk: "completed", waiting.pk: "failed", permanent.pk: "failed"}
    assert Meeting.objects.get(pk=due.meeting_id).status == "completed"


def test_it_summarizes_finished_meetings_that_have_no_summary(owner):
    meeting = MeetingFactory(owner=owner, status="completed")
    SegmentFactory(meeting=meeting, text="We agreed to ship on Friday. I will write the release notes by Monday.")
    assert summarize_missing() == 1
    summary = Summary.objects.get(meeting=meeting)
    assert summary.decisions and summary.action_items[0]["due"] == "by Monday"
