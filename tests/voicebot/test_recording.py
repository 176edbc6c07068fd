"""The recorder places the bot's audio where the caller hears it and drops what a barge-in cut off."""

import io
import wave

import numpy as np

from sawt.speech import audio
from voicebot.recording import CallRecorder

TONE = audio.mulaw_encode((np.ones(160) * 8000).astype(np.int16))  # one 20 ms frame, loud
QUIET = bytes([0xFF]) * 160


def channels(recorder: CallRecorder) -> np.ndarray:
    with wave.open(io.BytesIO(recorder.wav()), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (2, 2, 8000)
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").reshape(-1, 2)


def test_bot_audio_starts_where_the_caller_is_and_runs_back_to_back() -> None:
    recorder = CallRecorder(max_seconds=60)
    for _ in range(50):
        recorder.caller_audio(QUIET)  # one second of the call
    recorder.bot_audio(TONE)
    recorder.bot_audio(TONE)  # sent ahead: it follows the first frame, not the caller's clock
    stereo = channels(recorder)
    assert len(stereo) == 8000 + 320 and recorder.seconds == len(stereo) / 8000
    assert not stereo[:8000, 1].any() and (stereo[8000:, 1] > 7000).all()
    assert not stereo[:, 0].any()


def test_a_barge_in_drops_what_the_caller_never_heard() -> None:
    recorder = CallRecorder(max_seconds=60)
    recorder.caller_audio(QUIET)
    for _ in range(10):
        recorder.bot_audio(TONE)  # 200 ms queued at the provider
    recorder.caller_audio(TONE)  # the caller speaks 20 ms later ...
    recorder.cleared()  # ... and the bot is cut off there
    stereo = channels(recorder)
    assert len(stereo) == 320
    assert (stereo[160:, 0] > 7000).all() and (stereo[160:, 1] > 7000).all()


def test_it_stops_at_the_limit() -> None:
    recorder = CallRecorder(max_seconds=0.1)
    for _ in range(20):
        recorder.caller_audio(QUIET)
        recorder.bot_audio(TONE)
    assert recorder.seconds == 0.1
