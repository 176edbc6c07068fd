"""Sessions over the chat socket: named, resumed, finalised on a drop, deleted when empty; limits."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from django.test import override_settings

from sawt.chat.models import ChatMessage, ChatSession
from sawt.speech.scoring import normalize_text
from tests.chat.conftest import frames, silence
from tests.chat.test_consumer import open_chat, play_and_stop

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


async def receive_until(socket, kind: str, timeout: float = 60) -> list[dict]:
    received = []
    while True:
        message = await socket.receive_json_from(timeout=timeout)
        received.append(message)
        if message["type"] == kind:
            return received


async def test_it_names_the_session_and_resumes_it_after_a_reconnect_with_times_that_continue(owner, spoken_pcm):
    socket = await open_chat(owner)
    first = await play_and_stop(socket, spoken_pcm + silence(1.0))
    session_id = first[0]["id"]
    assert first[0] == {"type": "session", "id": session_id}
    first_end = max(m["end"] for m in first if m["type"] == "text")
    await socket.disconnect()

    socket = await open_chat(owner)
    await socket.send_json_to({"event": "start", "session": session_id})
    assert await socket.receive_json_from(30) == {"type": "session", "id": session_id}
    for frame in frames(spoken_pcm + silence(1.0)):
        await socket.send_to(bytes_data=frame)
        await asyncio.sleep(0.08)  # within the lead the server allows
    await socket.send_json_to({"event": "stop"})
    second = await receive_until(socket, "done")
    await socket.disconnect()

    texts = [m for m in second if m["type"] == "text"]
    assert texts and min(m["start"] for m in texts) >= first_end
    rows = await database_sync_to_async(lambda: list(ChatSession.objects.filter(owner=owner)))()
    assert [s.pk for s in rows] == [session_id]
    count = await database_sync_to_async(ChatMessage.objects.filter(session_id=session_id).count)()
    assert count == len([m for m in first if m["type"] == "text"]) + len(texts)


async def test_an_unknown_or_other_users_session_gets_an_error_and_a_new_session(owner, outsider):
    theirs = await database_sync_to_async(ChatSession.objects.create)(owner=outsider)
    socket = await open_chat(owner)

    await socket.send_json_to({"event": "start", "session": theirs.pk})
    refused = await socket.receive_json_from(30)
    named = await socket.receive_json_from(30)

    assert refused["type"] == "error" and refused["code"] == "unknown_session"
    assert named["type"] == "session" and named["id"] != theirs.pk
    await socket.send_json_to({"event": "stop"})
    await receive_until(socket, "done")
    await socket.disconnect()
    # The new session heard nothing: it is gone; the other user's is untouched.
    assert not await database_sync_to_async(ChatSession.objects.filter(owner=owner).exists)()
    assert await database_sync_to_async(ChatSession.objects.filter(pk=theirs.pk).exists)()


async def test_the_words_in_progress_when_the_socket_drops_are_finalised_and_saved(owner, spoken_pcm):
    socket = await open_chat(owner)
    await socket.send_json_to({"event": "start", "language": "en"})
    session_id = (await socket.receive_json_from(30))["id"]
    for frame in frames(spoken_pcm):  # no pause after the last word, and no stop
        await socket.send_to(bytes_data=frame)
        await asyncio.sleep(0.08)  # within the lead the server allows

    await socket.disconnect()

    for _ in range(100):  # the consumer finishes its work after the client is gone
        texts = await database_sync_to_async(
            lambda: list(ChatMessage.objects.filter(session_id=session_id).values_list("text", flat=True))
        )()
        if "dog" in normalize_text(" ".join(texts)).split():
            break
        await asyncio.sleep(0.3)
    assert "dog" in normalize_text(" ".join(texts)).split()


async def test_odd_length_frames_keep_their_last_byte(owner, spoken_pcm):
    socket = await open_chat(owner)
    pcm = spoken_pcm + silence(1.0)
    odd = [pcm[i : i + 3201] for i in range(0, len(pcm), 3201)]  # every frame splits a sample

    await socket.send_json_to({"event": "start", "language": "en"})
    for frame in odd:
        await socket.send_to(bytes_data=frame)
        await asyncio.sleep(0.08)  # within the lead the server allows
    await socket.send_json_to({"event": "stop"})
    received = await receive_until(socket, "done")
    await socket.disconnect()

    said = normalize_text(" ".join(m["payload"] for m in received if m["type"] == "text")).split()
    assert {"quick", "brown", "fox", "lazy", "dog"} <= set(said)


async def test_audio_far_ahead_of_real_time_is_refused_with_too_fast(owner, spoken_pcm):
    socket = await open_chat(owner)
    await socket.send_json_to({"event": "start", "language": "en"})
    assert (await socket.receive_json_from(30))["type"] == "session"

    for frame in frames(silence(4.0)):  # 4 s of audio at once: 2 s past the allowed lead
        await socket.send_to(bytes_data=frame)
    refused = await socket.receive_json_from(30)

    assert refused["type"] == "error" and refused["code"] == "too_fast"
    await socket.send_json_to({"event": "stop"})
    assert (await receive_until(socket, "done"))[-1] == {"type": "done"}
    await socket.disconnect()


async def test_a_burst_within_the_lead_is_accepted(owner):
    socket = await open_chat(owner)
    received = await play_and_stop(socket, silence(1.8))  # sent at once, under the 2 s lead
    assert not [m for m in received if m["type"] == "error"]
    await socket.disconnect()


@override_settings(SAWT_CHAT_MAX_STREAMS_PER_USER=2)
async def test_streams_over_the_per_user_cap_get_busy_and_close_1013(owner):
    first, second = await open_chat(owner), await open_chat(owner)

    third = await open_chat(owner)
    refused = await third.receive_json_from(30)
    closed = await third.receive_output(30)

    assert refused["code"] == "busy"
    assert closed == {"type": "websocket.close", "code": 1013}
    await first.disconnect()
    fourth = await open_chat(owner)  # a slot is free again
    await fourth.send_json_to({"event": "stop"})
    assert await fourth.receive_json_from(30) == {"type": "done"}
    for socket in (second, fourth):
        await socket.disconnect()


@override_settings(SAWT_CHAT_MAX_STREAMS=1)
async def test_streams_over_the_process_cap_get_busy(owner, outsider):
    first = await open_chat(owner)
    other = await open_chat(outsider)

    assert (await other.receive_json_from(30))["code"] == "busy"
    assert await other.receive_output(30) == {"type": "websocket.close", "code": 1013}
    await first.disconnect()


async def test_a_start_sent_while_stop_is_finishing_waits_for_its_done(owner, spoken_pcm):
    socket = await open_chat(owner)
    await socket.send_json_to({"event": "start", "language": "en"})
    for frame in frames(spoken_pcm):
        await socket.send_to(bytes_data=frame)
        await asyncio.sleep(0.08)  # within the lead the server allows

    await socket.send_json_to({"event": "stop"})
    await socket.send_json_to({"event": "start", "language": "en"})  # at once, no waiting for `done`
    received = await receive_until(socket, "done")
    following = await socket.receive_json_from(30)

    assert not [m for m in received if m["type"] == "error"]
    assert [m for m in received if m["type"] == "text"], "the first session's words came before its done"
    assert following["type"] == "session" and following["id"] != received[0]["id"]
    await socket.send_json_to({"event": "stop"})
    await receive_until(socket, "done")
    await socket.disconnect()
