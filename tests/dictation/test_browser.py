"""Practising one item end to end in headless Chromium, on the real pages."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from dictation import services
from dictation.models import Item

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
    # Polled from here: wait_for_function evaluates a string in the page, which the CSP forbids.
    for _ in range(100):
        if page.evaluate("document.querySelector('#dictation-audio').readyState") >= 2:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("document.querySelector('#dictation-audio').duration") > 1
    page.click("#show-hint")
    assert page.is_visible("text=Seven words about a habit.")
    page.fill("#typed", "My brother drinks cofee every evening")
    page.click("#check")
    page.locator("#result:not([hidden])").wait_for(timeout=10_000)
    assert not page.is_visible("#diff") and page.locator("#marks .diff-mistake").inner_text() == "evening"
    page.click("#show-answer")

    assert page.inner_text("#wer") == "Word error rate 33.3%"
    assert "1 mistake, 1 typo" in page.inner_text("#counts")
    assert page.inner_text("#diff .diff-typo ins") == "coffee"
    assert page.inner_text("#diff .diff-mistake ins") == "morning."  # as written (issue 20)
    assert page.locator("#diff .diff-ok").count() == 4
    page.screenshot(path="/tmp/dictation-practice.png", full_page=True)

    page.goto(f"{live_server.url}/dictation/stats")
    page.locator("#chart[data-loaded=true] svg").wait_for(timeout=10_000)
    assert page.locator("#chart rect.bar").count() == 30
    assert page.locator("#chart circle.wer-point").count() == 1
    assert page.locator("#forecast-chart[data-loaded=true] rect.bar").count() == 30
    assert "My brother drinks coffee every morning." in page.inner_text("table")
    page.screenshot(path="/tmp/dictation-stats.png", full_page=True)


@pytest.fixture
def due_items(owner):
    first = services.item_create(owner=owner, draft=services.ItemDraft(text="The cat sleeps on the sofa.", locale="en-US"))
    second = services.item_create(owner=owner, draft=services.ItemDraft(text="We eat lunch at noon.", locale="en-US"))
    Item.objects.filter(pk=first.pk).update(review_due=timezone.now() - timedelta(days=2))
    Item.objects.filter(pk=second.pk).update(review_due=timezone.now() - timedelta(days=1))
    return first, second


def test_a_learner_practises_two_due_items_from_the_review_page(due_items, session_id, page, live_server):
    first, second = due_items
    page.context.add_cookies([{"name": "sessionid", "value": session_id, "url": live_server.url}])
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{live_server.url}/dictation/review")
    page.locator(f"#practice[data-item-id='{first.pk}'] #play:not([disabled])").wait_for(timeout=60_000)
    page.fill("#typed", "The cat sleeps on the bed")
    page.press("#typed", "Enter")
    page.locator("#result:not([hidden])").wait_for(timeout=10_000)
    # The first Check marks the wrong word, and shows no answer.
    assert page.locator("#marks .diff-mistake").inner_text() == "bed"
    assert not page.is_visible("#diff") and "sofa" not in page.inner_text("#practice")
    page.click("#show-answer")
    assert "sofa." in page.inner_text("#diff")

    page.click("#next")
    page.locator(f"#practice[data-item-id='{second.pk}'] #play:not([disabled])").wait_for(timeout=60_000)
    assert page.is_hidden("#result") and page.input_value("#typed") == ""
    page.fill("#typed", "We eat lunch")
    page.press("#typed", "Shift+Enter")
    page.type("#typed", "at noon")
    assert page.is_hidden("#result")
    page.press("#typed", "Enter")
    page.locator("#result:not([hidden])").wait_for(timeout=10_000)
    assert page.locator("#marks .diff-ok").count() == 5 and not page.is_visible("#show-answer")

    page.click("#next")
    page.locator("#queue-state:not([hidden])").wait_for(timeout=10_000)
    assert "Nothing is due for review." in page.inner_text("#queue-state")
    page.screenshot(path="/tmp/dictation-review.png", full_page=True)

    # The list now shows both sentences (practised), their progress and their audio state.
    page.goto(f"{live_server.url}/dictation/")
    assert page.locator(".tts-status[data-status=completed]").count() == 2
    assert "The cat sleeps on the sofa." in page.inner_text("#dictation-items")
    assert not errors, errors
