"""A call's recording: both sides on the caller's stream clock, kept only with the caller's consent.

The caller's audio is appended as the media server sends it (one continuous 8 kHz stream, silence
included), so its length is the call's clock. Bot audio is placed where the caller hears it: from the
moment it is sent, each frame after the previous one; a barge-in `clear` drops what was sent but not yet
heard. The WAV has the caller on the left channel and the bot on the right.
"""

import io
import wave

import numpy as np

from sawt.speech import audio as speech_audio

RATE = 8000
MULAW_SILENCE = 0xFF


class CallRecorder:
    def __init__(self, *, max_seconds: float) -> None:
        self.caller = bytearray()
        self.bot = bytearray()
        self._bot_end = 0
        self._limit = int(max_seconds * RATE)

    def caller_audio(self, mulaw: bytes) -> None:
        if len(self.caller) < self._limit:
            self.caller += mulaw[: self._limit - len(self.caller)]

    def bot_audio(self, mulaw: bytes) -> None:
        start = max(self._bot_end, len(self.caller))
        end = min(start + len(mulaw), self._limit)
        if end <= start:
            return
        if len(self.bot) < start:
            self.bot += bytes([MULAW_SILENCE]) * (start - len(self.bot))
        self.bot[start:end] = mulaw[: end - start]
        self._bot_end = end

    def cleared(self) -> None:
        heard = len(self.caller)
        del self.bot[heard:]
        self._bot_end = min(self._bot_end, heard)

    @property
    def seconds(self) -> float:
        return max(len(self.caller), len(self.bot)) / RATE

    def wav(self) -> bytes:
        frames = max(len(self.caller), len(self.bot))
        left = speech_audio.mulaw_decode(bytes(self.caller.ljust(frames, bytes([MULAW_SILENCE]))))
        right = speech_audio.mulaw_decode(bytes(self.bot.ljust(frames, bytes([MULAW_SILENCE]))))
        stereo = np.empty(frames * 2, dtype="<i2")
        stereo[0::2], stereo[1::2] = left, right
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(2)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(stereo.tobytes())
        return buffer.getvalue()
