"""Phone and transfer numbers wait for staff approval (VOICEBOT_REQUIRE_NUMBER_APPROVAL) before real calls use them."""

import re

import pytest

from tests.voicebot.conftest import plivo_post, twilio_post
from tests.voicebot.factories import BusinessFactory, CallFactory, business_for
from voicebot import services
from voicebot.dialogue import Dialogue, Reply
from voicebot.models import Business, Call

pytestmark = pytest.mark.django_db


@pytest.fixture
def approval_required(settings):  # type: ignore[no-untyped-def]
    settings.VOICEBOT_REQUIRE_NUMBER_APPROVAL = True


def plivo_call(client, number: str):  # type: ignore[no-untyped-def]
    return plivo_post(
        client, "/voicebot/plivo/answer/", {"CallUUID": "abc", "From": "919812345678", "To": number.lstrip("+")}
    )


def approve_in_admin(client, staff, business: Business) -> None:  # type: ignore[no-untyped-def]
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    response = client.post(
        "/admin/voicebot/business/", {"action": "approve_numbers", "_selected_action": [business.pk]}
    )
    assert response.status_code == 302
    business.refresh_from_db()


def asks_for_a_person(business: Business, call: Call) -> Reply:
    dialogue = Dialogue(business=business, call=call, caller=call.caller)
    dialogue.greeting()
    dialogue.respond("yes")
    return dialogue.respond("I want to speak to a manager")


def test_creating_a_business_answers_201_with_its_number_and_says_approval_is_pending(api, approval_required):
    response = api.post(
        "/api/v1/voicebot/businesses/create/",
        {"name": "Udupi Grand", "phone_number": "+91 80 1234 5678", "transfer_number": "+919800000001"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["phone_number"] == "+918012345678"
    assert body["numbers_pending_approval"] == ["phone_number", "transfer_number"]


def test_a_call_to_a_number_awaiting_approval_hears_not_in_service_and_starts_nothing(
    api, client, approval_required
):
    api.post(
        "/api/v1/voicebot/businesses/create/", {"name": "Squatter", "phone_number": "+918012345678"}, format="json"
    )
    plivo = plivo_call(client, "+918012345678")
    twilio = twilio_post(
        client, "/voicebot/twilio/answer/", {"CallSid": "CA1", "From": "+919812345678", "To": "+918012345678"}
    )
    assert plivo.status_code == 200 and "<Speak>Sorry, this number is not in service.</Speak><Hangup" in plivo.content.decode()
    assert "<Say>Sorry, this number is not in service.</Say><Hangup" in twilio.content.decode()
    assert "<Stream" not in plivo.content.decode() + twilio.content.decode()
    assert not Call.objects.exists()


def test_staff_approve_numbers_in_the_admin_and_calls_are_then_answered(client, owner, admin_user, approval_required):
    business = business_for(owner, phone_number="+918012345678")
    assert "not in service" in plivo_call(client, business.phone_number).content.decode()

    approve_in_admin(client, admin_user, business)

    assert business.numbers_approved_by == admin_user and business.numbers_approved_at is not None
    assert "<Stream" in plivo_call(client, business.phone_number).content.decode()
    assert Call.objects.filter(business=business).count() == 1


def test_a_changed_number_waits_for_approval_again(api, owner, client, admin_user, approval_required):
    business = business_for(owner, phone_number="+918012345678")
    approve_in_admin(client, admin_user, business)

    response = api.patch(
        f"/api/v1/voicebot/businesses/{business.pk}/update/", {"phone_number": "+918099999999"}, format="json"
    )

    assert response.status_code == 200 and response.json()["numbers_pending_approval"] == ["phone_number"]
    assert "not in service" in plivo_call(client, "+918099999999").content.decode()
    assert not Call.objects.exists()


def test_without_the_setting_a_new_number_answers_at_once(api, client, settings):
    settings.VOICEBOT_REQUIRE_NUMBER_APPROVAL = False
    created = api.post(
        "/api/v1/voicebot/businesses/create/", {"name": "Dev", "phone_number": "+918012345678"}, format="json"
    )
    assert created.json()["numbers_pending_approval"] == []
    assert "<Stream" in plivo_call(client, "+918012345678").content.decode()


def test_a_transfer_number_awaiting_approval_is_never_dialled(client, owner, admin_user, approval_required):
    business = business_for(owner, phone_number="+918012345678", transfer_number="+919800000001")
    approve_in_admin(client, admin_user, business)
    services.business_update(business=business, transfer_number="+919800000002")  # the owner changes it
    call = CallFactory(business=business, provider_call_id="abc", outcome=Call.Outcome.TRANSFERRED)

    after = plivo_post(client, f"/voicebot/plivo/after/?call={call.pk}", {"CallUUID": "abc"}).content.decode()

    assert "<Dial" not in after and "+919800000002" not in after and "<Hangup />" in after
    # The bot itself says it cannot put the caller through, and takes a message instead.
    reply = asks_for_a_person(business, call)
    assert reply.outcome == Call.Outcome.VOICEMAIL and "Nobody can come to the phone" in reply.text


def test_an_approved_transfer_number_is_dialled(client, owner, admin_user, approval_required):
    business = business_for(owner, phone_number="+918012345678", transfer_number="+919800000001")
    approve_in_admin(client, admin_user, business)
    call = CallFactory(business=business, provider_call_id="abc", outcome=Call.Outcome.TRANSFERRED)

    after = plivo_post(client, f"/voicebot/plivo/after/?call={call.pk}", {"CallUUID": "abc"}).content.decode()

    assert "<Dial><Number>+919800000001</Number></Dial>" in after
    assert asks_for_a_person(business, call).outcome == Call.Outcome.TRANSFERRED


def test_a_test_call_needs_no_approval(owner, approval_required):
    business = business_for(owner, transfer_number="+919800000001")
    call = services.call_start(business=business, provider=Call.Provider.BROWSER, started_by=owner)
    reply = asks_for_a_person(business, call)
    assert reply.outcome == Call.Outcome.TRANSFERRED and "connect you" in reply.text


def test_the_admin_lists_businesses_awaiting_approval(client, admin_user, approval_required):
    waiting = BusinessFactory(name="Waiting Dhaba")
    client.force_login(admin_user)
    page = client.get("/admin/voicebot/business/?awaiting_approval=yes").content.decode()
    assert "Waiting Dhaba" in page and re.search(r"Approve numbers", page)
    page = client.get(f"/admin/voicebot/business/{waiting.pk}/change/").content.decode()
    assert "phone_number" in page


def test_the_business_page_says_which_numbers_wait_for_approval(client, owner, approval_required):
    business = business_for(owner, transfer_number="+919800000001")
    client.force_login(owner)
    page = client.get(f"/voicebot/businesses/{business.pk}/").content.decode()
    assert "phone number waits for approval" in page and "transfer number waits for approval" in page
