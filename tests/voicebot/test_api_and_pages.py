import datetime as dt
import re

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.voicebot.factories import BusinessFactory, CallFactory, MembershipFactory, business_for
from voicebot import services
from voicebot.models import Membership, Reservation, Turn

pytestmark = pytest.mark.django_db


def test_it_creates_a_business_and_makes_the_creator_its_owner(api, owner):
    response = api.post(
        "/api/v1/voicebot/businesses/create/",
        {"name": "Udupi Grand", "phone_number": "080 1234 5678", "time_zone": "Asia/Kolkata"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["phone_number"] == "+08012345678" and response.json()["role"] == "owner"
    assert api.get("/api/v1/voicebot/businesses/").json()["count"] == 1
    bad = api.post(
        "/api/v1/voicebot/businesses/create/",
        {"name": "x", "phone_number": "1", "time_zone": "Mars/Base"},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"]


def test_staff_see_only_their_businesses_and_cannot_change_settings(owner):
    staff = UserFactory(username="staff")
    mine, _theirs = BusinessFactory(), BusinessFactory()
    MembershipFactory(business=mine, user=staff, role=Membership.Role.STAFF)
    client = APIClient()
    client.force_authenticate(staff)
    listed = client.get("/api/v1/voicebot/businesses/").json()["results"]
    assert [b["id"] for b in listed] == [mine.pk] and listed[0]["role"] == "staff"
    assert (
        client.patch(f"/api/v1/voicebot/businesses/{mine.pk}/update/", {"seats_per_slot": 5}, format="json").status_code
        == 403
    )
    assert client.get(f"/api/v1/voicebot/businesses/{_theirs.pk}/").status_code == 404


def test_it_books_changes_and_cancels_reservations_through_the_api(api, owner):
    business = business_for(owner, seats_per_slot=6)
    day = (business.now() + dt.timedelta(days=2)).date().isoformat()
    created = api.post(
        "/api/v1/voicebot/reservations/create/",
        {
            "business": business.pk,
            "date": day,
            "time": "19:00",
            "party_size": 4,
            "name": "Asha",
            "phone": "+919812345678",
        },
        format="json",
    )
    assert created.status_code == 201 and created.json()["caller"].endswith("78")
    rid = created.json()["id"]
    full = api.post(
        "/api/v1/voicebot/reservations/create/",
        {"business": business.pk, "date": day, "time": "19:00", "party_size": 4, "name": "Ravi"},
        format="json",
    )
    assert full.status_code == 409 and full.json()["error"]["details"]["reason"] == "full"
    assert full.json()["error"]["details"]["nearest"][0].endswith("T18:30")
    slots = api.get(f"/api/v1/voicebot/businesses/{business.pk}/availability/", {"date": day, "party_size": 4}).json()[
        "slots"
    ]
    assert {"time": "19:00", "seats_left": 2, "available": False} in slots
    moved = api.patch(f"/api/v1/voicebot/reservations/{rid}/update/", {"time": "20:00"}, format="json")
    assert moved.status_code == 200 and moved.json()["time"] == "20:00:00"
    assert api.post(f"/api/v1/voicebot/reservations/{rid}/cancel/").json()["status"] == "cancelled"
    assert api.get("/api/v1/voicebot/reservations/", {"business": business.pk}).json()["count"] == 1


def test_it_lists_calls_with_their_latency_and_turns(api, owner):
    call = CallFactory(business=business_for(owner), transcript_kept=True)
    Turn.objects.create(
        call=call,
        index=1,
        caller_text="table for two",
        bot_text="For which day?",
        processing_ms=420,
        endpoint_wait_ms=500,
        asr_ms=60,
        dialogue_ms=5,
        tts_first_byte_ms=300,
    )
    services.call_finish(call_id=call.pk)
    assert api.get("/api/v1/voicebot/calls/").json()["results"][0]["latency"]["processing_p50_ms"] == 420
    detail = api.get(f"/api/v1/voicebot/calls/{call.pk}/").json()
    assert detail["turns"][0]["caller_text"] == "table for two" and detail["turns"][0]["asr_ms"] == 60


def test_it_serves_a_byte_range_of_a_call_recording_to_the_business_only(api, outsider_api, owner):
    from django.core.files.base import ContentFile

    recording = bytes(range(256))
    call = CallFactory(business=business_for(owner), recording=ContentFile(recording, name="call.wav"))
    url = f"/api/v1/voicebot/calls/{call.pk}/recording"

    part = api.get(url, HTTP_RANGE="bytes=-16")

    assert part.status_code == 206 and part["Content-Range"] == "bytes 240-255/256"
    assert part["Content-Type"] == "audio/wav" and part["Content-Disposition"] == f'inline; filename="call-{call.pk}.wav"'
    assert (part["X-Content-Type-Options"], part["Content-Security-Policy"]) == ("nosniff", "sandbox")
    assert b"".join(part.streaming_content) == recording[-16:]
    assert outsider_api.get(url).status_code == 404


def test_the_staff_pages_show_todays_reservations_calls_and_consents(client, owner):
    business = business_for(owner)
    caller = services.caller_get_or_create(business=business, phone="+919812345678")
    services.consent_record(caller=caller, kinds=["transcript"], granted=True, how="voice")
    today = business.now().date()
    Reservation.objects.create(
        business=business, caller=caller, date=today, time=dt.time(21, 0), party_size=3, name="Kavya"
    )
    call = CallFactory(business=business, caller=caller, transcript_kept=True)
    Turn.objects.create(call=call, index=1, caller_text="for three", bot_text="Which day?", processing_ms=410)
    client.force_login(owner)
    page = client.get(f"/voicebot/businesses/{business.pk}/").content.decode()
    assert "Kavya" in page, page
    assert "9812345678" not in page and "••78" in page
    assert "for three" in client.get(f"/voicebot/calls/{call.pk}/").content.decode()
    assert "granted" in client.get(f"/voicebot/businesses/{business.pk}/consents/").content.decode()
    assert (
        'data-socket="/ws/voicebot/plivo/'
        in client.get(f"/voicebot/businesses/{business.pk}/test-call/").content.decode()
    )
    assert business.name in client.get("/voicebot/").content.decode()


def test_the_admin_masks_numbers_shows_latency_and_erases_callers(client, owner):
    owner.is_staff = owner.is_superuser = True
    owner.save()
    business = business_for(owner)
    caller = services.caller_get_or_create(business=business, phone="+919812345678")
    call = CallFactory(business=business, caller=caller, transcript_kept=True)
    Turn.objects.create(
        call=call, index=1, caller_text="for three", bot_text="Which day?", processing_ms=410, asr_ms=77
    )
    client.force_login(owner)
    for url in [
        "/admin/voicebot/caller/",
        f"/admin/voicebot/caller/{caller.pk}/change/",
        f"/admin/voicebot/call/{call.pk}/change/",
        "/admin/voicebot/call/",
        "/admin/voicebot/business/",
        "/admin/voicebot/reservation/",
        "/admin/voicebot/consent/",
        "/admin/voicebot/message/",
    ]:
        page = client.get(url)
        assert page.status_code == 200, url
        assert "9812345678" not in page.content.decode() and not re.search(r"v[12]:", page.content.decode()), url
    assert "77" in client.get(f"/admin/voicebot/call/{call.pk}/change/").content.decode()
    client.post("/admin/voicebot/caller/", {"action": "erase", "_selected_action": [caller.pk]})
    assert not business.callers.exists()


def test_staff_page_through_the_days_and_mark_a_no_show_or_cancel_from_the_business_page(client, owner, outsider):
    # No-show is offered only once a booking's time has passed (issue 21): the no-show is yesterday's.
    business = business_for(owner)
    tomorrow = business.now().date() + dt.timedelta(days=1)
    yesterday = business.now().date() - dt.timedelta(days=1)
    late = Reservation.objects.create(business=business, date=yesterday, time=dt.time(20, 0), party_size=2, name="Kavya")
    called_off = Reservation.objects.create(
        business=business, date=tomorrow, time=dt.time(21, 0), party_size=4, name="Ravi"
    )
    client.force_login(owner)
    today_page = client.get(f"/voicebot/businesses/{business.pk}/").content.decode()
    assert "Kavya" not in today_page and f"?day={tomorrow.isoformat()}" in today_page

    page = client.get(f"/voicebot/businesses/{business.pk}/", {"day": yesterday.isoformat()}).content.decode()
    assert "Kavya" in page and "No-show" in page
    page = client.get(f"/voicebot/businesses/{business.pk}/", {"day": tomorrow.isoformat()}).content.decode()
    assert "Ravi" in page and "No-show" not in page

    done = client.post(f"/voicebot/reservations/{late.pk}/no-show/")
    assert done.status_code == 302 and done["Location"].endswith(f"?day={yesterday.isoformat()}")
    client.post(f"/voicebot/reservations/{called_off.pk}/cancel/")
    late.refresh_from_db()
    called_off.refresh_from_db()
    assert (late.status, called_off.status) == (Reservation.Status.NO_SHOW, Reservation.Status.CANCELLED)

    client.force_login(outsider)
    other = Reservation.objects.create(business=business, date=tomorrow, time=dt.time(19, 0), party_size=2, name="Anu")
    assert client.post(f"/voicebot/reservations/{other.pk}/cancel/").status_code == 404
    other.refresh_from_db()
    assert other.status == Reservation.Status.BOOKED
