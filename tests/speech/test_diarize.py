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


@pytest.mark.slow
def test_a_recording_given_in_pieces_is_diarized_to_its_end_with_a_bounded_clustering_sample(shared_data: Path):
    from sawt.speech.audio import decode_audio
    from sawt.speech.diarize import diarize_chunks

    audio = shared_data / "dev" / "nemo_train-clean-2mix-0021.flac"
    if not audio.exists():
        pytest.skip(f"{audio} not found")
    samples = decode_audio(audio)
    looped = np.concatenate([samples] * 3)
    pieces = [looped[i : i + 7 * 16000] for i in range(0, len(looped), 7 * 16000)]
    # Far fewer windows clustered than embedded: every window still gets a speaker.
    result = diarize_chunks(pieces, max_cluster=60)
    assert len(result.speakers) == 2
    spoken = sum(t.end - t.start for t in result.turns)
    last = max(t.end for t in result.turns)
    assert last > len(looped) / 16000 - 3.0  # the last loop is labelled too
    assert spoken > 0.6 * len(looped) / 16000
    # The loops get the same speakers: the first and last third say the same.
    thirds = len(samples) / 16000
    first = [t.speaker for t in result.turns if t.end <= thirds]
    final = [t.speaker for t in result.turns if t.start >= 2 * thirds]
    assert set(first) == set(final) == set(result.speakers)


def test_the_mel_frames_are_resemblyzers_own():
    from resemblyzer.audio import wav_to_mel_spectrogram

    from sawt.speech.diarize import mel_spectrogram

    wav = np.random.default_rng(1).normal(scale=0.1, size=16000 * 3 + 77).astype(np.float32)
    expected = wav_to_mel_spectrogram(wav)
    assert mel_spectrogram(wav).shape == expected.shape
    assert np.allclose(mel_spectrogram(wav), expected, rtol=1e-4, atol=1e-6)
