"""When a meeting is processed its owner is told: a notification on every page they have open
(`/ws/notifications/`) and an e-mail, once per job; others hear nothing."""

from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from meetings.models import ProcessingJob
from meetings.services import job_outcome_notify
from sawt.asgi import application
from tests.meetings.factories import JobFactory

pytestmark = [pytest.mark.django_db(transaction=True)]
HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


def _auth(user) -> list[tuple[bytes, bytes]]:
    from sawt.accounts.services import api_token_create

    _, key = api_token_create(user=user, name="ws")
    return [(b"host", b"testserver"), (b"authorization", f"Bearer {key}".encode())]


async def _listen(user) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(application, "/ws/notifications/", headers=await database_sync_to_async(_auth)(user))
    assert (await socket.connect())[0]
    return socket


def _upload(user, name: str, content: bytes) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(
        "/api/v1/meetings/", {"file": SimpleUploadedFile(name, content), "title": "Design review"}, format="multipart"
    )
    assert response.status_code == 202, response.content
    return response.json()


@pytest.mark.slow
async def test_it_tells_the_owner_on_every_page_and_by_email_once_the_meeting_is_ready(owner, outsider, shared_data):
    audio = (Path(shared_data) / "fw_jfk.flac").read_bytes()
    mine, theirs = await _listen(owner), await _listen(outsider)

    created = await database_sync_to_async(_upload)(owner, "review.flac", audio)  # eager Celery: processed here

    event = await mine.receive_json_from(timeout=30)
    assert event == {
        "type": "meeting.ready",
        "meeting": created["id"],
        "job": created["job"]["id"],
        "title": "Design review",
        "url": f"/meetings/{created['id']}/",
        "message": "“Design review” is ready.",
    }
    assert await theirs.receive_nothing(timeout=0.5)
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert mail.outbox[0].subject == "Your meeting “Design review” is ready"
    assert f"http://127.0.0.1:8000/meetings/{created['id']}/" in mail.outbox[0].body

    # Told once: a second call (a redelivered task, a retried stage) sends nothing more.
    assert await database_sync_to_async(job_outcome_notify)(job_id=created["job"]["id"]) is False
    assert len(mail.outbox) == 1
    assert await mine.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()


async def test_it_tells_the_owner_why_a_meeting_failed_without_mail_when_switched_off(owner):
    owner.meeting_emails = False
    await database_sync_to_async(owner.save)()
    mine = await _listen(owner)

    created = await database_sync_to_async(_upload)(owner, "notes.wav", b"this is not audio at all")

    event = await mine.receive_json_from(timeout=30)
    assert (event["type"], event["meeting"]) == ("meeting.failed", created["id"])
    assert event["message"].startswith("“Design review” could not be processed: ")
    assert mail.outbox == []
    await mine.disconnect()


def test_it_waits_for_the_last_retry_before_telling_of_a_transient_failure(owner, settings):
    job = JobFactory(
        meeting__owner=owner,
        status=ProcessingJob.Status.FAILED,
        error_code="transient",
        error="Disk busy.",
        attempts=1,
        state="queued",  # its retry is due later
    )
    assert job_outcome_notify(job_id=job.pk) is False  # beat retries it
    assert mail.outbox == []

    ProcessingJob.objects.filter(pk=job.pk).update(attempts=ProcessingJob.max_attempts, state="failed")
    assert job_outcome_notify(job_id=job.pk) is True
    assert mail.outbox[0].subject == f"Your meeting “{job.meeting.title}” could not be processed"
    assert "Disk busy." in mail.outbox[0].body


def test_it_lets_a_person_switch_the_meeting_emails_off(owner):
    browser = Client()
    browser.force_login(owner)
    response = browser.post("/accounts/profile/", {"email": owner.email, "time_zone": "UTC"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.meeting_emails is False  # an unticked box

    api = APIClient()
    api.force_authenticate(owner)
    assert api.patch("/api/v1/auth/me/", {"meeting_emails": True}, format="json").json()["meeting_emails"] is True
    owner.refresh_from_db()
    assert owner.meeting_emails is True


async def test_it_refuses_the_notification_socket_without_a_login():
    socket = WebsocketCommunicator(application, "/ws/notifications/", headers=HEADERS)
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_output(timeout=5))["code"] == 4401


def test_a_failed_job_retried_by_hand_tells_of_its_success(owner, django_capture_on_commit_callbacks):
    from django.utils import timezone

    job = JobFactory(
        meeting__owner=owner,
        status=ProcessingJob.Status.FAILED,
        state="failed",
        error_code="processing_error",
        error="Processing failed in summarize.",
        notified_at=timezone.now(),
    )
    ProcessingJob.objects.filter(pk=job.pk).update(stage=ProcessingJob.Stage.DONE)  # all its stages are done
    api = APIClient()
    api.force_authenticate(owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/v1/meetings/jobs/{job.pk}/retry/").status_code == 202
    job.refresh_from_db()
    assert (job.status, job.notified_at is not None) == (ProcessingJob.Status.COMPLETED, True)
    assert [m.subject for m in mail.outbox] == [f"Your meeting “{job.meeting.title}” is ready"]
