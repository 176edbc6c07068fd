"""Owners and staff can see a caller's full number to call back; each look is recorded and listed in the admin."""

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.voicebot.factories import CallFactory, MembershipFactory, ReservationFactory, business_for
from voicebot import services
from voicebot.models import Membership, NumberReveal

pytestmark = pytest.mark.django_db


def test_owner_and_staff_reveal_a_callers_number_and_each_reveal_is_recorded(api, owner, outsider_api):
    business = business_for(owner)
    caller = services.caller_get_or_create(business=business, phone="+919812345678")
    call = CallFactory(business=business, caller=caller)
    booking = ReservationFactory(business=business, caller=caller)

    by_booking = api.post(f"/api/v1/voicebot/reservations/{booking.pk}/reveal-number/")
    assert by_booking.status_code == 200, by_booking.json()
    assert by_booking.json()["phone"] == "+919812345678" and by_booking.json()["revealed_at"]

    staff = UserFactory()
    MembershipFactory(business=business, user=staff, role=Membership.Role.STAFF)
    staff_api = APIClient()
    staff_api.force_authenticate(staff)
    assert staff_api.post(f"/api/v1/voicebot/calls/{call.pk}/reveal-number/").json()["phone"] == "+919812345678"

    reveals = list(NumberReveal.objects.order_by("created_at").values_list("user", "reservation", "call"))
    assert reveals == [(owner.pk, booking.pk, None), (staff.pk, None, call.pk)]

    assert outsider_api.post(f"/api/v1/voicebot/calls/{call.pk}/reveal-number/").status_code == 404
    assert outsider_api.post(f"/api/v1/voicebot/reservations/{booking.pk}/reveal-number/").status_code == 404
    assert NumberReveal.objects.count() == 2
    walk_in = ReservationFactory(business=business, caller=None)
    assert api.post(f"/api/v1/voicebot/reservations/{walk_in.pk}/reveal-number/").status_code == 409


def test_reveals_are_listed_in_the_admin_with_the_number_masked(client, owner):
    owner.is_staff = owner.is_superuser = True
    owner.save()
    business = business_for(owner)
    caller = services.caller_get_or_create(business=business, phone="+919812345678")
    call = CallFactory(business=business, caller=caller)
    services.caller_number_reveal(user=owner, caller=caller, call=call)
    client.force_login(owner)

    page = client.get("/admin/voicebot/numberreveal/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "•••• ••78" in text and owner.get_username() in text and "9812345678" not in text
    reveal = NumberReveal.objects.get()
    assert client.get(f"/admin/voicebot/numberreveal/{reveal.pk}/change/").status_code == 200


def test_the_call_page_offers_the_number_on_request_only(client, owner):
    business = business_for(owner)
    caller = services.caller_get_or_create(business=business, phone="+919812345678")
    call = CallFactory(business=business, caller=caller)
    client.force_login(owner)

    page = client.get(f"/voicebot/calls/{call.pk}/").content.decode()

    assert f'data-url="/api/v1/voicebot/calls/{call.pk}/reveal-number/"' in page
    assert "9812345678" not in page
    assert not NumberReveal.objects.exists()
