"""WebSocket authentication: session cookie, `Authorization` header, or a one-time `?ticket=`.

A socket whose credentials fail is accepted and closed with 4401 by `reject_unauthenticated`;
consumers call it first. A socket for an object the user may not see is closed with 4404.
"""

import secrets
from typing import Any
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


class _CredentialsMiddleware(AuthMiddleware):
    """After the session was read: a ticket or an Authorization header takes precedence."""

    async def resolve_scope(self, scope: dict[str, Any]) -> None:
        await super().resolve_scope(scope)
        query = parse_qs(scope.get("query_string", b"").decode())
        headers = dict(scope.get("headers", []))
        user = None
        if query.get("ticket"):
            user = await _user_for_ticket(query["ticket"][0]) or AnonymousUser()
        elif b"authorization" in headers:
            user = await _user_for_header(headers[b"authorization"].decode("latin-1")) or AnonymousUser()
        if user is not None:
            scope["user"]._wrapped = user


def WebSocketAuthMiddleware(inner: Any) -> Any:  # noqa: N802 - mirrors channels' AuthMiddlewareStack
    return CookieMiddleware(SessionMiddleware(_CredentialsMiddleware(inner)))
