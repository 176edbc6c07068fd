"""The phone dialogue run by a language model with tools, against a local chat-completions server.

The fake server speaks the OpenAI wire format (`tools` in, `tool_calls` out, `role: tool` results
back) and answers from a script; the tools run for real against PostgreSQL.
"""

import datetime as dt
import json
import logging

import pytest
from asgiref.sync import sync_to_async

from sawt.speech import config as speech_config
from sawt.testing.llm_server import FakeOpenAIServer, Script, tool_call_completion
from tests.voicebot.factories import BusinessFactory, CallerFactory, ReservationFactory
from tests.voicebot.test_simulated_calls import CALLER, call
from voicebot import services
from voicebot.agent import AgentDialogue, dialogue_class
from voicebot.dialogue import Dialogue
from voicebot.models import Call, Consent, Message, Reservation
from voicebot.pipeline import CallPipeline
from voicebot.telephony import PlivoProtocol

pytestmark = pytest.mark.django_db
PHONE = "+919812345678"


@pytest.fixture
def model(settings):  # type: ignore[no-untyped-def]
    """A running fake model server the speech config points at; tests set `model.reply`."""
    server = FakeOpenAIServer(Script())
    server.start()
    before = speech_config.get_config()
    speech_config.configure(before.replace(llm_base_url=server.url, llm_model="fake-tools"))
    settings.VOICEBOT_DIALOGUE = "auto"
    settings.VOICEBOT_LLM_TIMEOUT = 2.0
    yield server
    speech_config.configure(before)
    server.stop()


@pytest.fixture
def business():  # type: ignore[no-untyped-def]
    return BusinessFactory(name="Dosa Corner", horizon_days=60, transfer_number="+918000000001")


def answered(business, phone: str = PHONE) -> AgentDialogue:  # type: ignore[no-untyped-def]
    """A call past the greeting, with the caller's yes to consent."""
    call = services.call_start(business=business, provider=Call.Provider.BROWSER, phone=phone)
    dialogue = AgentDialogue(business=business, call=call, caller=call.caller)
    dialogue.greeting()
    assert dialogue.respond("Yes, that's fine.").intent == "consent"
    return dialogue


def tool_results(body: dict) -> dict[str, dict]:
    return {m["tool_call_id"]: json.loads(m["content"]) for m in body["messages"] if m["role"] == "tool"}


def test_it_books_a_table_through_the_models_tool_calls(model, business):
    tomorrow = business.now().date() + dt.timedelta(days=1)
    slot = {"date": tomorrow.isoformat(), "time": "19:30", "party_size": 4}
    model.reply = Script(
        tool_call_completion(("check_availability", slot)),
        "Tomorrow at 7:30 pm for four is free. Shall I book it under Priya?",
        tool_call_completion(("book_table", {**slot, "name": "Priya"})),
        "Done, Priya! Your table for four is booked for tomorrow at 7:30 pm.",
    )
    dialogue = answered(business)

    first = dialogue.respond("A table for four tomorrow at half past seven please, name is Priya.")
    assert first.text == "Tomorrow at 7:30 pm for four is free. Shall I book it under Priya?"
    assert not Reservation.objects.exists()
    reply = dialogue.respond("Yes please.")

    assert reply.text == "Done, Priya! Your table for four is booked for tomorrow at 7:30 pm."
    assert (reply.intent, reply.outcome, reply.end_call) == ("book", Call.Outcome.BOOKED, False)
    r = Reservation.objects.get()
    assert (r.business, r.date, r.time, r.party_size, r.name) == (business, tomorrow, dt.time(19, 30), 4, "Priya")
    assert r.caller == dialogue.caller and r.source_call == dialogue.call
    assert Message.objects.get(reservation=r).kind == Message.Kind.CONFIRMATION  # the WhatsApp confirmation

    bodies = model.chat_bodies()
    assert len(bodies) == 4
    checked, booked = tool_results(bodies[1]), tool_results(bodies[3])
    assert checked == {"call_0_check_availability": {**slot, "available": True}}
    assert booked["call_0_book_table"]["booked"] is True
    assert booked["call_0_book_table"]["reservation_id"] == r.pk
    assert booked["call_0_book_table"]["whatsapp_confirmation"] is True
    last = bodies[3]
    assert last["model"] == "fake-tools" and last["tool_choice"] == "auto"
    assert {t["function"]["name"] for t in last["tools"]} >= {"check_availability", "book_table", "cancel_booking"}
    assert all(t["type"] == "function" and t["function"]["parameters"]["type"] == "object" for t in last["tools"])
    system, *conversation = last["messages"]
    assert system["role"] == "system" and "Dosa Corner" in system["content"]
    assert business.now().date().isoformat() in system["content"]
    assert [m["role"] for m in conversation] == ["user", "assistant", "tool", "assistant", "user", "assistant", "tool"]
    assert conversation[5]["tool_calls"][0]["function"]["name"] == "book_table"
    assert dialogue.state.outcome == Call.Outcome.BOOKED


