from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sawt.core"
    label = "core"
    verbose_name = "Sawt platform"

    def ready(self) -> None:
        from sawt.core import speech_config
        from sawt.core.jobs import tasks  # noqa: F401  (registers the job sweep with Celery)

        speech_config.configure_engine()
