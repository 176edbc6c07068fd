"""The bugs issue 17 lists in how the bot read answers: each one, on the dialogue as text, and the
"yes said while the question plays" one through the call pipeline."""

import asyncio
import datetime as dt
import time

import pytest
from channels.db import database_sync_to_async

from sawt.speech.streaming import Final
from tests.voicebot.factories import BusinessFactory
from voicebot import services
from voicebot.dialogue import Dialogue, Stage
from voicebot.models import Call, Reservation
from voicebot.pipeline import CallPipeline
from voicebot.telephony import PlivoProtocol

pytestmark = pytest.mark.django_db


def consented(phone: str, **business_fields) -> Dialogue:  # type: ignore[no-untyped-def]
    business = BusinessFactory(**business_fields)
    call = services.call_start(business=business, provider=Call.Provider.PLIVO, phone=phone)
    dialogue = Dialogue(business=business, call=call, caller=call.caller)
    dialogue.greeting()
    dialogue.respond("Yes.")
    return dialogue


@pytest.mark.parametrize("said", ["8", "eight", "8.", "Eight, please."])
def test_a_bare_number_after_at_what_time_is_the_hour(said):
    dialogue = consented("+919812310001")
    assert dialogue.respond("A table for two tomorrow, please.").text == "Okay. At what time?"

    reply = dialogue.respond(said)

    slots = dialogue.state.slots
    assert (slots.time, slots.party_size) == (dt.time(20, 0), 2)
    assert reply.text == "Perfect. What name should I put the booking under?"


@pytest.mark.parametrize(
    ("said", "time"), [("1930.", dt.time(19, 30)), ("730", dt.time(19, 30)), ("At 2030.", dt.time(20, 30))]
)
def test_an_hour_and_minute_run_together_after_at_what_time_is_the_time(said, time):
    # Whisper writes a spoken "seven thirty" or "nineteen thirty" as one number.
    dialogue = consented("+919812310009")
    assert dialogue.respond("A table for two tomorrow, please.").text == "Okay. At what time?"

    dialogue.respond(said)

    assert (dialogue.state.slots.time, dialogue.state.slots.party_size) == (time, 2)


def test_tomorrow_for_8_after_at_what_time_is_8_oclock_and_otherwise_eight_people():
    dialogue = consented("+919812310002")
    dialogue.respond("I'd like to book a table for two people.")
    assert dialogue.respond("Tomorrow.").text == "Okay. At what time?"

    dialogue.respond("Tomorrow for 8.")

    slots = dialogue.state.slots
    assert (slots.time, slots.party_size) == (dt.time(20, 0), 2)
    assert slots.day == dialogue.business.now().date() + dt.timedelta(days=1)

    fresh = consented("+919812310003")
    fresh.respond("A table tomorrow for 8.")
    assert (fresh.state.slots.party_size, fresh.state.slots.time) == (8, None)


def test_no_make_it_five_at_the_confirmation_changes_the_party_and_asks_again():
    dialogue = consented("+919812310004")
    confirm = dialogue.respond("A table for two tomorrow at 8 pm under Priya Sharma.")
    assert confirm.text.startswith("Okay. A table for 2 tomorrow at 8 pm, under Priya Sharma.")

    again = dialogue.respond("No, make it five.")

    assert again.text.startswith("Okay. A table for 5 tomorrow at 8 pm, under Priya Sharma. Shall I book it?")
    assert dialogue.state.stage == Stage.CONFIRM_BOOKING
    dialogue.respond("Yes.")
    booking = Reservation.objects.get(business=dialogue.business)
    assert (booking.party_size, booking.time, booking.name) == (5, dt.time(20, 0), "Priya Sharma")


def test_actually_saturday_at_the_confirmation_moves_the_day():
    dialogue = consented("+919812310005")
    dialogue.respond("A table for two tomorrow at 8 pm, my name is Asha.")

    dialogue.respond("Actually, Saturday.")

    today = dialogue.business.now().date()
    assert dialogue.state.slots.day == today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
    assert dialogue.state.stage == Stage.CONFIRM_BOOKING


@pytest.mark.parametrize(
    ("said", "size"),
    [("We'll be five.", 5), ("Two adults and two kids.", 4), ("Twenty people.", 20), ("Me and my wife.", 2)],
)
def test_party_sizes_as_answers(said, size):
    dialogue = consented("+919812310006", max_party_size=30)
    dialogue.respond("Can I book a table tomorrow at 8 pm?")

    dialogue.respond(said)

    assert dialogue.state.slots.party_size == size


def test_after_two_failures_it_offers_choices_and_never_asks_the_same_words_a_third_time():
    dialogue = consented("+919812310007")
    asked = dialogue.respond("A table for two tomorrow.").text
    first = dialogue.respond("Something the recogniser garbled.").text
    second = dialogue.respond("More garbled words.").text

    assert len({asked, first, second}) == 3
    assert first.startswith("Sorry, I didn't catch that. Please tell me the time")
    assert second.startswith("Let me make it easier: we have tables at 6 pm, 7 pm or 8 pm.")

    dialogue.respond("Seven.")
    assert dialogue.state.slots.time == dt.time(19, 0)