def test_it_tells_the_model_why_a_slot_is_refused_and_the_nearest_free_ones(model, business):
    tomorrow = business.now().date() + dt.timedelta(days=1)
    ReservationFactory(business=business, date=tomorrow, time=dt.time(20, 0), party_size=business.seats_per_slot)
    model.reply = Script(
        tool_call_completion(("check_availability", {"date": tomorrow.isoformat(), "time": "20:00", "party_size": 2})),
        "Sorry, 8 pm is full. I could do 7:30 or 8:30 pm.",
    )
    reply = answered(business).respond("Two people tomorrow at 8 pm?")

    assert reply.text == "Sorry, 8 pm is full. I could do 7:30 or 8:30 pm."
    [result] = tool_results(model.chat_bodies()[-1]).values()
    assert result["available"] is False and result["reason"] == "full"
    assert result["nearest_free"] == [f"{tomorrow.isoformat()}T19:30", f"{tomorrow.isoformat()}T20:30"]


def test_it_cancels_only_the_callers_own_booking(model, business):
    someone_else = ReservationFactory(business=business, caller=CallerFactory(business=business), name="Ravi")
    model.reply = Script(
        tool_call_completion(("find_bookings", {})),
        "I can't find a booking for your number.",
        tool_call_completion(("cancel_booking", {"reservation_id": someone_else.pk})),
        "Sorry, I can't find that booking.",
    )
    dialogue = answered(business)
    dialogue.respond("Cancel my booking please.")
    reply = dialogue.respond(f"It is booking number {someone_else.pk}.")

    someone_else.refresh_from_db()
    assert someone_else.status == Reservation.Status.BOOKED
    bodies = model.chat_bodies()
    assert tool_results(bodies[1]) == {"call_0_find_bookings": {"bookings": []}}
    assert tool_results(bodies[3])["call_0_cancel_booking"]["cancelled"] is False
    assert reply.outcome != Call.Outcome.CANCELLED and reply.text == "Sorry, I can't find that booking."


def test_it_cancels_the_callers_own_booking(model, business):
    dialogue_call = services.call_start(business=business, provider=Call.Provider.BROWSER, phone=PHONE)
    mine = ReservationFactory(business=business, caller=dialogue_call.caller)
    model.reply = Script(
        tool_call_completion(("cancel_booking", {"reservation_id": mine.pk})),
        "Your booking is cancelled.",
    )
    dialogue = AgentDialogue(business=business, call=dialogue_call, caller=dialogue_call.caller)
    dialogue.respond("yes")
    reply = dialogue.respond("Please cancel my booking.")

    mine.refresh_from_db()
    assert mine.status == Reservation.Status.CANCELLED
    assert (reply.intent, reply.outcome) == ("cancel", Call.Outcome.CANCELLED)


