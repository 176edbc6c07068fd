from django.urls import URLPattern, re_path

from meetings import consumers

websocket_urlpatterns: list[URLPattern] = [
    re_path(r"^ws/meetings/(?P<meeting_id>\d+)/?$", consumers.MeetingEventsConsumer.as_asgi(), name="ws-meeting"),
    re_path(
        r"^ws/meetings/(?P<meeting_id>\d+)/live/?$", consumers.MeetingLiveConsumer.as_asgi(), name="ws-meeting-live"
    ),
]
