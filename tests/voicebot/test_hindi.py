"""Hindi calls: understanding Devanagari and romanized Hindi, replies in Devanagari, Hindi speech."""

import datetime as dt
import re

import numpy as np
import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import translation

from sawt.asgi import application
from sawt.speech import asr, tts
from sawt.testing.voicebot_simulator import CommunicatorTransport, SimulatedCaller, samples_to_frames
from tests.voicebot.factories import BusinessFactory
from tests.voicebot.test_simulated_calls import answer
from voicebot import services
from voicebot import understanding as nlu
from voicebot.dialogue import Dialogue, say_date, say_time
from voicebot.models import Call, Reservation, Turn
from voicebot.pipeline import asr_config
from voicebot.understanding import hindi

pytestmark = pytest.mark.django_db

DEVANAGARI = re.compile(r"[\u0900-\u097f]")
LATIN = re.compile(r"[A-Za-z]")
MONDAY = dt.date(2026, 11, 23)
# The one sentence of those measured that Whisper base recognises as Hindi when espeak-ng says it (see below).
SPOKEN = "मुझे कल के लिए एक टेबल बुक करनी है, हम चार लोग होंगे और हम शाम को सात बजे आएंगे।"
needs_hindi_voice = pytest.mark.skipif(
    "hi" not in tts.espeak_languages(), reason="espeak-ng (with its Hindi voice) is not installed"
)


def heard(text: str) -> str:
    return hindi.to_english(text)


@pytest.mark.parametrize(
    ("said", "answer"),
    [
        ("हाँ", True),
        ("जी हाँ", True),
        ("हां जी, बुक कर दीजिए", True),
        ("ठीक है।", True),
        ("जी", True),
        ("haan", True),
        ("नहीं", False),
        ("जी नहीं", False),
        ("nahi", False),
        ("नहीं, धन्यवाद", False),
        ("नहीं, रिकॉर्ड मत कीजिए।", False),
        ("मत करो", False),
        ("nahin ji", False),
        ("haan ji, theek hai", True),
        ("bilkul", True),
        ("शायद", None),
        ("पता नहीं", None),
        ("राहुल", None),
    ],
)
def test_it_hears_hindi_yes_and_no(said, answer):
    assert nlu.yes_no(heard(said)) is answer


@pytest.mark.parametrize(
    ("said", "size"),
    [
        ("हम चार लोग हैं", 4),
        ("चार लोगों के लिए", 4),
        ("6 लोग", 6),
        ("बारह लोग", 12),
        ("बीस लोगों के लिए टेबल", 20),
        ("दो", 2),
        ("sirf main", 1),
        ("teen log", 3),
        ("कल शाम सात बजे", None),
    ],
)
def test_it_hears_hindi_party_sizes(said, size):
    assert nlu.party_size(heard(said)) == size


@pytest.mark.parametrize(
    ("said", "clock"),
    [
        ("7 बजे", (7, 0, None)),
        ("शाम 7 बजे", (7, 0, "pm")),
        ("साढ़े सात बजे", (7, 30, None)),
        ("रात साढ़े आठ बजे", (8, 30, "pm")),
        ("सुबह ग्यारह बजे", (11, 0, "am")),
        ("सवा आठ बजे", (8, 15, None)),
        ("पौने नौ बजे", (8, 45, None)),
        ("ढाई बजे", (2, 30, None)),
        ("सात बजकर बीस मिनट", (7, 20, None)),
        ("shaam saat baje", (7, 0, "pm")),
        ("चार लोग", None),
    ],
)
def test_it_hears_hindi_clock_times(said, clock):
    assert nlu.clock_time(heard(said)) == clock


@pytest.mark.parametrize(
    ("said", "day"),
    [
        ("कल", MONDAY + dt.timedelta(days=1)),
        ("परसों", MONDAY + dt.timedelta(days=2)),
        ("आज रात", MONDAY),
        ("शुक्रवार को", dt.date(2026, 11, 27)),
        ("अगले सोमवार", dt.date(2026, 11, 30)),
        ("रविवार", dt.date(2026, 11, 29)),
        ("5 दिसंबर", dt.date(2026, 12, 5)),
        ("12 तारीख को", dt.date(2026, 12, 12)),
        ("kal shaam", MONDAY + dt.timedelta(days=1)),
        ("चार लोग", None),
    ],
)
def test_it_hears_hindi_dates_as_booking_days(said, day):
    assert nlu.calendar_date(heard(said), MONDAY) == day


