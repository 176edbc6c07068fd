"""Calls in progress are bounded per business and test calls per user; test-call connects are rate-limited."""

import datetime as dt

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from sawt.accounts.services import api_token_create
from sawt.asgi import application
from tests.voicebot.conftest import plivo_post, twilio_post
from tests.voicebot.factories import BusinessFactory, CallFactory, business_for
from voicebot.models import Call

pytestmark = pytest.mark.django_db


def plivo_call(client, business, uuid: str = "abc"):  # type: ignore[no-untyped-def]
    data = {"CallUUID": uuid, "From": "919812345678", "To": business.phone_number.lstrip("+")}
    return plivo_post(client, "/voicebot/plivo/answer/", data)


def test_a_real_call_over_the_business_limit_hears_all_lines_busy_and_starts_nothing(client, settings):
    settings.VOICEBOT_MAX_CALLS_PER_BUSINESS = 2
    business = BusinessFactory()
    CallFactory.create_batch(2, business=business)

    plivo = plivo_call(client, business).content.decode()
    twilio = twilio_post(
        client, "/voicebot/twilio/answer/", {"CallSid": "CA9", "From": "+919812345678", "To": business.phone_number}
    ).content.decode()

    assert "all our lines are busy" in plivo and "<Speak>" in plivo and "<Hangup" in plivo and "<Stream" not in plivo
    assert "all our lines are busy" in twilio and "<Say>" in twilio and "<Stream" not in twilio
    assert Call.objects.filter(business=business).count() == 2


def test_ended_and_stale_calls_do_not_hold_a_line(client, settings):
    settings.VOICEBOT_MAX_CALLS_PER_BUSINESS = 2
    business = BusinessFactory()
    CallFactory(business=business, ended_at=timezone.now())
    # Left open by a process that died an hour ago: no stream lasts that long.
    CallFactory(business=business, started_at=timezone.now() - dt.timedelta(hours=1))
    CallFactory(business=business)

    assert "<Stream" in plivo_call(client, business).content.decode()
    assert "all our lines are busy" in plivo_call(client, business, uuid="def").content.decode()


def test_other_businesses_calls_do_not_count(client, settings):
    settings.VOICEBOT_MAX_CALLS_PER_BUSINESS = 1
    CallFactory()
    assert "<Stream" in plivo_call(client, BusinessFactory()).content.decode()


async def open_test_call(business_id: int, key: str) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        application,
        f"/ws/voicebot/plivo/{business_id}/",
        headers=[(b"host", b"testserver"), (b"authorization", f"Bearer {key}".encode())],
    )
    assert (await communicator.connect())[0]
    return communicator


@pytest.mark.django_db(transaction=True)
async def test_a_test_call_over_the_users_limit_gets_an_error_frame_and_is_closed(owner, settings):
    settings.VOICEBOT_MAX_TEST_CALLS_PER_USER = 1
    business = await sync_to_async(business_for)(owner)
    _, key = await sync_to_async(api_token_create)(user=owner, name="ws")

    first = await open_test_call(business.pk, key)
    assert (await first.receive_json_from(5))["event"] == "call"
    second = await open_test_call(business.pk, key)

    error = await second.receive_json_from(5)
    assert error["type"] == "error" and error["code"] == "too_many_calls"
    assert (await second.receive_output(5))["code"] == 4429
    assert await sync_to_async(Call.objects.filter(business=business).count)() == 1
    await first.disconnect()

    # The first test call has ended: its line is free again.
    third = await open_test_call(business.pk, key)
    assert (await third.receive_json_from(5))["event"] == "call"
    await third.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_test_call_over_the_business_limit_is_refused(owner, settings):
    settings.VOICEBOT_MAX_CALLS_PER_BUSINESS = 1
    business = await sync_to_async(business_for)(owner)
    await sync_to_async(CallFactory)(business=business)
    _, key = await sync_to_async(api_token_create)(user=owner, name="ws")

    socket = await open_test_call(business.pk, key)

    assert (await socket.receive_json_from(5))["code"] == "too_many_calls"
    assert (await socket.receive_output(5))["code"] == 4429


@pytest.mark.django_db(transaction=True)
async def test_test_call_connects_are_rate_limited(owner, settings):
    settings.SAWT_RATE_LIMITS = {**settings.SAWT_RATE_LIMITS, "websocket": "2/60"}
    business = await sync_to_async(business_for)(owner)
    _, key = await sync_to_async(api_token_create)(user=owner, name="ws")

    for _ in range(2):
        socket = await open_test_call(business.pk, key)
        assert (await socket.receive_json_from(5))["event"] == "call"
        await socket.disconnect()
    refused = await open_test_call(business.pk, key)

    assert (await refused.receive_json_from(5))["code"] == "rate_limited"
    assert (await refused.receive_output(5))["code"] == 4429
    assert await sync_to_async(Call.objects.filter(business=business).count)() == 2
