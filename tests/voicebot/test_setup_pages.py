"""A business set up and its book kept from the pages: create, edit with the hours grid, invite staff,
book, change and cancel by hand (with a confirmation), no-show only after the time; the admin's owner."""

import datetime as dt

import pytest

from tests.factories import UserFactory
from tests.voicebot.factories import business_for
from voicebot.models import Business, Membership, Reservation

pytestmark = pytest.mark.django_db


def business_form(**overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Chez Ada", "phone_number": "+91 80 4000 1234", "time_zone": "Europe/London", "languages": ["en"],
        "greeting": "Welcome to Chez Ada.", "address": "1 High Street", "seats_per_slot": "20", "slot_minutes": "30",
        "max_party_size": "8", "lead_minutes": "60", "horizon_days": "30", "transfer_number": "",
        "retention_days": "30", "holidays_text": "2099-12-25",
        "mon_open_0": "12:00", "mon_close_0": "15:00", "mon_open_1": "18:00", "mon_close_1": "22:00",
        "sat_open_0": "10:00", "sat_close_0": "23:00",
    }
    data.update(overrides)
    return data


def test_the_empty_state_leads_to_the_setup_page_not_the_api(client):
    client.force_login(UserFactory())
    page = client.get("/voicebot/").content.decode()
    assert "/voicebot/businesses/new/" in page and "/api/v1/" not in page and "POST" not in page


def test_a_new_user_creates_a_business_with_its_hours_and_owns_it(client):
    user = UserFactory(time_zone="Asia/Kolkata")
    client.force_login(user)
    form = client.get("/voicebot/businesses/new/")
    assert 'value="Asia/Kolkata" selected' in form.content.decode()  # the user's own time zone by default
    response = client.post("/voicebot/businesses/new/", business_form())
    business = Business.objects.get(name="Chez Ada")
    assert response.status_code == 302 and response["Location"] == f"/voicebot/businesses/{business.pk}/"
    assert business.role_of(user) == Membership.Role.OWNER
    assert business.opening_hours["mon"] == [["12:00", "15:00"], ["18:00", "22:00"]]
    assert business.opening_hours["sat"] == [["10:00", "23:00"]] and business.opening_hours["sun"] == []
    assert business.holidays == ["2099-12-25"] and business.time_zone == "Europe/London"
    assert business.seats_per_slot == 20 and business.max_party_size == 8


def test_the_form_says_what_is_wrong_in_words(client):
    client.force_login(UserFactory())
    page = client.post(
        "/voicebot/businesses/new/",
        business_form(phone_number="12", mon_close_0="11:00", sat_open_1="22:00", sat_close_1="23:30", holidays_text="soon"),
    ).content.decode()
    assert "Saturday: the periods overlap." in page
    assert "at least 6 digits" in page and "opening time before the closing time" in page
    assert "is not a date like" in page and not Business.objects.exists()


def test_the_owner_edits_the_settings_and_a_changed_number_waits_for_approval(client, settings):
    settings.VOICEBOT_REQUIRE_NUMBER_APPROVAL = True
    owner = UserFactory()
    business = business_for(owner, name="Old name")
    client.force_login(owner)
    edit = client.get(f"/voicebot/businesses/{business.pk}/edit/").content.decode()
    assert 'value="Old name"' in edit and "opening-hours" in edit
    response = client.post(f"/voicebot/businesses/{business.pk}/edit/", business_form(name="New name"))
    assert response.status_code == 302
    business.refresh_from_db()
    assert business.name == "New name" and business.phone_number_approved() is False
    assert "waiting for approval" in client.get(f"/voicebot/businesses/{business.pk}/edit/").content.decode()


def test_staff_may_not_edit_and_outsiders_do_not_see(client):
    owner, staff = UserFactory(), UserFactory()
    business = business_for(owner)
    Membership.objects.create(business=business, user=staff, role=Membership.Role.STAFF)
    client.force_login(staff)
    assert client.get(f"/voicebot/businesses/{business.pk}/edit/").status_code == 403
    client.force_login(UserFactory())
    assert client.get(f"/voicebot/businesses/{business.pk}/edit/").status_code == 404


