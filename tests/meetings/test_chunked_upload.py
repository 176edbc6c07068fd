from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from meetings.models import ChunkedUpload, Meeting, ProcessingJob, Recording
from meetings.uploads import chunked_upload_parts

pytestmark = pytest.mark.django_db


def _put(api, upload_id: int, body: bytes, start: int, total: int):
    return api.put(
        f"/api/v1/meetings/uploads/{upload_id}/",
        data=body,
        content_type="application/octet-stream",
        HTTP_CONTENT_RANGE=f"bytes {start}-{start + len(body) - 1}/{total}",
    )


def test_it_assembles_chunks_in_order_resumes_and_starts_processing(api, settings, django_capture_on_commit_callbacks):
    settings.MEETINGS_CHUNK_BYTES = 10
    content = b"not really audio, in four chunks"
    created = api.post("/api/v1/meetings/uploads/", {"filename": "long.wav", "size": len(content)}, format="json")
    assert created.status_code == 201
    upload_id = created.json()["upload"]
    assert _put(api, upload_id, content[0:10], 0, len(content)).json()["received"] == 10
    # Out of order: refused with what has arrived, so the client can resume from there.
    skipped = _put(api, upload_id, content[20:30], 20, len(content))
    assert skipped.status_code == 409 and skipped.json()["error"]["details"]["received"] == 10
    assert _put(api, upload_id, content[0:10], 0, len(content)).status_code == 200  # a retried chunk is harmless
    assert _put(api, upload_id, content[10:30], 10, len(content)).status_code == 413  # over the chunk limit
    assert api.get(f"/api/v1/meetings/uploads/{upload_id}/").json()["received"] == 10
    _put(api, upload_id, content[10:20], 10, len(content))
    _put(api, upload_id, content[20:30], 20, len(content))
    with django_capture_on_commit_callbacks(execute=True):
        last = _put(api, upload_id, content[30:], 30, len(content))
    assert last.status_code == 202
    meeting = Meeting.objects.get(pk=last.json()["id"])
    with Recording.objects.get(meeting=meeting).file.open("rb") as handle:
        assert handle.read() == content
    # Not audio: the job fails with the reason, the meeting stays.
    assert ProcessingJob.objects.get(meeting=meeting).error_code == "not_audio"


def test_deleting_the_account_removes_its_unfinished_uploads_and_their_parts(
    api, owner, settings, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from meetings.models import ChunkedUpload
    from sawt.accounts.services import account_delete

    settings.MEETINGS_CHUNK_BYTES = 10
    content = b"half of a long recording"
    upload_id = api.post("/api/v1/meetings/uploads/", {"filename": "long.wav", "size": len(content)}, format="json")
    upload_id = upload_id.json()["upload"]
    _put(api, upload_id, content[:10], 0, len(content))
    parts = chunked_upload_parts(upload=ChunkedUpload.objects.get(pk=upload_id))
    assert sum(default_storage.size(part) for part in parts) == 10

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=owner)

    assert not ChunkedUpload.objects.filter(pk=upload_id).exists()
    assert not any(default_storage.exists(part) for part in parts)


def _create(api, size: int):
    return api.post("/api/v1/meetings/uploads/", {"filename": "long.wav", "size": size}, format="json")


def test_it_counts_uploads_created_toward_the_upload_limit_and_not_the_chunks_sent(api, settings):
    settings.SAWT_RATE_LIMITS = {**settings.SAWT_RATE_LIMITS, "api": "1000/60", "upload": "2/60"}
    settings.MEETINGS_CHUNK_BYTES = 4
    first = _create(api, 40).json()["upload"]
    assert _create(api, 40).status_code == 201
    # Ten chunks of one upload: all accepted, none spends the upload budget.
    statuses = [_put(api, first, b"abcd", start, 40).status_code for start in range(0, 36, 4)]
    assert statuses == [200] * 9
    assert _put(api, first, b"abcd", 36, 40).status_code == 202
    third = _create(api, 40)
    assert third.status_code == 429
    assert third.json()["error"]["code"] == "rate_limited"


def test_it_refuses_an_upload_over_the_users_quota_of_bytes_in_flight(api, outsider_api, settings):
    settings.SAWT_UPLOAD_QUOTA_BYTES = 100
    settings.MEETINGS_CHUNK_BYTES = 60
    first = _create(api, 60).json()["upload"]
    over = _create(api, 50)
    assert over.status_code == 413
    assert over.json()["error"] == {
        "code": "upload_quota_exceeded",
        "message": "Your unfinished uploads already hold most of your quota: finish or cancel one first.",
        "details": {"quota_bytes": 100, "in_flight_bytes": 60, "size": 50},
    }
    assert ChunkedUpload.objects.filter(owner__username="owner").count() == 1
    assert outsider_api.post(
        "/api/v1/meetings/uploads/", {"filename": "a.wav", "size": 60}, format="json"
    ).status_code == 201  # each user has their own quota
    # A finished upload no longer counts; nor does a cancelled one.
    assert _put(api, first, b"x" * 60, 0, 60).status_code == 202
    second = _create(api, 100)
    assert second.status_code == 201
    assert _create(api, 1).status_code == 413
    assert api.delete(f"/api/v1/meetings/uploads/{second.json()['upload']}/").status_code == 204
    assert _create(api, 100).status_code == 201


def test_it_cancels_an_unfinished_upload_and_removes_its_part(api):
    created = _create(api, 40).json()["upload"]
    _put(api, created, b"abcd", 0, 40)
    parts = chunked_upload_parts(upload=ChunkedUpload.objects.get(pk=created))
    assert parts and all(default_storage.exists(part) for part in parts)
    assert api.delete(f"/api/v1/meetings/uploads/{created}/").status_code == 204
    assert not ChunkedUpload.objects.filter(pk=created).exists()
    assert not any(default_storage.exists(part) for part in parts)


def test_it_keeps_a_finished_upload_when_asked_to_cancel_it(api):
    created = _create(api, 4).json()["upload"]
    assert _put(api, created, b"abcd", 0, 4).status_code == 202
    refused = api.delete(f"/api/v1/meetings/uploads/{created}/")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "conflict"
    assert default_storage.exists(ChunkedUpload.objects.get(pk=created).path)


def test_it_sweeps_parts_abandoned_for_a_day_and_keeps_the_rest(api, owner):
    from meetings.tasks import sweep_abandoned_uploads

    abandoned, recent, finished = (_create(api, 8).json()["upload"] for _ in range(3))
    for upload_id in (abandoned, recent):
        _put(api, upload_id, b"abcd", 0, 8)
    _put(api, finished, b"abcdefgh", 0, 8)
    ChunkedUpload.objects.filter(pk__in=[abandoned, finished]).update(updated=timezone.now() - timedelta(hours=25))
    parts = {u.pk: chunked_upload_parts(upload=u) for u in ChunkedUpload.objects.all()}
    paths = dict(ChunkedUpload.objects.values_list("pk", "path"))
    assert sweep_abandoned_uploads() == 1
    assert sweep_abandoned_uploads() == 0  # twice is harmless
    assert set(ChunkedUpload.objects.values_list("pk", flat=True)) == {recent, finished}
    assert parts[abandoned] and not any(default_storage.exists(part) for part in parts[abandoned])
    assert parts[recent] and all(default_storage.exists(part) for part in parts[recent])
    assert default_storage.exists(paths[finished])


def test_it_schedules_the_sweep_of_abandoned_uploads(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["meetings-sweep-abandoned-uploads"]
    assert entry["task"] == "meetings.tasks.sweep_abandoned_uploads"
