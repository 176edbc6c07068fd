"""The meeting's Server-Sent Events, driven through the ASGI application as daphne serves it: chunk by
chunk, while the job is still running."""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import HttpCommunicator
from django.test import Client

from meetings import services
from meetings.models import Meeting, ProcessingJob
from sawt.asgi import application
from tests.meetings.factories import JobFactory, MeetingFactory, SegmentFactory, SpeakerFactory

pytestmark = [pytest.mark.django_db(transaction=True)]


class SseClient:
    """Reads one SSE response event by event, the way a browser's EventSource does."""

    def __init__(self, path: str, headers: list[tuple[bytes, bytes]]) -> None:
        self.http = HttpCommunicator(application, "GET", path, headers=[(b"host", b"testserver"), *headers])
        self.buffer = ""
        self.finished = False

    async def open(self, timeout: float = 10.0) -> dict:
        """The response's status and headers (generous: a test process's first request loads every URL
        module; the events that follow must come within a second)."""
        await self.http.send_input({"type": "http.request", "body": b""})
        start = await self.http.receive_output(timeout)
        assert start["type"] == "http.response.start"
        return start

    async def body(self, timeout: float = 1.0) -> bytes:
        """The rest of a short (non-streaming) answer."""
        body = b""
        while True:
            chunk = await self.http.receive_output(timeout)
            body += chunk.get("body", b"")
            if not chunk.get("more_body", False):
                return body

    async def next(self, timeout: float = 1.0) -> tuple[str, dict | None]:
        """The next event as (name, data), or ("comment", None) for a comment line."""
        while "\n\n" not in self.buffer:
            assert not self.finished, "the stream ended"
            chunk = await self.http.receive_output(timeout)
            assert chunk["type"] == "http.response.body"
            self.buffer += chunk["body"].decode()
            self.finished = not chunk.get("more_body", False)
        frame, self.buffer = self.buffer.split("\n\n", 1)
        if frame.startswith(":"):
            return "comment", None
        fields = dict(line.split(": ", 1) for line in frame.splitlines())
        return fields["event"], json.loads(fields["data"])

    async def until(self, name: str, timeout: float = 1.0) -> list[tuple[str, dict | None]]:
        seen = []
        while not seen or seen[-1][0] != name:
            seen.append(await self.next(timeout))
        return seen

    async def ended(self, timeout: float = 1.0) -> bool:
        """Whether the server closed the response after the last event."""
        while not self.finished:
            chunk = await self.http.receive_output(timeout)
            assert not chunk.get("body"), chunk
            self.finished = not chunk.get("more_body", False)
        return True

    async def disconnect(self) -> None:
        await self.http.send_input({"type": "http.disconnect"})
        await self.http.wait(timeout=2)


def _token_header(user) -> list[tuple[bytes, bytes]]:
    from sawt.accounts.services import api_token_create

    return [(b"authorization", f"Bearer {api_token_create(user=user, name='sse')[1]}".encode())]


def _session_header(user) -> list[tuple[bytes, bytes]]:
    from django.conf import settings

    client = Client()
    client.force_login(user)
    return [(b"cookie", f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode())]


def _running_meeting(owner) -> tuple[Meeting, ProcessingJob]:
    meeting = MeetingFactory(owner=owner, status=Meeting.Status.PROCESSING)
    job = JobFactory(
        meeting=meeting, stage=ProcessingJob.Stage.TRANSCRIBE, status=ProcessingJob.Status.RUNNING, progress=10
    )
    return meeting, job


def _complete(job: ProcessingJob) -> None:
    """What the pipeline does when the last stage is done."""
    ProcessingJob.objects.filter(pk=job.pk).update(
        status=ProcessingJob.Status.COMPLETED, stage=ProcessingJob.Stage.DONE, progress=100
    )
    Meeting.objects.filter(pk=job.meeting_id).update(status=Meeting.Status.COMPLETED)
    services.meeting_notify(meeting_id=job.meeting_id, event={"type": "completed", "job": job.pk, "title": "x"})


@pytest.fixture
def slow_poll(monkeypatch):
    """A safety poll that never comes during a test: what arrives, arrived through the channel layer."""
    monkeypatch.setattr("meetings.stream.POLL_SECONDS", 60.0)