def test_inviting_known_and_unknown_usernames_answers_alike(client):
    owner, known = UserFactory(), UserFactory(username="grace")
    business = business_for(owner)
    client.force_login(owner)
    answers = []
    for username in ("grace", "nobody-here"):
        response = client.post(f"/voicebot/businesses/{business.pk}/invite/", {"username": username}, follow=True)
        page = response.content.decode()
        answers.append(page[page.index('<ul class="messages"'):].split("</ul>")[0].replace(username, "NAME"))
    assert answers[0] == answers[1] and "If NAME has an account" in answers[0]
    assert business.role_of(known) == Membership.Role.STAFF


def test_staff_book_change_and_cancel_by_hand_with_a_confirmation(client):
    owner = UserFactory()
    business = business_for(owner, seats_per_slot=10)
    day = business.now().date() + dt.timedelta(days=2)
    while not business.opening_hours.get(("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()]):
        day += dt.timedelta(days=1)
    client.force_login(owner)
    response = client.post(
        f"/voicebot/businesses/{business.pk}/bookings/new/",
        {"date": day.isoformat(), "time": "19:00", "party_size": "4", "name": "Ravi"},
    )
    assert response.status_code == 302
    booking = Reservation.objects.get(name="Ravi")
    page = client.get(f"/voicebot/businesses/{business.pk}/").content.decode()
    assert "Upcoming bookings" in page and "Ravi" in page  # listed by day, not only on its own day

    too_big = client.post(
        f"/voicebot/reservations/{booking.pk}/edit/",
        {"date": day.isoformat(), "time": "19:00", "party_size": "400", "name": "Ravi"},
    ).content.decode()
    assert "cannot be booked" in too_big or "at most" in too_big or "less than or equal" in too_big
    client.post(
        f"/voicebot/reservations/{booking.pk}/edit/",
        {"date": day.isoformat(), "time": "19:30", "party_size": "5", "name": "Ravi K"},
    )
    booking.refresh_from_db()
    assert (booking.time, booking.party_size, booking.name) == (dt.time(19, 30), 5, "Ravi K")

    confirm = client.get(f"/voicebot/reservations/{booking.pk}/cancel/confirm/").content.decode()
    assert "Cancel this booking?" in confirm
    booking.refresh_from_db()
    assert booking.status == Reservation.Status.BOOKED  # asking is not cancelling
    client.post(f"/voicebot/reservations/{booking.pk}/cancel/")
    booking.refresh_from_db()
    assert booking.status == Reservation.Status.CANCELLED


def test_no_show_is_refused_before_the_booking_time(client):
    owner = UserFactory()
    business = business_for(owner)
    future = Reservation.objects.create(
        business=business, date=business.now().date() + dt.timedelta(days=1), time=dt.time(20), party_size=2, name="A"
    )
    client.force_login(owner)
    client.post(f"/voicebot/reservations/{future.pk}/no-show/")
    future.refresh_from_db()
    assert future.status == Reservation.Status.BOOKED


def test_a_business_made_in_the_admin_gets_its_creator_as_owner(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    data = {
        "name": "Admin made", "phone_number": "+91 80 4000 9999", "time_zone": "Asia/Kolkata", "languages": '["en"]',
        "greeting": "", "address": "", "opening_hours": '{"mon": [["12:00", "15:00"]]}', "holidays": "[]",
        "seats_per_slot": "40", "max_party_size": "10", "slot_minutes": "30", "lead_minutes": "60",
        "horizon_days": "30", "transfer_number": "", "retention_days": "30",
        "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    response = client.post("/admin/voicebot/business/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    business = Business.objects.get(name="Admin made")
    assert business.role_of(admin) == Membership.Role.OWNER


def test_an_outsider_finds_none_of_the_setup_and_booking_pages(client):
    owner = UserFactory()
    business = business_for(owner)
    booking = Reservation.objects.create(
        business=business, date=business.now().date() + dt.timedelta(days=1), time=dt.time(20), party_size=2, name="A"
    )
    client.force_login(UserFactory())
    for path in (
        f"/voicebot/businesses/{business.pk}/edit/",
        f"/voicebot/businesses/{business.pk}/bookings/new/",
        f"/voicebot/reservations/{booking.pk}/edit/",
        f"/voicebot/reservations/{booking.pk}/cancel/confirm/",
        f"/voicebot/reservations/{booking.pk}/no-show/confirm/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/voicebot/businesses/{business.pk}/invite/", {"username": "x"}).status_code == 404
    assert client.post(f"/voicebot/reservations/{booking.pk}/edit/", {"name": "B"}).status_code == 404
    booking.refresh_from_db()
    assert booking.name == "A"
