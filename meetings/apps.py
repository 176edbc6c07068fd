from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        # Registers the account-deletion cleanup of recording files.
        from meetings import services  # noqa: F401
