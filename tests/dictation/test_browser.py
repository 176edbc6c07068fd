"""Practising one item end to end in headless Chromium, on the real pages."""

import pytest
from django.test import Client

from dictation import services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def item(owner):
    return services.item_create(owner=owner, draft=services.ItemDraft(
        text="My brother drinks coffee every morning.", locale="en-US", hint="Seven words about a habit."))


@pytest.fixture
def session_id(owner):
    client = Client()
    client.force_login(owner)
    return client.cookies["sessionid"].value


@pytest.fixture
def signed_in(item, session_id, page, live_server):
    # The ORM work (the item, the session) comes before `page`: Playwright then runs an event loop in this
    # thread, and a connection opened under it outlives the test (PostgreSQL cannot drop the test database).
    page.context.add_cookies([{"name": "sessionid", "value": session_id, "url": live_server.url}])
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    assert not errors, errors


def test_a_learner_practises_one_item_on_the_real_page(signed_in, live_server, item):
    page = signed_in
    page.goto(f"{live_server.url}/dictation/items/{item.pk}/practice")
    page.locator("#play:not([disabled])").wait_for(timeout=30_000)
    page.click("#play")
    page.click("#slow")
    assert page.evaluate("document.querySelector('#dictation-audio').playbackRate") == 0.75
    page.wait_for_function("document.querySelector('#dictation-audio').readyState >= 2", timeout=10_000)
    assert page.evaluate("document.querySelector('#dictation-audio').duration") > 1
    page.click("#show-hint")
    assert page.is_visible("text=Seven words about a habit.")
    page.fill("#typed", "My brother drinks cofee every evening")
    page.click("#check")
    page.locator("#result:not([hidden])").wait_for(timeout=10_000)

    assert page.inner_text("#wer") == "Word error rate 33.3%"
    assert "1 mistake, 1 typo" in page.inner_text("#counts")
    assert page.inner_text("#diff .diff-typo ins") == "coffee"
    assert page.inner_text("#diff .diff-mistake ins") == "morning"
    assert page.locator("#diff .diff-ok").count() == 4
    page.screenshot(path="/tmp/dictation-practice.png", full_page=True)

    page.goto(f"{live_server.url}/dictation/stats")
    page.locator("#chart[data-loaded=true] svg").wait_for(timeout=10_000)
    assert page.locator("#chart rect.bar").count() == 30
    assert page.locator("#chart circle.wer-point").count() == 1
    assert "My brother drinks coffee every morning." in page.inner_text("table")
    page.screenshot(path="/tmp/dictation-stats.png", full_page=True)
