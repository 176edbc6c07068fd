import pytest

from dictation.grading import damerau_levenshtein, grade, infer_difficulty, is_typo


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
