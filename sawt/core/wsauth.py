"""WebSocket authentication: session cookie, `Authorization` header, or a one-time `?ticket=`.

A ticket or header, when present, authenticates the socket alone (the cookie is then ignored, even if
the ticket or header is no good). That decides the Origin check in sawt/asgi.py: only a socket that
the cookie may authenticate is checked against ALLOWED_HOSTS, because a browser sends the cookie to any
page that opens a socket to us (cross-site WebSocket hijacking); no other site can make it send our
header or ticket, so a socket carrying one is accepted with any Origin or none (scripts send none).

A socket whose credentials fail is accepted and closed with 4401 by `SawtConsumer.connect`; one for
an object the user may not see is closed with 4404.
"""

import secrets
from typing import Any, Literal
from urllib.parse import parse_qs

from channels.auth import AuthMiddleware
from channels.db import database_sync_to_async
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from sawt.core.ratelimit import redis_client

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404
CLOSE_RATE_LIMITED = 4429

_TICKET_PREFIX = "sawt:ws-ticket:"


def issue_ticket(user_id: int) -> tuple[str, int]:
    """A short-lived one-time ticket for single-page apps on another origin (no cookie to send)."""
    ticket = secrets.token_urlsafe(32)
    ttl = settings.SAWT_WS_TICKET_SECONDS
    redis_client().set(_TICKET_PREFIX + ticket, str(user_id), ex=ttl)
    return ticket, ttl


def redeem_ticket(ticket: str) -> int | None:
    value = redis_client().getdel(_TICKET_PREFIX + ticket)
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
