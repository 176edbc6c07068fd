"""Numbers in what callers say, read with the engine's spoken numbers (`sawt.speech.language`)."""

import pytest

from voicebot import understanding as nlu


@pytest.mark.parametrize(
    ("said", "size"),
    [
        ("a table for twenty people", 20),
        ("we are twenty-five", 25),
        ("twenty five guests tomorrow", 25),
        ("table for four at 8 pm", 4),
        ("for seven thirty please", None),  # a time, not seven people
        ("a couple of us", 2),
        # The subject of "need" is no party: the list after "for" is.
        ("I want some liver and onions and I need a table for Bessie, Antonio and Lisa at 10 am", 3),
        ("Sue and I want a table", 2),
    ],
)
def test_it_reads_party_sizes_said_in_words(said, size):
    assert nlu.party_size(said) == size


def test_it_reads_the_first_number_of_a_bare_answer():
    assert nlu.first_number("um, twenty five I think") == 25
    assert nlu.first_number("just a sec") is None  # "a" is no number
    assert nlu.first_number("a couple") == 2


def test_it_reads_minutes_said_in_words():
    assert nlu.clock_time("at eight forty-five") == (8, 45, None)
    assert nlu.clock_time("at seven thirty in the evening") == (7, 30, "pm")


@pytest.mark.parametrize(
    ("said", "size"),
    [
        ("I am a party on 10, and would like to eat outside", 10),  # a phone line's "party of 10"
        ("book a table for a group on six", 6),
        ("a party on the 8th", None),  # a day
        ("a party on 8 May", None),
        ("a party on 8 pm", None),  # a time
    ],
)
def test_a_party_on_a_number_is_a_party_of_it_unless_it_is_a_day_or_a_time(said, size):
    assert nlu.party_size(said) == size


@pytest.mark.parametrize(
    ("said", "size"),
    [
        # Whisper base's writing of espeak-ng's "three" and "nine" through the phone line (bench voicebot-slu).
        ("Welcome, restaurants for free people at 8 pm", 3),
        ("I need to book a table for free in the city.", 3),
        ("Let me get reservations for a party on free at the bar.", 3),
        ("Book a pass for I-N members", 9),
        ("a bakery at midnight for the I.n.", 9),
        ("a gluten free restaurant for two", 2),  # not where people are counted
        ("a table for free wifi", None),
        ("a table for Ian and me", 2),
        ("book at the tavern for in 1 minute", None),
    ],
)
def test_it_reads_the_phone_lines_sound_alikes_of_three_and_nine_where_people_are_counted(said, size):
    assert nlu.party_size(said) == size


@pytest.mark.parametrize(
    ("said", "day"),
    [
        ("I want to book an outdoor restaurant for Sat.", 18),  # a weekday written short, ending the sentence
        ("a table for two this fri", 17),
        ("book it on thurs", 16),
        ("a table for sunday", 19),
    ],
)
def test_a_weekday_written_short_is_the_next_one(said, day):
    import datetime as dt

    assert nlu.calendar_date(said, dt.date(2025, 1, 15)) == dt.date(2025, 1, day)  # a Wednesday


@pytest.mark.parametrize(
    ("said", "wanted"),
    [
        # Seen in crowd-sourced booking requests (Snips): where and when words do not ask for the hours.
        ("Can you book a table for a party of 6 close to DeKalb Av", "book"),
        ("book me a diner close-by Benin for eight people", "book"),
        ("book a table in CA for 2 people in 3 hours", "book"),
        ("Book a restaurant for nine on sixteen hours from now", "book"),
        ("Book me a restaurant where I can get a burrito", "book"),
        ("I need reservations at a place that's close in town.", "book"),
        # The questions they are not.
        ("When do you close?", "hours"),
        ("Are you closed on Monday?", "hours"),
        ("What are your opening hours?", "hours"),
        ("what are your hours", "hours"),
        ("Where are you located?", "location"),
        ("I want to cancel my reservation", "cancel"),
        ("Can I speak to someone about my booking?", "transfer"),
    ],
)
def test_a_booking_request_is_a_booking_even_where_it_says_close_by_or_in_hours(said, wanted):
    assert nlu.intent(said) == wanted
