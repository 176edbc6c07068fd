"""Celery: JSON only, at-least-once (acks late + reject on lost worker), bounded tasks.

Products add their routes and beat jobs to CELERY_TASK_ROUTES and CELERY_BEAT_SCHEDULE from their own
topic module."""

from kombu import Queue

from sawt.settings.env import env
from sawt.settings.services import REDIS_URL

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=3600)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=3900)
# The visibility timeout must outlast the longest task, or Redis hands it to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 300)
}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue("default"), Queue("speech"), Queue("io")]
CELERY_TASK_ROUTES: dict[str, dict[str, str]] = {}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}
# Job runtime (sawt/core/jobs): a running job whose worker stopped renewing its lease this long is run again.
SAWT_JOB_LEASE_SECONDS = env.int("SAWT_JOB_LEASE_SECONDS", default=60)
CELERY_BEAT_SCHEDULE["jobs-sweep"] = {"task": "sawt.core.jobs.tasks.sweep", "schedule": 60}
