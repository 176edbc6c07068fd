from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import numpy as np
import pytest

from sawt.speech import asr, audio, models, subtitles
from sawt.speech.config import get_config
from sawt.speech.scoring import score

from .conftest import Speech


@pytest.fixture(scope="module")
def jfk(shared_data: Path) -> np.ndarray:
    return audio.decode_audio(shared_data / "fw_jfk.flac")


@pytest.fixture(scope="module")
def jfk_transcript(jfk: np.ndarray) -> asr.Transcript:
    return asr.transcribe(jfk)


def test_it_transcribes_jfk_within_five_percent_wer(
    jfk_transcript: asr.Transcript, manifest: dict[str, dict[str, str]]
) -> None:
    result = score(manifest["fw_jfk.flac"]["reference"], jfk_transcript.text)
    assert result.wer <= 0.05, (result.wer, jfk_transcript.text)
    assert jfk_transcript.language == "en"
    assert jfk_transcript.duration == pytest.approx(11.0, abs=0.1)
    assert jfk_transcript.model == "tiny.en"


def test_it_returns_word_timestamps_in_order(jfk_transcript: asr.Transcript) -> None:
    words = jfk_transcript.words
    assert len(words) >= 20
    assert all(0 <= w.start <= w.end <= 11.1 for w in words)
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))
    assert all(0 <= w.probability <= 1 for w in words)
    segment = jfk_transcript.segments[0]
    assert segment.avg_logprob < 0 and 0 <= segment.no_speech_prob <= 1


def test_it_round_trips_piper_speech(piper_speech: Speech) -> None:
    samples = audio.resample(piper_speech.samples, piper_speech.sample_rate, audio.SAMPLE_RATE)
    transcript = asr.transcribe(samples, word_timestamps=False)
    result = score(piper_speech.text, transcript.text, numbers=True)
    assert result.wer <= 0.15, transcript.text


def test_it_accepts_hotwords_and_an_initial_prompt(shared_data: Path) -> None:
    samples = audio.decode_audio(shared_data / "fw_hotwords.mp3")
    transcript = asr.transcribe(samples, hotwords="ComfyUI", initial_prompt="A video about ComfyUI.")
    assert transcript.text
    assert "comfy" in transcript.text.lower()


def test_it_uses_the_batched_pipeline_when_asked(jfk: np.ndarray, jfk_transcript: asr.Transcript) -> None:
    batched = asr.transcribe(jfk, batched=True, word_timestamps=False)
    assert batched.batched and not jfk_transcript.batched
    assert score(jfk_transcript.text, batched.text).wer <= 0.15


def test_it_returns_an_empty_transcript_for_silence_and_nothing() -> None:
    assert asr.transcribe(np.zeros(0, dtype=np.float32)).segments == []
    silent = asr.transcribe(np.zeros(16000 * 2, dtype=np.float32))
    assert silent.text == ""


def test_it_rejects_unknown_languages_and_stereo_arrays() -> None:
    with pytest.raises(ValueError):
        asr.transcribe(np.zeros(16000, dtype=np.float32), language="klingon")
    with pytest.raises(ValueError):
        asr.transcribe(np.zeros((2, 16000), dtype=np.float32))


def test_it_reports_the_loaded_model_for_health() -> None:
    asr.get_asr_model()
    info = asr.model_info()
    assert info["loaded"] is True
    assert info["name"] == "tiny.en"
    assert info["device"] in {"cpu", "cuda"}
    assert info["compute_type"] in {"int8", "float16", "int8_float16"}
    assert Path(info["path"]).is_dir()
    assert asr.get_asr_model() is asr.get_asr_model()


def test_a_process_that_decodes_on_the_cpu_leaves_the_cores_to_ctranslate2() -> None:
    """numpy's OpenBLAS workers busy-wait after the mel product and slow the encoder that follows."""
    from threadpoolctl import threadpool_info

    asr.get_asr_model()
    if asr.model_info()["device"] != "cpu":
        pytest.skip("the model runs on a GPU")
    pools = [pool for pool in threadpool_info() if pool["internal_api"] == "openblas" and "numpy" in pool["filepath"]]
    assert pools, "numpy's OpenBLAS is loaded"
    assert {pool["num_threads"] for pool in pools} == {1}


def test_it_transcribes_a_file(shared_data: Path) -> None:
    transcript = asr.transcribe_file(shared_data / "sr_english.wav", word_timestamps=False)
    assert score("one two three", transcript.text, numbers=True).wer <= 0.34


