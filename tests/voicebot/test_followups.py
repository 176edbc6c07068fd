"""WhatsApp confirmations and reminders against a local fake provider; consent, STOP, retention, erasure."""

import datetime as dt

import pytest
from django.utils import timezone

from sawt.core.jobs.tasks import sweep
from sawt.testing.fakeserver import FakeServer, running
from tests.voicebot.factories import BusinessFactory, CallFactory
from voicebot import followups, services
from voicebot.models import Caller, Consent, Message, Reservation, Turn

pytestmark = pytest.mark.django_db(transaction=True)


def consenting_caller(business, granted=True):  # type: ignore[no-untyped-def]
    caller = services.caller_get_or_create(business=business, phone="+919812345678")
    services.consent_record(
        caller=caller, kinds=[Consent.Kind.WHATSAPP, Consent.Kind.TRANSCRIPT], granted=granted, how="voice"
    )
    return caller


def book(business, caller):  # type: ignore[no-untyped-def]
    return services.reservation_book(
        business=business,
        day=business.now().date() + dt.timedelta(days=2),
        time=dt.time(19, 0),
        party_size=2,
        name="Asha",
        caller=caller,
    )


@pytest.fixture
def plivo_whatsapp(settings):  # type: ignore[no-untyped-def]
    server = FakeServer()
    server.add(
        "POST", "/v1/Account/MAPLIVOTEST/Message/", lambda req: (202, {}, {"message_uuid": ["uuid-1"], "api_id": "x"})
    )
    with running(server):
        settings.VOICEBOT_MESSAGING_PROVIDER = "plivo"
        settings.VOICEBOT_PLIVO_API_URL = server.url
        yield server


def test_it_sends_one_whatsapp_confirmation_per_booking_through_plivo(plivo_whatsapp):
    business = BusinessFactory()
    reservation = book(business, consenting_caller(business))
    followups.message_queue(reservation=reservation, kind=Message.Kind.CONFIRMATION)  # queued twice, sent once
    [request] = plivo_whatsapp.requests
    body = request.json()
    assert body["type"] == "whatsapp" and body["dst"] == "+919812345678" and "Asha" in body["text"]
    assert request.headers["Authorization"].startswith("Basic ")
    message = Message.objects.get()
    assert (message.status, message.provider_message_id, message.attempts) == ("sent", "uuid-1", 1)


def test_a_booking_made_on_a_hindi_call_is_confirmed_in_hindi_and_others_in_english(plivo_whatsapp):
    business = BusinessFactory(name="Dosa Corner", languages=["en", "hi"])
    caller = consenting_caller(business)
    hindi_call = CallFactory(business=business, caller=caller, language="hi")
    day = business.now().date() + dt.timedelta(days=2)
    services.reservation_book(
        business=business, day=day, time=dt.time(19, 0), party_size=4, name="Asha", caller=caller, source_call=hindi_call
    )
    book(business, caller)  # made elsewhere (staff, API): English

    hindi, english = (r.json()["text"] for r in plivo_whatsapp.requests)
    assert hindi.startswith("बुकिंग हो गई: Dosa Corner में 4 लोगों के लिए टेबल") and "19:00" in hindi
    assert "Asha के नाम पर" in hindi and "STOP" in hindi
    assert english.startswith("Booked: a table for 2 at Dosa Corner on ") and "Reply STOP to opt out." in english


def test_it_sends_nothing_without_whatsapp_consent_or_after_stop(plivo_whatsapp):
    business = BusinessFactory()
    book(business, consenting_caller(business, granted=False))
    assert plivo_whatsapp.requests == [] and not Message.objects.exists()
    caller = Caller.objects.get()
    services.consent_record(caller=caller, kinds=[Consent.Kind.WHATSAPP], granted=True, how="voice")
    services.caller_opt_out(business=business, phone="+919812345678")
    book(business, Caller.objects.get())
    assert plivo_whatsapp.requests == []


def test_it_retries_a_failed_send_with_backoff_and_tracks_the_status(settings):
    attempts = []

    def flaky(req):  # type: ignore[no-untyped-def]
        attempts.append(req)
        return (503, {}, {"message": "busy"}) if len(attempts) < 3 else (201, {}, {"sid": "SM1"})

    server = FakeServer()
    server.add("POST", "/2010-04-01/Accounts/ACTWILIOTEST/Messages.json", flaky)
    with running(server):
        settings.VOICEBOT_MESSAGING_PROVIDER = "twilio"
        settings.VOICEBOT_TWILIO_API_URL = server.url
        business = BusinessFactory()
        book(business, consenting_caller(business))
        for _ in range(2):  # each failure waits for its backoff, then the beat sweep sends it again
            waiting = Message.objects.get()
            assert (waiting.status, waiting.state) == ("failed", "queued")
            assert waiting.next_attempt_at > timezone.now() + dt.timedelta(seconds=30)
            Message.objects.update(next_attempt_at=timezone.now())
            sweep()
    message = Message.objects.get()
    assert len(attempts) == 3 and attempts[0].form()["To"] == "whatsapp:+919812345678"
    assert (message.status, message.provider_message_id, message.attempts) == ("sent", "SM1", 3)
    followups.message_status_update(provider_message_id="SM1", status="delivered")
    assert Message.objects.get().status == "delivered"


def abandon_mid_send(message: Message) -> None:
    """What a worker killed during the provider call leaves behind: the row "sending" past its lease."""
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING, state="running", attempts=1, started_at=timezone.now() - dt.timedelta(minutes=5),
        lease_until=timezone.now() - dt.timedelta(minutes=4),
    )


