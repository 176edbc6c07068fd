"""The text channel: POST /api/v1/voicebot/businesses/<id>/chat."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.voicebot.factories import MembershipFactory, business_for
from voicebot.models import Conversation, Membership, Reservation

pytestmark = pytest.mark.django_db


def chat(api: APIClient, business_id: int, text: str, conversation: int | None, *, slash: bool = False):  # type: ignore[no-untyped-def]
    path = f"/api/v1/voicebot/businesses/{business_id}/chat" + ("/" if slash else "")
    return api.post(path, {"text": text, "conversation": conversation}, format="json")


def test_a_member_books_by_text_only_after_a_yes(api, owner):
    business = business_for(owner)
    first = chat(api, business.pk, "A table for four tomorrow at 8 pm please", None)
    assert first.status_code == 200, first.json()
    body = first.json()
    tomorrow = (business.now().date() + dt.timedelta(days=1)).isoformat()
    assert set(body) == {"conversation", "reply", "slots", "reservation", "done"}
    assert body["slots"] == {"date": tomorrow, "time": "20:00", "party_size": 4, "name": None}
    assert body["reservation"] is None and body["done"] is False
    assert "name" in body["reply"]
    assert "whatsapp" not in body["reply"].lower() and "consent" not in body["reply"].lower()

    named = chat(api, business.pk, "Priya Sharma", body["conversation"], slash=True).json()
    assert named["conversation"] == body["conversation"]
    assert named["slots"]["name"] == "Priya Sharma"
    assert named["reply"].endswith("Shall I book it?") and named["reservation"] is None
    assert not Reservation.objects.filter(business=business).exists()

    booked = chat(api, business.pk, "Yes", body["conversation"]).json()
    reservation = Reservation.objects.get(business=business)
    assert booked["reservation"] == reservation.pk
    assert (reservation.party_size, reservation.time, reservation.name) == (4, dt.time(20, 0), "Priya Sharma")
    assert "whatsapp" not in booked["reply"].lower()
    assert Conversation.objects.get(pk=body["conversation"]).reservation_id == reservation.pk


def test_slots_report_what_was_understood_even_when_a_rule_refuses_it(api, owner):
    business = business_for(owner, max_party_size=8)
    body = chat(api, business.pk, "A table for twenty people tomorrow at 8 pm", None).json()
    assert body["slots"]["party_size"] == 20
    assert "at most 8" in body["reply"]

    closed = chat(api, business.pk, "A table for two tomorrow at 4 pm", None).json()
    assert closed["slots"]["time"] == "16:00" and closed["slots"]["party_size"] == 2


def test_members_only_and_the_conversation_must_be_this_businesss(api, owner, outsider_api, outsider):
    business = business_for(owner)
    started = chat(api, business.pk, "Hello, I'd like to book a table", None).json()
    assert chat(outsider_api, business.pk, "hi", None).status_code == 404
    assert chat(outsider_api, business.pk, "hi", started["conversation"]).status_code == 404

    other = business_for(outsider)
    assert chat(outsider_api, other.pk, "hi", started["conversation"]).status_code == 404
    assert chat(api, business.pk, "hi", 999999).status_code == 404

    staff = UserFactory()
    MembershipFactory(business=business, user=staff, role=Membership.Role.STAFF)
    staff_api = APIClient()
    staff_api.force_authenticate(staff)
    assert chat(staff_api, business.pk, "tomorrow", started["conversation"]).status_code == 200


def test_text_over_500_characters_is_refused(api, owner):
    business = business_for(owner)
    assert chat(api, business.pk, "a" * 501, None).status_code == 400
    assert chat(api, business.pk, "a" * 500, None).status_code == 200
    assert chat(api, business.pk, "", None).status_code == 400


def test_the_test_page_has_a_text_box_that_posts_to_the_chat_endpoint(client, owner):
    business = business_for(owner)
    client.force_login(owner)
    page = client.get(f"/voicebot/businesses/{business.pk}/test-call/").content.decode()
    assert 'id="chat-form"' in page and f'data-url="/api/v1/voicebot/businesses/{business.pk}/chat"' in page
    assert "js/voicebot-chat.js" in page
    # The page's fetch: a signed-in session with its CSRF token.
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(owner)
    token = csrf_client.get(f"/voicebot/businesses/{business.pk}/test-call/").cookies["csrftoken"].value
    answer = csrf_client.post(
        f"/api/v1/voicebot/businesses/{business.pk}/chat",
        {"text": "a table for two tomorrow", "conversation": None},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 200 and answer.json()["slots"]["party_size"] == 2
