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