def test_a_third_failure_on_one_slot_hands_over_instead_of_asking_again():
    dialogue = consented("+919812310008")
    dialogue.respond("A table for two tomorrow.")
    replies = [dialogue.respond(garbled).text for garbled in ("blah", "blah blah", "blah blah blah")]

    assert len(set(replies)) == 3
    assert "leave a message" in replies[-1] or "connect you" in replies[-1]


def test_a_name_the_line_never_carries_books_under_the_callers_number_and_a_stated_name_mends_it():
    dialogue = consented("+919812310045")
    dialogue.respond("A table for two tomorrow at 8 pm.")
    replies = [dialogue.respond(garbled).text for garbled in ("And a lead.", "And a lead.", "And a lead.")]

    assert replies[-1] == (
        "Okay. A table for 2 tomorrow at 8 pm, under the number you are calling from. Shall I book it?"
    )
    assert dialogue.state.slots.name == "Caller •••• ••45"  # as staff see callers: two digits, no more
    dialogue.respond("No, my name is Anna.")
    assert dialogue.state.slots.name == "Anna"
    dialogue.respond("Yes.")
    assert Reservation.objects.get(pk=dialogue.state.booked).name == "Anna"


def test_without_a_number_a_name_never_caught_still_hands_over():
    dialogue = Dialogue(business=BusinessFactory())  # the staff test chat: no caller, no number
    dialogue.state.stage, dialogue.state.transcript_consent = Stage.OPEN, True
    dialogue.respond("A table for two tomorrow at 8 pm.")
    replies = [dialogue.respond(garbled).text for garbled in ("And a lead.", "And a lead.", "And a lead.")]

    assert "leave a message" in replies[-1] or "connect you" in replies[-1]
    assert dialogue.state.booked is None


@pytest.mark.parametrize("said", ["Priya Sharma.", "My name is Priya Sharma.", "It's Priya Sharma, thanks."])
def test_two_word_names_keep_both_words(said):
    dialogue = consented("+919812310009")
    dialogue.respond("A table for two tomorrow at 8 pm.")

    dialogue.respond(said)

    assert dialogue.state.slots.name == "Priya Sharma"


@pytest.mark.django_db(transaction=True)
def test_a_yes_said_while_the_question_still_plays_is_the_answer():
    business = BusinessFactory()
    call = services.call_start(business=business, provider=Call.Provider.PLIVO, phone="+919812310010")
    sent: list[str] = []

    async def send(frame: str) -> None:
        sent.append(frame)

    async def hang_up() -> None:
        return None

    async def scenario() -> tuple[str, str]:
        pipeline = CallPipeline(call_id=call.pk, protocol=PlivoProtocol(), send=send, hang_up=hang_up)
        pipeline.dialogue = await database_sync_to_async(pipeline._load_dialogue)()
        await database_sync_to_async(pipeline.dialogue.greeting)()
        pipeline._playing_until = time.perf_counter() + 30  # the consent question is still playing
        assert pipeline.bot_speaking
        await pipeline._on_final(Final("Yes.", 0.0, 0.4))
        after_yes = pipeline.dialogue.state.stage
        pipeline._playing_until = time.perf_counter() + 30
        await pipeline._on_final(Final("Mm-hmm.", 1.0, 1.3))  # a backchannel at an open question: ignored
        after_hmm = pipeline.dialogue.state.stage
        await pipeline.close()
        return after_yes, after_hmm

    after_yes, after_hmm = asyncio.run(scenario())

    assert after_yes == Stage.OPEN
    assert after_hmm == Stage.OPEN
    call.refresh_from_db()
    assert call.transcript_kept is True


def test_a_caller_who_declines_consent_still_books_and_the_call_is_listed_without_text_or_audio(owner):
    from rest_framework.test import APIClient

    from voicebot.models import Membership, Turn

    business = BusinessFactory(record_calls=True)
    Membership.objects.create(business=business, user=owner, role=Membership.Role.OWNER)
    call = services.call_start(business=business, provider=Call.Provider.PLIVO, phone="+919812310011")
    dialogue = Dialogue(business=business, call=call, caller=call.caller)
    said = ["No, thank you.", "A table for two tomorrow at 8 pm.", "Priya Sharma.", "Yes.", "No, that's all."]
    for index, text in enumerate(said, start=1):
        reply = dialogue.respond(text)
        services.call_record_turn(
            call=call,
            index=index,
            caller_text=text,
            bot_text=reply.text,
            intent=reply.intent,
            figures={"processing_ms": 100 + index},
        )
    services.call_finish(call_id=call.pk, outcome=dialogue.state.outcome)

    assert Reservation.objects.get(business=business).name == "Priya Sharma"
    api = APIClient()
    api.force_authenticate(owner)
    [listed] = api.get("/api/v1/voicebot/calls/", {"business": business.pk}).json()["results"]
    assert listed["id"] == call.pk and listed["outcome"] == "booked" and listed["transcript_kept"] is False
    assert listed["started_at"] and listed["ended_at"]
    turns = Turn.objects.filter(call=call)
    assert turns.count() == len(said)
    assert set(turns.values_list("caller_text", flat=True)) == {""}
    assert set(turns.values_list("bot_text", flat=True)) == {""}
    call.refresh_from_db()
    assert not call.recording and call.recording_consented is False


