import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sawt.settings.default")
django_asgi_app = get_asgi_application()

from sawt.core import warmup  # noqa: E402
from sawt.core.websocket_close import allow_registered_close_codes  # noqa: E402

allow_registered_close_codes()  # the chat's `busy` closes with 1013, which daphne refuses as it stands

warmup.start("web")  # in the background: the server listens meanwhile

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from sawt.core.middleware import BodySizeLimitApp, WebSocketAccessLog  # noqa: E402
from sawt.core.wsauth import WebSocketAuthMiddleware, authenticates_without_cookie  # noqa: E402
from sawt.routing import websocket_urlpatterns  # noqa: E402
from voicebot.routing import TELEPHONY_PATH_PREFIXES  # noqa: E402


def origin_checked(inner):  # type: ignore[no-untyped-def]
    """The Origin check follows how the socket authenticates (see sawt/core/wsauth.py). One that the
    session cookie may authenticate (or nothing: it then closes with 4401) must come with an Origin in
    ALLOWED_HOSTS, against cross-site WebSocket hijacking. One with an `Authorization` header or a
    `?ticket=` is accepted with any Origin or none, as scripts send none. Plivo and Twilio media servers
    send no Origin either; their stream routes authenticate with a signed token instead of a cookie."""
    checked = AllowedHostsOriginValidator(inner)

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        if authenticates_without_cookie(scope):
            return await inner(scope, receive, send)
        has_origin = any(name == b"origin" for name, _ in scope.get("headers", []))
        if not has_origin and scope.get("path", "").startswith(TELEPHONY_PATH_PREFIXES):
            return await inner(scope, receive, send)
        return await checked(scope, receive, send)

    return app


application = ProtocolTypeRouter(
    {
        # Django reads the whole body before its middleware runs: refuse oversized bodies before that.
        "http": BodySizeLimitApp(django_asgi_app),
        "websocket": WebSocketAccessLog(origin_checked(WebSocketAuthMiddleware(URLRouter(websocket_urlpatterns)))),
    }
)
