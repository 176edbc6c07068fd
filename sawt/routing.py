"""Every WebSocket route, gathered from the apps."""

from meetings.routing import websocket_urlpatterns as meeting_routes
from sawt.accounts.routing import websocket_urlpatterns as account_routes
from sawt.chat.routing import websocket_urlpatterns as chat_routes
from voicebot.routing import websocket_urlpatterns as voicebot_routes

websocket_urlpatterns = [*account_routes, *chat_routes, *meeting_routes, *voicebot_routes]
