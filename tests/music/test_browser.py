"""The music page in headless Chromium: a typed command, the reply in the conversation, the library."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_sends_a_typed_command_and_shows_the_reply_and_the_library(
    live_server, page, owner, spotify, spotify_account
):
    from music.library import sync_run_execute
    from music.models import SyncRun

    sync_run_execute(run_id=SyncRun.objects.create(owner=owner, account=spotify_account).pk)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "owner")
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("form button[type=submit]")
    page.goto(f"{live_server.url}/music/")
    page.wait_for_selector("#library tr")
    page.fill("#command-text", "play nuvvu nenantu on spotify")
    page.click("#command-form button[type=submit]")
    page.wait_for_selector(".music-sam.music-status-ok")
    assert "Playing Nuvvu Nenantu by Sid Sriram" in page.inner_text("#conversation")
    assert "Playing Nuvvu Nenantu" in page.inner_text("#now-playing")
    page.fill("#library-search", "kesariya")
    page.click("#library-form button[type=submit]")
    page.wait_for_selector("#library-count:text('1 track')")
    assert page.inner_text("#library").startswith("Kesariya")
    page.screenshot(path="/tmp/music-page.png", full_page=True)
    assert spotify.player["is_playing"] and not errors, errors