async def test_it_sends_the_running_jobs_progress_and_the_lines_so_far_within_a_second(owner):
    meeting, _ = await sync_to_async(_running_meeting)(owner)
    await sync_to_async(SegmentFactory)(meeting=meeting, text="Hello there.", speaker=None)
    client = SseClient(f"/api/v1/meetings/{meeting.pk}/stream/", await sync_to_async(_token_header)(owner))

    start = await client.open()
    headers = dict(start["headers"])
    assert start["status"] == 200
    assert headers[b"Content-Type"] == b"text/event-stream"
    assert headers[b"Cache-Control"] == b"no-cache"
    assert headers[b"X-Accel-Buffering"] == b"no"
    events = await client.until("progress", timeout=1.0)

    assert events[0][0] == "final"
    assert events[0][1]["text"] == "Hello there."
    assert events[0][1]["speaker"] is None
    assert events[-1] == ("progress", {"stage": "transcribe", "progress": 10, "status": "running"})
    await client.disconnect()


async def test_it_forwards_what_the_job_publishes_and_ends_when_it_completes(owner, slow_poll):
    meeting, job = await sync_to_async(_running_meeting)(owner)
    client = SseClient(f"/api/v1/meetings/{meeting.pk}/stream/", await sync_to_async(_token_header)(owner))
    await client.open()
    await client.until("progress")

    speaker = await sync_to_async(SpeakerFactory)(meeting=meeting, display_name="Diane")
    line = await sync_to_async(SegmentFactory)(meeting=meeting, text="The budget is approved.", speaker=speaker)
    await sync_to_async(services.job_progress)(job=job, stage=ProcessingJob.Stage.TRANSCRIBE, progress=50)
    events = await client.until("progress")
    assert ("final", {"id": line.pk, "start": line.start, "end": line.end, "text": "The budget is approved.",
                      "speaker": "Diane"}) in events
    assert events[-1] == ("progress", {"stage": "transcribe", "progress": 50, "status": "running"})

    await sync_to_async(_complete)(job)
    events = await client.until("end")
    assert ("progress", {"stage": "done", "progress": 100, "status": "completed"}) in events
    assert events[-1] == ("end", {"status": "completed"})
    assert await client.ended()
    await client.http.wait(timeout=2)


async def test_it_forwards_a_live_meetings_lines_as_they_are_published(owner, slow_poll):
    meeting = await sync_to_async(MeetingFactory)(owner=owner, status=Meeting.Status.LIVE)
    client = SseClient(f"/api/v1/meetings/{meeting.pk}/stream/", await sync_to_async(_token_header)(owner))
    await client.open()
    assert await client.next() == ("comment", None)  # nothing yet: the stream is open all the same

    line = await sync_to_async(SegmentFactory)(meeting=meeting, text="Can you hear me?", speaker=None)
    event = {"type": "final", "id": line.pk, "text": line.text, "start": line.start, "end": line.end}
    await sync_to_async(services.meeting_notify)(meeting_id=meeting.pk, event={"type": "partial", "text": "Can"})
    await sync_to_async(services.meeting_notify)(meeting_id=meeting.pk, event=event)

    name, data = await client.next()
    assert (name, data) == (
        "final", {"id": line.pk, "start": line.start, "end": line.end, "text": "Can you hear me?", "speaker": None}
    )
    await client.disconnect()


async def test_it_ends_when_the_meeting_is_deleted(owner, slow_poll):
    meeting, _ = await sync_to_async(_running_meeting)(owner)
    client = SseClient(f"/api/v1/meetings/{meeting.pk}/stream/", await sync_to_async(_token_header)(owner))
    await client.open()
    await client.until("progress")

    await sync_to_async(services.meeting_delete)(meeting=meeting)

    assert (await client.until("end"))[-1] == ("end", {"status": None})
    assert await client.ended()


async def test_it_ends_by_the_safety_poll_when_the_completion_message_is_lost(owner, monkeypatch):
    monkeypatch.setattr("meetings.stream.POLL_SECONDS", 0.2)
    meeting, _ = await sync_to_async(_running_meeting)(owner)
    client = SseClient(f"/api/v1/meetings/{meeting.pk}/stream/", await sync_to_async(_token_header)(owner))
    await client.open()
    await client.until("progress")

    await sync_to_async(Meeting.objects.filter(pk=meeting.pk).update)(status=Meeting.Status.FAILED)

    assert (await client.until("end"))[-1] == ("end", {"status": "failed"})


