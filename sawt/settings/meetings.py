"""meetings: recordings transcribed, split by speaker and summarized by the speech worker."""

from sawt.settings.api import SPECTACULAR_SETTINGS
from sawt.settings.celery import CELERY_BEAT_SCHEDULE, CELERY_TASK_ROUTES
from sawt.settings.env import env

MEETINGS_MAX_FILE_BYTES = env.int("MEETINGS_MAX_FILE_BYTES", default=4 * 1024**3)
MEETINGS_MAX_SECONDS = env.float("MEETINGS_MAX_SECONDS", default=4 * 3600.0)
# Seconds of audio decoded, transcribed and diarized at a time (memory is bounded by this, not the length).
MEETINGS_DECODE_SECONDS = env.float("MEETINGS_DECODE_SECONDS", default=60.0)
MEETINGS_RETENTION_DAYS = env.int("MEETINGS_RETENTION_DAYS", default=30)
MEETINGS_CHUNK_BYTES = env.int("MEETINGS_CHUNK_BYTES", default=16 * 1024 * 1024)
MEETINGS_MAX_CHUNKED_BYTES = env.int("MEETINGS_MAX_CHUNKED_BYTES", default=4 * 1024**3)
CELERY_TASK_ROUTES["meetings.tasks.process_meeting"] = {"queue": "speech"}
CELERY_TASK_ROUTES["meetings.tasks.summarize_meeting"] = {"queue": "speech"}
CELERY_TASK_ROUTES["meetings.tasks.send_outcome_email"] = {"queue": "io"}
CELERY_BEAT_SCHEDULE["meetings-summarize-missing"] = {"task": "meetings.tasks.summarize_missing", "schedule": 600}
CELERY_BEAT_SCHEDULE["meetings-purge-deleted"] = {"task": "meetings.tasks.purge_deleted", "schedule": 3600}
CELERY_BEAT_SCHEDULE["meetings-close-idle-live"] = {"task": "meetings.tasks.close_idle_live", "schedule": 60}
CELERY_BEAT_SCHEDULE["meetings-sweep-abandoned-uploads"] = {
    "task": "meetings.tasks.sweep_abandoned_uploads",
    "schedule": 3600,
}
# A meeting's status and a participant's role each appear in several components; their schema names stay.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    **SPECTACULAR_SETTINGS.get("ENUM_NAME_OVERRIDES", {}),  # type: ignore[dict-item]
    "MeetingOutputStatusEnum": "meetings.models.Meeting.Status",
    "RoleEnum": "meetings.models.Participant.Role",
}
