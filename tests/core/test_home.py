"""The home page lists every product's panel; a signed-in user also reads where they stand in each."""

import pytest

from tests.dictation.factories import AttemptFactory, ItemFactory
from tests.factories import UserFactory
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db

TITLES = ["Live voice chat", "Dictation trainer", "Meetings", "Music assistant", "Phone voice bot"]


def test_it_shows_every_product_to_a_visitor_without_anyones_figures(client):
    response = client.get("/")
    page = response.content.decode()
    for title in TITLES:
        assert f">{title}</a>" in page
    assert [panel["title"] for panel in response.context["panels"]] == TITLES
    assert all("summary" not in panel for panel in response.context["panels"])
    assert "Create an account" in page


def test_it_sums_up_a_signed_in_users_own_data_in_each_panel(client):
    user = UserFactory()
    MeetingFactory(owner=user, status="completed")
    MeetingFactory(owner=user, status="processing")
    MeetingFactory(status="completed")  # someone else's
    item = ItemFactory(owner=user)
    AttemptFactory(item=item)
    client.force_login(user)

    summaries = {panel["title"]: panel["summary"] for panel in client.get("/").context["panels"]}

    assert summaries["Meetings"] == "2 meetings, 1 processing"
    assert summaries["Dictation trainer"] == "1 sentence, 1 attempt."
    assert summaries["Live voice chat"] == "No conversations yet."
    assert summaries["Music assistant"] == "No music account connected yet."
    assert summaries["Phone voice bot"] == "No business set up yet."


def test_it_says_what_is_connected_and_booked(client):
    import datetime as dt

    from tests.music.factories import LibraryTrackFactory, MusicAccountFactory
    from tests.voicebot.factories import BusinessFactory, MembershipFactory
    from voicebot.models import Reservation

    user = UserFactory()
    MusicAccountFactory(owner=user)
    LibraryTrackFactory(owner=user)
    business = BusinessFactory()
    MembershipFactory(business=business, user=user)
    Reservation.objects.create(
        business=business, date=dt.date(2099, 1, 1), time=dt.time(19, 0), party_size=2, name="Ravi"
    )
    client.force_login(user)

    summaries = {panel["title"]: panel["summary"] for panel in client.get("/").context["panels"]}

    assert summaries["Music assistant"] == "Connected to Spotify; 1 track in your library."
    assert summaries["Phone voice bot"] == "1 business, 1 upcoming booking."
