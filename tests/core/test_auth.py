import pytest
from django.test import Client
from rest_framework.test import APIClient

from sawt.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def obtain(username="owner", password=PASSWORD):
    return Client().post("/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json")


def test_it_gives_a_token_for_a_username_and_password(owner):
    response = obtain()
    assert response.status_code == 201
    key = response.json()["token"]
    assert key.startswith("sawt_")
    # Only the hash is stored.
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert ApiToken.objects.get(pk=response.json()["id"]).owner == owner


@pytest.mark.parametrize("keyword", ["Token", "Bearer", "bearer"])
def test_it_accepts_the_token_and_bearer_keywords(owner, keyword):
    key = obtain().json()["token"]
    response = Client().get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"{keyword} {key}")
    assert response.status_code == 200
    assert response.json()["username"] == "owner"


def test_it_refuses_a_wrong_password_with_the_error_body(owner):
    response = obtain(password="nope")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_it_stops_accepting_a_revoked_token(owner):
    key = obtain().json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    token_id = client.get("/api/v1/auth/tokens/").json()[0]["id"]
    assert client.delete(f"/api/v1/auth/tokens/{token_id}/").status_code == 204
    assert client.get("/api/v1/auth/me/").status_code == 401


def test_it_creates_named_tokens_and_shows_the_key_once(api):
    response = api.post("/api/v1/auth/tokens/", {"name": "laptop"}, format="json")
    assert response.status_code == 201
    assert response.json()["token"].startswith("sawt_")
    listed = api.get("/api/v1/auth/tokens/").json()
    assert {t["name"] for t in listed} == {"tests", "laptop"}
    assert all("token" not in t for t in listed)


def test_it_updates_the_time_zone_and_rejects_unknown_ones(api, owner):
    assert api.patch("/api/v1/auth/me/", {"time_zone": "Asia/Kolkata"}, format="json").status_code == 200
    owner.refresh_from_db()
    assert owner.time_zone == "Asia/Kolkata"
    response = api.patch("/api/v1/auth/me/", {"time_zone": "Mars/Olympus"}, format="json")
    assert response.status_code == 400
    assert "time_zone" in response.json()["error"]["details"]["fields"]


def test_it_deletes_the_account_with_everything_it_owns(api, owner):
    assert api.delete("/api/v1/auth/me/", {"password": "wrong"}, format="json").status_code == 400
    assert api.delete("/api/v1/auth/me/", {"password": PASSWORD}, format="json").status_code == 204
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(pk=owner.pk).exists()
    assert not ApiToken.objects.filter(owner_id=owner.pk).exists()


def test_it_issues_one_time_websocket_tickets(api, owner):
    from sawt.core.wsauth import redeem_ticket

    response = api.post("/api/v1/auth/ws-ticket")
    assert response.status_code == 201
    ticket = response.json()["ticket"]
    assert redeem_ticket(ticket) == owner.pk
    assert redeem_ticket(ticket) is None


def test_it_signs_up_logs_out_and_logs_in_through_the_pages():
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {"username": "newbie", "email": "", "time_zone": "Europe/Paris", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405  # logout is POST only
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/accounts/profile/").status_code == 302
    assert client.post("/accounts/login/", {"username": "newbie", "password": PASSWORD}).status_code == 302
    assert client.get("/accounts/profile/").status_code == 200


def test_it_sends_a_password_reset_email(owner, mailoutbox):
    response = Client().post("/accounts/password/reset/", {"email": owner.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/" in mailoutbox[0].body
