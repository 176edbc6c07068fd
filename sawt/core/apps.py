from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sawt.core"
    label = "core"
    verbose_name = "Sawt platform"

    def ready(self) -> None:
        from sawt.core import speech_config
        from sawt.core.jobs import tasks  # noqa: F401  (registers the job sweep with Celery)

        speech_config.configure_engine()
        from celery.signals import worker_process_init

        worker_process_init.connect(_warm_worker, weak=False)


def _warm_worker(**kwargs: object) -> None:
    """Each prefork worker child (the speech worker) loads its models in the background as it starts."""
    from sawt.core import warmup

    warmup.start("worker")
