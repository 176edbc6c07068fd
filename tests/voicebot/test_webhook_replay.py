"""A replayed signed webhook creates nothing new and gets the first answer; a stream token opens one socket."""

import re
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from sawt.asgi import application
from tests.voicebot.conftest import PLIVO_TOKEN, twilio_post
from tests.voicebot.factories import BusinessFactory, CallFactory, business_for
from voicebot import telephony
from voicebot.models import Call

pytestmark = pytest.mark.django_db


def signed_plivo(path: str, data: dict, nonce: str) -> dict:
    signature = telephony.plivo_v3_signature(
        url=f"https://bot.example.com{path}", method="POST", params=data, nonce=nonce, auth_token=PLIVO_TOKEN
    )
    return {"HTTP_X_PLIVO_SIGNATURE_V3": signature, "HTTP_X_PLIVO_SIGNATURE_V3_NONCE": nonce}


def test_a_replayed_plivo_answer_starts_no_second_call_and_gets_the_first_answer(client):
    business = BusinessFactory()
    data = {"CallUUID": "abc", "From": "919812345678", "To": business.phone_number.lstrip("+")}
    headers = signed_plivo("/voicebot/plivo/answer/", data, uuid.uuid4().hex)

    first = client.post("/voicebot/plivo/answer/", data, **headers)
    again = client.post("/voicebot/plivo/answer/", data, **headers)

    assert first.status_code == again.status_code == 200
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"]
    assert Call.objects.count() == 1 and "<Stream" in first.content.decode()


def test_a_new_nonce_is_a_new_request(client):
    business = BusinessFactory()
    data = {"CallUUID": "abc", "From": "919812345678", "To": business.phone_number.lstrip("+")}
    client.post("/voicebot/plivo/answer/", data, **signed_plivo("/voicebot/plivo/answer/", data, "n1"))
    client.post("/voicebot/plivo/answer/", data, **signed_plivo("/voicebot/plivo/answer/", data, "n2"))
    assert Call.objects.count() == 2


def test_a_replayed_twilio_answer_starts_no_second_call_and_gets_the_first_answer(client):
    business = BusinessFactory()
    data = {"CallSid": "CA1", "From": "+919812345678", "To": business.phone_number}

    first = twilio_post(client, "/voicebot/twilio/answer/", data)
    again = twilio_post(client, "/voicebot/twilio/answer/", data)

    assert again.status_code == 200 and again.content == first.content
    assert Call.objects.count() == 1


def test_a_replay_after_the_window_is_answered_afresh(client, monkeypatch):
    from voicebot import webhooks

    monkeypatch.setattr(webhooks, "REPLAY_SECONDS", 0)  # nothing is remembered
    business = BusinessFactory()
    data = {"CallSid": "CA1", "From": "+919812345678", "To": business.phone_number}
    twilio_post(client, "/voicebot/twilio/answer/", data)
    twilio_post(client, "/voicebot/twilio/answer/", data)
    assert Call.objects.count() == 2


def test_a_forged_request_does_not_take_the_replay_slot(client):
    business = BusinessFactory()
    data = {"CallUUID": "abc", "From": "919812345678", "To": business.phone_number.lstrip("+")}
    headers = signed_plivo("/voicebot/plivo/answer/", data, "n1")
    forged = {**headers, "HTTP_X_PLIVO_SIGNATURE_V3": "forged"}
    assert client.post("/voicebot/plivo/answer/", data, **forged).status_code == 403
    assert "<Stream" in client.post("/voicebot/plivo/answer/", data, **headers).content.decode()


@pytest.mark.django_db(transaction=True)
async def test_a_stream_token_opens_one_socket_only(owner):
    business = await sync_to_async(business_for)(owner)
    call = await sync_to_async(CallFactory)(business=business)
    path = f"/ws/voicebot/plivo/{business.pk}/?token={telephony.stream_token(business_id=business.pk, call_id=call.pk)}"

    first = WebsocketCommunicator(application, path)
    assert (await first.connect())[0]
    assert await first.receive_nothing(0.3)
    second = WebsocketCommunicator(application, path)
    assert (await second.connect())[0]

    assert (await second.receive_output(5))["code"] == 4401
    await first.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_twilio_stream_token_opens_one_socket_only(client):
    business = await sync_to_async(BusinessFactory)()
    data = {"CallSid": "CA1", "From": "+919812345678", "To": business.phone_number}
    body = (await sync_to_async(twilio_post)(client, "/voicebot/twilio/answer/", data)).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    start = {"event": "start", "start": {"streamSid": "MZ1", "callSid": "CA1", "customParameters": {"token": token}}}

    first = WebsocketCommunicator(application, f"/ws/voicebot/twilio/{business.pk}/")
    assert (await first.connect())[0]
    await first.send_json_to(start)
    await first.receive_nothing(0.5)
    second = WebsocketCommunicator(application, f"/ws/voicebot/twilio/{business.pk}/")
    assert (await second.connect())[0]
    await second.send_json_to(start)

    assert (await second.receive_output(5))["code"] == 4401
    await first.disconnect()
