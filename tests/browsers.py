"""Debian's Chromium (apt-get install chromium) as every browser test starts it: headless on a closed
network, so nothing it tries to reach by itself (updates, sync, QUIC) makes noise or waits."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A microphone and speakers without a person: the fake device plays --use-file-for-fake-audio-capture.
FAKE_MEDIA_ARGS = [
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]
