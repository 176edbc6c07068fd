"""Turn-taking on a phone call: the end-of-turn wait follows what the words so far say about the question."""

import asyncio
import functools

import pytest

from sawt.speech.stream_scheduler import get_scheduler
from sawt.speech.streaming import StreamingTranscriber
from sawt.testing.voicebot_simulator import SILENCE, speech_frames
from tests.chat.conftest import collect_finals
from voicebot.pipeline import PhoneAudio, call_stream_options
from voicebot.understanding import turns


@pytest.mark.parametrize(
    ("said", "asked", "yes_no", "wait"),
    [
        ("Yes.", None, True, turns.YES_NO_WAIT),  # a bare yes may lead into more: "Yes, please book it."
        ("Yes, that's fine.", None, True, turns.ANSWERED_WAIT),
        ("No, thanks.", None, True, turns.ANSWERED_WAIT),
        ("Eight.", "time", False, turns.ANSWERED_WAIT),
        ("At 7:30 pm.", "time", False, turns.ANSWERED_WAIT),
        ("We'll be five.", "party_size", False, turns.ANSWERED_WAIT),
        ("Tomorrow.", "day", False, turns.ANSWERED_WAIT),
        ("A table for four tomorrow at 8 pm.", None, False, turns.ANSWERED_WAIT),
        ("I'd like a table for", None, False, turns.UNFINISHED_WAIT),
        ("Tomorrow at", "day", False, turns.UNFINISHED_WAIT),
        ("Um", "time", False, turns.UNFINISHED_WAIT),
        ("Two adults and", "party_size", False, turns.UNFINISHED_WAIT),
        ("My name is", "name", False, turns.UNFINISHED_WAIT),
        ("I was wondering about something.", None, False, turns.USUAL_WAIT),
        ("I'd like a table for four", None, False, turns.USUAL_WAIT),  # an open request may go on
    ],
)
def test_the_wait_is_short_for_an_answer_and_long_for_an_unfinished_sentence(said, asked, yes_no, wait):
    assert turns.end_of_turn(said, asked=asked, yes_no=yes_no) == wait


def test_a_slot_question_is_listened_for_with_its_vocabulary():
    assert "8 pm" in turns.listening_prompt(None, "Spice Garden") and "11 am" in turns.listening_prompt(None)
    assert turns.listening_prompt("time", "Spice Garden").startswith("Spice Garden.")
    assert turns.listening_prompt("time").endswith("At 7 pm, 11:30 am.")


async def silence_until_the_turn_ends(text: str, *, asked: str | None, yes_no: bool) -> tuple[int, str]:
    """Speaks `text` into a phone call's listener, then silence frame by frame, each decode settled before
    the next frame (so stream time alone decides); answers how many silent frames ended the turn."""
    scheduler = get_scheduler()
    await asyncio.wrap_future(scheduler.warm_up())
    transcriber = StreamingTranscriber(language="en", options=call_stream_options())
    transcriber.end_of_turn = functools.partial(turns.end_of_turn, asked=asked, yes_no=yes_no)
    phone = PhoneAudio()
    finals, reader = collect_finals(transcriber)
    try:
        for frame in speech_frames(text):
            await transcriber.push(phone.pcm16k(frame))
        for silent in range(1, 100):
            await transcriber.push(phone.pcm16k(SILENCE))
            while scheduler.finals_pending:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0)  # a kept final reaches the queue on the next loop pass
            if finals:
                return silent, finals[0].text
        raise AssertionError(f"the turn after {text!r} never ended")
    finally:
        reader.cancel()
        transcriber.close()


@pytest.mark.slow
async def test_a_short_yes_ends_the_turn_sooner_than_an_unfinished_sentence():
    yes_frames, yes_text = await silence_until_the_turn_ends("Yes.", asked=None, yes_no=True)
    open_frames, open_text = await silence_until_the_turn_ends("I would like a table for", asked=None, yes_no=False)

    assert "yes" in yes_text.lower() and "table" in open_text.lower()
    assert yes_frames < open_frames


