"""Whole calls by voice: Piper speaks for the caller, the real pipeline answers over the stream socket."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from channels.testing import WebsocketCommunicator
from django.db import connection

from sawt.asgi import application
from tests.voicebot.conftest import plivo_post
from tests.voicebot.factories import BusinessFactory
from voicebot.models import Call, Caller, Reservation
from voicebot.simulator import CommunicatorTransport, SimulatedCaller

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def answer(client, business, caller_number="+919812345678"):  # type: ignore[no-untyped-def]
    response = plivo_post(client, "/voicebot/plivo/answer/", {
        "CallUUID": "0f1e2d3c-aaaa-bbbb-cccc-000000000001", "From": caller_number.lstrip("+"),
        "To": business.phone_number.lstrip("+"), "Direction": "inbound",
    })
    assert response.status_code == 200
    stream_url = re.search(r"<Stream[^>]*>([^<]+)</Stream>", response.content.decode()).group(1)
    return urlsplit(stream_url.replace("&amp;", "&"))


async def open_caller(url) -> SimulatedCaller:  # type: ignore[no-untyped-def]
    communicator = WebsocketCommunicator(application, f"{url.path}?{url.query}")
    connected, _ = await communicator.connect()
    assert connected
    return SimulatedCaller(CommunicatorTransport(communicator), provider="plivo", realtime=False)


async def test_it_books_a_table_by_voice_over_a_plivo_stream(client):
    from asgiref.sync import sync_to_async

    business = await sync_to_async(BusinessFactory)(horizon_days=60)
    url = await sync_to_async(answer)(client, business)
    caller = await open_caller(url)
    greeting = await caller.start()
    assert greeting.seconds > 2
    for line in ["Yes.", "I'd like to book a table for four people tomorrow at 7:30 pm.", "My name is Priya.", "Yes, please book it."]:
        reply = await caller.say(line)
        assert reply.frames > 0, f"no answer to {line!r}"
    await caller.say("No, that's all. Thank you.")
    await caller.hang_up()

    def stored():
        import datetime as dt

        r = Reservation.objects.get(business=business)
        assert (r.date, r.time, r.party_size, r.name) == (business.now().date() + dt.timedelta(days=1), dt.time(19, 30), 4, "Priya")
        call = Call.objects.get(pk=r.source_call_id)
        assert call.outcome == Call.Outcome.BOOKED and call.ended_at is not None
        assert call.turns.filter(processing_ms__isnull=False).count() >= 4
        with connection.cursor() as cursor:
            cursor.execute("SELECT phone FROM voicebot_caller")
            raw = cursor.fetchone()[0]
        assert raw.startswith("v1:") and "9812345678" not in raw
        assert Caller.objects.get().phone == "+919812345678"

    await sync_to_async(stored)()
