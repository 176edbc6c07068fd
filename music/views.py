from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from social_core.actions import do_auth, do_complete
from social_core.exceptions import SocialAuthBaseException
from social_django.utils import load_backend, load_strategy

from music import selectors
from music.actions import NAMES
from music.library import sync_run_start
from sawt.accounts.signed_in import request_user


def _backend(request: HttpRequest, platform: str) -> Any:
    if platform not in selectors.PLATFORM_NAMES:
        raise Http404("Unknown platform")
    callback = reverse("music:adapter-callback", kwargs={"platform": platform})
    return load_backend(load_strategy(request), platform, redirect_uri=callback)


# How often the player card asks the platform again (two Spotify calls a time, while the page is in view).
PLAYER_REFRESH_SECONDS = 15

# What the server's operator sets up for each provider before anyone can connect (docs/music.md).
PROVIDER_SETUP = {
    "spotify": {
        "register_url": "https://developer.spotify.com/dashboard",
        "register_where": "the Spotify developer dashboard",
        "settings": ("MUSIC_SPOTIFY_CLIENT_ID", "MUSIC_SPOTIFY_CLIENT_SECRET"),
    },
    "soundcloud": {
        "register_url": "https://soundcloud.com/you/apps",
        "register_where": "SoundCloud's app registration page",
        "settings": ("MUSIC_SOUNDCLOUD_CLIENT_ID", "MUSIC_SOUNDCLOUD_CLIENT_SECRET"),
    },
}


def app_configured(platform: str) -> bool:
    """Both of the provider app's settings are set: without them Connect could only fail at the provider."""
    return all(getattr(settings, name, "") for name in PROVIDER_SETUP[platform]["settings"])


def setup_steps(request: HttpRequest, platform: str) -> dict[str, Any]:
    callback = reverse("music:adapter-callback", kwargs={"platform": platform})
    return {**PROVIDER_SETUP[platform], "redirect_uri": request.build_absolute_uri(callback), "name": NAMES[platform]}


@never_cache
@require_GET
@login_required
def oauth_login(request: HttpRequest, platform: str) -> HttpResponseBase:
    """Starts the provider's consent screen (Spotify: authorization code; SoundCloud: code + PKCE)."""
    if platform in PROVIDER_SETUP and not app_configured(platform):
        name = NAMES[platform]
        messages.error(request, f"{name} cannot be connected yet: the server's operator must register an app first.")
        return redirect("music_pages:index")
    return do_auth(_backend(request, platform), redirect_name="next", user=request_user(request))


def _no_login(*args: Any, **kwargs: Any) -> None:
    """Connecting a music account never changes who is signed in to Sawt."""


@never_cache
@require_GET
@login_required
def oauth_callback(request: HttpRequest, platform: str) -> HttpResponseBase:
    backend = _backend(request, platform)
    name = NAMES[platform]
    try:
        user = request_user(request)
        response = do_complete(backend, _no_login, user=user, redirect_name="next", request=request)
    except SocialAuthBaseException as exc:
        messages.error(request, f"{name} was not connected: {exc}")
        return redirect("music_pages:index")
    account = selectors.account_get(owner=request_user(request), platform=platform)
    if account is not None:
        sync_run_start(account=account)
        messages.success(request, f"{name} is connected; your library is syncing.")
    return response


@login_required
def index(request: HttpRequest) -> HttpResponse:
    accounts = [
        {
            **selectors.account_status(owner=request_user(request), platform=p),
            "configured": app_configured(p),
            "setup": setup_steps(request, p),
        }
        for p in selectors.PLATFORM_NAMES
    ]
    connected = {a["platform"] for a in accounts if a["connected"] and not a["needs_reconnect"]}
    response = render(
        request,
        "music/index.html",
        {
            "accounts": accounts,
            "names": NAMES,
            "widget_origin": settings.MUSIC_SOUNDCLOUD_WIDGET_ORIGIN,
            "history": list(reversed(selectors.turns_recent(owner=request_user(request), limit=20))),
            # The player card reads Spotify Connect (devices, now playing); SoundCloud has no remote player.
            "spotify_player": "spotify" in connected,
            "player_refresh_seconds": PLAYER_REFRESH_SECONDS,
            "soundcloud_connected": "soundcloud" in connected,
        },
    )
    # Read per request (not at import, as @csp_update would): the SoundCloud widget and the artwork hosts.
    response._csp_update = {  # type: ignore[attr-defined]
        "frame-src": [settings.MUSIC_SOUNDCLOUD_WIDGET_ORIGIN],
        "img-src": list(settings.MUSIC_ARTWORK_ORIGINS),
    }
    return response


@staff_member_required
@require_GET
def setup_steps_page(request: HttpRequest) -> HttpResponse:
    """For staff: docs/first-steps.md (how to register the provider apps), as plain text in a page."""
    text = (settings.BASE_DIR / "docs" / "first-steps.md").read_text(encoding="utf-8")
    steps = [setup_steps(request, platform) for platform in PROVIDER_SETUP]
    return render(request, "music/setup_steps.html", {"text": text, "steps": steps})
