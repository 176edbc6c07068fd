"""Whole calls by voice: Piper speaks for the caller, the real pipeline answers over the stream socket.

These prove the acceptance lines end to end (answer webhook -> signed stream -> streaming ASR ->
dialogue -> TTS frames), faster than real time where timing does not matter.
"""

import asyncio
import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection

from sawt.asgi import application
from sawt.testing.fakeserver import FakeServer, running
from sawt.testing.voicebot_simulator import CommunicatorTransport, SimulatedCaller
from tests.voicebot.conftest import plivo_post, twilio_post
from tests.voicebot.factories import BusinessFactory, ReservationFactory
from voicebot.models import Call, Caller, Message, Reservation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
CALLER = "+919812345678"


def answer(client, business, provider="plivo"):  # type: ignore[no-untyped-def]
    if provider == "twilio":
        response = twilio_post(
            client, "/voicebot/twilio/answer/", {"CallSid": "CA0001", "From": CALLER, "To": business.phone_number}
        )
        body = response.content.decode()
        path = re.search(r'<Stream url="wss://[^/]+([^"]+)"', body).group(1)
        return path, re.search(r'name="token" value="([^"]+)"', body).group(1)
    response = plivo_post(
        client,
        "/voicebot/plivo/answer/",
        {
            "CallUUID": "0f1e2d3c-aaaa-bbbb-cccc-000000000001",
            "From": CALLER.lstrip("+"),
            "To": business.phone_number.lstrip("+"),
            "Direction": "inbound",
        },
    )
    assert response.status_code == 200
    url = urlsplit(re.search(r"<Stream[^>]*>([^<]+)</Stream>", response.content.decode()).group(1))
    return f"{url.path}?{url.query}", ""


async def call(client, business, lines: list[str], provider="plivo", realtime=False) -> SimulatedCaller:  # type: ignore[no-untyped-def]
    path, token = await sync_to_async(answer)(client, business, provider)
    communicator = WebsocketCommunicator(application, path)
    assert (await communicator.connect())[0]
    caller = SimulatedCaller(CommunicatorTransport(communicator), provider=provider, realtime=realtime, token=token)
    greeting = await caller.start()
    assert greeting.seconds > 2, "no greeting"
    for line in lines:
        reply = await caller.say(line)
        assert reply.frames > 0, f"no answer to {line!r}"
    await caller.hang_up()
    return caller


def bot_said(business) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.bot_text for c in Call.objects.filter(business=business) for t in c.turns.all()]


async def test_a_simulated_plivo_call_books_a_table_and_sends_a_whatsapp_confirmation(client, settings, admin_client):
    whatsapp = FakeServer()
    whatsapp.add("POST", "/v1/Account/MAPLIVOTEST/Message/", lambda req: (202, {}, {"message_uuid": ["wa-1"]}))
    business = await sync_to_async(BusinessFactory)(horizon_days=60)
    with running(whatsapp):
        settings.VOICEBOT_MESSAGING_PROVIDER = "plivo"
        settings.VOICEBOT_PLIVO_API_URL = whatsapp.url
        await call(
            client,
            business,
            [
                "Yes, that's fine.",
                "I'd like to book a table for four people tomorrow at 7:30 pm.",
                "My name is Priya.",
                "Yes, please book it.",
                "No, that's all. Thank you.",
            ],
        )

    def check() -> None:
        r = Reservation.objects.get(business=business)
        assert (r.date, r.time, r.party_size, r.name) == (
            business.now().date() + dt.timedelta(days=1),
            dt.time(19, 30),
            4,
            "Priya",
        )
        c = Call.objects.get(pk=r.source_call_id)
        assert c.outcome == Call.Outcome.BOOKED and c.ended_at is not None and c.transcript_kept
        assert c.turns.filter(processing_ms__isnull=False).count() >= 4 and c.latency["processing_p50_ms"] is not None
        with connection.cursor() as cursor:
            cursor.execute("SELECT phone FROM voicebot_caller")
            raw = cursor.fetchone()[0]
        assert raw.startswith("v2:") and "9812345678" not in raw
        assert Caller.objects.get().phone == CALLER
        [sent] = whatsapp.requests
        assert sent.json()["dst"] == CALLER and "Priya" in sent.json()["text"]
        assert Message.objects.get(reservation=r).status == "sent"
        page = admin_client.get(f"/admin/voicebot/call/{c.pk}/change/").content.decode()
        assert "Priya" in page and "Shall I book it?" in page and "9812345678" not in page
        assert str(c.turns.exclude(processing_ms=None).first().processing_ms) in page

    await sync_to_async(check)()


