import asyncio
import os
from pathlib import Path

import numpy as np
import pytest

from sawt.speech.streaming import Final, StreamingTranscriber

SPOKEN = "The quick brown fox jumps over the lazy dog."


def pcm16(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def silence(seconds: float) -> bytes:
    return bytes(int(seconds * 16000) * 2)


def frames(pcm: bytes, size: int = 3200) -> list[bytes]:
    return [pcm[i : i + size] for i in range(0, len(pcm), size)]


def collect_finals(transcriber: StreamingTranscriber) -> tuple[list[Final], "asyncio.Task[None]"]:
    """The finals `transcriber` sends, appended as they arrive, and the task reading them (cancel it)."""
    finals: list[Final] = []

    async def collect() -> None:
        async for event in transcriber.events():
            if isinstance(event, Final):
                finals.append(event)

    return finals, asyncio.create_task(collect())


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


@pytest.fixture(scope="module")
def chat_server(tmp_path_factory):
    """A real daphne serving the app against its own SQLite file (reachable from both processes)."""
    from sawt.testing.liveserver import DaphneServer

    folder = tmp_path_factory.mktemp("chat-server")
    log = os.environ.get("SAWT_CHAT_SERVER_LOG")
    server = DaphneServer.on_sqlite(folder, log_path=Path(log) if log else None)
    token = (
        server.manage(
            "shell",
            "-c",
            "from sawt.accounts.models import User; from sawt.accounts.services import api_token_create; "
            "u = User.objects.create_user('speaker', 'speaker@example.com', 'correct horse battery staple'); "
            "print(api_token_create(user=u, name='live')[1])",
        )
        .strip()
        .splitlines()[-1]
    )
    with server:
        server.token = token  # type: ignore[attr-defined]
        server.password = "correct horse battery staple"  # type: ignore[attr-defined]
        yield server
