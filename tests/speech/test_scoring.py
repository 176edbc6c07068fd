from __future__ import annotations

import pytest

from sawt.speech.scoring import AlignedWord, corpus_wer, normalize_text, number_to_words, ordinal_to_words, score


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Don’t", "don't"),
        ("Don‘t ʼem `em", "don't em em"),
        ("well–known — really‐so", "well known really so"),
        ("HELLO, World!", "hello world"),
        ("“Quoted” (parens) [brackets] ... ¿qué?", "quoted parens brackets qué"),
        ("'tis the dogs' bone", "tis the dogs bone"),
        ("It costs 3.5 or 1,000 at 7:30.", "it costs 3.5 or 1000 at 7:30"),
        ("ﬁne  full\u00a0width１２", "fine full width12"),
        ("నా పేరు, సాయి కృష్ణ!", "నా పేరు సాయి కృష్ణ"),
    ],
)
def test_it_normalizes_text(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


def test_it_keeps_case_and_punctuation_when_asked() -> None:
    assert normalize_text("Don’t  Stop—now!", case_sensitive=True, keep_punctuation=True) == "Don't Stop-now!"
    assert normalize_text("Don’t Stop", case_sensitive=True) == "Don't Stop"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21", "twenty one"),
        ("twenty-one", "twenty one"),
        ("1,250 people", "one thousand two hundred fifty people"),
        ("the 3rd and 21st", "the third and twenty first"),
        ("at 7:30 or 7:05 or 7:00", "at seven thirty or seven oh five or seven"),
        ("$5 and 50%", "five dollars and fifty percent"),
        ("3.14", "three point one four"),
    ],
)
def test_it_spells_numbers_as_words(text: str, expected: str) -> None:
    assert normalize_text(text, numbers=True) == expected


def test_it_writes_number_words() -> None:
    assert number_to_words(0) == "zero"
    assert number_to_words(105) == "one hundred five"
    assert number_to_words(2_000_019) == "two million nineteen"
    assert ordinal_to_words(12) == "twelfth"
    assert ordinal_to_words(40) == "fortieth"


def test_it_scores_matching_text_as_zero_after_normalisation() -> None:
    result = score("And so, my fellow Americans…", "and so my fellow americans")
    assert result.wer == 0.0 and result.cer == 0.0
    assert result.hits == 5 and result.reference_words == 5
    assert score("twenty one cats", "21 cats").wer > 0
    assert score("twenty one cats", "21 cats", numbers=True).wer == 0.0


def test_it_aligns_words_with_operations() -> None:
    result = score("one two three four five six", "one too three five six seven")
    assert (result.substitutions, result.deletions, result.insertions) == (1, 1, 1)
    assert result.wer == pytest.approx(3 / 6)
    ops = [a.op for a in result.alignment]
    assert ops.count("equal") == 4
    assert AlignedWord("substitute", "two", "too") in result.alignment
    assert AlignedWord("delete", "four", None) in result.alignment
    assert AlignedWord("insert", None, "seven") in result.alignment
    assert 0 < result.cer < 1


def test_it_handles_empty_reference_and_hypothesis() -> None:
    assert score("", "").wer == 0.0
    empty_ref = score("...", "hello there")
    assert empty_ref.wer == 1.0 and empty_ref.insertions == 2
    assert [a.op for a in empty_ref.alignment] == ["insert", "insert"]
    empty_hyp = score("hello there", "")
    assert empty_hyp.wer == 1.0 and empty_hyp.deletions == 2


def test_it_can_exceed_one_with_insertions() -> None:
    assert score("hi", "hi there you all").wer == pytest.approx(3.0)


def test_it_computes_corpus_wer_over_all_words() -> None:
    pairs = [("a b c d", "a b c d"), ("e f", "e x")]
    assert corpus_wer(pairs) == pytest.approx(1 / 6)