async def test_a_yes_and_more_after_a_comma_is_one_turn_the_bot_does_not_speak_over(client):
    # In real time through mu-law, the call's VAD once heard 0.29-0.35 s of silence after Piper's "Yes,"
    # (a 0.16-0.19 s pause): the answer's short wait ended the turn at "Yes." and the bot's reply began over
    # "that's fine" (bench voicebot: every talk-over was this; this test's call did not always split).
    business = await sync_to_async(BusinessFactory)(horizon_days=60)
    caller = await call(client, business, ["Yes, that's fine.", "Yes, go ahead."], realtime=True)

    assert caller.talk_overs == 0
    turns = await sync_to_async(
        lambda: [t.caller_text for c in Call.objects.filter(business=business) for t in c.turns.all()]
    )()
    assert any("fine" in text.lower() and "yes" in text.lower() for text in turns), turns


async def test_a_call_for_a_full_slot_is_offered_the_nearest_free_one(client):
    business = await sync_to_async(BusinessFactory)(seats_per_slot=10, horizon_days=60)
    tomorrow = business.now().date() + dt.timedelta(days=1)
    await sync_to_async(ReservationFactory)(business=business, date=tomorrow, time=dt.time(20, 0), party_size=10)
    await call(
        client,
        business,
        [
            "Yes.",
            "Can I book a table for two tomorrow at 8 pm?",
            "The first one, please.",
            "My name is Sarah.",
            "Yes, please book it.",
        ],
    )

    def check() -> None:
        said = " ".join(bot_said(business))
        assert "The nearest free times are 7:30 pm or 8:30 pm" in said
        assert Reservation.objects.get(business=business, name="Sarah").time == dt.time(19, 30)

    await sync_to_async(check)()


async def test_a_caller_changes_and_then_cancels_a_booking_by_voice(client):
    business = await sync_to_async(BusinessFactory)(horizon_days=60)
    day = business.now().date() + dt.timedelta(days=3)

    def existing() -> Reservation:
        from voicebot import services

        caller = services.caller_get_or_create(business=business, phone=CALLER)
        return ReservationFactory(business=business, caller=caller, date=day, time=dt.time(19, 0), party_size=2)

    reservation = await sync_to_async(existing)()
    await call(client, business, ["Yes.", "I need to change my booking to 9 pm.", "Yes, go ahead.", "No thanks, bye."])
    await sync_to_async(reservation.refresh_from_db)()
    assert (reservation.time, reservation.status) == (dt.time(21, 0), "booked")
    await call(client, business, ["No.", "Please cancel my reservation.", "Yes, cancel it.", "That's all, goodbye."])
    await sync_to_async(reservation.refresh_from_db)()
    assert reservation.status == "cancelled"
    outcomes = await sync_to_async(lambda: sorted(Call.objects.values_list("outcome", flat=True)))()
    assert outcomes == ["cancelled", "changed"]


async def test_a_twilio_media_stream_call_books_through_the_same_pipeline(client):
    business = await sync_to_async(BusinessFactory)(horizon_days=60)
    await call(
        client,
        business,
        ["Yes please.", "A table for three this Saturday at 8 pm, my name is Arjun.", "Yes, that is correct."],
        provider="twilio",
    )
    turns = await sync_to_async(lambda: [(t.caller_text, t.bot_text) for t in Call.objects.get().turns.all()])()
    r = await sync_to_async(Reservation.objects.filter(business=business).first)()
    assert r is not None, turns
    saturday = business.now().date() + dt.timedelta(days=(5 - business.now().weekday()) % 7 or 7)
    assert (r.date, r.time, r.party_size, r.name) == (saturday, dt.time(20, 0), 3, "Arjun")


