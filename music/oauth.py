"""OAuth with social-auth: the Spotify backend, SoundCloud's OAuth 2.1 + PKCE backend, the pipeline steps
that keep tokens out of plaintext `extra_data`, and refreshing tokens before they expire."""

from datetime import timedelta
from typing import Any

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from social_core.backends.oauth import BaseOAuth2PKCE
from social_core.backends.spotify import SpotifyOAuth2
from social_core.exceptions import AuthPolicyError

from music.models import MusicAccount

TOKEN_KEYS = ("access_token", "refresh_token", "expires", "expires_in", "auth_time", "token_type")


class AccountRevoked(Exception):
    """The provider refused the refresh token: the user has to connect again."""


class SpotifyBackend(SpotifyOAuth2):
    """social-core's Spotify backend with its provider URLs and credentials from settings.

    Association only: it links Spotify to the signed-in Sawt user and never signs anyone in.
    """

    ASSOCIATION_ONLY = True

    def authorization_url(self) -> str:
        return f"{settings.MUSIC_SPOTIFY_ACCOUNTS_URL}/authorize"

    def access_token_url(self) -> str:
        return f"{settings.MUSIC_SPOTIFY_ACCOUNTS_URL}/api/token"

    def get_key_and_secret(self) -> tuple[str, str]:
        return settings.MUSIC_SPOTIFY_CLIENT_ID, settings.MUSIC_SPOTIFY_CLIENT_SECRET

    def user_data(self, access_token: str, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        return self.get_json(
            f"{settings.MUSIC_SPOTIFY_API_URL}/v1/me",
            headers={"Authorization": f"Bearer {access_token}"},
        )


class SoundCloudBackend(BaseOAuth2PKCE):
    """SoundCloud's current OAuth 2.1: authorization code with PKCE (S256) and an `OAuth` token header.

    Association only, like Spotify: it links SoundCloud to the signed-in Sawt user and never signs anyone in.
    """

    ASSOCIATION_ONLY = True
    name = "soundcloud"
    title = "SoundCloud"
    ID_KEY = "id"
    SCOPE_SEPARATOR = " "
    REDIRECT_STATE = False
    STATE_PARAMETER = True
    ACCESS_TOKEN_METHOD = "POST"
    EXTRA_DATA = [("refresh_token", "refresh_token"), ("expires_in", "expires")]

    def authorization_url(self) -> str:
        return f"{settings.MUSIC_SOUNDCLOUD_AUTH_URL}/authorize"

    def access_token_url(self) -> str:
        return f"{settings.MUSIC_SOUNDCLOUD_AUTH_URL}/oauth/token"

    def get_key_and_secret(self) -> tuple[str, str]:
        return settings.MUSIC_SOUNDCLOUD_CLIENT_ID, settings.MUSIC_SOUNDCLOUD_CLIENT_SECRET

    def get_user_details(self, response: dict[str, Any]) -> dict[str, Any]:
        return {
            "username": response.get("username"),
            "email": "",
            "fullname": response.get("full_name") or "",
            "first_name": "",
            "last_name": "",
        }

    def user_data(self, access_token: str, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        return self.get_json(
            f"{settings.MUSIC_SOUNDCLOUD_API_URL}/me", headers={"Authorization": f"OAuth {access_token}"}
        )


def require_signed_in_user(backend: Any, user: Any = None, **kwargs: Any) -> None:
    """Connecting a music account never creates or logs in a Sawt user.

    The pipeline's `user` is whoever social_user() found linked to the provider account, so it is no
    proof of a session: the request itself must be signed in, as that same user.
    """
    signed_in = getattr(backend.strategy.request, "user", None)
    if signed_in is None or not signed_in.is_authenticated:
        raise AuthPolicyError(backend, "Sign in to Sawt before connecting a music account.")
    if user is None or user.pk != signed_in.pk:
        raise AuthPolicyError(backend, "This music account is connected to another Sawt user.")


def store_tokens(
    backend: Any,
    user: Any,
    response: dict[str, Any],
    social: Any = None,
    details: dict[str, Any] | None = None,
    **kwargs: Any,
) -> None:
    """Moves the tokens into MusicAccount's encrypted columns and out of social-auth's plaintext JSON."""
    expires_in = int(response.get("expires_in") or 3600)
    with transaction.atomic():
        account, _ = MusicAccount.objects.select_for_update().get_or_create(owner=user, platform=backend.name)
        account.access_token = response["access_token"]
        account.refresh_token = response.get("refresh_token") or account.refresh_token
        account.expires_at = timezone.now() + timedelta(seconds=expires_in)
        account.scope = str(response.get("scope") or "")[:500]
        account.external_id = str(response.get("id") or response.get("urn") or "")
        account.display_name = str(
            response.get("display_name") or response.get("full_name") or response.get("username") or ""
        )
        account.needs_reconnect = False
        account.connected_at = timezone.now()
        if not MusicAccount.objects.filter(owner=user, is_preferred=True).exclude(pk=account.pk).exists():
            account.is_preferred = True
        account.save()
        if social is not None:
            social.extra_data = {k: v for k, v in (social.extra_data or {}).items() if k not in TOKEN_KEYS}
            social.save(update_fields=["extra_data"])


def _token_request(platform: str, refresh_token: str) -> httpx.Response:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    if platform == "spotify":
        return httpx.post(
            f"{settings.MUSIC_SPOTIFY_ACCOUNTS_URL}/api/token",
            data=form,
            auth=(settings.MUSIC_SPOTIFY_CLIENT_ID, settings.MUSIC_SPOTIFY_CLIENT_SECRET),
            timeout=settings.MUSIC_HTTP_TIMEOUT,
        )
    form |= {"client_id": settings.MUSIC_SOUNDCLOUD_CLIENT_ID, "client_secret": settings.MUSIC_SOUNDCLOUD_CLIENT_SECRET}
    return httpx.post(
        f"{settings.MUSIC_SOUNDCLOUD_AUTH_URL}/oauth/token", data=form, timeout=settings.MUSIC_HTTP_TIMEOUT
    )


def account_refresh_token(*, account: MusicAccount) -> MusicAccount:
    """Trades the refresh token for a new access token; a refusal marks the account for reconnecting.

    Under a row lock: two workers refreshing at once would each spend the refresh token, and Spotify may
    rotate it, so the second would be refused. The one that waited finds the account already refreshed and
    uses that token."""
    stale_token = account.access_token
    try:
        with transaction.atomic():
            locked = MusicAccount.objects.select_for_update().get(pk=account.pk)
            if locked.access_token != stale_token and not locked.needs_reconnect and not locked.expires_soon():
                return locked
            return _refresh_locked(locked)
    except AccountRevoked:
        # Marked after the transaction, which the refusal rolled back.
        MusicAccount.objects.filter(pk=account.pk).update(needs_reconnect=True)
        account.needs_reconnect = True
        raise


def _refresh_locked(account: MusicAccount) -> MusicAccount:
    if not account.refresh_token:
        MusicAccount.objects.filter(pk=account.pk).update(needs_reconnect=True)
        raise AccountRevoked(account.platform)
    response = _token_request(account.platform, account.refresh_token)
    if response.status_code in (400, 401):
        MusicAccount.objects.filter(pk=account.pk).update(needs_reconnect=True)
        account.needs_reconnect = True
        raise AccountRevoked(account.platform)
    response.raise_for_status()
    body = response.json()
    account.access_token = body["access_token"]
    account.refresh_token = body.get("refresh_token") or account.refresh_token
    account.expires_at = timezone.now() + timedelta(seconds=int(body.get("expires_in") or 3600))
    account.needs_reconnect = False
    account.save(update_fields=["access_token", "refresh_token", "expires_at", "needs_reconnect"])
    return account


def account_fresh(*, account: MusicAccount) -> MusicAccount:
    """The account with an access token valid for at least another minute."""
    if account.needs_reconnect:
        raise AccountRevoked(account.platform)
    if account.expires_soon():
        return account_refresh_token(account=account)
    return account
