"""Issue 21's acceptance, as a new non-staff user made through the sign-up page, on daphne (sockets and
all): set up a business with its hours from the pages and take a test call that ends with a transcript
link; add and cancel a booking by hand; the music page without provider apps explains the setup and has
no Connect link; no console error on any page. The screenshots go to docs/img/ for docs/first-steps.md."""

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.browsers import CHROMIUM, CHROMIUM_ARGS, FAKE_MEDIA_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery staple"
IMAGES = Path(__file__).resolve().parents[2] / "docs" / "img"


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """A small PNG of what the user sees (the viewport, not the whole page)."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMAGES / f"{name}.png"))


@pytest.fixture
def silent_microphone(tmp_path: Path) -> Path:
    import numpy as np

    from sawt.speech import audio

    return audio.write_wav(tmp_path / "silence.wav", np.zeros(16000 * 20, np.float32), 16000)


def test_a_new_user_sets_up_a_business_books_by_hand_calls_the_bot_and_reads_the_music_setup(
    tmp_path, silent_microphone
):
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    from sawt.testing.liveserver import DaphneServer

    server = DaphneServer.on_sqlite(tmp_path)
    for name in ("SPOTIFY", "SOUNDCLOUD"):
        server.env[f"MUSIC_{name}_CLIENT_ID"] = ""
        server.env[f"MUSIC_{name}_CLIENT_SECRET"] = ""
    args = [*CHROMIUM_ARGS, *FAKE_MEDIA_ARGS, f"--use-file-for-fake-audio-capture={silent_microphone}"]
    errors: list[str] = []
    with server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            context = browser.new_context(viewport={"width": 1000, "height": 760}, timezone_id="Europe/Paris")
            page = context.new_page()
            page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))

            # Sign up: the time zone comes from the browser.
            page.goto(f"{server.url}/")
            page.get_by_role("link", name="Sign up").first.click()
            page.get_by_label("Username").fill("newcomer")
            expect(page.get_by_label("Time zone")).to_have_value("Europe/Paris")
            page.fill("#id_password1", PASSWORD)
            page.fill("#id_password2", PASSWORD)
            shot(page, "signup")
            page.get_by_role("button", name="Sign up").click()
            expect(page.get_by_text("Welcome to Sawt, newcomer.")).to_be_visible()

            # The voice bot's empty state leads to the setup page; the hours are a grid.
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Voice bot").click()
            expect(page.locator("#no-business")).not_to_contain_text("/api/")
            page.get_by_role("link", name="Set up your business").click()
            expect(page.get_by_label("Time zone")).to_have_value("Europe/Paris")
            page.get_by_label("Name").fill("Dosa Corner")
            page.get_by_label("Phone number callers dial").fill("+91 80 4000 1234")
            for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
                page.get_by_label(f"{day} open 1").fill("09:00")
                page.get_by_label(f"{day} close 1").fill("15:00")  # and from 18:00, as the form offers
            page.get_by_label("Seats per slot").fill("12")
            page.locator("#opening-hours").scroll_into_view_if_needed()
            shot(page, "voicebot-new-business")
            page.get_by_role("button", name="Create the business").click()
            expect(page.get_by_role("heading", name="Dosa Corner")).to_be_visible()

            # A booking by hand, then cancelled after a confirmation.
            page.get_by_role("link", name="Add a booking").click()
            day = (dt.date.today() + dt.timedelta(days=2)).isoformat()
            page.get_by_label("Date").fill(day)
            page.get_by_label("Time").fill("19:00")
            page.get_by_label("Party size").fill("3")
            page.get_by_label("Name").fill("Ravi")
            page.get_by_role("button", name="Book").click()
            upcoming = page.locator("#upcoming")
            expect(upcoming).to_contain_text("Ravi, 3")
            shot(page, "voicebot-business")
            upcoming.get_by_role("link", name="Cancel").click()
            expect(page.get_by_role("heading", name="Cancel this booking?")).to_be_visible()
            page.get_by_role("button", name="Yes, cancel it").click()
            expect(page.get_by_text("Ravi's booking is cancelled.")).to_be_visible()
            expect(page.locator("#upcoming")).not_to_contain_text("Ravi")

            # A test call: the greeting plays, we hang up, the page says so and links the transcript.
            page.get_by_role("link", name="Test call").click()
            page.get_by_role("button", name="Call").click()
            status = page.locator("#call-status")
            expect(status).to_have_text("Bot speaking…", timeout=60_000)
            expect(page.locator("#conversation")).to_contain_text("Bot", timeout=30_000)
            page.get_by_role("button", name="Hang up").click()
            expect(status).to_contain_text("Call ended", timeout=15_000)
            expect(page.locator("#call-link")).to_be_visible()
            page.wait_for_timeout(1500)  # the bot's last words finish; nothing writes "Listening…" over it
            expect(status).to_contain_text("Call ended")
            shot(page, "voicebot-test-call")
            page.click("#call-link")
            expect(page.locator("#turns")).to_contain_text(re.compile(r"\w"), timeout=10_000)

            # Music without provider apps: the operator's steps, a disabled Connect, no link to follow.
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Music").click()
            expect(page.locator("#setup-spotify")).to_contain_text("/api/v1/music/adapter/spotify/callback")
            expect(page.locator("#setup-spotify")).to_contain_text("MUSIC_SPOTIFY_CLIENT_ID")
            assert page.locator("a[href*='/adapter/']").count() == 0
            assert page.get_by_role("button", name="Connect").first.is_disabled()
            IMAGES.mkdir(parents=True, exist_ok=True)
            page.locator("section[aria-labelledby=accounts-heading]").screenshot(path=str(IMAGES / "music-setup.png"))

            # Home: the products with what is there and what needs attention.
            page.goto(f"{server.url}/")
            expect(page.get_by_role("heading", name="Hello, newcomer")).to_be_visible()
            shot(page, "home")
        finally:
            browser.close()
    assert errors == [], "\n".join(errors)


def test_the_test_call_page_ends_cleanly_when_the_bot_hangs_up(tmp_path, silent_microphone):
    """Nobody speaks: the bot asks, says goodbye and hangs up; the page says "Call ended" (no close code),
    links the transcript, and nothing writes "Listening…" over it afterwards."""
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    from sawt.testing.liveserver import DaphneServer

    server = DaphneServer.on_sqlite(tmp_path)
    server.env.update(VOICEBOT_SILENCE_PROMPT_SECONDS="2", VOICEBOT_SILENCE_HANGUP_SECONDS="5")
    business_id = server.manage(
        "shell", "-c",
        "from sawt.accounts.models import User; from voicebot.models import Business, Membership; "
        f"user = User.objects.create_user('host', 'h@example.com', '{PASSWORD}'); "
        "business = Business.objects.create(name='Dosa Corner', phone_number='+918000000010'); "
        "Membership.objects.create(business=business, user=user, role='owner'); print(business.pk)",
    ).strip().splitlines()[-1]
    args = [*CHROMIUM_ARGS, *FAKE_MEDIA_ARGS, f"--use-file-for-fake-audio-capture={silent_microphone}"]
    errors: list[str] = []
    with server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
            page.goto(f"{server.url}/accounts/login/?next=/voicebot/businesses/{business_id}/test-call/")
            page.fill("input[name=username]", "host")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.get_by_role("button", name="Call").click()
            status = page.locator("#call-status")
            expect(status).to_contain_text("Call ended", timeout=90_000)
            expect(status).not_to_contain_text("(")  # words, not a close code
            expect(page.locator("#call-link")).to_be_visible()
            expect(page.locator("#conversation")).to_contain_text("hang up")
            page.wait_for_timeout(4000)  # the goodbye finishes playing; the page still says the call ended
            expect(status).to_contain_text("Call ended")
            expect(page.get_by_role("button", name="Call")).to_be_visible()
            page.click("#call-link")
            expect(page.locator("#turns tbody tr").first).to_be_visible(timeout=10_000)  # the call's turns
        finally:
            browser.close()
    assert errors == [], "\n".join(errors)