@pytest.mark.parametrize(
    ("said", "wanted"),
    [
        ("मुझे एक टेबल बुक करनी है", "book"),
        ("बुकिंग करनी है", "book"),
        ("मेरी बुकिंग रद्द कर दीजिए", "cancel"),
        ("बुकिंग कैंसल करनी है", "cancel"),
        ("मुझे अपनी बुकिंग बदलनी है", "change"),
        ("आप कब खुलते हैं", "hours"),
        ("आपका समय क्या है", "hours"),
        ("किसी से बात करनी है", "transfer"),
        ("आप कहाँ हैं", "location"),
    ],
)
def test_it_hears_hindi_intents(said, wanted):
    assert nlu.intent(heard(said)) == wanted


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("मेरा नाम राहुल है", "राहुल"),
        ("राहुल शर्मा के नाम से", "राहुल शर्मा"),
        ("mera naam Priya hai", "Priya"),
    ],
)
def test_it_hears_names_in_hindi(said, name):
    assert nlu.person_name(heard(said)) == name


def test_it_says_days_and_times_in_hindi_words():
    with translation.override("hi"):
        assert say_date(MONDAY + dt.timedelta(days=1), MONDAY) == "कल"
        assert say_date(MONDAY + dt.timedelta(days=2), MONDAY) == "परसों"
        assert say_date(dt.date(2026, 12, 4), MONDAY) == "शुक्रवार, 4 दिसंबर"
        assert say_time(dt.time(19, 0)) == "शाम 7 बजे"
        assert say_time(dt.time(19, 30)) == "शाम साढ़े 7 बजे"
        assert say_time(dt.time(13, 30)) == "दोपहर डेढ़ बजे"
        assert say_time(dt.time(21, 45)) == "रात पौने 10 बजे"
        assert say_time(dt.time(9, 15)) == "सुबह सवा 9 बजे"
    assert say_time(dt.time(19, 30)) == "7:30 pm"


def hindi_call(**business_fields):  # type: ignore[no-untyped-def]
    business = BusinessFactory(languages=["hi", "en"], **business_fields)
    call = services.call_start(business=business, provider=Call.Provider.BROWSER, phone="+919812300001")
    return business, call, Dialogue(business=business, call=call, caller=call.caller)


def test_it_books_a_table_from_a_hindi_conversation():
    business, call, dialogue = hindi_call()
    assert call.language == "hi" and dialogue.language == "hi"
    greeting = dialogue.greeting()
    assert "व्हाट्सऐप" in greeting.text and "अंग्रेज़ी के लिए 8 दबाइए" in greeting.text
    assert greeting.extra == [("en", "For English, press 8 or say English.")]
    replies = [
        dialogue.respond("हाँ जी"),
        dialogue.respond("मुझे कल शाम साढ़े सात बजे के लिए टेबल बुक करनी है"),
        dialogue.respond("चार लोग"),
        dialogue.respond("मेरा नाम राहुल है"),
    ]
    confirm = replies[-1].text
    assert "कल शाम साढ़े 7 बजे" in confirm and "4 लोगों" in confirm and "राहुल" in confirm, confirm
    done = dialogue.respond("हाँ, बुक कर दीजिए")
    assert "बुक हो गई" in done.text, done.text
    for reply in [greeting, *replies, done]:
        assert DEVANAGARI.search(reply.text), reply.text
        assert not re.search(r"[A-Za-z]{3,}", reply.text.replace(business.name, "")), reply.text
    booking = Reservation.objects.get(source_call=call)
    tomorrow = business.now().date() + dt.timedelta(days=1)
    assert (booking.date, booking.time, booking.party_size, booking.name) == (tomorrow, dt.time(19, 30), 4, "राहुल")
    bye = dialogue.respond("नहीं, धन्यवाद")
    assert bye.end_call and DEVANAGARI.search(bye.text)


