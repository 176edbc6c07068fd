import re
import sqlite3

import pytest

from tests.voicebot.factories import CallFactory, business_for
from voicebot import services
from voicebot.models import Turn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def test_the_test_call_and_call_pages_render_without_script_errors(live_server, owner, client):
    from playwright.sync_api import sync_playwright

    business = business_for(owner, name="Dosa Corner")
    caller = services.caller_get_or_create(business=business, phone="+919812345678")
    call = CallFactory(business=business, caller=caller, transcript_kept=True)
    Turn.objects.create(
        call=call,
        index=1,
        caller_text="A table for two tomorrow at 8 pm",
        bot_text="Okay. What name?",
        endpoint_wait_ms=500,
        asr_ms=110,
        dialogue_ms=4,
        tts_first_byte_ms=3,
        processing_ms=140,
    )
    client.force_login(owner)
    session = client.cookies["sessionid"].value
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context()
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{live_server.url}/voicebot/businesses/{business.pk}/test-call/")
        assert page.get_by_role("button", name="Call").is_visible()
        page.screenshot(path="/tmp/voicebot-test-call.png", full_page=True)
        page.goto(f"{live_server.url}/voicebot/calls/{call.pk}/")
        assert page.locator("#turns").get_by_text("A table for two tomorrow at 8 pm").is_visible()
        page.screenshot(path="/tmp/voicebot-call.png", full_page=True)
        browser.close()
    assert errors == []


@pytest.fixture
def question_wav(tmp_path):  # type: ignore[no-untyped-def]
    """The caller's microphone: a pause (the greeting plays), one question, a pause; Chromium loops it."""
    import numpy as np

    from sawt.speech import audio, tts

    spoken = tts.synthesize("What time do you open tomorrow?", sample_rate=16000).samples
    pause = np.zeros(16000 * 6, np.float32)
    return audio.write_wav(tmp_path / "question.wav", np.concatenate([pause, spoken, pause]), 16000)


@pytest.mark.slow
def test_staff_call_the_bot_from_the_test_call_page_and_open_its_transcript(tmp_path, question_wav):
    """The page's own audio path end to end: microphone -> mu-law frames -> the call pipeline -> the
    bot's playAudio played back, keypad consent, hang-up, then the call's page with both sides."""
    from playwright.sync_api import expect, sync_playwright

    from sawt.testing.liveserver import DaphneServer

    password = "correct horse battery staple"
    server = DaphneServer.on_sqlite(tmp_path)
    business_id = server.manage(
        "shell",
        "-c",
        "from sawt.accounts.models import User; from voicebot.models import Business, Membership; "
        f"user = User.objects.create_user('staff', 's@example.com', '{password}'); "
        "business = Business.objects.create(name='Dosa Corner', phone_number='+918000000009'); "
        "Membership.objects.create(business=business, user=user, role='owner'); print(business.pk)",
    ).strip().splitlines()[-1]
    args = [
        *ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={question_wav}",
        "--autoplay-policy=no-user-gesture-required",
    ]
    with server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{server.url}/accounts/login/?next=/voicebot/businesses/{business_id}/test-call/")
            page.fill("input[name=username]", "staff")
            page.fill("input[name=password]", password)
            page.click("button[type=submit]")
            page.get_by_role("button", name="Call").click()
            status = page.locator("#call-status")
            expect(status).to_have_text("Bot speaking…", timeout=30_000)  # the greeting arrives and plays
            page.locator("#keypad").get_by_role("button", name="1", exact=True).click()  # consent
            # The question (6 s into the loop) is heard and answered: wait for its turn in the server's database.
            expect(status).to_have_text("Listening…", timeout=60_000)
            with sqlite3.connect(tmp_path / "db.sqlite3") as db:
                for _ in range(120):
                    answered = "SELECT count(*) FROM voicebot_turn WHERE caller_text LIKE '%open tomorrow%'"
                    if db.execute(answered).fetchone()[0]:
                        break
                    page.wait_for_timeout(500)
            expect(status).to_have_text("Bot speaking…", timeout=10_000)  # the answer is heard in the page
            conversation = page.locator("#conversation")
            expect(conversation).to_contain_text("You [keypad 1]")
            # The question's first word depends on where the looped microphone file was when the call began
            # ("That was time to open tomorrow." seen): the rest of it is what the page must show.
            expect(conversation).to_contain_text(re.compile(r"You .{0,30}\btime\b.{0,12}open tomorrow", re.I))
            expect(conversation).to_contain_text(re.compile(r"Bot .*we are (open|closed)", re.I))
            page.screenshot(path="/tmp/voicebot-test-call-live.png", full_page=True)
            page.get_by_role("button", name="Hang up").click()
            expect(page.locator("#call-link")).to_be_visible(timeout=10_000)
            page.click("#call-link")
            turns = page.locator("#turns")
            expect(turns).to_contain_text("open tomorrow", timeout=10_000)
            expect(turns).to_contain_text(re.compile(r"we are (open|closed)", re.I))
            page.screenshot(path="/tmp/voicebot-test-call-done.png", full_page=True)
        finally:
            browser.close()
    assert errors == []