@pytest.mark.parametrize("provider_has_it", [True, False])
def test_a_send_abandoned_by_a_dead_worker_is_finished_once_through_plivo(settings, provider_has_it):
    settings.VOICEBOT_MESSAGING_PROVIDER = ""  # booked without a provider: nothing sent yet
    business = BusinessFactory()
    reservation = book(business, consenting_caller(business))
    message = Message.objects.get(reservation=reservation)
    abandon_mid_send(message)
    listed = [{"message_uuid": "uuid-earlier", "to_number": "919812345678", "message_type": "whatsapp"}]
    server = FakeServer()
    server.add("GET", "/v1/Account/MAPLIVOTEST/Message/",
               lambda req: (200, {}, {"objects": listed if provider_has_it else [], "meta": {}}))
    server.add("POST", "/v1/Account/MAPLIVOTEST/Message/", lambda req: (202, {}, {"message_uuid": ["uuid-new"]}))
    with running(server):
        settings.VOICEBOT_MESSAGING_PROVIDER = "plivo"
        settings.VOICEBOT_PLIVO_API_URL = server.url
        assert sweep() == 1  # the beat sweep finds it
    [lookup] = server.requests_to("/v1/Account/MAPLIVOTEST/Message/")[:1]
    assert lookup.method == "GET" and lookup.query["message_direction"] == ["outbound"]
    sends = [r for r in server.requests if r.method == "POST"]
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    if provider_has_it:
        assert sends == [] and message.provider_message_id == "uuid-earlier"
    else:
        assert len(sends) == 1 and message.provider_message_id == "uuid-new"


def test_a_send_abandoned_by_a_dead_worker_is_found_in_twilios_message_list(settings):
    settings.VOICEBOT_MESSAGING_PROVIDER = ""
    business = BusinessFactory()
    message = Message.objects.get(reservation=book(business, consenting_caller(business)))
    abandon_mid_send(message)
    text = followups.message_text(message)
    server = FakeServer()
    server.add("GET", "/2010-04-01/Accounts/ACTWILIOTEST/Messages.json", lambda req: (200, {}, {"messages": [
        {"sid": "SMother", "body": "Some other message"}, {"sid": "SMearlier", "body": text}]}))
    with running(server):
        settings.VOICEBOT_MESSAGING_PROVIDER = "twilio"
        settings.VOICEBOT_TWILIO_API_URL = server.url
        assert followups.message_send(message_id=message.pk) == "sent"
        # A second delivery of the same task finds nothing to claim.
        assert followups.message_send(message_id=message.pk) == "not_claimed"
    [lookup] = server.requests
    assert lookup.query["To"] == ["whatsapp:+919812345678"] and "DateSent>" in lookup.query
    message.refresh_from_db()
    assert (message.status, message.provider_message_id) == ("sent", "SMearlier")


def test_a_message_still_within_its_lease_is_left_to_the_worker_sending_it(plivo_whatsapp):
    business = BusinessFactory()
    message = Message.objects.get(reservation=book(business, consenting_caller(business)))
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING, state="running", started_at=timezone.now(),
        lease_until=timezone.now() + dt.timedelta(seconds=60),
    )
    assert sweep() == 0
    assert followups.message_send(message_id=message.pk) == "not_claimed"


def test_it_queues_reminders_for_bookings_starting_soon(plivo_whatsapp, settings):
    settings.VOICEBOT_REMINDER_HOURS = 4
    business = BusinessFactory(lead_minutes=0)
    caller = consenting_caller(business)
    starts = business.now() + dt.timedelta(hours=2)
    Reservation.objects.create(
        business=business,
        caller=caller,
        date=starts.date(),
        time=starts.time().replace(microsecond=0),
        party_size=2,
        name="Asha",
    )
    assert followups.reminders_queue() == 1
    assert followups.reminders_queue() == 0
    assert "Reminder" in plivo_whatsapp.requests[-1].json()["text"]


def test_it_purges_transcripts_past_retention_and_erases_a_caller_on_request():
    business = BusinessFactory(retention_days=7)
    caller = consenting_caller(business)
    call = CallFactory(business=business, caller=caller, transcript_kept=True)
    old = Turn.objects.create(
        call=call,
        index=1,
        caller_text="table for two",
        bot_text="ok",
        processing_ms=300,
        at=timezone.now() - dt.timedelta(days=8),
    )
    Turn.objects.create(call=call, index=2, caller_text="my name is Asha", bot_text="ok")
    assert services.retention_purge() == 1
    old.refresh_from_db()
    assert old.caller_text == "" and old.processing_ms == 300
    reservation = book(business, caller)
    services.caller_erase(caller=caller)
    assert not Caller.objects.exists() and not Consent.objects.exists()
    assert set(Turn.objects.values_list("caller_text", flat=True)) == {""}
    reservation.refresh_from_db()
    assert reservation.name == "(erased)" and reservation.caller is None


def test_it_keeps_no_transcript_when_the_caller_refuses():
    business = BusinessFactory()
    caller = services.caller_get_or_create(business=business, phone="+919812345678")
    call = CallFactory(business=business, caller=caller)
    from voicebot.dialogue import Dialogue

    dialogue = Dialogue(business=business, call=call, caller=caller)
    dialogue.respond("no")
    services.call_record_turn(
        call=call, index=1, caller_text="no", bot_text="fine", intent="consent", figures={"processing_ms": 200}
    )
    turn = Turn.objects.get()
    assert (turn.caller_text, turn.bot_text, turn.processing_ms) == ("", "", 200)
    assert not caller.has_consent(Consent.Kind.TRANSCRIPT)
