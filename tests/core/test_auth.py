import io

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
    response = api.post("/api/v1/auth/tokens/", {"name": "laptop", "current_password": PASSWORD}, format="json")
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


def test_it_refuses_to_create_a_token_without_the_current_password(api, owner):
    for body in ({"name": "stolen"}, {"name": "stolen", "current_password": "guess"}):
        response = api.post("/api/v1/auth/tokens/", body, format="json")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "password_required"
    assert not ApiToken.objects.filter(owner=owner, name="stolen").exists()


def test_it_refuses_to_change_the_email_without_the_current_password(api, owner):
    for body in ({"email": "thief@example.com"}, {"email": "thief@example.com", "current_password": "guess"}):
        response = api.patch("/api/v1/auth/me/", body, format="json")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "password_required"
    owner.refresh_from_db()
    assert owner.email == "owner@example.com"
    response = api.patch("/api/v1/auth/me/", {"email": "new@example.com", "current_password": PASSWORD}, format="json")
    assert response.status_code == 200 and "current_password" not in response.json()
    owner.refresh_from_db()
    assert owner.email == "new@example.com"
    # The same e-mail again, or other settings, need no password.
    assert api.patch("/api/v1/auth/me/", {"email": "new@example.com", "meeting_emails": False}, format="json").status_code == 200


def test_it_counts_wrong_current_passwords_like_failed_logins(api, owner, settings):
    settings.SAWT_RATE_LIMITS = settings.SAWT_RATE_LIMITS | {"auth_account": "3/900"}
    statuses = [
        api.post("/api/v1/auth/tokens/", {"name": "x", "current_password": "guess"}, format="json").status_code
        for _ in range(4)
    ]
    assert statuses == [403, 403, 403, 429]
    assert obtain().status_code == 429


def test_it_asks_for_the_password_to_create_a_token_or_change_the_email_on_the_pages(owner):
    client = Client()
    client.force_login(owner)
    page = client.post("/accounts/tokens/", {"name": "laptop", "current_password": "guess"})
    assert page.status_code == 200 and b"That is not your password." in page.content and b"new-token" not in page.content
    page = client.post("/accounts/tokens/", {"name": "laptop", "current_password": PASSWORD})
    assert b"new-token" in page.content
    assert ApiToken.objects.filter(owner=owner, name="laptop").count() == 1

    settings = {"email": "thief@example.com", "time_zone": "UTC", "meeting_emails": "on"}
    page = client.post("/accounts/profile/", settings)
    assert page.status_code == 200 and b"Type your password to change your e-mail." in page.content
    owner.refresh_from_db()
    assert owner.email == "owner@example.com"
    assert client.post("/accounts/profile/", settings | {"current_password": PASSWORD}).status_code == 302
    owner.refresh_from_db()
    assert owner.email == "thief@example.com"
    # Other settings need no password.
    assert client.post("/accounts/profile/", settings | {"time_zone": "Asia/Kolkata"}).status_code == 302


def test_it_revokes_every_api_token_when_the_password_changes(api, owner):
    client = Client()
    client.force_login(owner)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
        follow=True,
    )
    assert response.status_code == 200 and b"API tokens are revoked" in response.content
    assert api.get("/api/v1/auth/me/").status_code == 401
    assert not ApiToken.objects.filter(owner=owner, revoked_at__isnull=True).exists()


def test_it_revokes_every_api_token_when_the_password_is_reset(api, owner, mailoutbox):
    import re

    client = Client()
    assert client.post("/accounts/password/reset/", {"email": owner.email}).status_code == 302
    link = re.search(r"http://[^/\s]+(/accounts/password/reset/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(
        form_url, {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"}, follow=True
    )
    assert response.status_code == 200 and b"API tokens are revoked" in response.content
    assert api.get("/api/v1/auth/me/").status_code == 401


def test_it_revokes_every_api_token_when_an_admin_sets_the_password(api, owner):
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    response = client.post(
        f"/admin/accounts/user/{owner.pk}/password/",
        {"password1": "a brand new passphrase", "password2": "a brand new passphrase", "usable_password": "true"},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/admin/accounts/user/{owner.pk}/change/")
    assert api.get("/api/v1/auth/me/").status_code == 401


def test_sign_up_keeps_its_fields_logs_in_and_offers_the_browsers_time_zone(client):
    page = client.get("/accounts/signup/").content.decode()
    for field in ("username", "email", "password1", "password2", "time_zone"):
        assert f'name="{field}"' in page
    assert "js/timezone.js" in page
    response = client.post(
        "/accounts/signup/",
        {"username": "newbie", "email": "", "password1": "a long pass phrase 42",
         "password2": "a long pass phrase 42", "time_zone": "Asia/Kolkata"},
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").context["user"].username == "newbie"


def test_it_revokes_every_api_token_when_the_password_changes_from_the_command_line(api, owner, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setattr("getpass.getpass", lambda prompt="": "a brand new passphrase")
    call_command("changepassword", "owner", stdout=io.StringIO())
    owner.refresh_from_db()
    assert owner.check_password("a brand new passphrase")
    assert api.get("/api/v1/auth/me/").status_code == 401
    assert not ApiToken.objects.filter(owner=owner, revoked_at__isnull=True).exists()


def test_it_keeps_the_api_tokens_when_the_user_is_saved_without_a_new_password(api, owner):
    owner.first_name = "Owen"
    owner.save()
    assert api.get("/api/v1/auth/me/").status_code == 200