def test_it_formats_subtitles(jfk_transcript: asr.Transcript) -> None:
    srt = subtitles.to_srt(jfk_transcript)
    assert srt.startswith("1\n00:00:0") and " --> " in srt
    vtt = subtitles.to_vtt(jfk_transcript.segments)
    assert vtt.startswith("WEBVTT\n\n00:00:0")
    assert "ask not" in subtitles.to_text(jfk_transcript).lower()
    verbose = subtitles.to_verbose_json(jfk_transcript)
    json.dumps(verbose)
    assert set(verbose) == {"task", "language", "duration", "text", "segments", "words"}
    assert set(verbose["segments"][0]) == {
        "id", "seek", "start", "end", "text", "tokens", "temperature",
        "avg_logprob", "compression_ratio", "no_speech_prob",
    }  # fmt: skip
    assert set(verbose["words"][0]) == {"word", "start", "end"}
    assert subtitles.format_timestamp(3723.456) == "01:02:03,456"


@pytest.mark.slow
def test_it_joins_the_multilingual_model_once_and_detects_french(shared_data: Path) -> None:
    cache = Path(get_config().model_cache_dir)
    target = models.ensure_multilingual_base(cache)
    stamp = (target / "model.bin").stat().st_mtime_ns
    started = time.monotonic()
    assert models.ensure_multilingual_base(cache) == target
    assert time.monotonic() - started < 1  # reused, not joined again
    assert (target / "model.bin").stat().st_mtime_ns == stamp
    manifest = json.loads((target / "sawt-join.json").read_text())
    assert (target / "model.bin").stat().st_size == manifest["size"]

    french = audio.decode_audio(shared_data / "sr_french.aiff")
    config = get_config().replace(asr_model="multilingual")
    try:
        transcript = asr.transcribe(french, config=config, word_timestamps=False)
    finally:
        asr.unload()
    assert transcript.language == "fr"
    assert transcript.language_probability > 0.5
    assert score("et c'est la dictée numéro 1", transcript.text, numbers=False).wer <= 0.5, transcript.text


def test_it_shares_one_model_across_threads(shared_data: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    samples = audio.decode_audio(shared_data / "sr_english.wav")
    asr.unload()
    with ThreadPoolExecutor(max_workers=3) as pool:
        models_seen = list(pool.map(lambda _: asr.get_asr_model(), range(3)))
    assert all(m is models_seen[0] for m in models_seen)
    with ThreadPoolExecutor(max_workers=2) as pool:
        texts = list(pool.map(lambda _: asr.transcribe(samples, word_timestamps=False).text, range(2)))
    assert all(score("one two three", t, numbers=True).wer <= 0.34 for t in texts)


@pytest.mark.slow
def test_live_decoding_drops_a_letter_cut_in_half_rather_than_showing_a_broken_one() -> None:
    from sawt.speech.stream_scheduler import _tokenizer, token_text

    tokenizer = _tokenizer(asr.get_asr_model(get_config().replace(asr_model="multilingual")), "hi")
    tokens = tokenizer.encode(" नमस्ते")  # Devanagari: the first letter alone spans two tokens
    assert "\ufffd" in tokenizer.decode(tokens[:1])
    assert token_text(tokenizer, tokens[:1]) == "" and token_text(tokenizer, tokens) == "नमस्ते"


def test_live_decoding_keeps_the_last_words_of_quick_speech() -> None:
    """Piper says these 25 words in under 7 s, faster than the 3 tokens a second a live decode is sized
    for: the whole sentence comes back, its last word included."""
    from sawt.speech import tts
    from sawt.speech.stream_scheduler import decode_batch

    text = (
        "The weather is lovely today. Please send the report to the whole team before Friday. "
        "We will meet again next week to review the budget."
    )
    speech = tts.get_synthesizer("en").synthesize(text, sample_rate=16000).samples
    assert len(speech) < 7 * 16000
    [hypothesis] = decode_batch([np.concatenate([speech, np.zeros(1600, np.float32)])], language="en")
    assert score(text, hypothesis.text).wer == 0, hypothesis.text


def test_a_live_decode_can_keep_the_beams_other_hypotheses():
    from sawt.speech import tts
    from sawt.speech.stream_scheduler import decode_batch

    speech = tts.get_synthesizer("en").synthesize("A table for four at eight.", sample_rate=16000).samples
    [greedy] = decode_batch([speech], language="en")
    [wide] = decode_batch([speech], language="en", alternatives=4)

    assert greedy.others == ()
    # Hypotheses that differ only in timestamps read the same: each text comes back once.
    assert 1 <= len(wide.others) <= 3 and wide.text not in wide.others
    assert len(set(wide.others)) == len(wide.others)
