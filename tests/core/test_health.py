import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_reports_every_component():
    response = Client().get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] in ("ok", "degraded")
    assert set(body["components"]) == {"database", "redis", "celery", "storage", "asr_model", "tts_voice"}
    assert body["components"]["database"] == "ok"
    assert body["components"]["redis"] == "ok"
    assert body["components"]["asr_model"] == "ok" and body["components"]["tts_voice"] == "ok"
    assert all(v in ("ok", "error", "not configured") for v in body["components"].values())
    assert body["version"] and body["time"]


@pytest.mark.django_db(transaction=True)
def test_it_answers_503_when_the_database_is_down_and_recovers():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the test database is in memory on SQLite; CI runs this on PostgreSQL")
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there: the database is unreachable
    try:
        response = Client().get("/health")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response.json()["components"]["database"] == "error"
    assert Client().get("/health").status_code == 200
