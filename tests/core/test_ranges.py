"""Stored files are served with byte ranges, read in chunks, or handed to nginx (sawt/core/ranges.py).

The meeting recording is the example endpoint: every stored-file endpoint answers through the same
function, and each product's tests check its own endpoint once."""

import warnings

import pytest
from asgiref.sync import async_to_sync
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.handlers.asgi import ASGIHandler
from django.test import AsyncRequestFactory

from sawt.accounts.services import api_token_create
from sawt.core.ranges import CHUNK_BYTES
from sawt.settings.env import BASE_DIR
from tests.meetings.factories import MeetingFactory, RecordingFactory

pytestmark = pytest.mark.django_db

BODY = bytes(range(256)) * 4  # 1 KiB, every byte position distinguishable
SIZE = len(BODY)


def _meeting_with_audio(owner, content: bytes = BODY, original_name: str = "standup.wav"):
    meeting = MeetingFactory(owner=owner)
    RecordingFactory(
        meeting=meeting,
        file=ContentFile(content, name="standup.wav"),
        original_name=original_name,
        content_type="audio/wav",
    )
    return meeting


def _audio_url(meeting) -> str:
    return f"/api/v1/meetings/{meeting.pk}/audio/"


def test_it_answers_a_range_of_the_meeting_audio_with_206_and_exactly_those_bytes(api, owner):
    meeting = _meeting_with_audio(owner)

    response = api.get(_audio_url(meeting), HTTP_RANGE="bytes=100-299")

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-299/{SIZE}"
    assert response["Content-Length"] == "200"
    assert b"".join(response.streaming_content) == BODY[100:300]


def test_it_answers_the_last_bytes_for_a_suffix_range_and_the_rest_for_an_open_one(api, owner):
    meeting = _meeting_with_audio(owner)

    tail = api.get(_audio_url(meeting), HTTP_RANGE="bytes=-10")
    rest = api.get(_audio_url(meeting), HTTP_RANGE="bytes=1000-")
    past_the_end = api.get(_audio_url(meeting), HTTP_RANGE="bytes=1000-5000")

    assert tail.status_code == 206 and tail["Content-Range"] == f"bytes {SIZE - 10}-{SIZE - 1}/{SIZE}"
    assert b"".join(tail.streaming_content) == BODY[-10:]
    assert rest.status_code == 206 and b"".join(rest.streaming_content) == BODY[1000:]
    assert past_the_end["Content-Range"] == f"bytes 1000-{SIZE - 1}/{SIZE}"
    assert b"".join(past_the_end.streaming_content) == BODY[1000:]


def test_it_answers_416_with_the_size_for_a_range_outside_the_file(api, owner):
    meeting = _meeting_with_audio(owner)

    response = api.get(_audio_url(meeting), HTTP_RANGE=f"bytes={SIZE}-")

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"
    assert response.json()["error"]["code"] == "range_not_satisfiable"


def test_it_answers_the_whole_file_with_accept_ranges_without_a_range_or_with_several(api, owner):
    meeting = _meeting_with_audio(owner)

    plain = api.get(_audio_url(meeting))
    several = api.get(_audio_url(meeting), HTTP_RANGE="bytes=0-9,20-29")

    for response in (plain, several):
        assert response.status_code == 200
        assert response["Accept-Ranges"] == "bytes" and response["Content-Length"] == str(SIZE)
        assert "Content-Range" not in response
        assert b"".join(response.streaming_content) == BODY


def test_it_serves_the_upload_as_an_attachment_under_its_original_name_with_the_decoded_type(api, owner):
    """The original upload is the user's file, not audio the server made: never shown inline, even
    with a type the decoder found (an <audio> element plays it all the same)."""
    meeting = _meeting_with_audio(owner, original_name="réunion lundi.wav")

    plain = api.get(_audio_url(meeting))
    download = api.get(_audio_url(meeting), {"download": "1"}, HTTP_RANGE="bytes=0-3")

    assert download.status_code == 206
    for response in (plain, download):
        assert response["Content-Disposition"] == "attachment; filename*=utf-8''r%C3%A9union%20lundi.wav"
        assert response["Content-Type"] == "audio/wav"
        assert (response["X-Content-Type-Options"], response["Content-Security-Policy"]) == ("nosniff", "sandbox")


