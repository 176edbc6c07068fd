from django.apps import AppConfig


class DictationConfig(AppConfig):
    name = "dictation"
    label = "dictation"
    verbose_name = "Dictation trainer"
