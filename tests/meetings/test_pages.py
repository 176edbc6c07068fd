"""The meeting pages as served: paging and sorting of the list, the undo offer after a delete, a file
that could not be read, words to highlight and seek, and nothing offered that cannot work."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.meetings.factories import JobFactory, MeetingFactory, RecordingFactory, SegmentFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client, owner):
    client.force_login(owner)
    return client


def test_it_pages_the_list_past_its_first_25_meetings(browser, owner):
    for n in range(30):
        MeetingFactory(owner=owner, title=f"Meeting {n:02d}")

    first = browser.get("/meetings/").content.decode()
    second = browser.get("/meetings/", {"page": 2}).content.decode()

    assert "Meeting 29" in first and "Meeting 04" not in first and "Page 1 of 2 (30 meetings)" in first
    assert "Meeting 04" in second and "Meeting 29" not in second and 'rel="prev"' in second


def test_it_sorts_the_list_by_a_column_and_links_the_reverse_order(browser, owner):
    MeetingFactory(owner=owner, title="Budget")
    MeetingFactory(owner=owner, title="Alpha")

    page = browser.get("/meetings/", {"sort": "title"}).content.decode()

    assert page.index(">Alpha<") < page.index(">Budget<")
    assert 'href="?sort=-title"' in page and 'aria-sort="ascending"' in page
    # An unknown order falls back to newest first.
    assert browser.get("/meetings/", {"sort": "owner__password"}).status_code == 200


def test_it_offers_to_undo_a_delete_for_thirty_seconds_only(browser, owner):
    fresh = MeetingFactory(owner=owner, title="Just gone", deleted_at=timezone.now())
    old = MeetingFactory(owner=owner, title="Long gone", deleted_at=timezone.now() - timedelta(seconds=40))

    assert 'id="undo-delete"' in browser.get("/meetings/", {"deleted": fresh.pk}).content.decode()
    page = browser.get("/meetings/", {"deleted": old.pk}).content.decode()
    assert 'id="undo-delete"' not in page and "Long gone" not in page


def test_someone_elses_deleted_meeting_is_never_offered(browser, outsider):
    theirs = MeetingFactory(owner=outsider, title="Their secret", deleted_at=timezone.now())
    assert "Their secret" not in browser.get("/meetings/", {"deleted": theirs.pk}).content.decode()


def test_a_meeting_whose_file_could_not_be_read_shows_the_error_and_a_delete_button_only(browser, owner):
    meeting = MeetingFactory(owner=owner, status="failed")
    RecordingFactory(meeting=meeting)
    JobFactory(meeting=meeting, status="failed", error_code="not_audio", error="This is not an audio file.")

    page = browser.get(f"/meetings/{meeting.pk}/").content.decode()

    assert "This file could not be read: This is not an audio file." in page
    assert 'id="delete-meeting"' in page
    for offered in ('id="player"', "retry-job", "export-buttons", "share-form", 'meeting-title"'):
        assert offered not in page


def test_a_failed_job_that_can_be_retried_offers_retry(browser, owner):
    meeting = MeetingFactory(owner=owner, status="failed")
    JobFactory(meeting=meeting, status="failed", stage="transcribe", error_code="processing_error", error="Boom.")

    assert 'id="retry-job"' in browser.get(f"/meetings/{meeting.pk}/").content.decode()


def test_each_word_of_a_line_can_be_highlighted_and_clicked(browser, owner):
    meeting = MeetingFactory(owner=owner)
    speaker = SpeakerFactory(meeting=meeting)
    words = [
        {"start": 1.0, "end": 1.4, "word": " Ship", "probability": 0.9},
        {"start": 1.5, "end": 2.0, "word": " it.", "probability": 0.9},
    ]
    SegmentFactory(meeting=meeting, speaker=speaker, start=1.0, end=2.0, text="Ship it.", words=words)

    page = browser.get(f"/meetings/{meeting.pk}/").content.decode()

    assert '<span class="word" data-word="1" data-start="1.5" data-end="2.0">it.</span>' in page


def test_the_upload_takes_audio_and_video_only_and_offers_the_models_languages(browser):
    page = browser.get("/meetings/").content.decode()

    assert 'accept="audio/*,video/*"' in page
    assert '<option value="en">English</option>' in page  # the default model is English-only
    assert "Detect automatically" not in page
