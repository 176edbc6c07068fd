from __future__ import annotations

import pytest

from sawt.speech import config
from sawt.speech.config import SpeechConfig


def test_it_has_working_defaults() -> None:
    defaults = SpeechConfig()
    assert defaults.asr_model == "tiny.en"
    assert defaults.asr_device == "auto" and defaults.asr_compute_type == "auto"
    assert defaults.max_audio_seconds == 7200 and defaults.min_audio_seconds == 0.3
    assert defaults.tts_voice == "joe-us"
    assert defaults.llm_base_url == ""
    assert defaults.model_cache_dir.endswith("var/models")


def test_django_settings_configure_the_engine(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from sawt.core.speech_config import configure_engine

    monkeypatch.setattr(config, "_config", config.get_config())  # the engine's config comes back afterwards
    settings.SAWT_ASR_MODEL = "multilingual"
    settings.SAWT_ASR_THREADS = 2
    settings.SAWT_MAX_AUDIO_SECONDS = 60.5
    settings.SAWT_LLM_BASE_URL = "http://127.0.0.1:8080/v1"
    settings.SAWT_LLM_MODEL = ""
    settings.SAWT_LLM_TIMEOUT = 3.0
    configure_engine()
    loaded = config.get_config()
    assert loaded.asr_model == "multilingual"
    assert loaded.asr_threads == 2
    assert loaded.max_audio_seconds == 60.5
    assert loaded.llm_base_url == "http://127.0.0.1:8080/v1"
    assert loaded.llm_model == ""
    assert loaded.llm_timeout == 3.0


def test_it_reads_no_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Django settings are the one reader: a SAWT_ variable reaches the engine only through them."""
    monkeypatch.setattr(config, "_config", None)
    monkeypatch.setenv("SAWT_ASR_BATCH_SIZE", "4")
    monkeypatch.setenv("SAWT_LLM_TIMEOUT", "30")
    assert config.get_config() == SpeechConfig()
    installed = config.configure(SpeechConfig(), asr_beam_size=3)
    assert config.get_config() is installed and installed.asr_beam_size == 3
    assert config.configure() == SpeechConfig()  # back to the defaults
