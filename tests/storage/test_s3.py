"""The meetings and dictation flows with stored files in an S3 bucket (SAWT_STORAGE=s3), end to end
through the HTTP API, against moto's S3 server on 127.0.0.1: nothing lands on the local disk, and
the files come back, byte ranges included."""

import io
import os
import subprocess
import sys
import uuid
import wave
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer

from meetings.models import ChunkedUpload, Meeting

pytestmark = pytest.mark.django_db

KEYS = {"access_key": "sawt-test", "secret_key": "sawt-test-secret", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings) -> Iterator["Bucket"]:
    """A fresh bucket, and the default storage pointed at it (Django resets its storages when STORAGES
    changes, and again when the test ends)."""
    name = f"sawt-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
        region_name=KEYS["region_name"],
    )
    client.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": name, "endpoint_url": s3_endpoint, "default_acl": None, **KEYS},
        },
    }
    yield Bucket(client, name)
    assert not any(p.is_file() for p in Path(settings.MEDIA_ROOT).rglob("*")), "a file went to the local disk"


class Bucket:
    def __init__(self, client, name: str) -> None:
        self.client, self.name = client, name

    def stored(self) -> list[str]:
        return [o["Key"] for o in self.client.list_objects_v2(Bucket=self.name).get("Contents", [])]

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


def _speech(shared_data: str) -> bytes:
    return (Path(shared_data) / "fw_jfk.flac").read_bytes()  # 11 s: "ask not what your country can do for you"


def _assert_transcribed(api, meeting_id: int) -> None:
    meeting = Meeting.objects.get(pk=meeting_id)
    assert meeting.status == Meeting.Status.COMPLETED, list(meeting.jobs.values("error_code", "error"))
    transcript = api.get(f"/api/v1/meetings/{meeting_id}/transcript/")
    assert transcript.status_code == 200
    text = " ".join(segment["text"] for segment in transcript.json()["segments"]).lower()
    assert "ask not what your country" in text


def _assert_served_with_ranges(api, url: str, content: bytes) -> None:
    whole = api.get(url)
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == content
    middle = api.get(url, HTTP_RANGE="bytes=1000-1999")
    assert middle.status_code == 206 and middle["Content-Range"] == f"bytes 1000-1999/{len(content)}"
    assert b"".join(middle.streaming_content) == content[1000:2000]
    tail = api.get(url, HTTP_RANGE="bytes=-10")
    assert tail.status_code == 206 and b"".join(tail.streaming_content) == content[-10:]
    assert api.get(url, HTTP_RANGE=f"bytes={len(content)}-").status_code == 416


@pytest.mark.timeout(180)
def test_an_uploaded_meeting_is_stored_in_the_bucket_transcribed_and_served(
    api, bucket, shared_data, django_capture_on_commit_callbacks
):
    audio = _speech(shared_data)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/meetings/",
            {"file": SimpleUploadedFile("speech.flac", audio, content_type="audio/flac"), "language": "en"},
            format="multipart",
        )
    assert response.status_code == 202
    meeting_id = response.json()["id"]

    _assert_transcribed(api, meeting_id)
    key = Meeting.objects.get(pk=meeting_id).recording.file.name
    assert key in bucket.stored() and bucket.read(key) == audio
    _assert_served_with_ranges(api, f"/api/v1/meetings/{meeting_id}/audio/", audio)


@pytest.mark.timeout(180)
def test_a_resumable_upload_is_stored_in_parts_then_joined_into_the_recording(
    api, bucket, settings, shared_data, django_capture_on_commit_callbacks
):
    audio = _speech(shared_data)
    settings.MEETINGS_CHUNK_BYTES = chunk = 300_000
    created = api.post(
        "/api/v1/meetings/uploads/", {"filename": "speech.flac", "size": len(audio), "language": "en"}, format="json"
    )
    upload_id = created.json()["upload"]

    def put(start: int):
        body = audio[start : start + chunk]
        return api.put(
            f"/api/v1/meetings/uploads/{upload_id}/",
            data=body,
            content_type="application/octet-stream",
            HTTP_CONTENT_RANGE=f"bytes {start}-{start + len(body) - 1}/{len(audio)}",
        )

    assert put(0).json()["received"] == chunk
    assert put(0).status_code == 200  # a retried chunk is harmless
    assert put(2 * chunk).status_code == 409  # out of order
    assert api.get(f"/api/v1/meetings/uploads/{upload_id}/").json()["received"] == chunk
    path = ChunkedUpload.objects.get(pk=upload_id).path
    assert [k for k in bucket.stored() if k.startswith(path)] == [f"{path}.parts/{0:015d}"]
    *middle, final = range(chunk, len(audio), chunk)
    for start in middle:
        assert put(start).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        last = put(final)
    assert last.status_code == 202

    meeting_id = last.json()["id"]
    _assert_transcribed(api, meeting_id)
    assert bucket.stored() == [path] and bucket.read(path) == audio  # the parts are gone
    _assert_served_with_ranges(api, f"/api/v1/meetings/{meeting_id}/audio/", audio)


def test_a_dictation_items_speech_is_generated_into_the_bucket_and_served(
    api, bucket, settings, django_capture_on_commit_callbacks
):
    settings.SAWT_ACCEL_REDIRECT = "/_protected/"  # nginx cannot read a bucket: the app streams it itself
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/dictation/items", {"locale": "en-US", "text": "The bucket holds my voice."}, format="json"
        )
    assert response.status_code == 202
    item_id = response.json()["id"]
    assert api.get(f"/api/v1/dictation/items/{item_id}/tts-status").json()["status"] == "completed"

    [key] = bucket.stored()
    audio = bucket.read(key)
    with wave.open(io.BytesIO(audio)) as wav:
        assert wav.getnframes() / wav.getframerate() > 0.5
    _assert_served_with_ranges(api, f"/api/v1/dictation/items/{item_id}/audio", audio)
    assert "X-Accel-Redirect" not in api.get(f"/api/v1/dictation/items/{item_id}/audio")

    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/api/v1/dictation/items/{item_id}").status_code == 204
    assert bucket.stored() == []


def test_the_cleanup_deletes_audio_no_item_plays_from_the_bucket(owner, bucket, settings):
    from dictation.services import audio_cleanup_orphans
    from tests.dictation.factories import ItemFactory

    settings.DICTATION_ORPHAN_GRACE_SECONDS = -60  # every file is old enough
    used, orphan = (f"{settings.DICTATION_AUDIO_DIR}/ab/{name}.wav" for name in ("used", "orphan"))
    for key in (used, orphan):
        bucket.client.put_object(Bucket=bucket.name, Key=key, Body=b"RIFF")
    ItemFactory(owner=owner, audio_file=used)

    assert audio_cleanup_orphans() == 1

    assert bucket.stored() == [used]


def test_the_health_check_writes_to_the_bucket(client, bucket):
    assert client.get("/health").json()["components"]["storage"] == "ok"
    assert bucket.stored() == []


def test_sawt_storage_s3_selects_the_s3_backend_with_its_bucket_and_endpoint():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sawt.settings.test",
        "SAWT_STORAGE": "s3",
        "SAWT_S3_BUCKET": "recordings",
        "SAWT_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        "AWS_S3_REGION_NAME": "eu-west-1",
    }
    script = "import django; django.setup(); from django.conf import settings; print(settings.STORAGES['default'])"
    printed = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert printed.stdout.strip() == str(
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "recordings",
                "endpoint_url": "http://127.0.0.1:9000",
                "region_name": "eu-west-1",
                "default_acl": None,
            },
        }
    )
