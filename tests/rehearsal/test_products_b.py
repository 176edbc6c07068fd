"""Chromium through the meetings and the voice bot, under production settings, behind nginx.

A meeting uploaded from its page is followed to its transcript, its speaker renamed, shared with someone who
signed up a moment ago, exported and played from a line's time (the audio is served with HTTP Range). A staff
member calls the voice bot from the test-call page with a fake microphone, consents on the keypad, hears the
question answered and opens the call's transcript.
"""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.rehearsal.plugin import log_in

MEETING_TIMEOUT_MS = 150_000  # upload -> transcribed, diarized and summarised by the worker on 2 cores


@pytest.fixture
def browser_args(question_wav: Path) -> list[str]:
    """The caller's microphone: a pause (the greeting plays), the question, a pause; Chromium loops it."""
    return [f"--use-file-for-fake-audio-capture={question_wav}"]



def sign_up(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/signup/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    page.click("button[type=submit]")
    expect(page.locator("body")).to_contain_text(f"Welcome to Sawt, {username}.")


def test_it_takes_an_uploaded_meeting_to_a_renamed_shared_exported_transcript_that_seeks_the_audio(
    page: Any, browser: Any, base_url: str, password: str, meeting_wav: Path, api: httpx.Client
) -> None:
    # Someone new, to share with: signed up through the page, in a browser of their own.
    guest_name = f"guest-{secrets.token_hex(4)}"
    guest_context = browser.new_context(ignore_https_errors=True)
    guest = guest_context.new_page()
    guest_errors: list[str] = []
    guest.on("pageerror", lambda error: guest_errors.append(str(error)))
    sign_up(guest, base_url, guest_name, password)

    log_in(page, base_url, "rehearsal-script", password, "/meetings/")
    title = f"Planning {secrets.token_hex(3)}"
    page.set_input_files("#upload-form input[name=file]", str(meeting_wav))
    page.fill("#upload-form input[name=title]", title)
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/meetings/\d+/$"), timeout=60_000)
    meeting_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    audio_answers: list[tuple[int, str]] = []  # (status, Range asked for) of each answer the player got
    page.on(
        "response",
        lambda r: audio_answers.append((r.status, r.request.headers.get("range", "")))
        if r.url.endswith(f"/meetings/{meeting_id}/audio/")
        else None,
    )
    expect(page.get_by_role("textbox", name="Meeting title")).to_have_value(title)  # renamed in place
    expect(page.locator("#meeting-status")).to_have_text(re.compile("queued|processing"))
    page.screenshot(path="/tmp/rehearsal-meeting-processing.png", full_page=True)

    # The page follows the job by itself and reloads once it is done.
    expect(page.locator("#meeting-status")).to_have_text("completed", timeout=MEETING_TIMEOUT_MS)
    transcript = page.locator("#transcript")
    expect(transcript).to_contain_text("budget", ignore_case=True)
    expect(transcript).to_contain_text("contract", ignore_case=True)
    expect(page.locator("#speakers .speaker")).to_have_count(2)
    page.screenshot(path="/tmp/rehearsal-meeting-transcript.png", full_page=True)

    # Rename a speaker inline: every line of theirs says the new name, and it is stored.
    name = page.locator("#speakers input.speaker-name").first
    speaker_id = int(name.get_attribute("data-speaker"))
    name.fill("Amira")
    name.press("Tab")
    expect(transcript.locator(f'.who[data-speaker="{speaker_id}"]').first).to_have_text("Amira")
    stored = api.get(f"/api/v1/meetings/{meeting_id}/transcript/").json()
    assert {"id": speaker_id, "name": "Amira"}.items() <= next(
        s for s in stored["speakers"] if s["id"] == speaker_id
    ).items()

    # Share it read-only with the guest, who then finds it among their meetings and reads it.
    page.fill("#share-form input[name=username]", guest_name)
    page.click("#share-form button[type=submit]")
    expect(page.locator("#participants")).to_contain_text(f"{guest_name} can read")
    page.screenshot(path="/tmp/rehearsal-meeting-shared.png", full_page=True)
    guest.goto(f"{base_url}/meetings/")
    guest.get_by_role("link", name=title).click()
    expect(guest.locator("#transcript")).to_contain_text("Amira")
    expect(guest.locator("#transcript [contenteditable]")).to_have_count(0)
    guest.wait_for_function("() => document.getElementById('player').duration > 30")  # the guest may play it too
    guest.screenshot(path="/tmp/rehearsal-meeting-guest.png", full_page=True)
    guest_context.close()
    assert guest_errors == []

    # Export: the TXT button downloads the transcript with the speaker's new name.
    with page.expect_download() as download_info:
        page.locator(".export-buttons").get_by_role("link", name="TXT").click()
    download = download_info.value
    assert download.suggested_filename == f"meeting-{meeting_id}.txt"
    exported = Path(download.path()).read_text(encoding="utf-8")
    assert "Amira" in exported
    assert "contract" in exported.lower()

    # A line's time seeks the player there (a Range request for that part of the file) and marks the line.
    line = transcript.locator(".line").nth(3)
    start = float(line.get_attribute("data-start"))
    assert start > 5
    line.locator("[data-seek]").click()
    page.wait_for_function(
        "start => { const p = document.getElementById('player');"
        " return !p.seeking && p.currentTime >= start - 0.5 && p.currentTime < start + 5; }",
        arg=start,
        timeout=15_000,
    )
    expect(line).to_have_class(re.compile(r"\bcurrent\b"))
    # Served as ranges (nginx, after the application's X-Accel-Redirect): a player can seek without the whole file.
    assert any(status == 206 and asked.startswith("bytes=") for status, asked in audio_answers), audio_answers
    page.screenshot(path="/tmp/rehearsal-meeting-seek.png", full_page=True)


def test_it_lets_staff_call_the_voice_bot_consent_on_the_keypad_and_read_the_call(
    page: Any, base_url: str, password: str, state: dict[str, Any]
) -> None:
    heard: list[tuple[str, str]] = []  # (event, caller's words) of each message the bot sent the page

    def listen(socket: Any) -> None:
        def note(payload: str | bytes) -> None:
            message = json.loads(payload)
            heard.append((message.get("event", ""), message.get("caller") or ""))

        if "/ws/voicebot/" in socket.url:
            socket.on("framereceived", note)

    page.on("websocket", listen)
    test_call = f"/voicebot/businesses/{state['business_id']}/test-call/"
    log_in(page, base_url, "rehearsal-staff", password, test_call)
    page.get_by_role("button", name="Call").click()
    status = page.locator("#call-status")
    expect(status).to_have_text("Bot speaking…", timeout=30_000)  # the greeting arrives over wss:// and plays
    page.locator("#keypad").get_by_role("button", name="1", exact=True).click()  # consent to a transcript
    conversation = page.locator("#conversation")
    expect(conversation).to_contain_text("You [keypad 1]", timeout=30_000)
    # The question (6 s into the microphone's loop) is heard, answered, and the answer played.
    expect(conversation).to_contain_text(re.compile(r"You what time do you open tomorrow", re.I), timeout=60_000)
    expect(conversation).to_contain_text(re.compile(r"Bot .*we are (open|closed)", re.I))

    def answer_sent() -> bool:
        """The answer's audio reached the page after the question's turn, up to its closing checkpoint."""
        asked = next((i for i, (event, words) in enumerate(heard) if event == "turn" and "open" in words.lower()), None)
        after = [event for event, _ in heard[asked:]] if asked is not None else []
        return "playAudio" in after and "checkpoint" in after

    for _ in range(120):
        if answer_sent():
            break
        page.wait_for_timeout(500)
    assert answer_sent(), heard[-5:]
    expect(status).to_have_text("Listening…", timeout=30_000)  # ...and played to its end
    page.screenshot(path="/tmp/rehearsal-voicebot-call.png", full_page=True)

    page.get_by_role("button", name="Hang up").click()
    expect(status).to_contain_text("Call ended")
    page.locator("#call-link").click()
    page.wait_for_url(re.compile(r".*/voicebot/calls/\d+/$"))
    turns = page.locator("#turns")
    expect(turns).to_contain_text("open tomorrow", ignore_case=True)
    expect(turns).to_contain_text(re.compile(r"we are (open|closed)", re.I))
    expect(page.get_by_text("did not consent")).to_have_count(0)  # the keypad consent was stored
    page.screenshot(path="/tmp/rehearsal-voicebot-transcript.png", full_page=True)
