import pytest

from dictation.grading import damerau_levenshtein, grade, infer_difficulty, is_typo, spoken_text


@pytest.mark.parametrize(("expected", "typed", "typo"), [
    ("afternoon", "aftrenoon", True),   # two letters swapped: one edit
    ("afternoon", "afternon", True),    # one letter missing
    ("afternoon", "aftrnon", False),    # two edits in a 9-letter word
    ("international", "intrenationl", True),  # two edits in a 13-letter word
    ("cat", "cut", False),              # short words allow no typo
    ("fox", "cat", False),
])
def test_it_classes_typos_with_the_h5p_rule(expected, typed, typo):
    assert is_typo(expected, typed) is typo


def test_it_counts_a_swap_as_one_edit():
    assert damerau_levenshtein("form", "from") == 1
    assert damerau_levenshtein("kitten", "sitting") == 3


def test_it_picks_the_best_accepted_answer():
    result = grade(answers=["colour of the sky", "color of the sky"], typed="color of the sky",
                   case_sensitive=False, keep_punctuation=False)

    assert result.wer == 0 and result.matched_answer == "color of the sky"


def test_it_keeps_punctuation_when_asked():
    loose = grade(answers=["Hello, world."], typed="Hello world", case_sensitive=False, keep_punctuation=False)
    strict = grade(answers=["Hello, world."], typed="Hello world", case_sensitive=False, keep_punctuation=True)

    assert loose.wer == 0 and strict.wer > 0


@pytest.mark.parametrize(("text", "difficulty"), [
    ("Hello.", 1),
    ("I like to eat apples and pears.", 2),
    ("We walked along the river and then we sat down to rest.", 3),
    ("We walked along the river and then we sat down to rest at 5.", 4),
    ("Extraordinary circumstances.", 2),
])
def test_it_infers_difficulty_from_length_and_word_shape(text, difficulty):
    assert infer_difficulty(text) == difficulty


def _grade(answer, typed, **options):
    options = {"case_sensitive": False, "keep_punctuation": False, **options}
    return grade(answers=[answer], typed=typed, **options)


def _wrong(result):
    return [(w["expected_text"], w["typed_text"], w["kind"]) for w in result.diff if w["kind"] != "ok"]


def test_it_accepts_each_per_word_alternative_as_one_word():
    for typed in ("I like the colour red", "I like the color red"):
        result = _grade("I like the colour|color red.", typed)
        assert (result.wer, result.score, result.reference_words) == (0, 1.0, 5)
    wrong = _grade("I like the colour|color red.", "I like the collor red")
    assert _wrong(wrong) == [("colour", "collor", "typo")] and wrong.score == pytest.approx(4.5 / 5)


def test_the_audio_speaks_the_first_alternative():
    assert spoken_text("The colour|color of the sky|heavens, today.") == "The colour of the sky, today."


@pytest.mark.parametrize(("answer", "typed"), [
    ("I have 3 cats.", "I have three cats"),
    ("I have three cats.", "I have 3 cats"),
    ("She was born in 1990.", "she was born in nineteen ninety"),
    ("She was born in nineteen ninety.", "She was born in 1990"),
    ("One hundred and five dogs.", "105 dogs"),
])
def test_digits_and_number_words_are_equal(answer, typed):
    result = _grade(answer, typed)
    assert (result.wer, result.score, result.mistakes) == (0, 1.0, 0)


def test_quantity_words_stay_words():
    assert _grade("A couple of days.", "two of days").mistakes > 0


def test_the_score_is_h5p_style_over_the_reference_words():
    result = _grade("A beautiful afternoon in the mountains.", "A beautiful aftrenoon in mountains extra")
    # right 4, one typo (0.5), one missing word (0), an extra word does not count: 4.5 / 6
    assert result.score == pytest.approx(4.5 / 6)
    assert _grade("Hello there.", "").score == 0.0


def test_the_diff_shows_the_sentence_as_written_and_the_answer_as_typed():
    result = _grade("Paris, the capital of France.", "PARIS the capitol of Frence")

    assert result.diff[0]["expected_text"] == "Paris," and result.diff[0]["typed_text"] == "PARIS"
    assert _wrong(result) == [("capital", "capitol", "typo"), ("France.", "Frence", "typo")]
    assert result.diff[-1]["expected"] == "france"  # the normalised word, as before


@pytest.mark.parametrize(("answer", "typed", "expected_text", "typed_text"), [
    ("She sells seashells by the shore.", "She sells sea shells by the shore", "seashells", "sea shells"),
    ("She sells sea shells by the shore.", "she sells seashells by the shore", "sea shells", "seashells"),
])
def test_a_word_split_or_joined_is_one_typo(answer, typed, expected_text, typed_text):
    result = _grade(answer, typed)

    assert (result.typos, result.mistakes) == (1, 0)
    assert result.wer == pytest.approx(1 / result.reference_words)
    assert _wrong(result) == [(expected_text, typed_text, "typo")]