def test_it_moves_the_callers_own_booking(model, business):
    call = services.call_start(business=business, provider=Call.Provider.BROWSER, phone=PHONE)
    mine = ReservationFactory(business=business, caller=call.caller, time=dt.time(19, 0), party_size=2)
    model.reply = Script(
        tool_call_completion(("change_booking", {"reservation_id": mine.pk, "time": "20:30", "party_size": 3})),
        "Done, it is now at 8:30 pm for three.",
    )
    dialogue = AgentDialogue(business=business, call=call, caller=call.caller)
    dialogue.respond("yes")
    reply = dialogue.respond("Make it 8:30 for three.")

    mine.refresh_from_db()
    assert (mine.time, mine.party_size, mine.status) == (dt.time(20, 30), 3, Reservation.Status.BOOKED)
    assert reply.outcome == Call.Outcome.CHANGED


def test_invalid_tool_arguments_go_back_to_the_model_and_book_nothing(model, business):
    model.reply = Script(
        tool_call_completion(("book_table", {"date": "tomorrow", "time": "7.30pm", "party_size": "four", "name": "A"})),
        "Sorry, which day was that?",
    )
    reply = answered(business).respond("Book tomorrow half seven for four, Asha.")

    assert reply.text == "Sorry, which day was that?"
    assert tool_results(model.chat_bodies()[-1]) == {"call_0_book_table": {"error": "date must be YYYY-MM-DD"}}
    assert not Reservation.objects.exists()


def test_the_consent_answer_never_reaches_the_model(model, business):
    call = services.call_start(business=business, provider=Call.Provider.BROWSER, phone=PHONE)
    dialogue = AgentDialogue(business=business, call=call, caller=call.caller)
    assert "Please say yes or no" in dialogue.greeting().text
    assert dialogue.dtmf("2") is not None  # keypad 2: no

    assert model.requests == []
    assert not call.caller.has_consent(Consent.Kind.TRANSCRIPT)
    call.refresh_from_db()
    assert call.transcript_kept is False


@pytest.mark.parametrize("allowed", [False, True])
def test_a_caller_who_declined_the_transcript_is_not_heard_by_the_model_by_default(model, business, settings, allowed):
    settings.VOICEBOT_LLM_WITHOUT_CONSENT = allowed
    model.reply = Script("We open at noon tomorrow.")
    call = services.call_start(business=business, provider=Call.Provider.BROWSER, phone=PHONE)
    dialogue = AgentDialogue(business=business, call=call, caller=call.caller)
    dialogue.greeting()
    dialogue.respond("No, thank you.")

    reply = dialogue.respond("When do you open tomorrow?")

    if allowed:
        assert reply.text == "We open at noon tomorrow." and len(model.chat_bodies()) == 1
    else:
        assert model.requests == [] and reply.intent == "hours"  # the rules answered, nothing left the server


def test_transfer_and_goodbye_end_the_call_with_the_right_outcome(model, business):
    model.reply = Script(tool_call_completion(("transfer_to_human", {})), "Putting you through now.")
    reply = answered(business).respond("Can I talk to a person?")
    assert (reply.text, reply.end_call, reply.outcome) == ("Putting you through now.", True, Call.Outcome.TRANSFERRED)

    model.reply = Script(tool_call_completion(("end_call", {})), "Thanks for calling, goodbye!")
    reply = answered(business).respond("That's all, bye.")
    assert (reply.end_call, reply.outcome, reply.intent) == (True, Call.Outcome.NO_ACTION, "goodbye")


