import pytest

from meetings.models import Meeting, ProcessingJob, Recording

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
    part = ChunkedUpload.objects.get(pk=upload_id).path
    assert default_storage.size(part) == 10

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=owner)

    assert not ChunkedUpload.objects.filter(pk=upload_id).exists()
    assert not default_storage.exists(part)
