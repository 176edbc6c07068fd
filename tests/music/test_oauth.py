"""A full OAuth round trip through social-auth against the fake providers' authorize and token endpoints."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.db import connection
from social_django.models import UserSocialAuth

from music.models import LibraryTrack, MusicAccount, Playlist, SyncRun


def round_trip(client, platform: str) -> str:  # type: ignore[no-untyped-def]
    start = client.get(f"/api/v1/music/adapter/{platform}/login")
    assert start.status_code == 302
    consent = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert consent.status_code == 302
    back = urlsplit(consent.headers["Location"])
    assert back.path == f"/api/v1/music/adapter/{platform}/callback"
    done = client.get(f"{back.path}?{back.query}")
    assert done.status_code == 302, done.content
    return str(done["Location"])


@pytest.mark.parametrize("platform", ["spotify", "soundcloud"])
def test_it_connects_through_oauth_stores_tokens_encrypted_and_syncs_the_library(
    client, owner, spotify, soundcloud, platform, django_capture_on_commit_callbacks
):
    fake = spotify if platform == "spotify" else soundcloud
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert round_trip(client, platform) == "/music/"
    account = MusicAccount.objects.get(owner=owner, platform=platform)
    assert account.access_token in fake.tokens and account.refresh_token in fake.refresh_tokens
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM music_musicaccount WHERE id = %s", [account.pk])
        stored = cursor.fetchone()
    assert account.access_token not in stored[0] and account.refresh_token not in stored[1]
    social = UserSocialAuth.objects.get(user=owner, provider=platform)
    assert not {"access_token", "refresh_token"} & set(social.extra_data)
    assert SyncRun.objects.get(account=account).status == "done"
    assert LibraryTrack.objects.filter(owner=owner, platform=platform, is_saved=True).count() == (
        6 if platform == "spotify" else 3
    )
    assert Playlist.objects.filter(owner=owner, platform=platform).exists()
    status = client.get(f"/api/v1/music/adapter/{platform}/status").json()
    assert status["connected"] and status["display_name"] == "Fake Listener"


def test_it_sends_a_pkce_challenge_to_soundcloud_and_the_verifier_to_its_token_endpoint(client, owner, soundcloud):
    client.force_login(owner)
    start = client.get("/api/v1/music/adapter/soundcloud/login")
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    consent = requests.get(start["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(consent.headers["Location"])
    client.get(f"{back.path}?{back.query}")
    token_call = soundcloud.server.requests_to("/oauth/token")[0].form()
    assert token_call["code_verifier"] and MusicAccount.objects.filter(owner=owner, platform="soundcloud").exists()


def test_it_refuses_a_callback_with_a_forged_state(client, owner, spotify):
    client.force_login(owner)
    client.get("/api/v1/music/adapter/spotify/login")
    response = client.get("/api/v1/music/adapter/spotify/callback?code=stolen&state=forged")
    assert response.status_code == 302 and response["Location"] == "/music/"
    assert not MusicAccount.objects.filter(owner=owner).exists()


def test_it_disconnects_and_forgets_tokens_and_library(api, owner, spotify, spotify_account):
    from tests.music.factories import LibraryTrackFactory

    LibraryTrackFactory(owner=owner)
    assert api.post("/api/v1/music/adapter/spotify/disconnect").status_code == 204
    assert not MusicAccount.objects.filter(owner=owner).exists()
    assert not LibraryTrack.objects.filter(owner=owner).exists()
    assert api.get("/api/v1/music/adapter/spotify/status").json()["connected"] is False


def test_it_answers_404_for_an_unknown_platform(api, db):
    response = api.get("/api/v1/music/adapter/tidal/status")
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_platform"


def test_it_refreshes_a_token_that_is_about_to_expire_before_using_it(api, spotify, spotify_account):
    from datetime import timedelta

    from django.utils import timezone

    MusicAccount.objects.filter(pk=spotify_account.pk).update(expires_at=timezone.now() + timedelta(seconds=10))
    old = spotify_account.access_token
    spotify.expired.add(old)
    reply = api.post("/api/v1/music/chat/message", {"text": "pause"}, format="json").json()
    assert reply["status"] == "ok"
    assert len(spotify.server.requests_to("/api/token")) == 1
    assert MusicAccount.objects.get(pk=spotify_account.pk).access_token != old


def test_it_never_signs_an_anonymous_visitor_in_through_an_already_linked_provider_account(
    client, owner, spotify, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert round_trip(client, "spotify") == "/music/"
    assert UserSocialAuth.objects.filter(user=owner, provider="spotify").exists()

    # Someone holding the same Spotify account, not signed in to Sawt, runs social-auth's own login flow.
    from django.test import Client

    stranger = Client()
    start = stranger.post("/oauth/login/spotify/")  # social_django begins on POST
    if start.status_code == 302:
        consent = requests.get(start["Location"], allow_redirects=False, timeout=5)
        back = urlsplit(consent.headers["Location"])
        stranger.get(f"{back.path}?{back.query}")
    else:
        assert start.status_code == 404
    assert "_auth_user_id" not in stranger.session
    assert stranger.get("/accounts/profile/").status_code == 302  # still signed out

    # And the music callback itself refuses an anonymous visitor: it sends them to sign in.
    callback = stranger.get("/api/v1/music/adapter/spotify/callback?code=x&state=y")
    assert callback.status_code == 302 and callback["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in stranger.session


def test_it_refuses_to_link_a_provider_account_for_a_request_that_is_not_signed_in(rf, owner, spotify):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from social_core.exceptions import AuthPolicyError
    from social_django.utils import load_backend, load_strategy

    from music.oauth import require_signed_in_user

    request = rf.get("/api/v1/music/adapter/spotify/callback")
    request.user = AnonymousUser()
    request.session = SessionStore()
    backend = load_backend(load_strategy(request), "spotify", redirect_uri="/api/v1/music/adapter/spotify/callback")
    # social_user() found the provider account already linked to the owner: the request is still nobody's.
    with pytest.raises(AuthPolicyError):
        require_signed_in_user(backend, user=owner)


def test_it_refuses_to_link_a_provider_account_already_linked_to_someone_else(
    client, owner, outsider, spotify, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        round_trip(client, "spotify")
    other = type(client)()
    other.force_login(outsider)
    assert round_trip(other, "spotify") == "/music/"
    assert int(other.session["_auth_user_id"]) == outsider.pk
    assert not MusicAccount.objects.filter(owner=outsider).exists()
    assert UserSocialAuth.objects.get(provider="spotify").user == owner
