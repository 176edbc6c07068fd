from django.apps import AppConfig


class MusicConfig(AppConfig):
    name = "music"
    label = "music"
    verbose_name = "Music assistant"
