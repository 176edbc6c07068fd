from django.apps import AppConfig


class DictationConfig(AppConfig):
    name = "dictation"
    label = "dictation"
    verbose_name = "Dictation trainer"

    def ready(self) -> None:
        # Registers the account-deletion cleanup of audio files in every process, not only in those
        # that happened to import the services.
        from dictation import backup, panels, services  # noqa: F401  (backup section, home panel)
