"""The music page and the admin views."""

from django.contrib.auth import get_user_model


def test_it_shows_the_music_page_with_accounts_history_and_the_widget_allowed(
    client, owner, spotify, soundcloud, spotify_account
):
    from tests.music.factories import TurnFactory

    TurnFactory(owner=owner, text="play butta bomma")
    client.force_login(owner)
    response = client.get("/music/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "play butta bomma" in page and "Disconnect" in page and "/api/v1/music/adapter/soundcloud/login" in page
    assert "https://w.soundcloud.com" in response["Content-Security-Policy"]


def test_the_admin_shows_cache_counters_and_never_tokens(client, api, spotify, spotify_account):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw-admin-123")
    api.post("/api/v1/music/chat/message", {"text": "play butta bomma"}, format="json")
    api.post("/api/v1/music/chat/message", {"text": "play butta bomma"}, format="json")
    client.force_login(admin)
    cache_page = client.get("/admin/music/searchcache/").content.decode()
    assert "Redis hot cache" in cache_page and "butta bomma" in cache_page
    account_page = client.get(f"/admin/music/musicaccount/{spotify_account.pk}/change/").content.decode()
    assert spotify_account.access_token not in account_page and spotify_account.refresh_token not in account_page
    for path in ("/admin/music/syncrun/", "/admin/music/librarytrack/", "/admin/music/playlist/"):
        assert client.get(path).status_code == 200


def test_the_cache_counters_count_each_tier(api, spotify, spotify_account):
    from music.cache import counters

    for text in ("play butta bomma", "play butta bomma song", "play butta bomma song"):
        api.post("/api/v1/music/chat/message", {"text": text}, format="json")
    tiers = counters()
    assert tiers["api"]["hits"] == 1 and tiers["table"]["hits"] == 1 and tiers["redis"]["hits"] == 1
