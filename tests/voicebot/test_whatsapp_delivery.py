"""WhatsApp that delivers: approved templates, signed status callbacks into the delivery status, SMS
fallback for a refused template, and STOP per sender; against fake providers that refuse free-form text."""

import datetime as dt
import json

import pytest

from sawt.testing.fakeserver import running
from sawt.testing.whatsapp_providers import FakeMessaging
from tests.voicebot.conftest import plivo_post, twilio_post
from tests.voicebot.factories import BusinessFactory
from voicebot import followups, services
from voicebot.models import Caller, Consent, Message, Reservation

pytestmark = pytest.mark.django_db(transaction=True)


def booking(business, phone="+919812345678"):  # type: ignore[no-untyped-def]
    caller = services.caller_get_or_create(business=business, phone=phone)
    services.consent_record(caller=caller, kinds=[Consent.Kind.WHATSAPP], granted=True, how="voice")
    return services.reservation_book(
        business=business,
        day=business.now().date() + dt.timedelta(days=2),
        time=dt.time(19, 0),
        party_size=2,
        name="Asha Rao",
        caller=caller,
    )


@pytest.fixture
def twilio(settings):  # type: ignore[no-untyped-def]
    fake = FakeMessaging("ACTWILIOTEST").twilio()
    with running(fake.server):
        settings.VOICEBOT_MESSAGING_PROVIDER = "twilio"
        settings.VOICEBOT_TWILIO_API_URL = fake.server.url
        yield fake


@pytest.fixture
def plivo(settings):  # type: ignore[no-untyped-def]
    fake = FakeMessaging("MAPLIVOTEST").plivo()
    with running(fake.server):
        settings.VOICEBOT_MESSAGING_PROVIDER = "plivo"
        settings.VOICEBOT_PLIVO_API_URL = fake.server.url
        yield fake


def test_a_confirmation_goes_out_as_the_businesss_template_with_a_status_callback(twilio, client):
    business = BusinessFactory(name="Dosa Corner", whatsapp_confirmation_template="HXconfirm")
    reservation = booking(business)

    [request] = twilio.server.requests
    form = request.form()
    assert form["ContentSid"] == "HXconfirm" and "Body" not in form
    variables = json.loads(form["ContentVariables"])
    assert variables["1"] == "Asha Rao" and variables["3"] == "2" and variables["4"] == "Dosa Corner"
    assert form["StatusCallback"] == "https://bot.example.com/voicebot/twilio/message/"
    message = Message.objects.get(reservation=reservation)
    assert (message.status, message.delivery_status) == ("sent", "")

    for status in ("delivered", "read"):
        [(url, data)] = twilio.status_callbacks(status)
        assert twilio_post(client, url.removeprefix("https://bot.example.com"), data).status_code == 204
        message.refresh_from_db()
        assert message.delivery_status == status and message.state == "succeeded"


def test_free_form_text_is_refused_by_the_fake_provider_and_falls_back_to_sms_where_configured(twilio, settings):
    business = BusinessFactory()  # no template
    settings.VOICEBOT_SMS_FALLBACK = False
    booking(business)
    message = Message.objects.get()
    assert message.state == "failed" and "63016" in message.error

    settings.VOICEBOT_SMS_FALLBACK = True
    booking(business, phone="+919812345679")
    sms = Message.objects.order_by("pk").last()
    assert sms is not None
    assert sms.channel == "sms" and sms.status == "sent"
    assert twilio.accepted[-1]["To"] == "+919812345679" and twilio.accepted[-1]["Body"].startswith("Booked:")


def test_a_template_failing_later_with_63016_is_sent_again_as_sms(twilio, client, settings):
    settings.VOICEBOT_SMS_FALLBACK = True
    business = BusinessFactory(whatsapp_confirmation_template="HXconfirm")
    booking(business)
    [(url, data)] = twilio.status_callbacks("undelivered", error_code="63016")

    twilio_post(client, url.removeprefix("https://bot.example.com"), data)

    message = Message.objects.get()
    assert message.channel == "sms" and message.status == "sent" and message.delivery_status == ""
    assert [m.get("Body", "")[:7] for m in twilio.accepted] == ["", "Booked:"]


def test_plivo_template_messages_and_status_callbacks(plivo, client):
    business = BusinessFactory(whatsapp_confirmation_template="booking_confirmed")
    booking(business)

    [request] = plivo.server.requests
    body = request.json()
    assert body["template"]["name"] == "booking_confirmed" and "text" not in body
    assert body["url"] == "https://bot.example.com/voicebot/plivo/message/"
    [(url, data)] = plivo.status_callbacks("failed")
    plivo_post(client, url.removeprefix("https://bot.example.com"), data)
    assert Message.objects.get().delivery_status == "failed"


