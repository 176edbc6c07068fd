"""Browser tests against a real daphne (eager Celery inside it): upload -> transcript with speakers,
and a live meeting recorded from Chromium's fake microphone."""

import os
from pathlib import Path

import numpy as np
import pytest

from tests.browsers import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery staple"
CHUNK_BYTES = 128 * 1024


@pytest.fixture(scope="module")
def meetings_server(tmp_path_factory):
    from sawt.testing.liveserver import DaphneServer

    folder = tmp_path_factory.mktemp("meetings-server")
    log = os.environ.get("SAWT_MEETINGS_SERVER_LOG")
    server = DaphneServer.on_sqlite(folder, log_path=Path(log) if log else None)
    # Small chunks, so that an ordinary recording goes up in several (the page always uploads in chunks).
    server.env["MEETINGS_CHUNK_BYTES"] = str(CHUNK_BYTES)
    server.manage(
        "shell",
        "-c",
        "from sawt.accounts.models import User; "
        f"User.objects.create_user('host', 'h@example.com', '{PASSWORD}'); "
        f"User.objects.create_user('guest', 'g@example.com', '{PASSWORD}')",
    )
    with server:
        yield server


def sign_in(page, server, next_url: str, username: str = "host") -> None:
    page.goto(f"{server.url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def test_it_uploads_a_file_and_shows_the_transcript_and_speakers(meetings_server, shared_data):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            page = context.new_page()
            sign_in(page, meetings_server, "/meetings/")
            # Another tab, elsewhere on the site, hears when the meeting is ready.
            elsewhere = context.new_page()
            with elsewhere.expect_websocket(lambda socket: socket.url.endswith("/ws/notifications/")):
                elsewhere.goto(f"{meetings_server.url}/dictation/")
            page.bring_to_front()
            page.set_input_files("#upload-form input[name=file]", os.path.join(shared_data, "pyannote_sample.wav"))
            page.fill("#upload-form input[name=title]", "Diane and Sheila")
            page.click("#upload-form button[type=submit]")
            page.wait_for_url("**/meetings/*/", timeout=300_000)
            expect(page.locator("#meeting-status")).to_have_text("completed", timeout=300_000)
            expect(page.locator("#transcript .line").first).to_be_visible()
            expect(page.locator("#transcript")).to_contain_text("New Jersey")
            expect(page.locator("#speakers .speaker")).to_have_count(2)
            expect(page.locator("#summary .summary-text")).to_contain_text("Speaker")
            page.screenshot(path="/tmp/sawt-meetings-detail.png", full_page=True)
            # The player plays the upload, which is served as an attachment (an <audio> element ignores that).
            page.wait_for_function("() => { const p = document.querySelector('#player'); return p.duration > 10; }")
            page.evaluate("() => { const p = document.querySelector('#player'); p.muted = true; return p.play(); }")
            page.wait_for_function("() => document.querySelector('#player').currentTime > 0.2")
            # A click on a word plays from it, and the word being played is lit.
            word = page.locator("#transcript .word").nth(6)
            start = float(word.get_attribute("data-start"))
            word.click()
            page.wait_for_function(f"() => Math.abs(document.querySelector('#player').currentTime - {start}) < 1.5")
            expect(page.locator("#transcript .word.playing")).to_have_count(1)
            toast = elsewhere.locator("#notifications .toast")
            expect(toast).to_contain_text("“Diane and Sheila” is ready.")
            expect(toast.locator("a")).to_have_attribute("href", page.url.removeprefix(meetings_server.url))
            elsewhere.screenshot(path="/tmp/sawt-meetings-ready-toast.png")
            elsewhere.close()

            # Inline rename: every line of that speaker shows the new name.
            page.locator("#speakers input.speaker-name").first.fill("Diane")
            page.locator("#speakers input.speaker-name").first.press("Tab")
            expect(page.locator("#transcript .who").filter(has_text="Diane").first).to_be_visible()
            expect(page.locator("#summary .summary-text")).to_contain_text("Diane")  # at once, no reload
            page.reload()
            expect(page.locator("#transcript")).to_contain_text("Diane")
            expect(page.locator("#summary .summary-text")).to_contain_text("Diane")  # named there too

            # Share it read-only; the guest reads it and cannot edit anything.
            # An unknown name is answered like a known one (no probing for usernames), and shares nothing.
            page.fill("#share-form input[name=username]", "nobody")
            with page.expect_navigation():
                page.click("#share-form button[type=submit]")
            expect(page.locator("#participants")).not_to_contain_text("nobody")
            page.fill("#share-form input[name=username]", "guest")
            page.click("#share-form button[type=submit]")
            expect(page.locator("#participants")).to_contain_text("guest can read")
            page.screenshot(path="/tmp/sawt-meetings-shared.png", full_page=True)
            meeting_path = page.url.removeprefix(meetings_server.url)
            guest = browser.new_context().new_page()
            sign_in(guest, meetings_server, meeting_path, username="guest")
            expect(guest.locator("#transcript")).to_contain_text("Diane")
            expect(guest.locator("#transcript [contenteditable]")).to_have_count(0)
            expect(guest.locator("#speakers input")).to_have_count(0)
            expect(guest.locator("#share-form")).to_have_count(0)
            page.click("#participants [data-unshare]")
            expect(page.locator("#participants")).to_contain_text("Only you can see this meeting.")
            guest.reload()
            expect(guest.locator("h1")).to_contain_text("not found", ignore_case=True)

            page.goto(f"{meetings_server.url}/meetings/?q=Chicago")
            expect(page.locator(".search-hits")).to_contain_text("Chicago")
            page.screenshot(path="/tmp/sawt-meetings-list.png", full_page=True)
        finally:
            browser.close()


@pytest.fixture
def speech_wav(tmp_path, shared_data) -> Path:
    from sawt.speech import audio

    samples = audio.decode_audio(os.path.join(shared_data, "fw_jfk.flac"))
    return audio.write_wav(tmp_path / "speech.wav", np.concatenate([samples, np.zeros(16000 * 3, np.float32)]), 16000)


def test_it_records_a_live_meeting_from_the_microphone(meetings_server, speech_wav):
    from playwright.sync_api import expect, sync_playwright

    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={speech_wav}",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            context = browser.new_context()
            page = context.new_page()
            sign_in(page, meetings_server, "/meetings/")
            page.click("text=record a meeting live")  # found from the meeting list, not typed in
            page.fill("#live-title", "Live JFK")
            page.click("#live-mic")
            expect(page.locator("#live-status")).to_contain_text("Recording", timeout=20_000)
            # Someone watching the meeting's own page (another tab) sees the lines as they are said.
            watcher = context.new_page()
            watcher.goto(f"{meetings_server.url}/meetings/")
            watcher.click("text=Live JFK")
            expect(watcher.locator("#meeting-status")).to_have_text("live")
            expect(page.locator("#live-finals")).to_contain_text("country", timeout=90_000)
            expect(watcher.locator("#transcript .live-line")).to_contain_text(["country"], timeout=60_000)
            watcher.screenshot(path="/tmp/sawt-meetings-watch.png", full_page=True)
            page.click("#live-mic")
            expect(page.locator("#live-link")).to_be_visible(timeout=300_000)
            page.screenshot(path="/tmp/sawt-meetings-live.png", full_page=True)
            # When processing ends the watcher's page shows the finished meeting by itself.
            expect(watcher.locator("#meeting-status")).to_have_text("completed", timeout=120_000)
            expect(watcher.locator("#transcript .who").first).to_be_visible()
            page.click("#live-link a")
            expect(page.locator("#transcript")).to_contain_text("country", timeout=30_000)
        finally:
            browser.close()


# A finished meeting with three speakers and word timings, made directly in the server's database.
SEED_MEETING = """
from meetings.models import Meeting, Segment, Speaker
from sawt.accounts.models import User

meeting = Meeting.objects.create(owner=User.objects.get(username="host"), title="Page fixes", status="completed")
speakers = [Speaker.objects.create(meeting=meeting, label=f"SPEAKER_0{i}", color=i) for i in range(3)]
lines = [
    (0, 0.0, "We ship today. Agreed."),
    (1, 3.0, "Who has the figures?"),
    (2, 6.0, "I have them here."),
]
for index, (who, start, text) in enumerate(lines):
    words = [
        {"start": start + 0.5 * i, "end": start + 0.5 * i + 0.4, "word": (" " if i else "") + w, "probability": 0.9}
        for i, w in enumerate(text.split())
    ]
    Segment.objects.create(
        meeting=meeting, index=index, start=start, end=start + 2.5, text=text, speaker=speakers[who], words=words
    )
print(meeting.pk, *[s.pk for s in speakers])
"""


def test_it_merges_speakers_moves_words_and_lines_deletes_and_undoes(meetings_server):
    from playwright.sync_api import expect, sync_playwright

    meeting_id, first, second, third = meetings_server.manage("shell", "-c", SEED_MEETING).splitlines()[-1].split()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            sign_in(page, meetings_server, f"/meetings/{meeting_id}/")
            lines = page.locator("#transcript .line")
            expect(page.locator("#speakers .speaker")).to_have_count(3)

            # Merge Speaker 02 into Speaker 01: one speaker fewer, its line now Speaker 01's.
            with page.expect_navigation():
                page.select_option(f"#speakers select.merge-into[data-speaker='{third}']", second)
            expect(page.locator("#speakers .speaker")).to_have_count(2)
            expect(lines.filter(has_text="I have them here.").locator(".who")).to_have_text("Speaker 01")

            # Select the last word of the first line and give it to Speaker 01: it becomes a line of its own.
            page.evaluate(
                """() => new Promise((resolve) => {
                    const words = document.querySelectorAll("#transcript .line:first-child .word");
                    const range = document.createRange();
                    range.selectNodeContents(words[words.length - 1]);
                    document.addEventListener("selectionchange", resolve, { once: true });
                    window.getSelection().removeAllRanges();
                    window.getSelection().addRange(range);
                })"""
            )
            with page.expect_navigation():
                page.select_option("#transcript .line:first-child select.move-line", second)
            expect(lines).to_have_count(4)
            expect(lines.nth(0).locator(".text")).to_have_text("We ship today.")
            expect(lines.nth(0).locator(".who")).to_have_text("Speaker 00")
            expect(lines.nth(1).locator(".text")).to_have_text("Agreed.")
            expect(lines.nth(1).locator(".who")).to_have_text("Speaker 01")

            # A whole line, with nothing selected in it.
            with page.expect_navigation():
                lines.filter(has_text="Who has the figures?").locator("select.move-line").select_option(first)
            expect(lines.filter(has_text="Who has the figures?").locator(".who")).to_have_text("Speaker 00")

            page.screenshot(path="/tmp/sawt-meetings-fixed.png", full_page=True)

            # Delete, then undo from the list within 30 seconds.
            page.click("#delete-meeting")
            page.wait_for_url("**/meetings/?deleted=*")
            expect(page.locator("#undo-delete")).to_contain_text("“Page fixes” was deleted.")
            expect(page.locator(".meetings-table")).not_to_contain_text("Page fixes")
            page.screenshot(path="/tmp/sawt-meetings-undo.png", full_page=True)
            page.click("#undo-delete-button")
            page.wait_for_url(f"**/meetings/{meeting_id}/")
            expect(page.locator("#meeting-title")).to_have_value("Page fixes")
            expect(lines).to_have_count(4)
            page.goto(f"{meetings_server.url}/meetings/")
            expect(page.locator(".meetings-table")).to_contain_text("Page fixes")
        finally:
            browser.close()


def test_it_resumes_a_chunked_upload_after_a_dropped_connection(meetings_server, shared_data):
    from playwright.sync_api import expect, sync_playwright

    recording = Path(shared_data) / "fw_stereo_diarization.wav"
    content = recording.read_bytes()
    assert len(content) > 2 * CHUNK_BYTES  # three chunks at least
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            sign_in(page, meetings_server, "/meetings/")
            chunks: list[str] = []

            def drop_the_second_answer(route):
                if route.request.method != "PUT":
                    route.continue_()
                    return
                chunks.append(route.request.headers["content-range"])
                if len(chunks) == 2:
                    route.fetch()  # the server stores the chunk, the browser never hears of it
                    route.abort("connectionreset")
                    return
                route.continue_()

            page.route("**/api/v1/meetings/uploads/*/", drop_the_second_answer)
            page.set_input_files("#upload-form input[name=file]", str(recording))
            page.fill("#upload-form input[name=title]", "Resumed upload")
            page.click("#upload-form button[type=submit]")
            page.wait_for_url("**/meetings/*/", timeout=300_000)

            expected = len(content) // CHUNK_BYTES + 1
            # Each chunk once, but the one whose answer was lost: the client asked what arrived and went on.
            assert len(chunks) == expected and len(set(chunks)) == expected
            meeting_path = page.url.removeprefix(meetings_server.url)
            audio = page.request.get(f"{meetings_server.url}/api/v1{meeting_path}audio/")
            assert audio.body() == content
            expect(page.locator("#meeting-title")).to_have_value("Resumed upload")
        finally:
            browser.close()
