"""Chromium's fake microphone speaks a real recording into /chat/; the words appear on the page."""

import os
from pathlib import Path

import numpy as np
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]


@pytest.fixture
def speech_wav(tmp_path, jfk_pcm) -> Path:
    """The JFK recording as a 16-bit WAV with a pause after it (Chromium loops the file)."""
    from sawt.speech import audio

    samples = np.frombuffer(jfk_pcm, "<i2").astype(np.float32) / 32768
    return audio.write_wav(tmp_path / "speech.wav", np.concatenate([samples, np.zeros(16000 * 3, np.float32)]), 16000)


def test_it_shows_the_words_spoken_into_the_microphone(chat_server, speech_wav):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[*CHROMIUM_ARGS, f"--use-file-for-fake-audio-capture={speech_wav}"],
        )
        try:
            page = browser.new_page()
            sign_in(page, chat_server)

            page.click("#chat-mic")
            expect(page.locator("#chat-status")).to_contain_text("Listening", timeout=20_000)
            expect(page.locator("#chat-finals")).to_contain_text("country", timeout=60_000)
            page.screenshot(path=os.path.join("/tmp", "sawt-chat-live.png"), full_page=True)
            page.click("#chat-mic")
            expect(page.locator("#chat-status")).to_contain_text("Saved", timeout=30_000)
            expect(page.locator("#chat-sessions")).to_contain_text("message", timeout=10_000)
            page.screenshot(path=os.path.join("/tmp", "sawt-chat-saved.png"), full_page=True)
        finally:
            browser.close()


def sign_in(page, server) -> None:
    page.goto(f"{server.url}/accounts/login/?next=/chat/")
    page.fill("input[name=username]", "speaker")
    page.fill("input[name=password]", server.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/chat/")


def test_it_explains_a_refused_microphone_and_an_unreachable_server(chat_server):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        # No fake-UI flag: the permission prompt is dismissed, so the microphone is refused.
        refusing = [a for a in CHROMIUM_ARGS if a != "--use-fake-ui-for-media-stream"]
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=refusing)
        try:
            page = browser.new_context(permissions=[]).new_page()
            sign_in(page, chat_server)
            page.click("#chat-mic")
            expect(page.locator("#chat-status")).to_contain_text("Microphone access was refused", timeout=15_000)
            page.screenshot(path="/tmp/sawt-chat-refused.png")

            # A page whose server is gone: every socket closes before it opens.
            page = browser.new_context(permissions=[]).new_page()
            page.add_init_script(
                "window.WebSocket = class { constructor() { setTimeout(() => this.onclose({ code: 1006 }), 10); } };"
            )
            sign_in(page, chat_server)
            page.click("#chat-mic")
            expect(page.locator("#chat-status")).to_contain_text("Cannot reach the Sawt server", timeout=10_000)
            page.screenshot(path="/tmp/sawt-chat-down.png")
        finally:
            browser.close()


# Firefox cannot connect a microphone to an AudioContext whose rate differs from the device's: the
# context is made, then createMediaStreamSource throws. This makes Chromium do the same.
FIREFOX_AUDIO_CONTEXT = """
(() => {
  const Native = window.AudioContext;
  window.AudioContext = class extends Native {
    constructor(options) {
      super(options);
      if (options && options.sampleRate) {
        this.createMediaStreamSource = () => {
          throw new DOMException(
            "AudioContext.createMediaStreamSource: Connecting AudioNodes from AudioContexts with " +
              "different sample-rate is currently not supported.",
            "NotSupportedError",
          );
        };
      }
    }
  };
})();
"""


def test_it_transcribes_in_a_browser_that_refuses_a_fixed_rate_audio_context(chat_server, speech_wav):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[*CHROMIUM_ARGS, f"--use-file-for-fake-audio-capture={speech_wav}"],
        )
        try:
            page = browser.new_page()
            page.add_init_script(FIREFOX_AUDIO_CONTEXT)
            sign_in(page, chat_server)

            page.click("#chat-mic")
            expect(page.locator("#chat-status")).to_contain_text("Listening", timeout=20_000)
            expect(page.locator("#chat-finals")).to_contain_text("country", timeout=60_000)
            page.click("#chat-mic")
            expect(page.locator("#chat-status")).to_contain_text("Saved", timeout=30_000)
        finally:
            browser.close()


def test_a_capture_error_releases_the_microphone_and_says_what_happened(chat_server, speech_wav):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[*CHROMIUM_ARGS, f"--use-file-for-fake-audio-capture={speech_wav}"],
        )
        try:
            page = browser.new_page()
            # Every audio graph fails to build; the page must stop the tracks it opened.
            page.add_init_script(
                """
                window.__tracks = [];
                const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
                navigator.mediaDevices.getUserMedia = async (c) => {
                  const s = await getUserMedia(c); window.__tracks.push(...s.getTracks()); return s;
                };
                AudioContext.prototype.createMediaStreamSource = function () {
                  throw new DOMException("The audio device failed.", "NotSupportedError");
                };
                """
            )
            sign_in(page, chat_server)

            page.click("#chat-mic")
            expect(page.locator("#chat-status")).to_contain_text("could not process the microphone", timeout=20_000)
            states = page.evaluate("window.__tracks.map((t) => t.readyState)")
            assert states and set(states) == {"ended"}
        finally:
            browser.close()