@pytest.mark.parametrize(
    ("said", "answers"), [("Yes.", True), ("Yeah sure", True), ("No.", True), ("Okay.", False), ("Mm-hmm.", False)]
)
def test_only_a_real_yes_or_no_during_a_question_is_an_answer(said, answers):
    from voicebot import understanding as nlu

    assert (nlu.yes_no(said) is not None and not nlu.is_listening(said)) is answers


@pytest.mark.parametrize(("said", "size"), [("We are for.", 4), ("For.", 4), ("Just to.", 2), ("We'll be ate.", 8)])
def test_a_number_heard_as_its_sound_alike_answers_for_how_many_people(said, size):
    # tiny.en on the phone line wrote a caller's "We are 4." as "We are for." (bench voicebot).
    dialogue = consented("+919812310031")
    assert dialogue.respond("Can I reserve a table tomorrow at 8 pm?").text == "Great. For how many people?"

    dialogue.respond(said)

    assert dialogue.state.slots.party_size == size


def test_a_sound_alike_is_no_party_size_unless_the_party_size_was_asked():
    dialogue = consented("+919812310032")
    dialogue.respond("I'd like a table for.")

    assert dialogue.state.slots.party_size is None


def test_an_open_request_takes_the_party_size_and_time_most_hearings_read():
    from voicebot.understanding.turns import Heard

    dialogue = consented("+919812310090")
    # The hearing chosen says "for 6"; most of the hearings said five people.
    heard = Heard("A table for 6 at 8 pm tomorrow.", party_size=5, time=(8, 0, "pm"))
    dialogue.respond(heard.text, heard=heard)
    slots = dialogue.state.slots
    assert (slots.party_size, slots.time) == (5, dt.time(20, 0))
    assert slots.day == dialogue.business.now().date() + dt.timedelta(days=1)

    dialogue.respond("Priya Sharma.")  # an answer to a slot question is read as said
    assert (dialogue.state.slots.name, dialogue.state.slots.party_size) == ("Priya Sharma", 5)


def test_a_call_listens_for_a_correction_at_the_confirmation_and_for_a_request_after_what_to_change():
    from voicebot.pipeline import listening_for
    from voicebot.understanding import turns

    dialogue = consented("+919812310077")
    assert listening_for(dialogue).asked is None and listening_for(dialogue).prompt  # "How can I help you?"
    reply = dialogue.respond("A table for two tomorrow at 8 pm under Priya.")
    assert "Shall I book it?" in reply.text
    # A yes or no: no prompt (Whisper repeats one on a short answer), but a no that goes on is heard again.
    confirming = listening_for(dialogue)
    assert (confirming.asked, confirming.slot_question, confirming.prompt) == (turns.CORRECTION, True, "")
    assert confirming.yes_no

    reply = dialogue.respond("No.")
    assert reply.text.startswith("Okay. What would you like to change")
    # What to change: no prompt either (a booking prompt is copied on a short answer), heard again if unreadable.
    changing = listening_for(dialogue)
    assert (changing.asked, changing.slot_question, changing.prompt) == (turns.CORRECTION, True, "")
    dialogue.respond("At 9 pm, please.")
    assert dialogue.state.slots.time == dt.time(21, 0) and dialogue.state.stage == Stage.CONFIRM_BOOKING


def test_a_no_at_the_confirmation_changes_the_name_only_when_it_says_a_name():
    dialogue = consented("+919812310078")
    dialogue.respond("A table for two tomorrow at 8 pm under Priya.")
    # Heard on a phone line for "No, at 9 pm": not a new name.
    reply = dialogue.respond("No, I'm DM.")
    assert dialogue.state.slots.name == "Priya" and "Dm" not in reply.text
    dialogue.respond("No, the booking is under Meera Shah.")
    assert dialogue.state.slots.name == "Meera Shah"


def test_asked_what_to_change_a_caller_who_names_the_slot_is_asked_for_it():
    dialogue = consented("+919812310079")
    dialogue.respond("A table for two tomorrow at 8 pm under Priya.")
    assert dialogue.respond("No.").text.startswith("Okay. What would you like to change")
    assert dialogue.respond("The time.").text == "Okay. At what time?"
    reply = dialogue.respond("9 pm.")
    assert dialogue.state.slots.time == dt.time(21, 0) and "Shall I book it?" in reply.text
    assert dialogue.respond("No.").text.startswith("Okay. What would you like to change")
    assert dialogue.respond("The number of people.").text == "Great. For how many people?"
    dialogue.respond("Five.")
    assert dialogue.state.slots.party_size == 5 and dialogue.state.stage == Stage.CONFIRM_BOOKING
