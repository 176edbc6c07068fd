"""`GET /api/v1/meetings/<id>/stream/`: the meeting as Server-Sent Events, as an async view.

Events: `final` (a transcript line: id, start, end, text, speaker), `progress` (the job's stage,
progress and status) and, when the meeting is completed, failed or gone, `end` (its status, null when
it is deleted or no longer visible). `?once=1` sends the current state and ends. A `: keep-alive`
comment goes out after KEEPALIVE_SECONDS of quiet; after MAX_SECONDS the stream closes without `end`
(EventSource reconnects).

The first event is the current state, read from the database; after that the stream follows the
meeting's channel-layer group (the events `MeetingEventsConsumer` forwards to sockets), with one
database read every POLL_SECONDS in case a message was lost. Between reads it holds no database
connection, so an idle stream costs a Redis subscription and nothing else.

A plain async view, not a DRF APIView (which is sync-only and would make daphne buffer the whole stream):
it is absent from the OpenAPI schema; docs/meetings.md lists it. Authentication is the
API's: `Authorization: Bearer|Token <key>` or the session; the `api` rate limit applies.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from channels.layers import BaseChannelLayer, get_channel_layer
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from meetings import selectors
from meetings.models import Meeting, ProcessingJob, Segment
from meetings.services import meeting_group
from sawt.accounts.authentication import KEYWORDS, user_for_authorization_header
from sawt.core import ratelimit
from sawt.core.errors import RateLimited, error_response

log = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 15.0
POLL_SECONDS = 10.0
MAX_SECONDS = 3600.0
KEEPALIVE = ": keep-alive\n\n"
# Group events after which the database has something new for the stream (lines, progress, status).
STATE_EVENTS = {"progress", "completed", "failed", "deleted"}

P = ParamSpec("P")
R = TypeVar("R")


@csrf_exempt  # a read; like the DRF views, no CSRF token (and a JSON 405 for other methods)
async def meeting_stream(request: HttpRequest, meeting_id: int) -> HttpResponseBase:
    if request.method != "GET":
        refused = error_response("method_not_allowed", f'Method "{request.method}" not allowed.', 405)
        refused["Allow"] = "GET"
        return refused
    header = request.headers.get("Authorization", "")
    if (header.split() or [""])[0].lower() in KEYWORDS:
        user: Any = await _read(user_for_authorization_header, header)
        if user is None:
            return _unauthorized("authentication_failed", "Invalid or revoked token.")
    else:
        user = await request.auser()
        if not user.is_authenticated:
            return _unauthorized("not_authenticated", "Authentication credentials were not provided.")
    request.user = user
    try:
        await sync_to_async(ratelimit.check)("api", request)
    except RateLimited as exc:
        return error_response(exc.code, exc.message, exc.status_code, exc.details)
    if not await _read(_visible, user=user, meeting_id=meeting_id):
        return error_response("not_found", "Not found.", 404)
    once = request.GET.get("once") == "1"
    events = _events(meeting_id=meeting_id, user=user, once=once)
    response = StreamingHttpResponse(events, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


def _unauthorized(code: str, message: str) -> HttpResponse:
    response = error_response(code, message, 401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


async def _read(function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run an ORM read off the event loop and close the thread's connection after it: a stream waits up
    to an hour, and an open connection per waiting client would exhaust the database's."""

    def read() -> R:
        try:
            return function(*args, **kwargs)
        finally:
            if not connection.in_atomic_block:  # a transaction around the request (or a test) keeps its own
                connection.close()

    return await sync_to_async(read)()


def _visible(*, user: Any, meeting_id: int) -> bool:
    try:
        selectors.meeting_get(user=user, meeting_id=meeting_id)
    except Http404:
        return False
    return True


@dataclass
class _State:
    lines: list[dict[str, Any]]
    job: dict[str, Any] | None
    status: str | None  # None: deleted, or no longer visible to this user

    @property
    def ended(self) -> bool:
        return self.status in (None, Meeting.Status.COMPLETED, Meeting.Status.FAILED)


