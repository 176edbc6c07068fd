"""The music page in headless Chromium: a typed command, the reply in the conversation, the library; the
player card (devices, now playing with artwork) for Spotify, and its plain no-devices note for SoundCloud."""

import os
import tempfile
from pathlib import Path

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


def sign_in(page, live_server) -> list[str]:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "owner")
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return errors


def test_a_connected_user_picks_a_device_and_sees_what_plays_with_its_artwork(
    live_server, page, owner, spotify, spotify_account, monkeypatch
):
    from playwright.sync_api import expect

    from tests.music.test_player import KITCHEN

    monkeypatch.setattr("music.views.PLAYER_REFRESH_SECONDS", 1)
    spotify.devices.append(dict(KITCHEN))
    errors = sign_in(page, live_server)
    page.goto(f"{live_server.url}/music/")
    expect(page.locator("#now-playing")).to_have_text("Nothing is playing on Spotify right now.")
    expect(page.locator("#device-select option")).to_have_text(["Pixel phone", "Kitchen speaker"])
    expect(page.locator("#device-select")).to_have_value("dev-phone")

    page.fill("#command-text", "play kesariya")
    page.click("#command-form button[type=submit]")
    expect(page.locator("#now-title")).to_have_text("Kesariya")
    expect(page.locator("#now-artist")).to_have_text("Arijit Singh · Brahmastra")
    expect(page.locator("#now-artwork")).to_have_attribute("alt", "Artwork of Brahmastra")
    # The artwork really loaded (from the fake's image host, allowed by the page's CSP img-src).
    page.wait_for_function(
        "() => { const img = document.getElementById('now-artwork');"
        " return !img.hidden && img.complete && img.naturalWidth > 0; }"
    )

    page.select_option("#device-select", "dev-kitchen")
    page.get_by_role("button", name="Move playback").click()
    expect(page.locator("#device-status")).to_have_text("Playing on Kitchen speaker.")
    expect(page.locator("#now-playing")).to_have_text("Playing Kesariya by Arijit Singh on Kitchen speaker.")
    expect(page.locator("#device-select")).to_have_value("dev-kitchen")
    assert [d["id"] for d in spotify.devices if d["is_active"]] == ["dev-kitchen"]

    # Played from elsewhere (the Spotify app itself): the card catches up on its own, without a reload.
    spotify.player["item"] = spotify.track("0VjIjW4GlUZAMYd2vXMi3b")
    expect(page.locator("#now-title")).to_have_text("Blinding Lights")
    expect(page.locator("#now-artist")).to_have_text("The Weeknd · After Hours")
    page.locator("section[aria-labelledby=now-heading]").screenshot(path=str(screenshot_dir() / "music-player.png"))
    assert not errors, errors


def test_a_soundcloud_user_is_told_there_is_no_device_to_pick(live_server, page, owner, soundcloud, soundcloud_account):
    from playwright.sync_api import expect

    errors = sign_in(page, live_server)
    page.goto(f"{live_server.url}/music/")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#soundcloud-note")).to_contain_text("SoundCloud has no remote player")
    expect(page.locator("#device-select")).to_have_count(0)
    assert not errors, errors


def screenshot_dir() -> Path:
    """Where the browser tests put the screenshots of docs/first-steps.md (SAWT_SCREENSHOTS=docs/img)."""
    images = Path(os.environ.get("SAWT_SCREENSHOTS") or Path(tempfile.gettempdir()) / "sawt-screenshots")
    images.mkdir(parents=True, exist_ok=True)
    return images
