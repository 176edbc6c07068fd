"""dictation: spelling and dictation lists, their audio made by the speech worker."""

from sawt.settings.api import SPECTACULAR_SETTINGS
from sawt.settings.celery import CELERY_BEAT_SCHEDULE, CELERY_TASK_ROUTES
from sawt.settings.env import env

DICTATION_MAX_TEXT_CHARS = env.int("DICTATION_MAX_TEXT_CHARS", default=500)
DICTATION_MAX_BULK_ITEMS = env.int("DICTATION_MAX_BULK_ITEMS", default=200)
DICTATION_AUDIO_DIR = "dictation/audio"  # under MEDIA_ROOT, one WAV per content hash
DICTATION_ORPHAN_GRACE_SECONDS = env.int("DICTATION_ORPHAN_GRACE_SECONDS", default=3600)
# Audio jobs and their bulk fan-out; a deployment (or the benchmark) may give them a queue of their own.
DICTATION_TTS_QUEUE = env.str("DICTATION_TTS_QUEUE", default="speech")
CELERY_TASK_ROUTES["dictation.tasks.generate_item_audio"] = {"queue": DICTATION_TTS_QUEUE}
CELERY_TASK_ROUTES["dictation.tasks.queue_item_audio"] = {"queue": DICTATION_TTS_QUEUE}
CELERY_BEAT_SCHEDULE["dictation-cleanup-orphan-audio"] = {
    "task": "dictation.tasks.cleanup_orphan_audio", "schedule": 3600,
}
# Items and their TTS jobs share one status set; one schema name for it.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    **SPECTACULAR_SETTINGS.get("ENUM_NAME_OVERRIDES", {}),  # type: ignore[dict-item]
    "DictationTTSStatusEnum": "dictation.models.TTSStatus",
}
