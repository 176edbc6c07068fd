from django.urls import URLPattern, re_path

from sawt.chat import consumers

websocket_urlpatterns: list[URLPattern] = [
    re_path(r"^ws/chat/?$", consumers.ChatConsumer.as_asgi(), name="ws-chat"),  # type: ignore[arg-type]
]
