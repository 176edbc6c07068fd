"""The meetings' own engine modules: DER metric and word-to-speaker grouping (no models loaded)."""

import pytest

from sawt.speech.der import diarization_error_rate
from sawt.speech.diarize import SpeakerTurn, group_words_by_speaker


def test_it_scores_confusion_under_the_best_label_mapping():
    reference = [(0.0, 10.0, "A"), (10.0, 20.0, "B")]
    hypothesis = [(0.0, 12.0, "spk1"), (12.0, 20.0, "spk2")]
    score = diarization_error_rate(reference, hypothesis)
    assert score.confusion == pytest.approx(0.1, abs=1e-3)
    assert score.false_alarm == score.miss == 0


def test_it_scores_overlap_as_miss_and_silence_as_false_alarm():
    reference = [(0.0, 10.0, "A"), (5.0, 10.0, "B")]  # 15 s of speech, 5 s overlapped
    hypothesis = [(0.0, 12.0, "x")]
    score = diarization_error_rate(reference, hypothesis)
    assert score.miss == pytest.approx(5 / 15, abs=1e-3)
    assert score.false_alarm == pytest.approx(2 / 15, abs=1e-3)
    assert score.der == pytest.approx(7 / 15, abs=1e-3)


def test_it_joins_a_one_word_speaker_change_to_its_neighbour():
    turns = [
        SpeakerTurn(0.0, 2.0, "A"),
        SpeakerTurn(2.0, 2.3, "B"),
        SpeakerTurn(2.3, 6.0, "A"),
        SpeakerTurn(6.0, 9.0, "B"),
    ]
    words = [(0.0, 0.5), (0.5, 1.0), (1.0, 2.0), (2.0, 2.3), (2.3, 3.0), (6.0, 6.5), (6.5, 7.0), (7.0, 8.0)]
    assert group_words_by_speaker(words, turns) == [("A", [0, 1, 2, 3, 4]), ("B", [5, 6, 7])]