@pytest.mark.parametrize("failure", ["http_500", "down", "timeout", "bad_argument_json", "endless_tools"])
def test_a_failing_model_hands_the_call_to_the_rules_and_it_still_books(model, business, settings, caplog, failure):
    tomorrow = business.now().date() + dt.timedelta(days=1)
    if failure == "http_500":
        model.reply = Script((500, {"error": {"message": "overloaded"}}))
    elif failure == "timeout":
        settings.VOICEBOT_LLM_TIMEOUT = 0.3
        model.delay = 1.0
    elif failure == "bad_argument_json":
        model.reply = Script(tool_call_completion(("book_table", '{"date": "' + tomorrow.isoformat())))
    elif failure == "endless_tools":
        model.reply = Script(*[tool_call_completion(("find_bookings", {}))] * 10)
    dialogue = answered(business)
    if failure == "down":
        model.stop()

    with caplog.at_level(logging.WARNING, logger="voicebot"):
        dialogue.respond("I'd like to book a table for four people tomorrow at 7:30 pm.")
    assert dialogue.on_rules
    dialogue.respond("My name is Priya.")
    reply = dialogue.respond("Yes, please book it.")

    assert reply.outcome == Call.Outcome.BOOKED
    r = Reservation.objects.get()
    assert (r.date, r.time, r.party_size, r.name, r.source_call) == (
        tomorrow,
        dt.time(19, 30),
        4,
        "Priya",
        dialogue.call,
    )
    rounds = {"endless_tools": 4, "down": 0}.get(failure, 1)
    assert len(model.requests_to("/v1/chat/completions")) == rounds  # then the call stayed on the rules
    [warning] = [rec for rec in caplog.records if "rules" in rec.getMessage()]
    assert "Priya" not in warning.getMessage() and "table" not in warning.getMessage()
    assert "9812345678" not in str(warning.__dict__)


def test_the_model_has_one_time_budget_for_the_whole_turn_not_one_per_request(model, business, settings):
    settings.VOICEBOT_LLM_TIMEOUT = 1.0
    model.delay = 0.6  # one request fits in the turn's second, a tool round and the answer do not
    model.reply = Script(tool_call_completion(("opening_hours", {})), "We open at noon tomorrow.")
    dialogue = answered(business)

    reply = dialogue.respond("When do you open tomorrow?")

    assert dialogue.on_rules and len(model.chat_bodies()) == 2
    assert reply.intent == "hours" and "noon" not in reply.text  # the rules answered it


def test_a_booking_made_before_the_model_fails_is_confirmed_not_repeated(model, business):
    tomorrow = business.now().date() + dt.timedelta(days=1)
    slot = {"date": tomorrow.isoformat(), "time": "19:30", "party_size": 4, "name": "Priya"}
    model.reply = Script(tool_call_completion(("book_table", slot)), (500, {"error": {"message": "overloaded"}}))
    dialogue = answered(business)

    reply = dialogue.respond("Yes, book it.")
    assert reply.text.startswith("Done! Your table is booked.") and reply.outcome == Call.Outcome.BOOKED
    goodbye = dialogue.respond("No, that's all, thanks.")
    assert (goodbye.end_call, goodbye.outcome) == (True, Call.Outcome.BOOKED)
    assert Reservation.objects.get().name == "Priya" and len(model.chat_bodies()) == 2


def test_the_pipeline_picks_the_dialogue_by_setting(model, business, settings):
    call = services.call_start(business=business, provider=Call.Provider.PLIVO, phone=PHONE)

    def loaded() -> type:
        pipeline = CallPipeline(call_id=call.pk, protocol=PlivoProtocol(), send=None, hang_up=None)  # type: ignore[arg-type]
        return type(pipeline._load_dialogue())

    assert loaded() is AgentDialogue  # auto, with a model configured
    settings.VOICEBOT_DIALOGUE = "rules"
    assert loaded() is Dialogue
    settings.VOICEBOT_DIALOGUE = "auto"
    speech_config.configure(speech_config.get_config().replace(llm_base_url=""))
    assert dialogue_class() is Dialogue
    settings.VOICEBOT_DIALOGUE = "llm"
    assert dialogue_class() is AgentDialogue


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
async def test_a_simulated_phone_call_books_through_the_model(client, model, business):
    tomorrow = business.now().date() + dt.timedelta(days=1)
    slot = {"date": tomorrow.isoformat(), "time": "19:30", "party_size": 4, "name": "Priya"}
    booked = "Done, Priya. Your table for four is booked for tomorrow at 7:30 pm. Anything else?"

    def reply(body: dict) -> object:
        # Answers by what it was sent, not by request count: the ASR may split an utterance in two.
        last = body["messages"][-1]
        if last["role"] == "tool":
            return booked if last["tool_call_id"].endswith("book_table") else "Thank you for calling. Goodbye!"
        said = last["content"].lower()
        if "table" in said:
            return tool_call_completion(("book_table", slot))
        if "that's all" in said or "thank" in said:
            return tool_call_completion(("end_call", {}))
        return "Sorry, could you say that again?"

    model.reply = reply
    await call(
        client,
        business,
        ["Yes, that's fine.", "A table for four tomorrow at 7:30 pm under Priya please.", "No, that's all. Thank you."],
    )

    def check() -> None:
        r = Reservation.objects.get(business=business)
        assert (r.date, r.time, r.party_size, r.name) == (tomorrow, dt.time(19, 30), 4, "Priya")
        assert r.caller.phone == CALLER
        c = Call.objects.get(pk=r.source_call_id)
        assert c.outcome == Call.Outcome.BOOKED and c.ended_at is not None
        assert booked in [t.bot_text for t in c.turns.all()]
        first = model.chat_bodies()[0]["messages"]
        assert first[0]["role"] == "system" and first[1]["role"] == "user" and "priya" in first[1]["content"].lower()

    await sync_to_async(check)()


