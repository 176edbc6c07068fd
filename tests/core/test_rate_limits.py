import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_it_refuses_rapid_bad_api_logins_with_429_and_retry_after(owner):
    client = Client()
    statuses = []
    for _ in range(30):
        response = client.post(
            "/api/v1/auth/token", {"username": "owner", "password": "wrong"}, content_type="application/json"
        )
        statuses.append(response.status_code)
    assert statuses[0] == 400
    assert statuses[-1] == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "rate_limited"
    # Locked out: even the right password waits.
    right = client.post(
        "/api/v1/auth/token",
        {"username": "owner", "password": "correct horse battery staple"},
        content_type="application/json",
    )
    assert right.status_code == 429


def test_it_refuses_rapid_bad_page_logins_with_429(owner):
    client = Client()
    for _ in range(30):
        response = client.post("/accounts/login/", {"username": "owner", "password": "wrong"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert b"Too many attempts" in response.content


@override_settings(SAWT_RATE_LIMITS={"api": "5/60", "auth": "20/300", "upload": "5/60", "websocket": "5/60"})
def test_it_limits_api_calls_per_user(api, outsider_api):
    statuses = [api.get("/api/v1/auth/tokens/").status_code for _ in range(7)]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429, 429]
    # Another user has their own budget.
    assert outsider_api.get("/api/v1/auth/tokens/").status_code == 200