@pytest.mark.parametrize(
    ("text", "asked", "again"),
    [
        ("At 8 pm.", "time", False),
        ("At APV.", "time", True),
        ("We are for.", "party_size", False),  # the sound-alike is read
        ("We are fine.", "party_size", True),
        ("Priya.", "name", False),  # names are not heard again
        ("A table for 4 tomorrow at 8 pm.", None, False),
        ("Welcome to the The The", None, True),
        ("Can I reserve a table next Friday?", None, False),  # a day and no number: nothing misheard
        ("A table for 4 tomorrow.", None, False),
        ("Book a table for five at eight pm on the 12th.", None, False),
        ("A table tomorrow for a party in 8.", None, True),  # 8 read as neither, even on the 7th
        ("A table for 4 on the 8th.", None, False),  # the day's own number
        ("A table for 4 in 3 days.", None, False),
        ("A table for 10 people at an oyster bar within the same area of", None, True),  # its end not heard
        # The answer to "Shall I book it?": a no that goes on unreadably is heard again, a yes never.
        ("No, have an AM.", turns.CORRECTION, True),  # said: "No, at 7 am."
        ("No, at 7 am.", turns.CORRECTION, False),
        ("No.", turns.CORRECTION, False),
        ("No, thanks.", turns.CORRECTION, False),
        ("Yes, please book it.", turns.CORRECTION, False),
    ],
)
def test_an_answer_that_misses_what_was_asked_is_worth_hearing_again(text, asked, again):
    assert turns.worth_hearing_again(text, asked=asked) is again


def test_of_an_answers_hypotheses_the_first_that_gives_what_was_asked_is_kept():
    assert turns.best_heard(["At APV.", "At 8 pm.", "At 9 pm."], asked="time") == "At 8 pm."
    assert turns.best_heard(["Priya.", "Pria."], asked="name") == "Priya."  # nothing gives more: the first


def test_an_open_requests_hearings_vote_on_each_slot():
    heard = [
        "Book a table for a party on 8 pm.",  # the first hearing took the party size for a time
        "Book a table for a party of 8.",
        "Book a table for a party of 8.",
        "Book a table for a party of 8 tomorrow.",
        "Book a table for a party of 6 tomorrow.",
    ]
    # party of 8 (three against one), tomorrow (two) and 8 pm (one): the fourth agrees on two of them
    assert turns.voted(heard).text == heard[3]
    assert turns.voted(heard[:2]).text == heard[0]  # one against one: the first heard
    assert turns.voted(["Welcome to the table.", "Hello."]) == turns.Heard("Welcome to the table.")  # no slot


def test_each_slot_takes_what_most_hearings_read_even_where_the_text_chosen_does_not():
    heard = [
        "A table for 6 at 8 pm tomorrow.",
        "A table for 6 at 8 pm tomorrow.",
        "A table for 5.",
        "A table for 5.",
        "A table for 5.",
    ]
    vote = turns.voted(heard)
    assert vote.text == heard[0]  # the time and the day as most say them outweigh its party size
    assert (vote.party_size, vote.time) == (5, (8, 0, "pm"))  # but the party size is what most heard


def test_a_hearing_that_ran_into_a_loop_has_no_vote():
    # Seen on the phone line: a beam that lost the audio repeats the prompt's "8 pm"; the first hearing did not.
    heard = [
        "Book midday at a faraway Cuban place for 5.",
        "Book midway at 8 pm, for 8 pm, for 8 pm, for 8 pm, for 8 pm, for",
        "Book midway at 8 pm, for 8 pm, for 8 pm, for 8 pm, for 8 pm, for 8",
    ]
    vote = turns.voted(heard)
    assert (vote.text, vote.party_size, vote.time) == (heard[0], 5, (12, 0, "pm"))
    assert turns.voted(heard[1:]).time == (8, 0, "pm")  # all of them looped: they are all there is
    assert not turns.looped("Book a table for 2 at 8 pm, for 8 pm.")  # said twice is not a loop


@pytest.mark.slow
async def test_an_open_request_is_heard_again_unless_the_first_hearing_was_sure():
    from sawt.speech import tts
    from voicebot.pipeline import SURE_LOGPROB, hear_again

    audio = tts.synthesize("I'd like a table for two people at seven pm.", sample_rate=16000).samples
    first = "I'd like a table for ten people at eleven pm."  # what a first hearing made of it, say
    sure = await hear_again(first, audio, asked=None, prompt="", logprob=SURE_LOGPROB + 0.1)
    unsure = await hear_again(first, audio, asked=None, prompt="", logprob=SURE_LOGPROB - 0.5)
    assert sure == turns.Heard(first)
    assert turns.booking_slots(unsure.text)[:2] == (2, (7, 0, "pm"))  # the second hearing's beam outvotes it
    assert (unsure.party_size, unsure.time) == (2, (7, 0, "pm"))
