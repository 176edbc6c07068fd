import copy
import os
import socket
from collections.abc import Iterator

import pytest
from rest_framework.test import APIClient

from sawt.settings.env import EMBEDDED_REDIS_URL
from tests.browsers import CHROMIUM, CHROMIUM_ARGS

# The production rehearsal runs against a live stack under deploy/rehearse (make rehearse), with its own plugin.
collect_ignore = ["rehearsal"]


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    if settings.REDIS_URL == EMBEDDED_REDIS_URL:
        from sawt.core.embedded_redis import ensure_running

        ensure_running()


@pytest.fixture(autouse=True)
def _media_root(tmp_path_factory: pytest.TempPathFactory, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path_factory.mktemp("scratch"))  # live recordings in progress


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    from django.conf import settings

    from sawt.core.ratelimit import redis_client

    yield
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "sawt")
    client = redis_client()
    keys = list(client.scan_iter(f"{prefix}:rl:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _close_async_test_connections() -> Iterator[None]:
    """An async test's `sync_to_async` calls share asgiref's one executor thread; its database
    connection would outlive the test and keep pytest from dropping the test database at the end."""
    from asgiref.sync import SyncToAsync
    from django.db import connections

    yield
    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


def point_redis_at(settings, url: str) -> None:  # type: ignore[no-untyped-def]
    """Every Redis client of the project (limits, cache, channel layer) at `url`, breaker reset."""
    from sawt.core import ratelimit

    settings.REDIS_URL = url
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": url}}
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    layers["default"]["CONFIG"]["hosts"][0]["address"] = url
    settings.CHANNEL_LAYERS = layers
    ratelimit.redis_client.cache_clear()
    ratelimit.reset_breaker()


@pytest.fixture
def redis_down(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """REDIS_URL (and the cache and channel layer) at a port where nothing listens."""
    from sawt.core import ratelimit

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    point_redis_at(settings, f"redis://127.0.0.1:{port}/0")
    yield
    ratelimit.redis_client.cache_clear()
    ratelimit.reset_breaker()


@pytest.fixture
def owner(db):  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory

    return UserFactory(username="owner")


@pytest.fixture
def outsider(db):  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory

    return UserFactory(username="outsider")


def _token_client(user) -> APIClient:  # type: ignore[no-untyped-def]
    from sawt.accounts.services import api_token_create

    _, key = api_token_create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def api(owner) -> APIClient:  # type: ignore[no-untyped-def]
    """An API client signed in as the owner with a Bearer token."""
    return _token_client(owner)


@pytest.fixture
def outsider_api(outsider) -> APIClient:  # type: ignore[no-untyped-def]
    return _token_client(outsider)


@pytest.fixture
def shared_data() -> str:
    from django.conf import settings

    path = os.environ.get("SAWT_TEST_DATA") or settings.SAWT_TEST_DATA
    if not os.path.isfile(os.path.join(path, "manifest.tsv")):
        pytest.skip(f"real speech data not found at {path} (set SAWT_TEST_DATA)")
    return path


@pytest.fixture
def chromium_args() -> list[str]:
    """Extra Chromium flags for one test (e.g. a fake microphone); the `page` fixture reads them."""
    return []


@pytest.fixture
def page(chromium_args: list[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """A Playwright page in Debian's headless Chromium (apt-get install chromium)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *chromium_args])
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        page = context.new_page()
        try:
            yield page
        finally:
            context.close()
            browser.close()
