from django.urls import URLPattern, re_path

from voicebot import consumers

# Telephony providers connect without an Origin header (they are not browsers); see sawt/asgi.py.
TELEPHONY_PATH_PREFIXES = ("/ws/voicebot/plivo/", "/ws/voicebot/twilio/")

websocket_urlpatterns: list[URLPattern] = [
    re_path(r"^ws/voicebot/plivo/(?P<business_id>\d+)/?$", consumers.PlivoStreamConsumer.as_asgi()),
    re_path(r"^ws/voicebot/twilio/(?P<business_id>\d+)/?$", consumers.TwilioStreamConsumer.as_asgi()),
]