def test_stop_stops_the_businesses_that_send_from_the_number_it_was_sent_to(client, settings):
    shared_a, shared_b = BusinessFactory(), BusinessFactory()
    own = BusinessFactory(whatsapp_sender="+918000000077")
    callers = {
        b.pk: services.caller_get_or_create(business=b, phone="+919812345678") for b in (shared_a, shared_b, own)
    }

    twilio_post(
        client,
        "/voicebot/twilio/message/",
        {"From": "whatsapp:+919812345678", "To": f"whatsapp:{settings.VOICEBOT_WHATSAPP_SENDER}", "Body": "STOP"},
    )

    opted = {pk: Caller.objects.get(pk=c.pk).whatsapp_opted_out for pk, c in callers.items()}
    assert opted == {shared_a.pk: True, shared_b.pk: True, own.pk: False}
    twilio_post(
        client,
        "/voicebot/twilio/message/",
        {"From": "whatsapp:+919812345678", "To": "whatsapp:+918000000077", "Body": "stop"},
    )
    assert Caller.objects.get(pk=callers[own.pk].pk).whatsapp_opted_out


def test_outgoing_carries_the_businesss_own_sender(twilio):
    business = BusinessFactory(
        whatsapp_sender="+918000000077", whatsapp_confirmation_template="HXok", whatsapp_reminder_template="HXremind"
    )
    reservation = booking(business)
    reminder = Message(reservation=reservation, kind=Message.Kind.REMINDER)
    outgoing = followups.message_outgoing(reminder, to="+919812345678")
    assert (outgoing.template, outgoing.sender) == ("HXremind", "+918000000077")
    assert twilio.accepted[0]["From"] == "whatsapp:+918000000077"


def test_a_customer_books_by_whatsapp_with_the_same_dialogue(client):
    business = BusinessFactory(whatsapp_sender="+918000000077")

    def say(text: str) -> str:
        answer = twilio_post(
            client,
            "/voicebot/twilio/message/",
            {"From": "whatsapp:+919812345600", "To": "whatsapp:+918000000077", "Body": text, "MessageSid": "SMin"},
        )
        assert answer.status_code == 200 and answer["Content-Type"] == "application/xml"
        return answer.content.decode()

    assert "At what time?" in say("Hi, a table for two tomorrow please")
    assert "What name" in say("8 pm")
    assert "Shall I book it?" in say("Priya Sharma")
    assert "Your table is booked" in say("Yes")
    reservation = Reservation.objects.get(business=business)
    assert (reservation.party_size, reservation.time, reservation.name) == (2, dt.time(20, 0), "Priya Sharma")
    assert reservation.caller is not None and reservation.caller.phone == "+919812345600"


def test_a_caller_the_bot_cannot_understand_is_sent_the_way_to_book_by_whatsapp_when_they_agree(twilio):
    from voicebot.dialogue import Dialogue, Stage
    from voicebot.models import Call

    business = BusinessFactory(name="Dosa Corner", whatsapp_booking_link_template="HXbooklink")
    call = services.call_start(business=business, provider=Call.Provider.PLIVO, phone="+919812345670")
    dialogue = Dialogue(business=business, call=call, caller=call.caller)
    dialogue.greeting()
    dialogue.respond("No.")  # no consent to keep anything: the link is still sent, because they ask for it
    dialogue.respond("A table for two tomorrow.")
    replies = [dialogue.respond(garbled).text for garbled in ("blah", "blah blah", "blah blah blah")]
    assert len(set(replies)) == 3
    assert "WhatsApp" in replies[-1] and dialogue.state.stage == Stage.WHATSAPP_LINK

    reply = dialogue.respond("Yes please.")

    assert "on its way" in reply.text
    message = Message.objects.get(kind=Message.Kind.BOOKING_LINK)
    assert message.caller == call.caller and message.reservation is None and message.status == "sent"
    [sent] = twilio.accepted
    assert sent["To"] == "whatsapp:+919812345670" and sent["ContentSid"] == "HXbooklink"
    assert json.loads(sent["ContentVariables"]) == {"1": "Dosa Corner", "2": business.phone_number}


def test_a_caller_who_declines_the_whatsapp_message_is_put_through_to_a_person(twilio):
    from voicebot.dialogue import Dialogue
    from voicebot.models import Call

    business = BusinessFactory(transfer_number="+918000000001")
    call = services.call_start(business=business, provider=Call.Provider.BROWSER, phone="+919812345671")
    dialogue = Dialogue(business=business, call=call, caller=call.caller)
    dialogue.greeting()
    dialogue.respond("Yes.")
    dialogue.respond("A table for two tomorrow.")
    for garbled in ("blah", "blah blah", "blah blah blah"):
        dialogue.respond(garbled)

    reply = dialogue.respond("No thanks.")

    assert reply.intent == "transfer" and not Message.objects.exists()
