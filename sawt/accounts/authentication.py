"""API token authentication: `Authorization: Token <key>` or `Authorization: Bearer <key>`.

Listed first in DRF's authentication classes so a missing credential answers 401 (with a
`WWW-Authenticate` header), not 403.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from sawt.accounts.models import ApiToken, User, hash_token_key

KEYWORDS = ("token", "bearer")


def token_for_key(key: str) -> ApiToken | None:
    token = (
        ApiToken.objects.active()
        .select_related("owner")
        .filter(key_hash=hash_token_key(key), owner__is_active=True)
        .first()
    )
    if token is not None and (token.last_used_at is None or timezone.now() - token.last_used_at > timedelta(minutes=1)):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def user_for_authorization_header(header: str) -> User | None:
    parts = header.split()
    if len(parts) != 2 or parts[0].lower() not in KEYWORDS:
        return None
    token = token_for_key(parts[1])
    return token.owner if token else None


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header: send 'Token <key>' or 'Bearer <key>'.")
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token header.") from exc
        token = token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        return token.owner, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


def _register_schema_extension() -> Any:
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class ApiTokenSchema(OpenApiAuthenticationExtension):
        target_class = "sawt.accounts.authentication.ApiTokenAuthentication"
        name = "tokenAuth"

        def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
            return {"type": "http", "scheme": "bearer", "description": "`Bearer <key>` or `Token <key>`"}

    return ApiTokenSchema


_register_schema_extension()