async def test_caller_speech_interrupts_the_bot_but_a_backchannel_does_not(client, monkeypatch):
    from voicebot import pipeline

    monkeypatch.setattr(pipeline, "PLAYBACK_LEAD_SECONDS", 0.2)  # real playback pace, so there is something to interrupt
    business = await sync_to_async(BusinessFactory)()
    path, _ = await sync_to_async(answer)(client, business)
    communicator = WebsocketCommunicator(application, path)
    assert (await communicator.connect())[0]
    caller = SimulatedCaller(CommunicatorTransport(communicator), provider="plivo", realtime=True)
    import asyncio

    from sawt.testing.voicebot_simulator import speech_frames

    hmm, interruption = await asyncio.gather(
        asyncio.to_thread(speech_frames, "Okay."),
        asyncio.to_thread(speech_frames, "Sorry, I want to cancel my booking please."),
    )
    start = asyncio.create_task(caller.start())
    await asyncio.sleep(1.0)
    await caller.speak(hmm)  # a backchannel while the greeting plays
    await asyncio.sleep(1.5)
    assert not caller.replies[0].cleared
    await caller.speak(interruption)
    await start
    assert caller.replies[0].cleared, "the greeting was not cleared by the caller's speech"
    reply = await caller.listen(30)
    assert reply.frames > 0
    await caller.hang_up()
    turns = await sync_to_async(lambda: list(Call.objects.get().turns.values_list("interrupted", flat=True)))()
    assert turns[0] is True


async def test_a_silent_caller_is_prompted_then_hung_up_on_and_the_call_is_settled(client, settings):
    settings.VOICEBOT_SILENCE_PROMPT_SECONDS = 1.0
    settings.VOICEBOT_SILENCE_HANGUP_SECONDS = 2.5
    business = await sync_to_async(BusinessFactory)()
    path, _ = await sync_to_async(answer)(client, business)
    communicator = WebsocketCommunicator(application, path)
    assert (await communicator.connect())[0]
    caller = SimulatedCaller(CommunicatorTransport(communicator), provider="plivo", realtime=True)
    await caller.start()
    prompt = await caller.listen(10, new=True)  # nothing said: "Are you still there?"
    assert len(caller.replies) == 2 and prompt.frames > 0
    goodbye = await caller.listen(15, new=True)
    assert len(caller.replies) == 3 and goodbye.frames > 0
    await caller.listen(10, new=True)  # ...and then the socket closes
    assert caller.closed, "the bot did not hang up on silence"
    await caller.hang_up()
    result = await sync_to_async(lambda: Call.objects.values_list("outcome", "ended_at").get())()
    assert result[0] == Call.Outcome.ABANDONED and result[1] is not None


