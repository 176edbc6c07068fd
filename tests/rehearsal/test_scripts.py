"""Programs, not browsers: the OpenAI SDK, a script's socket, an SSE client, a player's Range requests."""

from __future__ import annotations

import asyncio
import json
import ssl
import time
import wave
from pathlib import Path

import httpx
import pytest


def pcm_of(path: Path) -> bytes:
    with wave.open(str(path)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (16000, 1, 2)
        return wav.readframes(wav.getnframes())


def test_it_transcribes_a_file_for_the_openai_sdk(base_url: str, tls: ssl.SSLContext, script_token: str,
                                                  speech_wav: Path) -> None:
    from openai import OpenAI

    client = OpenAI(base_url=f"{base_url}/v1", api_key=script_token, http_client=httpx.Client(verify=tls))
    with speech_wav.open("rb") as audio:
        transcript = client.audio.transcriptions.create(model="whisper-1", file=audio)
    # Words with no sound-alike: tiny.en writes "weather" as "whether" on some CPUs (seen: AMD, AVX2).
    assert "lovely" in transcript.text.lower()
    assert "budget" in transcript.text.lower()


async def test_it_transcribes_over_a_script_socket_with_a_token_and_no_origin(
    wss_url: str, tls: ssl.SSLContext, script_token: str, speech_wav: Path
) -> None:
    """Python's websockets sends no Origin header: a token socket needs none."""
    import websockets

    pcm = pcm_of(speech_wav)
    finals: list[str] = []
    async with websockets.connect(
        f"{wss_url}/ws/chat/", additional_headers={"Authorization": f"Bearer {script_token}"}, ssl=tls
    ) as socket:
        await socket.send(json.dumps({"event": "start", "language": "en"}))
        for offset in range(0, len(pcm), 3200):  # 100 ms frames in real time (faster gets `too_fast`)
            await socket.send(pcm[offset : offset + 3200])
            await asyncio.sleep(0.1)
        await socket.send(json.dumps({"event": "stop"}))
        async for raw in socket:
            message = json.loads(raw)
            assert message["type"] != "error", message
            if message["type"] == "text":
                finals.append(message["payload"])
            if message["type"] == "done":
                break
    said = " ".join(finals).lower()
    assert "lovely" in said and "budget" in said  # "weather" may come out as "whether" (see above)


@pytest.fixture(scope="module")
def uploaded_meeting(base_url: str, tls: ssl.SSLContext, script_token: str, meeting_wav: Path) -> int:
    headers = {"Authorization": f"Bearer {script_token}"}
    with meeting_wav.open("rb") as audio:
        response = httpx.post(
            f"{base_url}/api/v1/meetings/",
            headers=headers,
            files={"file": ("planning.wav", audio, "audio/wav")},
            data={"title": "Planning"},
            verify=tls,
            timeout=60,
        )
    assert response.status_code == 202, response.text
    return int(response.json()["id"])


def test_it_streams_meeting_progress_to_an_sse_client_before_the_job_ends(
    api: httpx.Client, uploaded_meeting: int
) -> None:
    events: list[tuple[float, str, dict[str, object]]] = []
    connected = time.monotonic()
    with api.stream("GET", f"/api/v1/meetings/{uploaded_meeting}/stream/", timeout=180) as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        event = ""
        for line in response.iter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((time.monotonic() - connected, event, json.loads(line.removeprefix("data: "))))
                if event == "end":
                    break
    first_at, _, _ = events[0]
    assert first_at < 1.0, events[:3]
    names = [name for _, name, _ in events]
    assert names[-1] == "end" and events[-1][2]["status"] == "completed", events[-3:]
    running = [data for _, name, data in events if name == "progress" and data["status"] != "completed"]
    assert running, f"no progress event arrived while the job ran: {names}"
    assert "final" in names


def test_it_answers_a_range_request_on_meeting_audio_with_206(api: httpx.Client, uploaded_meeting: int,
                                                              meeting_wav: Path) -> None:
    whole = meeting_wav.read_bytes()
    response = api.get(f"/api/v1/meetings/{uploaded_meeting}/audio/", headers={"Range": "bytes=100-1099"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes 100-1099/{len(whole)}"
    assert response.content == whole[100:1100]
    assert api.get(f"/api/v1/meetings/{uploaded_meeting}/audio/").headers["Accept-Ranges"] == "bytes"
