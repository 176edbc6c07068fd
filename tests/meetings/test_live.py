"""Live meetings over the socket: PCM in, lines out to the recorder and to everyone watching."""

import asyncio
from pathlib import Path

import numpy as np
import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from meetings.models import Meeting, ProcessingJob, Segment
from sawt.asgi import application
from tests.meetings.factories import MeetingFactory, ParticipantFactory

pytestmark = [pytest.mark.django_db(transaction=True)]
HEADERS = [(b"host", b"testserver")]


def _auth(user) -> list[tuple[bytes, bytes]]:
    from sawt.accounts.services import api_token_create

    return [*HEADERS, (b"authorization", f"Bearer {api_token_create(user=user, name='ws')[1]}".encode())]


async def _until(socket: WebsocketCommunicator, kind: str, timeout: float) -> list[dict]:
    seen = []
    while True:
        message = await socket.receive_json_from(timeout=timeout)
        seen.append(message)
        if message.get("type") == kind:
            return seen


@pytest.mark.slow
async def test_it_streams_a_live_meeting_to_watchers_and_processes_it_on_stop(owner, shared_data):
    from sawt.speech.audio import decode_audio

    samples = decode_audio(Path(shared_data) / "fw_jfk.flac")
    pcm = (np.concatenate([samples, np.zeros(16000 * 2, np.float32)]) * 32767).astype("<i2").tobytes()
    meeting = await database_sync_to_async(MeetingFactory)(owner=owner, status="live", language="en")
    watcher_user = (await database_sync_to_async(ParticipantFactory)(meeting=meeting)).user

    watcher = WebsocketCommunicator(
        application, f"/ws/meetings/{meeting.pk}/", headers=await database_sync_to_async(_auth)(watcher_user)
    )
    assert (await watcher.connect())[0]
    recorder = WebsocketCommunicator(
        application, f"/ws/meetings/{meeting.pk}/live/", headers=await database_sync_to_async(_auth)(owner)
    )
    assert (await recorder.connect(timeout=60))[0]
    for start in range(0, len(pcm), 3200):
        await recorder.send_to(bytes_data=pcm[start : start + 3200])
        await asyncio.sleep(0)
    await recorder.send_json_to({"event": "stop"})
    events = await _until(recorder, "stopped", timeout=300)
    finals = [e for e in events if e["type"] == "final"]
    assert "country" in " ".join(f["text"] for f in finals)
    watched = await _until(watcher, "final", timeout=10)
    assert watched[-1]["text"] == finals[0]["text"]
    await recorder.disconnect()
    await watcher.disconnect()

    saved = await database_sync_to_async(
        lambda: list(Segment.objects.filter(meeting=meeting).values_list("text", flat=True))
    )()
    assert "country" in " ".join(saved)
    job = await database_sync_to_async(ProcessingJob.objects.get)(meeting=meeting)
    refreshed = await database_sync_to_async(Meeting.objects.get)(pk=meeting.pk)
    assert (job.status, refreshed.status) == ("completed", "completed")
    assert await database_sync_to_async(
        lambda: Segment.objects.filter(meeting=meeting, speaker__isnull=False).count()
    )() == len(saved)


async def test_it_refuses_audio_from_a_read_only_participant(owner):
    meeting = await database_sync_to_async(MeetingFactory)(owner=owner, status="live")
    viewer = (await database_sync_to_async(ParticipantFactory)(meeting=meeting, role="viewer")).user
    socket = WebsocketCommunicator(
        application, f"/ws/meetings/{meeting.pk}/live/", headers=await database_sync_to_async(_auth)(viewer)
    )
    assert (await socket.connect())[0]
    await socket.send_to(bytes_data=bytes(3200))
    assert (await socket.receive_json_from(timeout=10))["code"] == "read_only"
    await socket.disconnect()


@pytest.mark.slow
async def test_a_dropped_socket_leaves_the_meeting_live_and_a_new_one_resumes_into_it(owner, shared_data):
    from meetings.live import live_pcm_path
    from sawt.speech.audio import decode_audio

    samples = decode_audio(Path(shared_data) / "fw_jfk.flac")
    pcm = (np.concatenate([samples, np.zeros(16000 * 2, np.float32)]) * 32767).astype("<i2").tobytes()
    meeting = await database_sync_to_async(MeetingFactory)(owner=owner, status="live", language="en")

    async def record(stop: bool) -> list[dict]:
        socket = WebsocketCommunicator(
            application, f"/ws/meetings/{meeting.pk}/live/", headers=await database_sync_to_async(_auth)(owner)
        )
        assert (await socket.connect(timeout=60))[0]
        for start in range(0, len(pcm), 3200):
            await socket.send_to(bytes_data=pcm[start : start + 3200])
            await asyncio.sleep(0)
        if not stop:
            events = await _until(socket, "final", timeout=120)
            await socket.disconnect()  # the connection drops: no stop was asked
            return events
        await socket.send_json_to({"event": "stop"})
        events = await _until(socket, "stopped", timeout=300)
        await socket.disconnect()
        return events

    await record(stop=False)
    dropped = await database_sync_to_async(Meeting.objects.get)(pk=meeting.pk)
    assert dropped.status == "live"  # still open: the page resumes into it
    first = await database_sync_to_async(lambda: list(Segment.objects.filter(meeting=meeting).order_by("start")))()
    assert first and live_pcm_path(meeting_id=meeting.pk).stat().st_size == len(pcm)

    resumed = [e for e in await record(stop=True) if e["type"] == "final"]
    assert resumed and min(e["start"] for e in resumed) >= len(pcm) / 32000 - 0.5  # after the first socket's audio
    refreshed = await database_sync_to_async(Meeting.objects.get)(pk=meeting.pk)
    assert refreshed.duration == pytest.approx(2 * len(pcm) / 32000, abs=0.1)
