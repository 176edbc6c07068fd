"""The chat socket through channels' communicator: audio is fed faster than real time."""

import asyncio
import json
import time

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from sawt.accounts.services import api_token_create
from sawt.asgi import application
from sawt.chat.models import ChatSession
from sawt.speech.scoring import normalize_text
from tests.chat.conftest import frames, silence

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


async def open_chat(user, path="/ws/chat/"):
    _, key = await database_sync_to_async(api_token_create)(user=user, name="chat")
    headers = [
        (b"host", b"testserver"),
        (b"authorization", f"Bearer {key}".encode()),
    ]
    socket = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await socket.connect(timeout=30)
    assert connected
    return socket


# Faster than real time, but within the lead the server allows (beyond it frames get `too_fast`).
LEAD = 1.5


async def play_and_stop(socket, pcm: bytes, *, real_time: bool = False) -> list[dict]:
    await socket.send_json_to({"event": "start", "language": "en"})
    began = time.monotonic()
    for index, frame in enumerate(frames(pcm)):
        await socket.send_to(bytes_data=frame)
        if real_time:  # partials need the decoder to keep up with the speaker
            await asyncio.sleep(0.1)
        else:
            await asyncio.sleep(max(0.0, (index + 1) * 0.1 - LEAD - (time.monotonic() - began)))
    await socket.send_json_to({"event": "stop"})
    received = []
    while True:
        message = await socket.receive_json_from(timeout=60)
        received.append(message)
        if message["type"] == "done":
            return received


def words(text: str) -> list[str]:
    return normalize_text(text).split()


async def test_it_streams_partials_and_finals_of_speech_and_saves_the_session(owner, spoken_pcm):
    socket = await open_chat(owner)

    received = await play_and_stop(socket, spoken_pcm + silence(1.0), real_time=True)

    finals = [m for m in received if m["type"] == "text"]
    said = " ".join(m["payload"] for m in finals)
    assert {"quick", "brown", "fox", "lazy", "dog"} <= set(words(said))
    assert all(0 <= m["start"] < m["end"] <= len(spoken_pcm) / 32000 + 1.0 for m in finals)
    # Partials are timing-bound; test_live_socket and test_streaming assert them on longer speech.
    assert all(m["payload"] for m in received if m["type"] == "partial")
    assert received[-1] == {"type": "done"}
    session = await database_sync_to_async(ChatSession.objects.prefetch_related("messages").get)(owner=owner)
    assert session.ended_at is not None
    assert [m.text for m in session.messages.all()] == [m["payload"] for m in finals]
    await socket.disconnect()


async def test_it_finalises_the_words_still_being_spoken_at_stop(owner, spoken_pcm):
    socket = await open_chat(owner, path="/ws/chat")  # the slashless form works too

    received = await play_and_stop(socket, spoken_pcm)  # no pause after the last word

    said = " ".join(m["payload"] for m in received if m["type"] == "text")
    assert "dog" in words(said)
    await socket.disconnect()


async def test_it_sends_no_text_for_silence_or_noise(owner):
    import numpy as np

    rng = np.random.default_rng(7)
    hiss = (rng.normal(0, 0.02, 16000 * 4) * 32767).astype("<i2").tobytes()
    socket = await open_chat(owner)

    received = await play_and_stop(socket, silence(3.0) + hiss + silence(2.0))

    assert [m for m in received if m["type"] != "session"] == [{"type": "done"}]
    # No text was stored: the session that heard none is deleted at `done`.
    assert not await database_sync_to_async(ChatSession.objects.filter(owner=owner).exists)()
    await socket.disconnect()


async def test_it_answers_bad_frames_with_error_frames_and_keeps_the_socket_open(owner):
    socket = await open_chat(owner)

    await socket.send_to(text_data="{not json")
    assert (await socket.receive_json_from(10))["code"] == "malformed_json"
    await socket.send_to(text_data=json.dumps({"event": "dance"}))
    assert (await socket.receive_json_from(10))["code"] == "unknown_event"
    await socket.send_to(bytes_data=bytes(64 * 1024 + 2))
    assert (await socket.receive_json_from(10))["code"] == "frame_too_large"
    await socket.send_json_to({"event": "start", "language": "klingon"})
    assert (await socket.receive_json_from(10))["code"] == "invalid_language"
    await socket.send_json_to({"event": "start", "language": "fr"})  # tiny.en knows English only
    refused = await socket.receive_json_from(10)
    assert refused["code"] == "unsupported_language" and refused["details"]["languages"] == ["en"]
    await socket.send_json_to({"event": "start"})
    assert (await socket.receive_json_from(10))["type"] == "session"
    await socket.send_json_to({"event": "start"})
    assert (await socket.receive_json_from(10))["code"] == "already_started"

    await socket.send_json_to({"event": "stop"})
    assert await socket.receive_json_from(30) == {"type": "done"}
    await socket.disconnect()


async def test_it_keeps_each_start_to_stop_run_as_its_own_session(owner, spoken_pcm):
    socket = await open_chat(owner)

    await play_and_stop(socket, spoken_pcm + silence(1.0))
    await play_and_stop(socket, spoken_pcm + silence(1.0))

    sessions = await database_sync_to_async(
        lambda: [s.messages.count() for s in ChatSession.objects.filter(owner=owner)]
    )()
    assert len(sessions) == 2 and all(count >= 1 for count in sessions)
    await socket.disconnect()
