import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def test_it_signs_up_logs_out_and_logs_in_through_the_pages(live_server, page, tmp_path):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Time zone").select_option("Europe/London")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_selector("text=Welcome to Sawt, ada.")
    page.screenshot(path="/tmp/sawt-signed-up.png", full_page=True)

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Username").fill("ada")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("link", name="ada").is_visible()

    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(username="ada").time_zone == "Europe/London"


def test_it_shows_a_friendly_404_page(live_server, page):
    page.goto(f"{live_server.url}/nowhere/")
    assert page.get_by_role("heading", name="Page not found").is_visible()


def test_it_creates_a_token_with_the_password_and_a_password_change_revokes_it(live_server, page):
    import requests

    from tests.factories import UserFactory

    UserFactory(username="grace")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("grace")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("role=link[name='grace']")

    page.goto(f"{live_server.url}/accounts/tokens/")
    page.get_by_label("Name").fill("laptop")
    page.get_by_role("button", name="Create token").click()  # no password: the browser refuses the empty field
    assert not page.locator("#new-token").count()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Create token").click()
    key = page.locator("#new-token").inner_text()
    me = f"{live_server.url}/api/v1/auth/me/"
    assert requests.get(me, headers={"Authorization": f"Bearer {key}"}, timeout=5).status_code == 200

    page.goto(f"{live_server.url}/accounts/password/change/")
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", "a brand new passphrase")
    page.fill("#id_new_password2", "a brand new passphrase")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_selector("text=All your API tokens are revoked")
    assert requests.get(me, headers={"Authorization": f"Bearer {key}"}, timeout=5).status_code == 401
