from __future__ import annotations

import time

import numpy as np
import pytest

from sawt.speech import tts

from .conftest import Speech

needs_espeak = pytest.mark.skipif(tts._espeak_binary() is None, reason="espeak-ng is not installed")


def test_it_speaks_with_the_bundled_piper_voice(piper_speech: Speech) -> None:
    assert piper_speech.sample_rate == 22050
    assert piper_speech.samples.dtype == np.float32
    assert 3.0 < len(piper_speech.samples) / piper_speech.sample_rate < 9.0
    assert float(np.abs(piper_speech.samples).max()) <= 1.0


@pytest.mark.parametrize("rate", [8000, 16000, 24000, 48000])
def test_it_synthesizes_at_any_sample_rate(rate: int) -> None:
    synth = tts.PiperSynthesizer()
    result = synth.synthesize("Hello there.", sample_rate=rate)
    assert result.sample_rate == rate
    assert 0.4 < result.duration < 2.0
    # Piper's noise varies the timing between runs, so compare one take resampled.
    native = synth.synthesize("Hello there.")
    assert abs(native.at_rate(rate).duration - native.duration) < 0.001


def test_it_streams_one_chunk_per_sentence() -> None:
    synth = tts.get_synthesizer("en")
    assert isinstance(synth, tts.Synthesizer)
    assert synth.voice_id == "piper:joe-us"
    parts = list(synth.stream("First sentence here. Second one! And a third?", sample_rate=16000))
    assert len(parts) == 3
    assert all(p.sample_rate == 16000 and len(p.samples) > 1600 for p in parts)


def test_it_delivers_the_first_sentence_before_the_whole_text() -> None:
    synth = tts.PiperSynthesizer()
    synth.synthesize("Warm up.")
    text = "Short start. " + " ".join(["This is a much longer sentence that keeps on going for a while."] * 6)
    latency, first = tts.first_audio_latency(text, synth)
    started = time.perf_counter()
    synth.synthesize(text)
    total = time.perf_counter() - started
    assert first.duration < 2.0
    assert latency < total / 2


def test_it_caches_synthesized_audio_on_disk() -> None:
    text = f"Cache me please {time.time_ns()}."
    started = time.perf_counter()
    first = tts.synthesize(text, sample_rate=16000)
    cold = time.perf_counter() - started
    assert tts.cache_path(text, tts.get_synthesizer("en"), 16000).is_file()
    started = time.perf_counter()
    second = tts.synthesize(text, sample_rate=16000)
    warm = time.perf_counter() - started
    assert second.sample_rate == 16000
    np.testing.assert_allclose(second.samples, first.samples, atol=1 / 16384)
    assert warm < cold


def test_it_refuses_empty_text_and_unknown_voices() -> None:
    with pytest.raises(tts.TTSError):
        tts.synthesize("   ")
    with pytest.raises(tts.TTSError):
        tts.PiperSynthesizer("/nonexistent/voice.onnx")


@needs_espeak
def test_it_speaks_other_languages_with_espeak() -> None:
    synth = tts.get_synthesizer("fr")
    assert isinstance(synth, tts.EspeakSynthesizer)
    assert synth.voice_id == "espeak:fr"
    result = synth.synthesize("Bonjour tout le monde. Comment allez-vous ?", sample_rate=16000)
    assert result.sample_rate == 16000 and result.duration > 1.0
    assert len(list(synth.stream("Un. Deux. Trois."))) == 3
    assert tts.get_synthesizer("de-DE").voice_id == "espeak:de"
    with pytest.raises(tts.TTSError):
        tts.EspeakSynthesizer("xx-nowhere")


@needs_espeak
def test_it_reads_text_starting_with_a_dash_as_text() -> None:
    result = tts.get_synthesizer("en", "espeak:en").synthesize("--version please")
    assert result.duration > 0.3


def test_it_describes_itself_for_health() -> None:
    info = tts.tts_info()
    assert info["available"] is True
    assert info["voice"] == "joe-us"
    assert info["model_path"].endswith(".onnx")
