"""Who is asking: passwords (sign-ins, confirmations, reset requests, with their lockouts) and API tokens.

API token authentication: `Authorization: Token <key>` or `Authorization: Bearer <key>`. Listed first in
DRF's authentication classes so a missing credential answers 401 (with a `WWW-Authenticate` header), not 403.

Every door that takes a password (the token API, the login page, the admin's login, the confirmations of
sensitive changes, the old password of a password change, account deletion) goes through login_attempt(),
password_check() or password_confirm(), so failures count the same way
everywhere: per client address (`auth`) and per username (`auth_account`).
"""

from datetime import timedelta
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone
from rest_framework import authentication, exceptions, status
from rest_framework.request import Request

from sawt.accounts.models import ApiToken, User, hash_token_key
from sawt.core import ratelimit
from sawt.core.errors import RateLimited, SawtError

KEYWORDS = ("token", "bearer")


class InvalidCredentials(SawtError):
    code = "invalid_credentials"
    message = "Wrong username or password."
    status_code = status.HTTP_400_BAD_REQUEST


class PasswordRequired(SawtError):
    code = "password_required"
    message = "Confirm this change with your current password (current_password)."
    status_code = status.HTTP_403_FORBIDDEN


def password_limits(request: HttpRequest | Request, username: str) -> list[ratelimit.Limit]:
    return [("auth", ratelimit.client_identity(request)), ("auth_account", ratelimit.name_identity("user", username))]


def _refuse_if_locked(limits: list[ratelimit.Limit]) -> None:
    retry_after = ratelimit.peek_all(limits)
    if retry_after is not None:
        raise RateLimited(retry_after)


def _count_failure(limits: list[ratelimit.Limit]) -> None:
    retry_after = ratelimit.hit_all(limits)
    if retry_after is not None:
        raise RateLimited(retry_after)


def login_attempt(*, request: HttpRequest | Request, username: str, password: str) -> User:
    """Authenticates, or raises InvalidCredentials; RateLimited (429) while the address or the username
    has too many recent failures. Only failures count, so a username under attack locks only itself."""
    limits = password_limits(request, username)
    _refuse_if_locked(limits)
    user = authenticate(request, username=username, password=password)
    if user is None:
        _count_failure(limits)
        raise InvalidCredentials()
    assert isinstance(user, User)
    return user


def password_check(*, request: HttpRequest | Request, user: User, password: str) -> bool:
    """Whether `password` is the signed-in user's own (old password on a change, account deletion):
    wrong guesses count like failed sign-ins, and RateLimited (429) is raised while locked."""
    limits = password_limits(request, user.get_username())
    _refuse_if_locked(limits)
    if user.check_password(password):
        return True
    _count_failure(limits)
    return False


def password_confirm(*, request: HttpRequest | Request, user: User, password: str | None) -> None:
    """Raises PasswordRequired (403) unless `password` is the user's: a session or an API token alone does
    not change what controls the account (tokens, e-mail). Wrong guesses count like failed sign-ins."""
    if not password:
        raise PasswordRequired()
    if not password_check(request=request, user=user, password=password):
        raise PasswordRequired("The current password is not right.")


def password_reset_check(*, request: HttpRequest, email: str) -> None:
    """Counts a password reset request per client address and per e-mail typed, whether or not an account
    has that e-mail (so the answer tells nothing); raises RateLimited over either limit."""
    retry_after = ratelimit.hit_all(
        [
            ("password_reset", ratelimit.client_identity(request)),
            ("password_reset", ratelimit.name_identity("email", email)),
        ]
    )
    if retry_after is not None:
        raise RateLimited(retry_after)


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
