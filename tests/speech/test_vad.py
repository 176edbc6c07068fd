from __future__ import annotations

import numpy as np

from sawt.speech import audio, vad

from .conftest import Speech


def speech_with_silence(piper_speech: Speech) -> np.ndarray:
    speech = audio.resample(piper_speech.samples, piper_speech.sample_rate, 16000)
    silence = np.zeros(16000 * 2, dtype=np.float32)
    return np.concatenate([silence, speech, silence])


def test_it_finds_speech_between_silences(piper_speech: Speech) -> None:
    samples = speech_with_silence(piper_speech)
    spans = vad.speech_timestamps(samples)
    assert spans
    assert 1.5 < spans[0].start < 2.5
    speech_end = 2 + len(piper_speech.samples) / piper_speech.sample_rate
    assert abs(spans[-1].end - speech_end) < 0.6
    assert 0.3 < vad.speech_ratio(samples) < 0.9


def test_it_finds_no_speech_in_silence_or_nothing() -> None:
    assert vad.speech_timestamps(np.zeros(16000, dtype=np.float32)) == []
    assert vad.speech_timestamps(np.zeros(0, dtype=np.float32)) == []
    assert vad.speech_probability(np.zeros(1600, dtype=np.float32)) < 0.2


def test_it_streams_the_same_probabilities_as_batch(piper_speech: Speech) -> None:
    from faster_whisper.vad import get_vad_model

    samples = speech_with_silence(piper_speech)
    usable = len(samples) // vad.WINDOW * vad.WINDOW
    batch = get_vad_model()(samples[:usable]).reshape(-1)
    stream = vad.VADStream()
    probs: list[float] = []
    for start in range(0, usable, 700):  # odd chunk size: windows span chunk boundaries
        probs += stream.process(samples[start : min(start + 700, usable)])
    np.testing.assert_allclose(probs, batch, atol=1e-5)
    assert max(probs) > 0.8 and min(probs) < 0.1


def test_it_scores_a_speech_chunk_high_with_a_stream(piper_speech: Speech) -> None:
    speech = audio.resample(piper_speech.samples, piper_speech.sample_rate, 16000)
    stream = vad.VADStream()
    scores = [vad.speech_probability(speech[i : i + 3200], stream) for i in range(0, 16000, 3200)]
    assert max(scores) > 0.8
    assert stream.process(np.zeros(100, dtype=np.float32)) == []  # buffered until a full window
