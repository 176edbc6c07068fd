import time

import pytest


@pytest.fixture
def create_item(api, django_capture_on_commit_callbacks):
    """POSTs an item through the API; the audio job runs (eagerly) when the request's transaction commits."""

    def create(**fields):
        body = {"locale": "en-US", **fields}
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post("/api/v1/dictation/items", body, format="json")
        assert response.status_code == 202, response.json()
        return response.json()

    return create


def wait_for_audio(api, item_id, seconds=30.0):
    deadline = time.monotonic() + seconds
    while True:
        status = api.get(f"/api/v1/dictation/items/{item_id}/tts-status").json()
        if status["status"] in ("completed", "failed") or time.monotonic() > deadline:
            return status
        time.sleep(0.2)
