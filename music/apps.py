from django.apps import AppConfig


class MusicConfig(AppConfig):
    name = "music"
    label = "music"
    verbose_name = "Music assistant"

    def ready(self) -> None:
        from music import backup, panels  # noqa: F401  (the backup section, the home panel)
        from music.services import replies_delete
        from sawt.accounts.services import on_account_delete

        on_account_delete(replies_delete)
