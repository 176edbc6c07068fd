from django.apps import AppConfig


class VoicebotConfig(AppConfig):
    name = "voicebot"
    label = "voicebot"
    verbose_name = "Phone voice bot"

    def ready(self) -> None:
        from sawt.core.fields import register_lookup_hash

        # Registers the account-deletion handling of businesses, the backup section and the home panel.
        from voicebot import backup, panels, services  # noqa: F401
        from voicebot.models import Caller

        register_lookup_hash(Caller, hash_field="phone_hash", source_field="phone")
