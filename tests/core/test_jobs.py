"""The job runtime (sawt/core/jobs): claims, leases, retries and the one sweep, on the products' real job
rows (a meetings job at its "done" stage runs its real task in an instant)."""

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from meetings.models import Meeting, ProcessingJob
from sawt.core.jobs import runtime
from sawt.core.jobs.models import JobState
from sawt.core.jobs.tasks import sweep
from sawt.testing.fakeserver import FakeServer, running
from tests.meetings.factories import JobFactory, MeetingFactory

pytestmark = pytest.mark.django_db(transaction=True)


def queued_job(owner, **fields):  # type: ignore[no-untyped-def]
    """A meetings job with nothing left to do but finish: its real task completes it at once."""
    fields = {"status": "queued", **fields}
    return JobFactory(meeting=MeetingFactory(owner=owner, status="queued"), stage="done", **fields)


def ago(seconds: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=seconds)


def test_every_product_job_table_is_found_without_the_platform_importing_it():
    names = {model._meta.label for model in runtime.job_models()}
    assert names == {"dictation.TTSTask", "meetings.ProcessingJob", "music.SyncRun", "voicebot.Message"}
    assert settings.CELERY_BEAT_SCHEDULE["jobs-sweep"]["task"] == "sawt.core.jobs.tasks.sweep"