async def test_it_sends_a_keep_alive_comment_when_nothing_happens(owner, monkeypatch):
    monkeypatch.setattr("meetings.stream.KEEPALIVE_SECONDS", 0.1)
    meeting, _ = await sync_to_async(_running_meeting)(owner)
    client = SseClient(f"/api/v1/meetings/{meeting.pk}/stream/", await sync_to_async(_token_header)(owner))
    await client.open()
    await client.until("progress")

    assert await client.next(timeout=1.0) == ("comment", None)
    await client.disconnect()


async def test_it_leaves_the_meetings_group_when_the_client_goes_away(owner, slow_poll):
    from sawt.core.ratelimit import redis_client

    meeting, _ = await sync_to_async(_running_meeting)(owner)
    layer = get_channel_layer()
    members = layer._group_key(services.meeting_group(meeting.pk))
    client = SseClient(f"/api/v1/meetings/{meeting.pk}/stream/", await sync_to_async(_token_header)(owner))
    await client.open()
    await client.until("progress")
    assert redis_client().zcard(members) == 1

    await client.disconnect()

    assert redis_client().zcard(members) == 0


def _connections() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


@pytest.mark.parametrize("auth", [_token_header, _session_header], ids=["token", "session"])
async def test_it_holds_no_database_connection_while_it_waits(owner, auth, slow_poll):
    meeting, job = await sync_to_async(_running_meeting)(owner)
    client = SseClient(f"/api/v1/meetings/{meeting.pk}/stream/", await sync_to_async(auth)(owner))
    before = await sync_to_async(_connections)()
    await client.open()
    await client.until("progress")
    assert await sync_to_async(_connections)() == before

    await sync_to_async(services.job_progress)(job=job, stage=ProcessingJob.Stage.DIARIZE, progress=55)
    await client.until("progress")
    assert await sync_to_async(_connections)() == before
    await client.disconnect()


async def test_it_follows_the_meeting_for_a_signed_in_user(owner):
    meeting, _ = await sync_to_async(_running_meeting)(owner)
    client = SseClient(f"/api/v1/meetings/{meeting.pk}/stream/", await sync_to_async(_session_header)(owner))

    assert (await client.open())["status"] == 200
    assert (await client.until("progress"))[-1][1]["progress"] == 10
    await client.disconnect()


async def test_it_sends_the_current_state_and_ends_when_asked_once(owner):
    meeting = await sync_to_async(MeetingFactory)(owner=owner, status=Meeting.Status.COMPLETED)
    speaker = await sync_to_async(SpeakerFactory)(meeting=meeting, display_name="Diane")
    await sync_to_async(SegmentFactory)(meeting=meeting, text="First line.", speaker=speaker)
    client = SseClient(f"/api/v1/meetings/{meeting.pk}/stream/?once=1", await sync_to_async(_token_header)(owner))
    await client.open()

    events = await client.until("end")

    assert [e[1]["text"] for e in events if e[0] == "final"] == ["First line."]
    assert events[-1] == ("end", {"status": "completed"})
    assert await client.ended()


async def test_it_answers_404_to_an_outsider(owner, outsider):
    meeting, _ = await sync_to_async(_running_meeting)(owner)
    client = SseClient(f"/api/v1/meetings/{meeting.pk}/stream/", await sync_to_async(_token_header)(outsider))

    assert (await client.open())["status"] == 404
    assert json.loads(await client.body())["error"]["code"] == "not_found"


@pytest.mark.parametrize("headers", [[], [(b"authorization", b"Bearer not-a-key")]], ids=["none", "bad-token"])
async def test_it_answers_401_without_valid_credentials(owner, headers):
    meeting, _ = await sync_to_async(_running_meeting)(owner)
    client = SseClient(f"/api/v1/meetings/{meeting.pk}/stream/", headers)

    start = await client.open()

    assert start["status"] == 401
    assert dict(start["headers"])[b"WWW-Authenticate"] == b'Bearer realm="api"'
    assert json.loads(await client.body())["error"]["code"] in {"not_authenticated", "authentication_failed"}
