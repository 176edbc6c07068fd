from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        # Registers the account-deletion cleanups of recording files and unfinished upload parts.
        from meetings import backup, panels, services, uploads  # noqa: F401  (and the backup section, home panel)
