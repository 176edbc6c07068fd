"""Speaker lines follow the diarization turns; the speaker count on clean recordings."""

from pathlib import Path

import numpy as np
import pytest

from sawt.speech.diarize import SpeakerTurn, cluster, distinct_voices, group_words_by_speaker, line_times


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


def _voices(rng: np.random.Generator, centres: np.ndarray, who: list[int], spread: float) -> np.ndarray:
    vectors = centres[who] + spread * rng.normal(size=(len(who), centres.shape[1]))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def _stretches(count: int, per_stretch: int = 20) -> list[tuple[float, float]]:
    """Window spans as the diarizer makes them: 1.5 s windows every 0.1 s, a pause between stretches."""
    spans, start = [], 0.0
    for index in range(count):
        spans.append((start, start + 1.5))
        start += 2.5 if index % per_stretch == per_stretch - 1 else 0.1
    return spans


def test_clearly_different_voices_are_told_apart_however_briefly_one_speaks():
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(2, 256))
    who = [0] * 200 + [1] * 20 + [0] * 100  # the second person talks for one stretch (3.4 s)
    labels = distinct_voices(_voices(rng, centres, who, 0.05), _stretches(len(who)))
    assert labels[200:220].tolist() == [labels[200]] * 20
    assert set(labels[:200].tolist()) == set(labels[220:].tolist()) == {1 - labels[200]}


def test_one_voice_is_one_group_and_a_short_odd_piece_joins_it():
    rng = np.random.default_rng(4)
    centres = rng.normal(size=(2, 256))
    who = [0] * 200 + [1] * 5 + [0] * 95  # half a second of something else: not a speaker
    spans = _stretches(195) + [(30.0 + 0.1 * i, 31.5 + 0.1 * i) for i in range(5)]
    spans += [(40.0 + 0.1 * i, 41.5 + 0.1 * i) for i in range(100)]
    labels = distinct_voices(_voices(rng, centres, who, 0.05), spans)
    assert set(labels.tolist()) == {0}


def test_a_meeting_capped_at_two_speakers_gets_two_of_three_voices():
    rng = np.random.default_rng(5)
    centres = rng.normal(size=(3, 256))
    who = [0] * 60 + [1] * 60 + [2] * 60
    vectors, spans = _voices(rng, centres, who, 0.05), _stretches(len(who))
    assert len(set(distinct_voices(vectors, spans).tolist())) == 3
    assert len(set(distinct_voices(vectors, spans, max_speakers=2).tolist())) == 2


@pytest.mark.slow
@pytest.mark.parametrize(
    "stem", ["nemo_train-clean-2mix-0021", "nemo_train-clean-2mix-0025", "nemo_train-clean-2mix-0028"]
)
def test_it_finds_exactly_the_two_speakers_of_a_clean_mix_and_who_spoke_when(shared_data: Path, stem: str):
    from sawt.speech.audio import decode_audio
    from sawt.speech.der import diarization_error_rate, read_rttm
    from sawt.speech.diarize import diarize

    audio, rttm = shared_data / "dev" / f"{stem}.flac", shared_data / "dev" / "rttm" / f"{stem}.rttm"
    if not rttm.exists():
        pytest.skip(f"{rttm} not found")
    reference = read_rttm(rttm)
    result = diarize(decode_audio(audio))
    assert len(result.speakers) == len({label for _, _, label in reference}) == 2
    # 0028's first speaker talks 3.7 s of 21: found as a speaker, not as part of the other's voice.
    hypothesis = [(t.start, t.end, t.speaker) for t in result.turns]
    assert diarization_error_rate(reference, hypothesis).confusion < 0.05


