from django.urls import URLPattern, re_path

from sawt.accounts import consumers

websocket_urlpatterns: list[URLPattern] = [
    re_path(r"^ws/notifications/?$", consumers.NotificationsConsumer.as_asgi(), name="ws-notifications"),
]
