"""Speaker lines follow the diarization turns; the speaker count on clean recordings."""

from pathlib import Path

import numpy as np
import pytest

from sawt.speech.diarize import SpeakerTurn, cluster, group_words_by_speaker, line_times


def test_a_line_covers_its_speakers_turn_up_to_its_neighbours():
    turns = [SpeakerTurn(0.0, 4.0, "A"), SpeakerTurn(4.0, 9.0, "B")]
    lines = [("A", 0.4, 1.5), ("A", 2.0, 3.2), ("B", 4.6, 8.1)]
    assert line_times(lines, turns) == [(0.0, 2.0), (2.0, 4.0), (4.0, 9.0)]


def test_without_joining_every_word_is_in_the_line_of_the_turn_it_falls_in():
    turns = [SpeakerTurn(0.0, 2.0, "A"), SpeakerTurn(2.0, 2.6, "B"), SpeakerTurn(2.6, 6.0, "A")]
    words = [(0.0, 0.5), (0.5, 1.9), (2.05, 2.5), (2.7, 3.0), (3.0, 5.0)]
    runs = group_words_by_speaker(words, turns, min_words=1)
    assert runs == [("A", [0, 1]), ("B", [2]), ("A", [3, 4])]
    for label, indexes in runs:  # no line spans two speakers' turns
        start, end = words[indexes[0]][0], words[indexes[-1]][1]
        assert all(t.speaker == label for t in turns if min(end, t.end) - max(start, t.start) > 0)


def test_an_unbalanced_pair_of_voices_is_two_speakers_not_a_tail_of_small_eigengaps():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(2, 256))
    vectors = np.concatenate(
        [centres[0] + 1.2 * rng.normal(size=(140, 256)), centres[1] + 1.2 * rng.normal(size=(30, 256))]
    ).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = cluster(vectors)
    assert len(set(labels.tolist())) == 2


@pytest.mark.slow
@pytest.mark.parametrize(
    "stem", ["nemo_train-clean-2mix-0021", "nemo_train-clean-2mix-0025", "nemo_train-clean-2mix-0028"]
)
def test_it_finds_exactly_the_two_speakers_of_a_clean_mix(shared_data: Path, stem: str):
    from sawt.speech.audio import decode_audio
    from sawt.speech.der import read_rttm
    from sawt.speech.diarize import diarize

    audio, rttm = shared_data / "dev" / f"{stem}.flac", shared_data / "dev" / "rttm" / f"{stem}.rttm"
    if not rttm.exists():
        pytest.skip(f"{rttm} not found")
    reference = {label for _, _, label in read_rttm(rttm)}
    assert len(diarize(decode_audio(audio)).speakers) == len(reference) == 2


def test_the_windows_cover_all_the_speech_of_a_long_recording():
    from sawt.speech.diarize import FRAME, plan_windows

    # Four hours with speech most of the time: far more than the window cap at the default step.
    regions = [(t * 10.0, t * 10.0 + 8.5) for t in range(1440)]
    spans = plan_windows(regions, window=1.5, step=0.1, max_windows=2500)
    assert len(spans) <= 2500 + len(regions)
    covered = np.zeros(int(14400 / FRAME) + 1, dtype=bool)
    for start, end in spans:
        covered[round(start / FRAME) : round(end / FRAME)] = True
    speech = np.zeros_like(covered)
    for start, end in regions:
        speech[round(start / FRAME) : round(end / FRAME)] = True
    assert covered[speech].all()