@pytest.mark.slow
def test_a_clean_montage_of_three_people_is_three_speakers(shared_data: Path):
    """Three people recorded apart (JFK's inaugural address, LJSpeech, a LibriSpeech reader), cut at
    their pauses and taking turns: three speakers, and each turn goes to the right one."""
    from meetings.diarization_bench import PEOPLE, montage, person_pieces
    from sawt.speech.der import diarization_error_rate
    from sawt.speech.diarize import diarize

    people = ["jfk", "ljspeech", "librispeech_1221"]
    if not all((shared_data / f).exists() for p in people for f in PEOPLE[p]):
        pytest.skip(f"recordings not found under {shared_data}")
    samples, reference = montage({p: person_pieces(shared_data, p) for p in people}, people, 60.0)
    result = diarize(samples)
    assert len(result.speakers) == 3
    hypothesis = [(t.start, t.end, t.speaker) for t in result.turns]
    assert diarization_error_rate(reference, hypothesis).confusion < 0.05


@pytest.mark.slow
@pytest.mark.parametrize("person", ["librispeech_1221", "mfa_monologue", "harvard_osr"])
def test_one_person_alone_is_one_speaker(shared_data: Path, person: str):
    """The spectral step splits one voice's windows as readily as two people's; speakers whose
    centroids are as alike as one person's are merged back."""
    from meetings.diarization_bench import PEOPLE, person_pieces
    from sawt.speech.diarize import diarize

    if not all((shared_data / f).exists() for f in PEOPLE[person]):
        pytest.skip(f"recordings not found under {shared_data}")
    assert len(diarize(np.concatenate(person_pieces(shared_data, person))).speakers) == 1


def test_the_filterbank_is_kaldis():
    """CAM++ was trained on Kaldi fbank features: 25 ms frames every 10 ms with no padding at the edges,
    80 bands on Kaldi's mel scale from 20 Hz; a tone's energy lands in the band around its pitch."""
    from sawt.speech.diarize import _kaldi_mel, fbank

    seconds = np.arange(16000 * 2 + 77) / 16000
    tone = (0.3 * np.sin(2 * np.pi * 1000.0 * seconds)).astype(np.float32)
    features = fbank(tone)
    assert features.shape == (1 + (len(tone) - 400) // 160, 80)
    low, high = _kaldi_mel(np.array(20.0)), _kaldi_mel(np.array(8000.0))
    centres = low + (np.arange(80) + 1) * (high - low) / 81
    loudest = int(np.median(features.argmax(axis=1)))
    assert abs(centres[loudest] - _kaldi_mel(np.array(1000.0))) < (high - low) / 81
    assert fbank(np.zeros(399, dtype=np.float32)).shape == (0, 80)


def test_a_second_voice_is_heard_over_the_first(shared_data: Path):
    """Overlapped speech is speech of both: where two people of a NeMo mix talk at once, both have a
    turn (the segmentation model's local speakers, matched to the clustering's)."""
    from sawt.speech.audio import decode_audio
    from sawt.speech.der import read_rttm
    from sawt.speech.diarize import diarize

    audio = shared_data / "dev" / "nemo_train-clean-2mix-0025.flac"
    if not audio.exists():
        pytest.skip(f"recording not found under {shared_data}")
    reference = read_rttm(shared_data / "dev" / "rttm" / "nemo_train-clean-2mix-0025.rttm")
    turns = diarize(decode_audio(audio, max_seconds=float("inf"))).turns

    def overlapped(spans: list[tuple[float, float, str]]) -> np.ndarray:
        """10 ms frames where two speakers or more speak."""
        count = np.zeros(3000, dtype=int)
        for start, end, _ in spans:
            count[round(start * 100) : round(end * 100)] += 1
        return count >= 2

    heard = overlapped([(t.start, t.end, t.speaker) for t in turns])
    assert heard.sum() > 50  # at least half a second of both at once
    assert (heard & overlapped(reference)).sum() > 0.5 * heard.sum()  # mostly where both really speak


def test_voices_stored_by_another_encoder_are_not_compared():
    from sawt.speech.diarize import similarity

    assert similarity([0.1] * 256, [0.1] * 192) == 0.0
    assert similarity([1.0, 0.0], [1.0, 0.0]) == 1.0
