"""Start-up a newcomer can read: /health says "starting" while models load, the ready block, warm-up."""

import pytest
from django.core.management import call_command
from django.test import Client

from sawt.core import warmup
from sawt.core.ratelimit import redis_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_warming_marks():
    for key in redis_client().scan_iter(match=warmup.PREFIX + "*"):
        redis_client().delete(key)


@pytest.fixture
def warming_worker():
    key = warmup.PREFIX + "worker:test-host:1"
    redis_client().set(key, "1", ex=60)
    yield
    redis_client().delete(key)


def test_health_says_starting_with_200_while_a_worker_loads_its_models(warming_worker):
    response = Client().get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "starting"
    assert response.json()["warming"] == ["worker"]


def test_health_is_ok_once_nothing_warms_up():
    body = Client().get("/health").json()
    assert body["status"] in ("ok", "degraded") and "warming" not in body


def test_starting_vs_degraded():
    from sawt.core.health import ERROR, OK, STARTING_SECONDS, overall

    fine = {"database": OK, "redis": OK, "celery": OK, "storage": OK, "asr_model": OK, "tts_voice": OK}
    assert overall(fine, [], 1.0) == "ok"
    assert overall(fine, ["web"], 1.0) == "starting"
    assert overall({**fine, "celery": ERROR}, [], 1.0) == "starting"  # workers not up yet
    assert overall({**fine, "celery": ERROR}, [], STARTING_SECONDS + 1) == "degraded"
    assert overall({**fine, "storage": ERROR}, ["web"], 1.0) == "degraded"
    assert overall({**fine, "database": ERROR}, ["web"], 1.0) == "degraded"


def test_warm_up_loads_the_models_in_the_background_and_clears_its_mark(settings):
    from sawt.speech import asr

    settings.SAWT_WARMUP = True
    assert warmup.start("web")
    assert not warmup.start("web")  # once per process
    assert warmup.wait(300)
    assert asr.model_info()["loaded"]
    from sawt.speech.stream_scheduler import get_scheduler

    assert get_scheduler().warm_up().done()  # the first call's decode is not the first decode
    assert warmup.warming() == []


def test_the_ready_block_names_the_address_and_the_demo_login(live_server, capsys, settings):
    settings.DEBUG = True
    port = live_server.url.rsplit(":", 1)[1]
    call_command("announce_ready", "--port", port, "--once", "--wait", "30")
    out = capsys.readouterr().out
    assert f"Sawt is ready at http://127.0.0.1:{port}/ — log in as demo / demo-sawt; e-mail is printed here" in out
    assert len(out.strip().splitlines()) <= 4


def test_procfiles_announce_readiness_last():
    from sawt.settings.env import BASE_DIR

    for name in ("Procfile", "Procfile.embedded"):
        lines = (BASE_DIR / name).read_text().splitlines()
        assert lines[-1].startswith("ready: .venv/bin/python manage.py announce_ready")