def _state(*, user: Any, meeting_id: int, sent: frozenset[int]) -> _State:
    lines = [
        _line(s.pk, s.start, s.end, s.text, s.speaker.name if s.speaker else None)
        for s in Segment.objects.filter(meeting_id=meeting_id).exclude(pk__in=sent).select_related("speaker")
    ]
    job = ProcessingJob.objects.filter(meeting_id=meeting_id).values("stage", "progress", "status").first()
    status = Meeting.objects.visible_to(user).filter(pk=meeting_id).values_list("status", flat=True).first()
    return _State(lines=lines, job=dict(job) if job is not None else None, status=status)


def _line(pk: int, start: float, end: float, text: str, speaker: str | None) -> dict[str, Any]:
    return {"id": pk, "start": start, "end": end, "text": text, "speaker": speaker}


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


@dataclass
class _Sent:
    """What this client has been sent: lines by id, and the last progress."""

    lines: set[int] = field(default_factory=set)
    progress: dict[str, Any] | None = None

    def new_lines(self, lines: list[dict[str, Any]]) -> str:
        fresh = [line for line in lines if line["id"] not in self.lines]
        self.lines.update(line["id"] for line in fresh)
        return "".join(_sse("final", line) for line in fresh)

    def new_state(self, state: _State) -> str:
        frames = self.new_lines(state.lines)
        if state.job is not None and state.job != self.progress:
            self.progress = state.job
            frames += _sse("progress", state.job)
        if state.ended:
            frames += _sse("end", {"status": state.status})
        return frames


async def _events(*, meeting_id: int, user: Any, once: bool) -> AsyncIterator[str]:
    layer: BaseChannelLayer | None = None if once else get_channel_layer()
    group, channel = meeting_group(meeting_id), ""
    receiving: asyncio.Future[dict[str, Any]] | None = None
    sent = _Sent()
    try:
        if layer is not None:
            try:  # before the first read, so nothing published in between is missed
                channel = await layer.new_channel()
                await layer.group_add(group, channel)
            except Exception:
                log.warning("meeting stream: channel layer unavailable, polling the database", exc_info=True)
                layer = None
        state = await _read(_state, user=user, meeting_id=meeting_id, sent=frozenset())
        # Something at once, even a comment: daphne sends the headers with the first bytes of the body.
        yield sent.new_state(state) or KEEPALIVE
        if state.ended or once:
            return

        loop = asyncio.get_running_loop()
        deadline = loop.time() + MAX_SECONDS
        next_poll = loop.time() + POLL_SECONDS
        last_sent = loop.time()
        while (now := loop.time()) < deadline:
            timeout = max(0.0, min(deadline, next_poll, last_sent + KEEPALIVE_SECONDS) - now)
            event: dict[str, Any] = {}
            if layer is None:
                await asyncio.sleep(timeout)
            else:
                # One receive at a time, kept across timeouts: cancelling it could drop a message.
                receiving = receiving or asyncio.ensure_future(layer.receive(channel))
                done, _ = await asyncio.wait({receiving}, timeout=timeout)
                if done:
                    try:
                        event = receiving.result().get("event") or {}
                    except Exception:
                        log.warning("meeting stream: channel layer failed, polling the database", exc_info=True)
                        layer = None
                    receiving = None
            frames = ""
            if event.get("type") == "final" and "id" in event:  # a live meeting's line, as published
                frames = sent.new_lines(
                    [_line(event["id"], event["start"], event["end"], event["text"], event.get("speaker"))]
                )
            if event.get("type") in STATE_EVENTS or loop.time() >= next_poll:
                next_poll = loop.time() + POLL_SECONDS
                state = await _read(_state, user=user, meeting_id=meeting_id, sent=frozenset(sent.lines))
                frames += sent.new_state(state)
                if state.ended:
                    yield frames
                    return
            if frames:
                yield frames
                last_sent = loop.time()
            elif loop.time() >= last_sent + KEEPALIVE_SECONDS:
                yield KEEPALIVE
                last_sent = loop.time()
    finally:  # the end, the hour, or the client gone (CancelledError)
        if receiving is not None:
            receiving.cancel()
        if layer is not None and channel:
            with contextlib.suppress(Exception):
                await layer.group_discard(group, channel)
