"""Hands Django settings to the framework-free speech engine: the engine's one source of configuration
in a Django process (the settings are read in sawt/settings/speech.py)."""

from django.conf import settings

from sawt.speech import config as speech_config


def configure_engine() -> None:
    speech_config.configure(
        speech_config.SpeechConfig(
            asr_model=settings.SAWT_ASR_MODEL,
            asr_device=settings.SAWT_ASR_DEVICE,
            asr_compute_type=settings.SAWT_ASR_COMPUTE_TYPE,
            asr_threads=settings.SAWT_ASR_THREADS,
            model_cache_dir=settings.SAWT_MODEL_CACHE_DIR,
            tts_voice=settings.SAWT_TTS_VOICE,
            tts_cache_dir=settings.SAWT_TTS_CACHE_DIR,
            tts_variation=settings.SAWT_TTS_VARIATION,
            max_audio_seconds=settings.SAWT_MAX_AUDIO_SECONDS,
            llm_base_url=settings.SAWT_LLM_BASE_URL,
            llm_model=settings.SAWT_LLM_MODEL,
            llm_api_key=settings.SAWT_LLM_API_KEY,
            llm_timeout=settings.SAWT_LLM_TIMEOUT,
        )
    )
