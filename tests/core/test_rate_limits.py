import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

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


PASSWORD = "correct horse battery staple"
# Per address 8 failures in 5 minutes, per username 4 in 15 minutes, 3 password resets an hour.
LOGIN_LIMITS = {"api": "600/60", "auth": "8/300", "auth_account": "4/900", "password_reset": "3/3600",
                "upload": "60/3600", "websocket": "60/60"}


def api_login(username: str, password: str, address: str = "127.0.0.1"):  # type: ignore[no-untyped-def]
    return Client(REMOTE_ADDR=address).post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )


@override_settings(SAWT_RATE_LIMITS=LOGIN_LIMITS)
def test_it_locks_a_username_with_too_many_failures_but_not_the_others_behind_the_same_address(owner, outsider):
    statuses = [api_login("outsider", "wrong").status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    locked = api_login("outsider", PASSWORD)
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    assert locked.json()["error"]["code"] == "rate_limited"
    # The same address, another username: still signs in.
    assert api_login("owner", PASSWORD).status_code == 201


@override_settings(SAWT_RATE_LIMITS=LOGIN_LIMITS)
def test_it_locks_a_username_guessed_from_many_addresses_and_only_that_username(owner, outsider):
    for n in range(4):
        assert api_login("owner", "wrong", address=f"10.0.0.{n}").status_code == 400
    assert api_login("owner", PASSWORD, address="10.0.1.1").status_code == 429
    assert api_login("OWNER ", "wrong", address="10.0.1.2").status_code == 429  # one counter for its spellings
    assert api_login("outsider", PASSWORD, address="10.0.1.3").status_code == 201


@override_settings(SAWT_RATE_LIMITS=LOGIN_LIMITS)
def test_it_still_limits_one_address_trying_many_usernames(owner):
    statuses = [api_login(f"someone{n}", "wrong").status_code for n in range(9)]
    assert statuses[:8] == [400] * 8 and statuses[8] == 429
    assert api_login("owner", PASSWORD).status_code == 429
    assert api_login("owner", PASSWORD, address="10.0.0.9").status_code == 201


@override_settings(SAWT_RATE_LIMITS=LOGIN_LIMITS)
def test_it_counts_page_logins_per_username_the_same_way(owner, outsider):
    client = Client()
    for _ in range(4):
        assert client.post("/accounts/login/", {"username": "outsider", "password": "wrong"}).status_code == 200
    locked = client.post("/accounts/login/", {"username": "outsider", "password": PASSWORD})
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    assert b"Too many attempts" in locked.content
    assert api_login("outsider", PASSWORD, address="10.0.0.5").status_code == 429  # one counter for every door
    assert client.post("/accounts/login/", {"username": "owner", "password": PASSWORD}).status_code == 302


@override_settings(SAWT_RATE_LIMITS=LOGIN_LIMITS)
def test_it_counts_admin_logins_the_same_way(owner):
    from tests.factories import UserFactory

    UserFactory(username="boss", is_staff=True, is_superuser=True)
    client = Client()
    for _ in range(4):
        assert client.post("/admin/login/", {"username": "boss", "password": "wrong"}).status_code == 200
    locked = client.post("/admin/login/", {"username": "boss", "password": PASSWORD})
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    assert api_login("boss", PASSWORD, address="10.0.0.5").status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(SAWT_RATE_LIMITS=LOGIN_LIMITS)
def test_it_limits_password_resets_per_email_alike_for_known_and_unknown_addresses(owner, mailoutbox):
    def reset(email: str, address: str) -> int:
        return Client(REMOTE_ADDR=address).post("/accounts/password/reset/", {"email": email}).status_code

    known = [reset(owner.email, f"10.0.0.{n}") for n in range(4)]
    unknown = [reset("nobody@example.com", f"10.0.1.{n}") for n in range(4)]
    assert known == unknown == [302, 302, 302, 429]
    assert len(mailoutbox) == 3


@override_settings(SAWT_RATE_LIMITS=LOGIN_LIMITS)
def test_it_limits_password_resets_per_address(owner, mailoutbox):
    client = Client()
    statuses = [client.post("/accounts/password/reset/", {"email": f"u{n}@example.com"}).status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert Client(REMOTE_ADDR="10.0.0.7").post("/accounts/password/reset/", {"email": owner.email}).status_code == 302
    assert len(mailoutbox) == 1


@override_settings(SAWT_RATE_LIMITS=LOGIN_LIMITS)
def test_it_counts_wrong_old_passwords_on_the_password_change_page_toward_the_lockout(owner):
    client = Client()
    client.force_login(owner)
    new = {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"}
    statuses = [
        client.post("/accounts/password/change/", {"old_password": "wrong"} | new).status_code for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    locked = client.post("/accounts/password/change/", {"old_password": PASSWORD} | new)
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    assert api_login("owner", PASSWORD, address="10.0.0.5").status_code == 429  # one counter for every door


@override_settings(SAWT_RATE_LIMITS=LOGIN_LIMITS)
def test_it_counts_wrong_passwords_on_account_deletion_toward_the_lockout(owner):
    from django.contrib.auth import get_user_model

    api = APIClient()
    api.force_authenticate(owner)
    statuses = [api.delete("/api/v1/auth/me/", {"password": "wrong"}, format="json").status_code for _ in range(3)]
    assert statuses == [400, 400, 400]
    page = Client()
    page.force_login(owner)
    assert page.post("/accounts/delete/", {"password": "wrong"}).status_code == 200
    locked = api.delete("/api/v1/auth/me/", {"password": PASSWORD}, format="json")
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "rate_limited"
    locked_page = page.post("/accounts/delete/", {"password": PASSWORD})
    assert locked_page.status_code == 429 and int(locked_page["Retry-After"]) > 0
    assert get_user_model().objects.filter(pk=owner.pk).exists()
