"""Meeting sockets: `/ws/meetings/<id>/` (progress and transcript events for everyone watching) and
`/ws/meetings/<id>/live/` (PCM16 16 kHz frames in, as on /ws/chat/; partial and final lines out to the
meeting's group)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, BinaryIO

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from meetings.live import live_meeting_finish, live_pcm_path, live_segment_append
from meetings.models import Meeting
from meetings.services import meeting_group
from sawt.core.consumers import SawtConsumer
from sawt.speech.stream_scheduler import get_scheduler
from sawt.speech.streaming import Done, Final, Partial, StreamingTranscriber


class MeetingEventsConsumer(SawtConsumer):
    """Listens on the meeting's group: its events, and `sockets_recheck` when it is unshared or deleted."""

    async def authorize(self) -> bool:
        meeting_id = int(self.scope["url_route"]["kwargs"]["meeting_id"])
        return bool(await database_sync_to_async(_visible)(self.user, meeting_id))

    def listen_groups(self) -> list[str]:
        return [meeting_group(int(self.scope["url_route"]["kwargs"]["meeting_id"]))]

    async def meeting_event(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])


class MeetingLiveConsumer(SawtConsumer):
    """The recorder's socket. Only the owner and editors may send audio; everyone watching gets the
    lines through `/ws/meetings/<id>/`, which listens on the meeting's group.

    Like /ws/chat/, this socket does not listen on the channel layer: a blocking Redis read on a loop
    that is busy with audio could time out and drop the recording. It only sends to the group. So an
    unshare or a delete reaches it through SawtConsumer's periodic re-check, not a message.
    """

    channel_layer_alias = "unused"
    meeting_id: int = 0
    transcriber: StreamingTranscriber | None = None
    pump: asyncio.Task[None] | None = None
    pcm: BinaryIO | None = None
    can_record = False
    stopping = False  # the recorder asked to stop: the meeting is finished, not left open for a resume
    offset = 0.0  # seconds recorded on earlier sockets of this meeting (a resume after a drop)

    async def authorize(self) -> bool:
        first = not self.meeting_id
        self.meeting_id = int(self.scope["url_route"]["kwargs"]["meeting_id"])
        visible = await database_sync_to_async(_visible)(self.user, self.meeting_id)
        if visible and first:  # decided once: a recording in progress is finished by whoever started it
            self.can_record = await database_sync_to_async(_recordable)(self.user, self.meeting_id)
        return bool(visible)

    async def on_connected(self) -> None:
        if self.can_record:
            # Load the shared model and warm the decoder before the first words (once per process).
            await asyncio.wrap_future(get_scheduler().warm_up())

    async def on_bytes(self, data: bytes) -> None:
        if not self.can_record:
            await self.send_error("read_only", "Only the owner or an editor can record into a live meeting.")
            return
        if self.transcriber is None:
            meeting = await database_sync_to_async(Meeting.objects.get)(pk=self.meeting_id)
            self.transcriber = StreamingTranscriber(language=meeting.language or "en")
            path = live_pcm_path(meeting_id=self.meeting_id)
            self.offset = path.stat().st_size / 32000 if path.exists() else 0.0
            self.pcm = path.open("ab")
            self.pump = asyncio.create_task(self._forward(self.transcriber))
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.pcm.write, data)  # type: ignore[union-attr]
        await self.transcriber.push(data)

    async def event_stop(self, message: dict[str, Any]) -> None:
        self.stopping = True
        if self.transcriber is None:
            await self._finish()
            return
        await self.transcriber.stop()

    async def disconnect(self, code: int) -> None:
        if self.pump is not None and self.transcriber is not None:
            await self.transcriber.stop()
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self.pump, timeout=30)

    async def _publish(self, event: dict[str, Any]) -> None:
        with contextlib.suppress(Exception):  # the recorder's socket may be gone; the lines are saved
            await self.send_json(event)
        layer = get_channel_layer()
        if layer is not None:
            with contextlib.suppress(Exception):  # watchers are best effort; the recording is not
                await layer.group_send(meeting_group(self.meeting_id), _event(event))

    async def _forward(self, transcriber: StreamingTranscriber) -> None:
        async for event in transcriber.events():
            if isinstance(event, Partial):
                await self._publish({"type": "partial", "text": event.text})
            elif isinstance(event, Final):
                segment = await database_sync_to_async(live_segment_append)(
                    meeting_id=self.meeting_id,
                    text=event.text,
                    start=event.start + self.offset,
                    end=event.end + self.offset,
                )
                await self._publish(
                    {
                        "type": "final",
                        "id": segment.pk,
                        "text": segment.text,
                        "start": segment.start,
                        "end": segment.end,
                    }
                )
            elif isinstance(event, Done):
                await self._finish()

    async def _finish(self) -> None:
        if self.transcriber is not None:
            self.transcriber.close()
            self.transcriber = None
        if self.pcm is not None:
            self.pcm.close()
            self.pcm = None
        if self.can_record and self.stopping:
            # A dropped socket (no stop asked) leaves the meeting live: the page reconnects and resumes
            # into it, or beat closes it once nothing came for meetings.live.LIVE_IDLE_SECONDS.
            job = await database_sync_to_async(live_meeting_finish)(meeting_id=self.meeting_id)
            with contextlib.suppress(Exception):  # the socket may already be closed
                await self.send_json({"type": "stopped", "job": job.pk if job else None})


def _visible(user: Any, meeting_id: int) -> bool:
    return Meeting.objects.visible_to(user).filter(pk=meeting_id).exists()


def _recordable(user: Any, meeting_id: int) -> bool:
    return Meeting.objects.editable_by(user).filter(pk=meeting_id, status=Meeting.Status.LIVE).exists()


def _event(event: dict[str, Any]) -> dict[str, Any]:
    return {"type": "meeting.event", "event": event}
