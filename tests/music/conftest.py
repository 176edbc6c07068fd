import contextlib
from collections.abc import Iterator

import pytest

from music.models import MusicAccount
from sawt.testing.soundcloud import FakeSoundCloud
from sawt.testing.spotify import FakeSpotify
from tests.music.factories import MusicAccountFactory


@pytest.fixture(autouse=True)
def _fresh_music_cache() -> Iterator[None]:
    from django.core.cache import cache
    from redis import RedisError

    from music.cache import _counter_key
    from sawt.core.ratelimit import redis_client

    yield
    with contextlib.suppress(RedisError):  # a test that took Redis down left nothing in it
        cache.clear()
        redis_client().delete(_counter_key())


@pytest.fixture
def spotify(settings) -> Iterator[FakeSpotify]:  # type: ignore[no-untyped-def]
    fake = FakeSpotify().start()
    settings.MUSIC_SPOTIFY_ACCOUNTS_URL = fake.url
    settings.MUSIC_SPOTIFY_API_URL = fake.url
    settings.MUSIC_SPOTIFY_CLIENT_ID = fake.client_id
    settings.MUSIC_SPOTIFY_CLIENT_SECRET = fake.client_secret
    settings.MUSIC_ARTWORK_ORIGINS = [fake.url]  # the fake's own /image route stands for Spotify's CDN
    yield fake
    fake.stop()


@pytest.fixture
def soundcloud(settings) -> Iterator[FakeSoundCloud]:  # type: ignore[no-untyped-def]
    fake = FakeSoundCloud().start()
    settings.MUSIC_SOUNDCLOUD_AUTH_URL = fake.url
    settings.MUSIC_SOUNDCLOUD_API_URL = fake.url
    settings.MUSIC_SOUNDCLOUD_CLIENT_ID = fake.client_id
    settings.MUSIC_SOUNDCLOUD_CLIENT_SECRET = fake.client_secret
    yield fake
    fake.stop()


def connect(fake: FakeSpotify | FakeSoundCloud, owner, platform: str, preferred: bool = True) -> MusicAccount:  # type: ignore[no-untyped-def]
    tokens = fake.issue_tokens(fake.user_id)
    return MusicAccountFactory(
        owner=owner,
        platform=platform,
        access_token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
        is_preferred=preferred,
    )


@pytest.fixture
def spotify_account(spotify, owner) -> MusicAccount:  # type: ignore[no-untyped-def]
    return connect(spotify, owner, "spotify")


@pytest.fixture
def soundcloud_account(soundcloud, owner) -> MusicAccount:  # type: ignore[no-untyped-def]
    return connect(soundcloud, owner, "soundcloud", preferred=False)
