from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.faults import RedisServer


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A private Redis the test may stop and start (as broker, cache or channel layer)."""
    redis = RedisServer(tmp_path).start()
    yield redis
    redis.stop()
