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