def test_it_asks_for_consent_again_in_hindi_and_takes_a_hindi_refusal_as_one():
    _, call, dialogue = hindi_call(record_calls=True)
    dialogue.greeting()

    again = dialogue.respond("पता नहीं")
    refused = dialogue.respond("नहीं, रिकॉर्ड मत कीजिए।")

    assert again.text.startswith("माफ़ कीजिए, मैं समझ नहीं पाया।") and "रिकॉर्ड" in again.text, again.text
    assert not LATIN.search(again.text), again.text
    call.refresh_from_db()
    assert (call.recording_consented, call.transcript_kept) == (False, False)
    assert refused.intent == "consent" and DEVANAGARI.search(refused.text)


def test_it_explains_a_refusal_in_hindi():
    *_, dialogue = hindi_call(max_party_size=6)
    dialogue.respond("हाँ")
    reply = dialogue.respond("परसों रात आठ बजे बारह लोगों के लिए टेबल")
    assert "ज़्यादा से ज़्यादा 6 लोग" in reply.text, reply.text


def test_it_switches_an_english_call_to_hindi_on_the_keypad():
    business = BusinessFactory(languages=["en", "hi"])
    call = services.call_start(business=business, provider=Call.Provider.PLIVO, phone="+919812300002")
    dialogue = Dialogue(business=business, call=call, caller=call.caller)
    greeting = dialogue.greeting()
    assert "For Hindi, press 9 or say Hindi." in greeting.text
    assert greeting.extra == [("hi", "हिंदी के लिए 9 दबाइए या हिंदी बोलिए।")]
    reply = dialogue.dtmf("9")
    assert reply is not None and reply.text.startswith("ठीक है, अब हम हिंदी में बात करते हैं।")
    assert "व्हाट्सऐप" in reply.text, "the consent question is asked again, in Hindi"
    call.refresh_from_db()
    assert call.language == "hi" and dialogue.language == "hi"
    assert DEVANAGARI.search(dialogue.respond("हाँ").text)


def test_it_switches_when_the_caller_names_the_language():
    business = BusinessFactory(languages=["en", "hi"])
    call = services.call_start(business=business, provider=Call.Provider.PLIVO, phone="+919812300003")
    dialogue = Dialogue(business=business, call=call, caller=call.caller)
    dialogue.greeting()
    assert dialogue.respond("Hindi, please.").intent == "language"
    assert dialogue.language == "hi"
    assert dialogue.respond("English").text.startswith("Okay, let's talk in English.")
    call.refresh_from_db()
    assert call.language == "en"


def test_it_offers_no_language_the_business_does_not_speak():
    business = BusinessFactory(languages=["en"])
    call = services.call_start(business=business, provider=Call.Provider.PLIVO, phone="+919812300004")
    dialogue = Dialogue(business=business, call=call, caller=call.caller)
    greeting = dialogue.greeting()
    assert greeting.extra == [] and "Hindi" not in greeting.text
    assert dialogue.dtmf("9") is None
    assert dialogue.respond("Hindi").intent != "language"
    assert call.language == "en"


def test_a_business_whose_first_language_the_bot_cannot_speak_gets_english_calls():
    business = BusinessFactory(languages=["ta", "hi"])
    assert business.call_languages() == ["hi"]
    assert BusinessFactory(languages=["ta"]).call_languages() == ["en"]


@needs_hindi_voice
def test_it_speaks_hindi_with_espeak_and_caches_it_apart_from_english():
    text = "कल शाम 7 बजे, चार लोगों के लिए टेबल।"
    speech = tts.synthesize(text, language="hi", sample_rate=8000)
    assert speech.sample_rate == 8000 and speech.duration > 1.0
    assert float(np.sqrt(np.mean(np.square(speech.samples)))) > 0.01, "silence"
    hindi_voice, english_voice = tts.get_synthesizer("hi"), tts.get_synthesizer("en")
    assert hindi_voice.voice_id == "espeak:hi"
    assert tts.cache_path(text, hindi_voice, 8000) != tts.cache_path(text, english_voice, 8000)


