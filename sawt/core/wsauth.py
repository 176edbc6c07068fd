"""WebSocket authentication: session cookie, `Authorization` header, or a one-time `?ticket=`.

A ticket or header, when present, authenticates the socket alone (the cookie is then ignored, even if
the ticket or header is no good). That decides the Origin check in sawt/asgi.py: only a socket that
the cookie may authenticate is checked against ALLOWED_HOSTS, because a browser sends the cookie to any
page that opens a socket to us (cross-site WebSocket hijacking); no other site can make it send our
header or ticket, so a socket carrying one is accepted with any Origin or none (scripts send none).

A socket whose credentials fail is accepted and closed with 4401 by `SawtConsumer.connect`; one for
an object the user may not see is closed with 4404.

Credentials are checked again while the socket is open (`credentials_hold`, every few seconds, by
`SawtConsumer`): a session socket lasts as long as its session signs in the same active user (logout
flushes it, a password change or deactivation voids it), a header socket as long as its token is
unrevoked and its owner active, a ticket socket (the ticket was spent) as long as its user is active.
Services close sockets at once with `sockets_revoke` (every socket of a user: logout, deactivation,
account deletion) and `sockets_recheck` (the sockets of an object's group: unshare, delete).
"""

import importlib
import logging
import secrets
from types import SimpleNamespace
from typing import Any, Literal
from urllib.parse import parse_qs

from asgiref.sync import async_to_sync
from channels.auth import AuthMiddleware
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.conf import settings
from django.contrib.auth import get_user, get_user_model
from django.contrib.auth.models import AnonymousUser
from redis import RedisError

from sawt.core.errors import ServiceUnavailable
from sawt.core.ratelimit import redis_client

logger = logging.getLogger("sawt.ws")

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404
CLOSE_RATE_LIMITED = 4429
# The channel layer (Redis) is unreachable. Not 1013 (try again later): daphne (autobahn) sends only
# 1000 and 3000-4999 from an application.
CLOSE_UNAVAILABLE = 4503

_TICKET_PREFIX = "sawt:ws-ticket:"
TICKET_SECONDS = 60  # a ticket is used at once, by the script that just asked for it


def issue_ticket(user_id: int) -> tuple[str, int]:
    """A short-lived one-time ticket for single-page apps on another origin (no cookie to send)."""
    ticket = secrets.token_urlsafe(32)
    ttl = TICKET_SECONDS
    try:
        redis_client().set(_TICKET_PREFIX + ticket, str(user_id), ex=ttl)
    except RedisError as exc:
        raise ServiceUnavailable("Socket tickets are unavailable. Try again shortly, or use a token.") from exc
    return ticket, ttl


def redeem_ticket(ticket: str) -> int | None:
    """The ticket's user; None when it is unknown, used, expired, or cannot be checked (Redis down)."""
    try:
        value = redis_client().getdel(_TICKET_PREFIX + ticket)
    except RedisError:
        logger.warning("socket ticket not checked: Redis is unreachable")
        return None
    return int(value) if value else None


@database_sync_to_async
def _user_for_ticket(ticket: str) -> Any:
    user_id = redeem_ticket(ticket)
    if user_id is None:
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


@database_sync_to_async
def _user_for_header(header: str) -> Any:
    from sawt.accounts.authentication import user_for_authorization_header

    return user_for_authorization_header(header)


def _ticket_or_header(scope: dict[str, Any]) -> tuple[Literal["ticket", "header"], str] | None:
    query = parse_qs(scope.get("query_string", b"").decode())
    if query.get("ticket"):
        return "ticket", query["ticket"][0]
    headers = dict(scope.get("headers", []))
    if b"authorization" in headers:
        return "header", headers[b"authorization"].decode("latin-1")
    return None


def authenticates_without_cookie(scope: dict[str, Any]) -> bool:
    """Whether a ticket or an Authorization header, not the session cookie, authenticates this socket."""
    return _ticket_or_header(scope) is not None


class _CredentialsMiddleware(AuthMiddleware):
    """After the session was read: a ticket or an Authorization header takes precedence."""

    async def resolve_scope(self, scope: dict[str, Any]) -> None:
        await super().resolve_scope(scope)
        credential = _ticket_or_header(scope)
        if credential is None:
            return
        kind, value = credential
        user = await (_user_for_ticket(value) if kind == "ticket" else _user_for_header(value))
        scope["user"]._wrapped = user or AnonymousUser()


def WebSocketAuthMiddleware(inner: Any) -> Any:  # noqa: N802 - mirrors channels' AuthMiddlewareStack
    return CookieMiddleware(SessionMiddleware(_CredentialsMiddleware(inner)))


def credentials_hold(scope: dict[str, Any]) -> bool:
    """Whether the credentials this socket was opened with still sign in the same active user."""
    user = scope.get("user")
    if user is None or not user.is_authenticated:
        return False
    credential = _ticket_or_header(scope)
    if credential is None:
        session_key = scope["session"].session_key if "session" in scope else None
        if not session_key:
            return False
        # A fresh read: the scope's own session object was loaded once, at connect.
        store = importlib.import_module(settings.SESSION_ENGINE).SessionStore(session_key)
        return bool(get_user(SimpleNamespace(session=store)).pk == user.pk)  # type: ignore[arg-type]
    kind, value = credential
    if kind == "header":
        from sawt.accounts.authentication import user_for_authorization_header

        current = user_for_authorization_header(value)
        return current is not None and current.pk == user.pk
    return bool(get_user_model().objects.filter(pk=user.pk, is_active=True).exists())


def user_sockets_group(user_id: int) -> str:
    """The channel-layer group every socket of a signed-in user joins, for `sockets_revoke`."""
    return f"sockets.users.{user_id}"


def _group_send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # the periodic re-check closes the sockets a few seconds later anyway
        logger.warning("could not send %s to a socket group", message["type"], exc_info=True)


def sockets_revoke(*, user_id: int) -> None:
    """Close every open socket of the user with 4401 (they signed out, or lost their account)."""
    _group_send(user_sockets_group(user_id), {"type": "socket.revoke", "code": CLOSE_UNAUTHENTICATED})


def sockets_recheck(*, group: str) -> None:
    """Make every socket listening on `group` check at once whether its user may still see its object
    (4404 if not): send it after the change that may hide the object has committed."""
    _group_send(group, {"type": "socket.recheck"})
