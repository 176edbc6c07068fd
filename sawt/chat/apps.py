from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "sawt.chat"
    label = "chat"
    verbose_name = "Live voice chat"

    def ready(self) -> None:
        from sawt.chat import panels  # noqa: F401  (the home page's panel)