@pytest.mark.parametrize("agrees", [True, False])
async def test_a_recorded_call_keeps_both_sides_only_with_consent(client, owner, agrees):
    import io
    import os
    import wave

    import numpy as np
    from rest_framework.test import APIClient

    from tests.voicebot.factories import MembershipFactory

    business = await sync_to_async(BusinessFactory)(record_calls=True)
    await sync_to_async(MembershipFactory)(business=business, user=owner, role="owner")
    await call(client, business, ["Yes please." if agrees else "No.", "What time do you open?", "Thanks, bye."])

    def check() -> None:
        c = Call.objects.get()
        assert c.recording_consented is agrees
        api = APIClient()
        api.force_authenticate(owner)
        listed = api.get(f"/api/v1/voicebot/calls/{c.pk}/").json()
        if not agrees:
            assert not c.recording and listed["recording_url"] is None
            assert api.get(f"/api/v1/voicebot/calls/{c.pk}/recording").status_code == 404
            return
        assert listed["recording_url"] == f"/api/v1/voicebot/calls/{c.pk}/recording"
        response = api.get(listed["recording_url"])
        assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
        with wave.open(io.BytesIO(b"".join(response.streaming_content)), "rb") as wav:
            assert (wav.getnchannels(), wav.getframerate()) == (2, 8000)
            samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").reshape(-1, 2)
        assert abs(len(samples) / 8000 - c.recording_seconds) < 0.01 and c.recording_seconds > 5
        caller_side, bot_side = np.abs(samples[:, 0]).mean(), np.abs(samples[:, 1]).mean()
        assert caller_side > 50 and bot_side > 50  # both voices are there
        from voicebot.dialogue import Dialogue

        assert "record this call" in Dialogue(business=business, call=c, caller=c.caller).greeting().text

        # The retention purge takes the recording with the transcript.
        from django.utils import timezone

        from voicebot import services

        Call.objects.filter(pk=c.pk).update(started_at=timezone.now() - dt.timedelta(days=business.retention_days + 1))
        path = c.recording.path
        services.retention_purge()
        c.refresh_from_db()
        assert not c.recording and not os.path.exists(path)

    await sync_to_async(check)()


class _PageSide:
    """The test-call page's end of the socket: notes the `turn` events the page shows as it reads."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.inner = CommunicatorTransport(communicator)
        self.shown: list[str] = []

    async def send(self, message: dict) -> None:
        await self.inner.send(message)

    async def receive(self) -> dict | None:
        message = await self.inner.receive()
        if message is not None and message.get("event") == "turn":
            self.shown.append(message["caller"])
        return message

    async def close(self) -> None:
        await self.inner.close()


async def test_it_keeps_a_turn_whose_answer_the_caller_hung_up_on_before_hearing_it(owner, tmp_path, monkeypatch):
    """The page showed the caller's question and the bot's answer; hanging up while the answer is still
    being synthesized must not lose the turn from the call's transcript."""
    from sawt.speech import config
    from sawt.testing.voicebot_simulator import SILENCE, speech_frames
    from tests.meetings.test_live import _auth
    from tests.voicebot.factories import business_for

    # An empty TTS cache: the answer takes its real synthesis time, in which the caller hangs up.
    monkeypatch.setattr(config, "_config", config.get_config().replace(tts_cache_dir=str(tmp_path / "tts")))
    business = await sync_to_async(business_for)(owner)
    communicator = WebsocketCommunicator(
        application, f"/ws/voicebot/plivo/{business.pk}/", headers=await sync_to_async(_auth)(owner)
    )
    assert (await communicator.connect())[0]
    page = _PageSide(communicator)
    caller = SimulatedCaller(page, provider="plivo", realtime=False)
    await caller.start()
    await caller.dtmf("1")  # consent to a transcript
    await caller.listen(30, new=True)
    answers_before = len(caller.replies)
    await caller.speak(await sync_to_async(speech_frames)("What time do you open tomorrow?"))
    for _ in range(5000):  # silence until the page shows the turn, then hang up at once
        if any("open" in said.lower() for said in page.shown):
            break
        await page.send(caller._media(SILENCE))
        await asyncio.sleep(0.002)
    await page.send({"event": "stop", "streamId": caller.stream_id})

    def settled() -> list[tuple[str, str, bool]] | None:
        call = Call.objects.get()
        if call.ended_at is None:
            return None
        return list(call.turns.order_by("index").values_list("caller_text", "bot_text", "interrupted"))

    for _ in range(300):
        turns = await sync_to_async(settled)()
        if turns is not None:
            break
        await asyncio.sleep(0.1)
    await caller.hang_up()
    assert len(caller.replies) == answers_before, "the answer was heard before the hang-up"
    assert turns is not None and len(turns) == 3, turns
    caller_text, bot_text, interrupted = turns[2]
    assert "open tomorrow" in caller_text.lower()
    assert "we are open" in bot_text.lower() and interrupted
