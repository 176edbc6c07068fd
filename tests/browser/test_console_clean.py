"""No page logs a console error (CSP violations included), for a visitor, a new user and staff."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"

PUBLIC = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/api/docs/", "/nowhere/"]
SIGNED_IN = [
    "/", "/chat/", "/meetings/", "/meetings/live/", "/music/", "/voicebot/", "/voicebot/businesses/new/",
    "/dictation/", "/dictation/new", "/dictation/stats", "/dictation/review", "/accounts/profile/", "/accounts/tokens/",
    "/accounts/password/change/", "/api/docs/",
]


def watch_console(page) -> list[str]:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    page.on("console", lambda message: errors.append(f"{page.url}: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return errors


def visit(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.wait_for_load_state("networkidle")


def test_no_page_logs_a_console_error(live_server, page):
    errors = watch_console(page)
    for path in PUBLIC:
        visit(page, f"{live_server.url}{path}")
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Username").fill("newcomer")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_selector("text=Welcome to Sawt, newcomer.")
    for path in SIGNED_IN:
        visit(page, f"{live_server.url}{path}")
    errors = [e for e in errors if "/nowhere/" not in e or "404" not in e]  # the 404 page's own status line
    assert errors == [], "\n".join(errors)
