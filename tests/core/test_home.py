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


def test_it_lists_latest_items_and_what_needs_attention(client):
    import datetime as dt

    from django.utils import timezone

    from tests.voicebot.factories import BusinessFactory, MembershipFactory
    from voicebot.models import Reservation

    user = UserFactory()
    MeetingFactory(owner=user, title="Board call", status="failed")
    MeetingFactory(owner=user, title="Stand-up", status="completed")
    ItemFactory(owner=user, text="The cat sat on the mat.", tts_status="completed")
    business = BusinessFactory(name="Chez Ada", time_zone="UTC")
    MembershipFactory(business=business, user=user)
    today = timezone.now().astimezone(dt.UTC).date()
    Reservation.objects.create(business=business, date=today, time=dt.time(23, 59), party_size=2, name="Ravi")
    client.force_login(user)

    response = client.get("/")
    panels = {panel["title"]: panel for panel in response.context["panels"]}
    page = response.content.decode()

    assert [link.label for link in panels["Meetings"]["latest"]] == ["Stand-up", "Board call"]
    assert [link.label for link in panels["Meetings"]["attention"]] == ["“Board call” could not be processed"]
    assert "1 sentence due for review" in [link.label for link in panels["Dictation trainer"]["attention"]]
    assert [link.label for link in panels["Phone voice bot"]["attention"]] == ["Chez Ada: 1 booking today"]
    assert f'href="/voicebot/businesses/{business.pk}/"' in page
    assert "Hello, " in page and "Create an account" not in page


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    from django.contrib.staticfiles import finders

    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg") and finders.find("favicon.svg")
