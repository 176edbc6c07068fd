"""Music search only caches in Redis: with Redis down it skips the hot cache and still finds and plays."""

from django.test import Client

from music.models import SearchCache
from tests.music.test_commands import NUVVU, say


def test_it_finds_and_plays_while_redis_is_down(redis_down, api, spotify, spotify_account):
    first = say(api, "play nuvvu nenantu on spotify")
    assert (first["status"], first["parameters"]["cache"]) == ("ok", "api")
    assert spotify.player["item"]["uri"] == NUVVU
    second = say(api, "play nuvvu nenantu song")
    assert (second["status"], second["parameters"]["cache"]) == ("ok", "table")
    assert SearchCache.objects.get().hits == 1


def test_it_shows_the_search_cache_in_the_admin_while_redis_is_down(redis_down, admin_user):
    browser = Client()
    browser.force_login(admin_user)
    response = browser.get("/admin/music/searchcache/")
    assert response.status_code == 200
