"""The music page explains itself: without a provider app, Connect is disabled and the page says what the
server's operator must do; replies on the page are sentences, never codes."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_apps(settings):  # type: ignore[no-untyped-def]
    for name in ("SPOTIFY", "SOUNDCLOUD"):
        setattr(settings, f"MUSIC_{name}_CLIENT_ID", "")
        setattr(settings, f"MUSIC_{name}_CLIENT_SECRET", "")


def test_without_apps_connect_is_disabled_and_the_operators_steps_are_shown(client, no_apps):
    client.force_login(UserFactory())
    page = client.get("/music/").content.decode()
    assert "/adapter/spotify/login" not in page and "/adapter/soundcloud/login" not in page
    assert page.count("disabled") >= 2
    assert "http://testserver/api/v1/music/adapter/spotify/callback" in page
    assert "http://testserver/api/v1/music/adapter/soundcloud/callback" in page
    for setting in ("MUSIC_SPOTIFY_CLIENT_ID", "MUSIC_SPOTIFY_CLIENT_SECRET", "MUSIC_SOUNDCLOUD_CLIENT_ID",
                    "MUSIC_SOUNDCLOUD_CLIENT_SECRET"):
        assert setting in page
    assert "developer.spotify.com/dashboard" in page
    assert "/music/setup/" not in page  # the docs link is for staff


def test_staff_get_a_link_to_the_steps(client, no_apps):
    client.force_login(UserFactory(is_staff=True))
    assert "/music/setup/" in client.get("/music/").content.decode()
    steps = client.get("/music/setup/")
    assert steps.status_code == 200 and "MUSIC_SPOTIFY_CLIENT_ID" in steps.content.decode()


def test_the_steps_page_is_for_staff_only(client):
    client.force_login(UserFactory())
    assert client.get("/music/setup/").status_code == 302


def test_connect_without_an_app_comes_back_with_a_sentence(client, no_apps):
    client.force_login(UserFactory())
    response = client.get("/api/v1/music/adapter/spotify/login", follow=True)
    assert response.redirect_chain[-1][0] == "/music/"
    assert "operator must register an app first" in response.content.decode()


def test_replies_on_the_page_are_sentences_without_codes(client, no_apps):
    from tests.music.factories import TurnFactory

    user = UserFactory()
    TurnFactory(owner=user, text="play butta bomma", action="PLAY", status="needs_account",
                response_text="Spotify isn't connected. Connect it on the music page, then ask again.")
    client.force_login(user)
    page = client.get("/music/").content.decode()
    assert "PLAY · needs_account" not in page
    assert "Connect it on this page, then ask again." in page
