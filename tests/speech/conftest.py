"""Fixtures for the speech engine tests (plain pytest, no Django)."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

SPEECH_TEXT = "The quick brown fox jumps over the lazy dog. Please call me tomorrow at seven."


@dataclass(frozen=True)
class Speech:
    text: str
    samples: npt.NDArray[np.float32]
    sample_rate: int


def shared_data_dir() -> Path:
    override = os.environ.get("SAWT_TEST_DATA")
    return Path(override) if override else (REPO_ROOT.parent / "shared" / "data").resolve()


def read_manifest(data_dir: Path) -> list[dict[str, str]]:
    with open(data_dir / "manifest.tsv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    data_dir = shared_data_dir()
    if not (data_dir / "manifest.tsv").is_file():
        pytest.skip(f"shared speech data not found at {data_dir} (set SAWT_TEST_DATA)")
    return data_dir


@pytest.fixture(scope="session")
def manifest(shared_data: Path) -> dict[str, dict[str, str]]:
    return {row["file"]: row for row in read_manifest(shared_data)}


@pytest.fixture(scope="session")
def piper_speech() -> Speech:
    """English speech from the bundled Piper voice, at the voice's native rate."""
    from sawt.speech.tts import PiperSynthesizer

    result = PiperSynthesizer().synthesize(SPEECH_TEXT)
    return Speech(SPEECH_TEXT, result.samples, result.sample_rate)


@pytest.fixture(autouse=True)
def _isolated_caches(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the TTS cache per test session; the joined model cache stays shared."""
    from sawt.speech import config

    base = config.get_config()
    tts_dir = tmp_path_factory.getbasetemp() / "tts-cache"
    monkeypatch.setattr(config, "_config", base.replace(tts_cache_dir=str(tts_dir)))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: long-running (model loading, real-time streaming)")