def test_of_two_workers_claiming_one_job_only_one_wins(owner):
    job = queued_job(owner)
    start = threading.Barrier(2)
    won: list[object] = []

    def worker() -> None:
        try:
            start.wait()
            won.append(runtime.claim(ProcessingJob, job.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claim is not None for claim in won) == [False, True]
    job.refresh_from_db()
    assert (job.state, job.status, job.attempts) == ("running", "running", 1)
    assert job.lease_until > timezone.now()


def test_a_job_held_by_a_live_worker_is_not_claimed_again(owner):
    job = queued_job(owner)
    claimed = runtime.claim(ProcessingJob, job.pk)
    assert claimed is not None and runtime.renew(claimed)
    assert runtime.claim(ProcessingJob, job.pk) is None
    assert sweep() == 0


def test_a_job_whose_lease_expired_is_run_again_and_told_since_when(owner):
    started = ago(300)
    job = queued_job(owner, status="running", state="running", attempts=1, started_at=started, lease_until=ago(240))
    seen: list[object] = []

    assert runtime.run_job(ProcessingJob, job.pk, lambda claimed: seen.append(claimed.abandoned_since)) == "succeeded"

    job.refresh_from_db()
    assert seen == [started] and (job.state, job.status, job.attempts) == ("succeeded", "completed", 2)
    assert Meeting.objects.get(pk=job.meeting_id).status == "completed"


def test_the_sweep_requeues_a_job_left_by_a_dead_worker_and_it_finishes(owner):
    job = queued_job(owner, status="running", state="running", attempts=1, started_at=ago(300), lease_until=ago(1))
    assert sweep() == 1
    job.refresh_from_db()
    assert (job.state, job.status, job.attempts) == ("succeeded", "completed", 2)


def test_a_worker_that_lost_its_lease_cannot_record_an_outcome(owner):
    job = queued_job(owner)
    first = runtime.claim(ProcessingJob, job.pk)
    ProcessingJob.objects.filter(pk=job.pk).update(lease_until=ago(1))  # taken for dead...
    second = runtime.claim(ProcessingJob, job.pk)  # ...and superseded
    assert first is not None and second is not None
    assert not runtime.succeed(first) and not runtime.renew(first)
    assert runtime.succeed(second)


def test_a_transient_failure_is_retried_once_its_backoff_has_passed(owner):
    job = queued_job(owner)

    def flaky(claimed: ProcessingJob) -> None:
        raise runtime.JobFailed("transient", "Disk busy.", transient=True)

    assert runtime.run_job(ProcessingJob, job.pk, flaky) == "queued"
    job.refresh_from_db()
    assert (job.state, job.status, job.error_code, job.attempts) == ("queued", "failed", "transient", 1)
    backoff = (job.next_attempt_at - timezone.now()).total_seconds()
    assert ProcessingJob.retry_backoff - 5 < backoff <= ProcessingJob.retry_backoff
    assert runtime.claim(ProcessingJob, job.pk) is None  # not due yet
    assert sweep() == 0

    ProcessingJob.objects.filter(pk=job.pk).update(next_attempt_at=ago(1))
    assert sweep() == 1
    job.refresh_from_db()
    assert (job.state, job.status, job.attempts, job.error) == ("succeeded", "completed", 2, "")


def test_a_final_failure_stops_the_job(owner):
    job = queued_job(owner)

    def broken(claimed: ProcessingJob) -> None:
        raise ValueError("bad input")

    assert runtime.run_job(ProcessingJob, job.pk, broken) == "failed"
    job.refresh_from_db()
    assert (job.state, job.status, job.error_code, job.next_attempt_at) == ("failed", "failed", "error", None)
    assert "ValueError" in job.error
    assert runtime.claim(ProcessingJob, job.pk) is None and sweep() == 0


def test_a_transient_failure_on_the_last_try_is_final(owner):
    job = queued_job(owner, attempts=ProcessingJob.max_attempts - 1)

    def flaky(claimed: ProcessingJob) -> None:
        raise OSError("disk busy")  # one of ProcessingJob.transient_errors

    assert runtime.run_job(ProcessingJob, job.pk, flaky) == "failed"
    job.refresh_from_db()
    assert (job.state, job.error_code, job.attempts) == ("failed", "transient", ProcessingJob.max_attempts)


def test_a_job_that_kept_killing_its_worker_is_failed_not_run_again(owner):
    job = queued_job(
        owner, status="running", state="running", attempts=ProcessingJob.max_attempts, lease_until=ago(1)
    )
    assert sweep() == 0
    job.refresh_from_db()
    assert (job.state, job.status, job.error_code) == ("failed", "failed", "abandoned")


def test_a_meetings_job_left_queued_too_long_is_published_again(owner):
    lost = queued_job(owner, queued_at=ago(ProcessingJob.queued_timeout + 60))
    waiting = queued_job(owner)
    assert sweep() == 1
    lost.refresh_from_db()
    waiting.refresh_from_db()
    assert (lost.state, lost.status) == ("succeeded", "completed")
    assert Meeting.objects.get(pk=lost.meeting_id).status == "completed"
    assert (waiting.state, waiting.status) == ("queued", "queued")


def test_a_whatsapp_message_left_queued_too_long_is_sent_by_the_sweep(settings):
    from tests.voicebot.factories import BusinessFactory
    from voicebot import services
    from voicebot.models import Consent, Message, Reservation

    settings.VOICEBOT_MESSAGING_PROVIDER = ""  # the publish is lost: nothing is sent when it is booked
    business = BusinessFactory()
    caller = services.caller_get_or_create(business=business, phone="+919812345678")
    services.consent_record(caller=caller, kinds=[Consent.Kind.WHATSAPP], granted=True, how="voice")
    reservation = Reservation.objects.create(
        business=business, caller=caller, date=business.now().date() + dt.timedelta(days=2),
        time=dt.time(19, 0), party_size=2, name="Asha",
    )
    message = Message.objects.create(reservation=reservation, kind=Message.Kind.CONFIRMATION)
    server = FakeServer()
    server.add("POST", "/v1/Account/MAPLIVOTEST/Message/", lambda req: (202, {}, {"message_uuid": ["uuid-1"]}))
    with running(server):
        settings.VOICEBOT_MESSAGING_PROVIDER = "plivo"
        settings.VOICEBOT_PLIVO_API_URL = server.url
        settings.VOICEBOT_PLIVO_AUTH_ID = "MAPLIVOTEST"
        settings.VOICEBOT_PLIVO_AUTH_TOKEN = "token"
        settings.VOICEBOT_WHATSAPP_SENDER = "+918000000000"
        assert sweep() == 0  # queued a moment ago: its message may still be on its way
        Message.objects.filter(pk=message.pk).update(queued_at=ago(Message.queued_timeout + 60))
        assert sweep() == 1
    message.refresh_from_db()
    assert (message.state, message.status, message.provider_message_id, message.attempts) == (
        "succeeded", "sent", "uuid-1", 1
    )
    assert len(server.requests) == 1


def test_a_person_can_retry_a_failed_job_with_its_tries_counted_afresh(owner):
    job = queued_job(owner, status="failed", state=JobState.FAILED, attempts=ProcessingJob.max_attempts)
    assert runtime.restart(job)
    job.refresh_from_db()
    assert (job.state, job.status, job.attempts) == ("succeeded", "completed", 1)
    assert not runtime.restart(job)  # only failed jobs
