"""The engine's language pieces: numbers both ways, normalisation, classification by example."""

from __future__ import annotations

import pytest

from sawt.speech.language import (
    ExampleClassifier,
    digits_to_words,
    find_numbers,
    normalize,
    number_to_words,
    parse_number,
    parse_ordinal,
    words_to_digits,
)

# --- numbers --------------------------------------------------------------------------------------


def test_it_reads_back_every_number_below_a_million_as_written_in_words() -> None:
    misread = [n for n in range(0, 1_000_000, 7) if parse_number(number_to_words(n)) != n]
    misread += [n for n in (*range(0, 1000), 999_999, 100_000, 1000, 1001) if parse_number(number_to_words(n)) != n]
    assert misread == []


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("thirty five", 35),
        ("thirty-five", 35),
        ("one hundred and five", 105),
        ("a hundred", 100),
        ("hundred", 100),
        ("nineteen hundred", 1900),
        ("two thousand and five", 2005),
        ("a thousand and one", 1001),
        ("one million two hundred thousand", 1_200_000),
        ("a couple", 2),
        ("a couple of", 2),
        ("couple", 2),
        ("a dozen", 12),
        ("half a dozen", 6),
        ("two dozen", 24),
        ("zero", 0),
        ("Twenty One", 21),
    ],
)
def test_it_reads_spoken_cardinals(said: str, value: int) -> None:
    assert parse_number(said) == value


@pytest.mark.parametrize(("written", "value"), [("7", 7), ("1,000", 1000), ("250", 250), ("2 million", 2_000_000),
                                                ("5 hundred", 500)])  # fmt: skip
def test_it_reads_digits_and_digits_mixed_with_words(written: str, value: int) -> None:
    assert parse_number(written) == value


@pytest.mark.parametrize("said", ["", "a", "the", "seven thirty", "two three", "thirty twenty", "five, six", "one and"])
def test_it_reads_no_number_where_the_words_are_not_one(said: str) -> None:
    assert parse_number(said) is None


@pytest.mark.parametrize(
    ("said", "year"),
    [
        ("nineteen ninety", 1990),
        ("nineteen eighty four", 1984),
        ("twenty twenty four", 2024),
        ("twenty ten", 2010),
        ("nineteen oh five", 1905),
        ("two thousand and five", 2005),
    ],
)
def test_it_reads_years_when_asked_to(said: str, year: int) -> None:
    assert parse_number(said, years=True) == year


def test_it_reads_no_year_unless_asked_so_a_time_stays_a_time() -> None:
    assert parse_number("nineteen ninety") is None
    assert [m.value for m in find_numbers("at eleven thirty")] == [11, 30]


def test_it_finds_each_number_in_a_sentence_with_its_place() -> None:
    text = "table for twenty five people at 7, and a couple of kids"
    found = find_numbers(text)
    assert [(m.text, m.value) for m in found] == [("twenty five", 25), ("7", 7), ("a couple", 2)]
    assert all(text[m.start : m.end] == m.text for m in found)
    assert find_numbers("play a song by one direction")[0].value == 1  # "a" alone is no number
    assert len(find_numbers("play a song")) == 0


def test_it_rewrites_spoken_numbers_as_digits() -> None:
    assert words_to_digits("book for twenty-five people, not a couple") == "book for 25 people, not 2"
    assert words_to_digits("songs from nineteen ninety", years=True) == "songs from 1990"
    assert words_to_digits("two thousand and five") == "2005"


@pytest.mark.parametrize(
    ("said", "value"),
    [("first", 1), ("second", 2), ("the third", 3), ("fifth", 5), ("twelfth", 12), ("twentieth", 20),
     ("twenty first", 21), ("twenty-second", 22), ("3rd", 3), ("21st", 21), ("one hundredth", 100)],
)  # fmt: skip
def test_it_reads_ordinals(said: str, value: int) -> None:
    assert parse_ordinal(said) == value


def test_it_reads_no_ordinal_in_a_cardinal_or_a_word() -> None:
    assert parse_ordinal("two") is None
    assert parse_ordinal("last") is None
    assert parse_ordinal("twenty") is None


def test_it_spells_digits_as_words() -> None:
    assert digits_to_words("7:30 on the 21st, $5 or 50%, 3.5 and 1,000") == (
        "seven thirty on the twenty first, five dollars or fifty percent, three point five and one thousand"
    )


# --- normalisation --------------------------------------------------------------------------------


def test_it_normalises_case_punctuation_and_unicode_variants() -> None:
    assert normalize("Don’t  STOP—now!") == "don't stop now"
    assert normalize("ＰＬＡＹ　ｊａｚｚ") == "play jazz"
    assert normalize("7:30, 3.5 and 1,000.") == "7:30 3.5 and 1000"
    assert normalize("नमस्ते, दुनिया।") == "नमस्ते दुनिया"  # vowel signs are letters


def test_it_keeps_or_drops_what_the_caller_asks() -> None:
    assert normalize("What’s playing?", apostrophes="drop") == "whats playing"
    assert normalize("7.30 p.m. o'clock-ish", keep="'.:-") == "7.30 p.m. o'clock-ish"
    assert normalize("Don’t Stop", case_sensitive=True) == "Don't Stop"
    assert normalize("Don’t  Stop—now!", case_sensitive=True, keep_punctuation=True) == "Don't Stop-now!"


def test_it_makes_digits_and_words_compare_equal() -> None:
    assert normalize("21 guests at 7:30", numbers=True) == normalize("twenty-one guests at seven thirty")


# --- classification by example --------------------------------------------------------------------

EXAMPLES = {
    "weather": ["what is the weather like", "will it rain tomorrow", "how cold is it outside"],
    "music": ["play some music", "put on a song", "turn the music up"],
}


def test_it_labels_a_text_by_its_nearest_example() -> None:
    classifier = ExampleClassifier(EXAMPLES, threshold=0.4)
    assert classifier.label("is it going to be sunny today") == "weather"
    assert classifier.label("I want to listen to some jazz") == "music"
    found = classifier.nearest("will it rain tomorrow")
    assert (found.label, found.example) == ("weather", "will it rain tomorrow")
    assert found.score == pytest.approx(1.0, abs=1e-4)


def test_it_labels_nothing_below_the_threshold() -> None:
    classifier = ExampleClassifier(EXAMPLES, threshold=0.55)
    assert classifier.classify("the invoice number is missing from the form") is None
    assert classifier.label("the invoice number is missing from the form", threshold=-1.0) is not None


def test_it_prepares_the_text_before_comparing() -> None:
    classifier = ExampleClassifier(EXAMPLES, threshold=0.99, prepare=lambda text: text.removeprefix("hey sam, "))
    assert classifier.label("hey sam, put on a song") == "music"


def test_it_needs_examples() -> None:
    with pytest.raises(ValueError, match="at least one example"):
        ExampleClassifier({}, threshold=0.5)
