from django.apps import AppConfig


class VoicebotConfig(AppConfig):
    name = "voicebot"
    label = "voicebot"
    verbose_name = "Phone voice bot"

    def ready(self) -> None:
        # Registers the account-deletion handling of the businesses a user owns.
        from voicebot import services  # noqa: F401
