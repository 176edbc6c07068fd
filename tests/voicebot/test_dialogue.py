import datetime as dt

import pytest

from sawt.testing.scripted_calls import run_text_call, scripted_calls
from tests.voicebot.factories import BusinessFactory, ReservationFactory
from voicebot import services
from voicebot.dialogue import Dialogue
from voicebot.models import Call, Consent, Reservation

pytestmark = pytest.mark.django_db


def test_it_books_at_least_45_of_the_50_scripted_calls():
    business = BusinessFactory(horizon_days=60, seats_per_slot=20, max_party_size=8)
    failures = []
    for n, script in enumerate(scripted_calls()):
        if script.full_slot is not None:
            day = script.full_slot[0](business.now().date())
            ReservationFactory(business=business, date=day, time=script.full_slot[1], party_size=20)
        ok, log = run_text_call(business=business, script=script, phone=f"+91990000{n:04d}")
        if not ok:
            failures.append(log)
    for log in failures:
        print("\n".join(f"{who}: {text}" for who, text in log), "\n---")
    assert len(scripted_calls()) == 50
    assert len(failures) <= 5


def answered_call(phone: str, **business_fields):  # type: ignore[no-untyped-def]
    """A phone call that has heard the greeting and its consent question."""
    business = BusinessFactory(**business_fields)
    call = services.call_start(business=business, provider=Call.Provider.PLIVO, phone=phone)
    dialogue = Dialogue(business=business, call=call, caller=call.caller)
    dialogue.greeting()
    return call, dialogue


def consents(call: Call) -> dict[str, bool]:
    return dict(Consent.objects.filter(caller=call.caller).values_list("kind", "granted"))


def test_it_neither_records_nor_keeps_anything_when_the_caller_says_please_dont_record():
    call, dialogue = answered_call("+919812300101", record_calls=True)

    reply = dialogue.respond("Please don't record this.")

    call.refresh_from_db()
    assert (call.recording_consented, call.transcript_kept) == (False, False)
    assert consents(call) == {
        Consent.Kind.TRANSCRIPT: False,
        Consent.Kind.WHATSAPP: False,
        Consent.Kind.RECORDING: False,
    }
    assert reply.text == "No problem, we won't keep anything. How can I help you today?"


def test_it_keeps_no_transcript_and_sends_no_whatsapp_after_absolutely_not():
    call, dialogue = answered_call("+919812300102")

    dialogue.respond("Absolutely not.")

    call.refresh_from_db()
    assert call.transcript_kept is False and dialogue.state.transcript_consent is False
    assert consents(call) == {Consent.Kind.TRANSCRIPT: False, Consent.Kind.WHATSAPP: False}
    assert not call.caller.has_consent(Consent.Kind.WHATSAPP)


def test_it_asks_the_consent_question_again_after_an_unclear_answer():
    call, dialogue = answered_call("+919812300103", record_calls=True)

    again = dialogue.respond("Hmm, I'm not sure.")

    assert again.text.startswith("Sorry, I didn't catch that. May we record this call"), again.text
    assert consents(call) == {}, "nothing is stored for an unclear answer"
    dialogue.respond("Yes, go ahead.")
    call.refresh_from_db()
    assert (call.recording_consented, call.transcript_kept) == (True, True)
    assert set(consents(call).values()) == {True}


def test_it_takes_privacy_as_the_answer_after_asking_twice_in_vain():
    call, dialogue = answered_call("+919812300104")

    replies = [dialogue.respond(said) for said in ("Maybe.", "What for?", "I don't know.")]

    assert [r.text.startswith("Sorry, I didn't catch that.") for r in replies] == [True, True, False]
    call.refresh_from_db()
    assert call.transcript_kept is False
    assert consents(call) == {Consent.Kind.TRANSCRIPT: False, Consent.Kind.WHATSAPP: False}


def test_it_hears_a_hinglish_yes_on_an_english_call():
    call, dialogue = answered_call("+919812300105")

    dialogue.respond("Haan ji, theek hai.")

    call.refresh_from_db()
    assert call.transcript_kept is True and call.caller.has_consent(Consent.Kind.WHATSAPP)


def cancelling(phone: str):  # type: ignore[no-untyped-def]
    call, dialogue = answered_call(phone)
    dialogue.respond("Yes.")
    booking = ReservationFactory(business=call.business, caller=call.caller)
    assert "Shall I cancel it?" in dialogue.respond("I'd like to cancel my booking.").text
    return booking, dialogue


def test_it_keeps_the_booking_when_the_caller_says_please_dont_cancel_it():
    booking, dialogue = cancelling("+919812300106")

    reply = dialogue.respond("Please don't cancel it.")

    booking.refresh_from_db()
    assert booking.status == Reservation.Status.BOOKED
    assert reply.text.startswith("Okay, I've left your booking as it is.")


def test_it_asks_again_before_cancelling_on_an_unclear_answer():
    booking, dialogue = cancelling("+919812300107")

    reply = dialogue.respond("I'm not sure.")

    booking.refresh_from_db()
    assert booking.status == Reservation.Status.BOOKED
    assert reply.text == "Should I cancel that booking? Please say yes or no."
    dialogue.respond("Yes, please cancel it.")
    booking.refresh_from_db()
    assert booking.status == Reservation.Status.CANCELLED


def test_it_books_nothing_when_the_caller_says_please_dont_book_it():
    call, dialogue = answered_call("+919812300108")
    dialogue.respond("Yes.")
    confirm = dialogue.respond("A table for two tomorrow at 8 pm, under Asha.")
    assert confirm.text.endswith("Shall I book it?"), confirm.text

    dialogue.respond("Please don't book it yet.")

    assert not Reservation.objects.filter(business=call.business).exists()


def test_it_asks_again_before_moving_a_booking_on_an_unclear_answer():
    call, dialogue = answered_call("+919812300109")
    dialogue.respond("Yes.")
    booking = ReservationFactory(business=call.business, caller=call.caller, time=dt.time(19, 0))
    proposal = dialogue.respond("Can I change my booking to 9 pm?")
    assert proposal.text.endswith("Shall I go ahead?"), proposal.text

    again = dialogue.respond("Hmm, maybe.")

    assert again.text == proposal.text
    booking.refresh_from_db()
    assert booking.time == dt.time(19, 0)
    dialogue.respond("Please don't.")
    booking.refresh_from_db()
    assert booking.time == dt.time(19, 0)
