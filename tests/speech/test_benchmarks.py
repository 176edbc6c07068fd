from __future__ import annotations

from pathlib import Path

import pytest

from sawt.speech import audio, benchmarks

from .conftest import Speech


@pytest.mark.slow
def test_it_benchmarks_asr_against_raw_faster_whisper(piper_speech: Speech, tmp_path: Path) -> None:
    audio.write_wav(tmp_path / "piper.wav", piper_speech.samples, piper_speech.sample_rate)
    (tmp_path / "manifest.tsv").write_text(
        "file\tsource\tlicense\tlanguage\treference\tnote\n"
        f"piper.wav\tpiper\tCC0\ten\t{piper_speech.text}\t\n"
        "other.wav\tnone\t-\tfr\t\tno reference\n"
    )
    result = benchmarks.bench_asr(tmp_path, repeats=1, long_seconds=8)
    assert result["model"] == "tiny.en"
    assert [f["file"] for f in result["files"]] == ["piper.wav"]
    for key in ("sawt_wer", "raw_wer", "sawt_seconds", "raw_seconds", "time_ratio", "long_input_seconds",
                "long_batched_seconds", "long_raw_seconds", "long_ratio"):  # fmt: skip
        assert result[key] is not None, key
    assert result["sawt_wer"] <= 0.2
    assert result["long_input_seconds"] >= 8


def test_it_benchmarks_tts() -> None:
    result = benchmarks.bench_tts("Hello there. This is a test.", repeats=1)
    assert result["rtf"] > 0 and result["first_audio_ms"] > 0
    assert result["sentences"] == 2
