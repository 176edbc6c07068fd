import pytest

from meetings.templatetags.meetings_time import hms
from tests.meetings.factories import MeetingFactory, SegmentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0:00"), (59.9, "0:59"), (61, "1:01"), (1234.5, "20:34"), (3600, "1:00:00"), (4321, "1:12:01")],
)
def test_it_prints_times_as_hours_minutes_seconds(seconds, shown):
    assert hms(seconds) == shown


def test_the_pages_print_line_times_and_durations_as_h_mm_ss(client, owner):
    meeting = MeetingFactory(owner=owner, duration=4321.0)
    SegmentFactory(meeting=meeting, start=1234.5)
    client.force_login(owner)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "20:34</button>" in page and "1234.5s" not in page
    assert "1:12:01" in client.get("/meetings/").content.decode()


def test_the_page_offers_exports_and_regenerate_only_once_they_can_work(client, owner):
    from tests.meetings.factories import SummaryFactory

    client.force_login(owner)
    waiting = MeetingFactory(owner=owner, status="processing")
    page = client.get(f"/meetings/{waiting.pk}/").content.decode()
    assert "export-buttons" not in page and 'id="regenerate"' not in page

    done = MeetingFactory(owner=owner)
    SegmentFactory(meeting=done)
    SummaryFactory(meeting=done)
    page = client.get(f"/meetings/{done.pk}/").content.decode()
    assert "export-buttons" in page and "format=rttm" in page and 'id="regenerate"' in page


def test_a_search_with_no_hits_says_so_and_leaves_the_list_alone(client, owner):
    MeetingFactory(owner=owner, title="Budget review")
    MeetingFactory(owner=owner, title="Hiring plan")
    client.force_login(owner)
    page = client.get("/meetings/", {"q": "xylophone"}).content.decode()
    assert "No lines match." in page
    assert "Budget review" in page and "Hiring plan" in page