def test_it_asks_the_model_to_answer_a_hindi_call_in_hindi(model):
    business = BusinessFactory(name="Dosa Corner", languages=["hi", "en"])
    model.reply = Script("कल शाम 7 बजे चार लोगों के लिए टेबल खाली है। किस नाम से बुक करूँ?")
    call = services.call_start(business=business, provider=Call.Provider.BROWSER, phone=PHONE)
    dialogue = AgentDialogue(business=business, call=call, caller=call.caller)
    dialogue.greeting()
    assert dialogue.respond("हाँ जी").intent == "consent"  # consent stays with the rules, in Hindi

    reply = dialogue.respond("कल शाम सात बजे चार लोगों के लिए टेबल चाहिए")

    assert reply.text == "कल शाम 7 बजे चार लोगों के लिए टेबल खाली है। किस नाम से बुक करूँ?"
    system = model.chat_bodies()[0]["messages"][0]["content"]
    assert "answer in Hindi, in Devanagari script" in system


def test_the_text_channel_talks_through_the_model_when_one_is_configured(model, api, owner):
    from tests.voicebot.factories import business_for

    business = business_for(owner, horizon_days=60)
    tomorrow = business.now().date() + dt.timedelta(days=1)
    slot = {"date": tomorrow.isoformat(), "time": "19:30", "party_size": 4}
    model.reply = Script(
        tool_call_completion(("check_availability", slot)),
        "Tomorrow at 7:30 pm for four is free. Under which name?",
        tool_call_completion(("book_table", {**slot, "name": "Priya Sharma"})),
        "Done, your table is booked.",
    )
    path = f"/api/v1/voicebot/businesses/{business.pk}/chat"

    first = api.post(path, {"text": "Four of us tomorrow at half seven", "conversation": None}, format="json").json()
    assert first["reply"] == "Tomorrow at 7:30 pm for four is free. Under which name?"
    assert first["slots"] == {"date": tomorrow.isoformat(), "time": "19:30", "party_size": 4, "name": None}
    second = api.post(path, {"text": "Priya Sharma, book it", "conversation": first["conversation"]}, format="json")

    reservation = Reservation.objects.get(business=business)
    assert second.json()["reply"] == "Done, your table is booked."
    assert second.json()["reservation"] == reservation.pk and reservation.name == "Priya Sharma"
    # The second request carried the whole conversation to the model: the first turn came back from the row.
    last = model.chat_bodies()[-1]["messages"]
    assert [m["role"] for m in last[1:]] == ["user", "assistant", "tool", "assistant", "user", "assistant", "tool"]
    assert last[1]["content"] == "Four of us tomorrow at half seven"


def test_the_model_dialogue_holds_the_rules_instead_of_subclassing_them(model, business):
    dialogue = answered(business)

    assert not isinstance(dialogue, Dialogue) and isinstance(dialogue.rules, Dialogue)
    assert dialogue.state is dialogue.rules.state
