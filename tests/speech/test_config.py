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


def test_it_reads_sawt_environment_variables() -> None:
    env = {
        "SAWT_ASR_MODEL": "multilingual",
        "SAWT_ASR_THREADS": "2",
        "SAWT_MAX_AUDIO_SECONDS": "60.5",
        "SAWT_TTS_CACHE": "false",
        "SAWT_LLM_BASE_URL": "http://127.0.0.1:8080/v1",
        "SAWT_LLM_MODEL": "",
    }
    loaded = SpeechConfig.from_env(env, llm_timeout=3.0)
    assert loaded.asr_model == "multilingual"
    assert loaded.asr_threads == 2
    assert loaded.max_audio_seconds == 60.5
    assert loaded.tts_cache is False
    assert loaded.llm_base_url == "http://127.0.0.1:8080/v1"
    assert loaded.llm_model == ""
    assert loaded.llm_timeout == 3.0
    with pytest.raises(ValueError, match="SAWT_ASR_THREADS"):
        SpeechConfig.from_env({"SAWT_ASR_THREADS": "many"})


def test_it_configures_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config, "_config", None)
    monkeypatch.setenv("SAWT_ASR_BATCH_SIZE", "4")
    assert config.get_config().asr_batch_size == 4
    installed = config.configure(SpeechConfig(), asr_beam_size=3)
    assert config.get_config() is installed and installed.asr_beam_size == 3
    assert config.configure().asr_batch_size == 4  # back to the environment
