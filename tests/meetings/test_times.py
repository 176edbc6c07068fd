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
