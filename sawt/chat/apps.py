from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "sawt.chat"
    label = "chat"
    verbose_name = "Live voice chat"
