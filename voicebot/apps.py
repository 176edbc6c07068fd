from django.apps import AppConfig


class VoicebotConfig(AppConfig):
    name = "voicebot"
    label = "voicebot"
    verbose_name = "Phone voice bot"
