import os
from pathlib import Path

import numpy as np
import pytest

SPOKEN = "The quick brown fox jumps over the lazy dog."


def pcm16(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def silence(seconds: float) -> bytes:
    return bytes(int(seconds * 16000) * 2)


def frames(pcm: bytes, size: int = 3200) -> list[bytes]:
    return [pcm[i : i + size] for i in range(0, len(pcm), size)]


@pytest.fixture(scope="session")
def spoken_pcm() -> bytes:
    """Piper speech of SPOKEN at 16 kHz with half a second of silence before it."""
    from sawt.speech import tts

    synthesis = tts.synthesize(SPOKEN, sample_rate=16000)
    return silence(0.5) + pcm16(synthesis.samples)


@pytest.fixture(scope="session")
def jfk_pcm() -> bytes:
    from django.conf import settings

    from sawt.speech import audio

    path = Path(os.environ.get("SAWT_TEST_DATA") or settings.SAWT_TEST_DATA) / "fw_jfk.flac"
    if not path.is_file():
        pytest.skip(f"real speech not found at {path} (set SAWT_TEST_DATA)")
    return pcm16(audio.decode_audio(path))
