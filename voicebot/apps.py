from django.apps import AppConfig


class VoicebotConfig(AppConfig):
    name = "voicebot"
    label = "voicebot"
    verbose_name = "Phone voice bot"

    def ready(self) -> None:
        from sawt.core.fields import register_lookup_hash
        from voicebot import services  # noqa: F401  (registers the account-deletion handling of businesses)
        from voicebot.models import Caller

        register_lookup_hash(Caller, hash_field="phone_hash", source_field="phone")