def test_it_answers_head_with_the_headers_of_get_and_no_body(api, owner):
    meeting = _meeting_with_audio(owner)

    response = api.head(_audio_url(meeting), HTTP_RANGE="bytes=0-99")

    assert response.status_code == 206
    assert response["Content-Length"] == "100" and response["Content-Range"] == f"bytes 0-99/{SIZE}"
    assert b"".join(response.streaming_content) == b""


def test_it_sends_a_large_file_to_an_asgi_server_chunk_by_chunk_as_it_reads_it(owner):
    """What daphne does: Django's ASGI handler answers the request and drives the response's async
    iterator. The end of the file is rewritten after the first chunk has gone out: a response that read
    the file whole before sending would still send the old bytes."""
    content = b"a" * (3 * CHUNK_BYTES + 1000)
    meeting = _meeting_with_audio(owner, content=content)
    stored = meeting.recording.file.name
    _, key = api_token_create(user=owner, name="asgi")
    request = AsyncRequestFactory().get(_audio_url(meeting), headers={"Authorization": f"Bearer {key}"})
    handler = ASGIHandler()
    messages: list[dict] = []

    async def send(message: dict) -> None:
        messages.append(message)
        if message["type"] == "http.response.body" and len(messages) == 2:  # the first chunk is out
            with default_storage.open(stored, "r+b") as handle:
                handle.seek(3 * CHUNK_BYTES)
                handle.write(b"b" * 1000)

    async def serve() -> None:
        response = await handler.get_response_async(request)
        await handler.send_response(response, send)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Django warns when it has to buffer a synchronous iterator
        async_to_sync(serve)()

    assert messages[0]["status"] == 200
    bodies = [m["body"] for m in messages[1:] if m.get("body")]
    assert len(bodies) == 4 and all(len(body) <= CHUNK_BYTES for body in bodies)
    assert b"".join(bodies) == b"a" * 3 * CHUNK_BYTES + b"b" * 1000


def test_it_hands_the_file_to_nginx_when_accel_redirect_is_set(api, owner, settings):
    settings.SAWT_ACCEL_REDIRECT = "/_protected/"
    stored = default_storage.save("meetings/weekly sync #3.wav", ContentFile(BODY))
    meeting = MeetingFactory(owner=owner)
    RecordingFactory(meeting=meeting, file=stored, original_name="weekly.wav", content_type="audio/wav")

    response = api.get(_audio_url(meeting), {"download": "1"}, HTTP_RANGE="bytes=0-9")

    assert response.status_code == 200  # nginx answers the Range itself
    assert response["X-Accel-Redirect"] == "/_protected/meetings/weekly%20sync%20%233.wav"
    assert response["Content-Disposition"] == 'attachment; filename="weekly.wav"'
    assert response["Content-Type"] == "audio/wav"
    assert (response["X-Content-Type-Options"], response["Content-Security-Policy"]) == ("nosniff", "sandbox")
    assert response.content == b""
    assert "Accept-Ranges" not in response  # nginx adds its own (two would read "bytes, bytes")


def test_nginx_repeats_the_headers_it_drops_from_a_handed_over_file():
    """On an X-Accel-Redirect nginx keeps Content-Type and Content-Disposition but not these two."""
    conf = (BASE_DIR / "deploy" / "nginx.conf").read_text()
    start = conf.index("location ${SAWT_ACCEL_REDIRECT} {")
    protected = conf[start : conf.index("\n        }", start)]

    assert "add_header X-Content-Type-Options nosniff always;" in protected
    assert 'add_header Content-Security-Policy "sandbox" always;' in protected


def test_it_answers_404_for_a_recording_whose_file_is_gone(api, owner):
    meeting = _meeting_with_audio(owner)
    default_storage.delete(meeting.recording.file.name)

    response = api.get(_audio_url(meeting))

    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