@needs_hindi_voice
@pytest.mark.slow
def test_the_multilingual_model_hears_espeak_hindi_as_hindi():
    """Whisper base is weak on espeak-ng's Hindi, so this asserts the language and the script, not words.

    Measured (CPU, int8): of four sentences only `SPOKEN` is detected as Hindi (p = 0.50) and comes back
    in Devanagari, garbled ("बुजे कलकेले एक पे लवक कली है। ..."); the others came back in Urdu or Thai
    script, and short answers ("हाँ", "नहीं") as English words. Real callers need a larger multilingual
    model (VOICEBOT_MULTILINGUAL_ASR_MODEL) for Hindi calls to be understood well.
    """
    samples = tts.synthesize(SPOKEN, language="hi", sample_rate=16000).samples
    config = asr_config("hi")
    assert config is not None and config.asr_model == "multilingual"
    _, _, probabilities = asr.get_asr_model(config).detect_language(samples)
    assert max(probabilities, key=lambda pair: pair[1])[0] == "hi"
    # Greedy only: on garbled speech Whisper's fallback schedule samples at higher temperatures, and a
    # sampled transcript is another script on another run (seen in CI: Urdu letters).
    text = asr.transcribe(samples, language="hi", config=config, word_timestamps=False, temperature=0.0).text
    letters = [ch for ch in text if ch.isalpha()]
    assert letters and sum(bool(DEVANAGARI.match(ch)) for ch in letters) / len(letters) > 0.8, text


@needs_hindi_voice
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
async def test_a_simulated_plivo_call_switches_to_hindi_on_the_keypad_and_listens_in_hindi(client, settings):
    settings.VOICEBOT_SILENCE_PROMPT_SECONDS = 3.0
    business = await sync_to_async(BusinessFactory)(languages=["en", "hi"])
    path, _ = await sync_to_async(answer)(client, business)
    communicator = WebsocketCommunicator(application, path)
    assert (await communicator.connect())[0]
    caller = SimulatedCaller(CommunicatorTransport(communicator), provider="plivo", realtime=False)
    greeting = await caller.start()
    await caller.dtmf("9")
    switched = await caller.listen(new=True)
    await caller.dtmf("1")
    consented = await caller.listen(new=True)
    spoken = samples_to_frames(tts.synthesize(SPOKEN, language="hi", sample_rate=8000).samples)

    def heard_turns() -> list[Turn]:
        return list(Turn.objects.filter(call__business=business, index__gt=3).exclude(caller_text=""))

    # Whisper base garbles espeak-ng's Hindi and now and then drops it as noise (CI, stop 11): the bot
    # then asks "are you still there?" and the caller says it again, as a caller would.
    for _ in range(3):
        answered = await caller.say(spoken)
        if await sync_to_async(heard_turns)():
            break
    await caller.hang_up()
    assert greeting.frames and switched.frames and consented.frames and answered.frames

    def check() -> None:
        call = Call.objects.get(business=business)
        assert call.language == "hi"
        turns = list(call.turns.order_by("index"))
        # Turns before the consent keep no text (the caller had not agreed yet).
        assert [t.intent for t in turns[:3]] == ["greeting", "language", "consent"]
        assert turns[2].caller_text == "[keypad 1]" and turns[2].bot_text.startswith("धन्यवाद।")
        # Whisper base on espeak-ng's Hindi through mu-law is garbage whose fate differs between CPUs and
        # loads (here a looping "ھاں ھاں ...", on the CI machine of stop 24 dropped as noise three times, in CI
        # of stop 30 romanised Hindi, "Mughekalke leek pebal mughkali hai"): what the caller's words became is
        # not asserted here (`test_the_multilingual_model_hears_espeak_hindi_as_hindi` decodes them directly),
        # the bot's Hindi on every turn after the consent is.
        for turn in turns[3:]:
            assert DEVANAGARI.search(turn.bot_text) and not LATIN.search(turn.bot_text), turn.bot_text
        assert len(turns) > 3

    await sync_to_async(check)()
