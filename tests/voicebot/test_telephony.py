"""Webhooks (signatures, answer XML, callbacks) and who may open a stream socket."""

import re

import pytest
from channels.testing import WebsocketCommunicator

from sawt.asgi import application
from tests.voicebot.conftest import plivo_post, twilio_post
from tests.voicebot.factories import BusinessFactory, CallFactory, business_for
from voicebot import telephony
from voicebot.models import Call, Caller, Consent

pytestmark = pytest.mark.django_db


def test_it_computes_the_plivo_v3_signature_of_the_documented_base_string():
    import base64
    import hashlib
    import hmac

    # POST with a query and body: url?sorted-query.sorted-body-key-values.nonce
    base = "https://bot.example.com/voicebot/plivo/answer/?a=1&b=2.CallUUIDx1Fromy2.nonce42"
    expected = base64.b64encode(hmac.new(b"tok", base.encode(), hashlib.sha256).digest()).decode()
    got = telephony.plivo_v3_signature(
        url="https://bot.example.com/voicebot/plivo/answer/?b=2&a=1",
        method="POST",
        params={"From": "y2", "CallUUID": "x1"},
        nonce="nonce42",
        auth_token="tok",
    )
    assert got == expected


def test_it_refuses_a_plivo_answer_with_a_bad_signature(client):
    business = BusinessFactory()
    data = {"CallUUID": "abc", "From": "919812345678", "To": business.phone_number.lstrip("+")}
    assert plivo_post(client, "/voicebot/plivo/answer/", data, token="wrong-token").status_code == 403
    assert client.post("/voicebot/plivo/answer/", data).status_code == 403
    assert not Call.objects.exists()


def test_it_answers_a_plivo_call_with_a_bidirectional_stream_and_a_short_lived_token(client, monkeypatch):
    business = BusinessFactory()
    response = plivo_post(
        client,
        "/voicebot/plivo/answer/",
        {"CallUUID": "abc", "From": "919812345678", "To": business.phone_number.lstrip("+")},
    )
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    assert 'bidirectional="true"' in body and 'keepCallAlive="true"' in body and "audio/x-mulaw;rate=8000" in body
    stream = re.search(r"<Stream[^>]*>([^<]+)</Stream>", body).group(1)
    assert stream.startswith(f"wss://bot.example.com/ws/voicebot/plivo/{business.pk}/?token=")
    call = Call.objects.get()
    assert telephony.read_stream_token(stream.split("token=")[1]) == (business.pk, call.pk)
    assert call.caller.phone == "+919812345678" and "<Redirect" in body
    monkeypatch.setattr(telephony, "STREAM_TOKEN_SECONDS", -1)
    assert telephony.read_stream_token(stream.split("token=")[1]) is None


def test_it_tells_callers_of_an_unknown_number_that_it_is_not_in_service(client):
    response = plivo_post(client, "/voicebot/plivo/answer/", {"CallUUID": "abc", "From": "1", "To": "15550000000"})
    assert response.status_code == 200 and "not in service" in response.content.decode()
    assert not Call.objects.exists()


def test_it_answers_a_twilio_call_with_connect_stream_and_the_token_as_a_parameter(client):
    business = BusinessFactory()
    data = {"CallSid": "CA1", "From": "+919812345678", "To": business.phone_number}
    assert twilio_post(client, "/voicebot/twilio/answer/", data, token="bad").status_code == 403
    body = twilio_post(client, "/voicebot/twilio/answer/", data).content.decode()
    assert '<Connect action="https://bot.example.com/voicebot/twilio/after/?call=' in body
    assert f'url="wss://bot.example.com/ws/voicebot/twilio/{business.pk}/"' in body
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    assert telephony.read_stream_token(token)[0] == business.pk


def test_it_transfers_after_the_stream_when_the_call_asked_for_a_human(client):
    business = BusinessFactory(transfer_number="+918012345678")
    call = CallFactory(business=business, provider_call_id="abc", outcome=Call.Outcome.TRANSFERRED)
    body = plivo_post(client, f"/voicebot/plivo/after/?call={call.pk}", {"CallUUID": "abc"}).content.decode()
    assert "<Dial><Number>+918012345678</Number></Dial>" in body
    call.outcome = Call.Outcome.VOICEMAIL
    call.save()
    assert (
        "<Record" in plivo_post(client, f"/voicebot/plivo/after/?call={call.pk}", {"CallUUID": "abc"}).content.decode()
    )
    assert (
        "<Hangup"
        in plivo_post(client, f"/voicebot/plivo/after/?call={call.pk}", {"CallUUID": "other"}).content.decode()
    )


def test_it_finishes_the_call_on_the_hangup_callback(client):
    call = CallFactory(provider_call_id="abc")
    assert (
        plivo_post(client, "/voicebot/plivo/hangup/", {"CallUUID": "abc", "CallStatus": "completed"}).status_code == 204
    )
    call.refresh_from_db()
    assert call.ended_at is not None and call.outcome == Call.Outcome.ABANDONED


def test_it_opts_a_caller_out_of_whatsapp_on_stop(client):
    business = BusinessFactory()
    from voicebot import services

    caller = services.caller_get_or_create(business=business, phone="+919812345678")
    twilio_post(
        client,
        "/voicebot/twilio/message/",
        {"From": "whatsapp:+919812345678", "To": f"whatsapp:{business.phone_number}", "Body": "STOP"},
    )
    caller = Caller.objects.get(pk=caller.pk)
    assert caller.whatsapp_opted_out and not caller.has_consent(Consent.Kind.WHATSAPP)


@pytest.mark.django_db(transaction=True)
async def test_it_closes_stream_sockets_without_a_valid_token_for_this_business():
    from asgiref.sync import sync_to_async

    mine, other = await sync_to_async(BusinessFactory)(), await sync_to_async(BusinessFactory)()
    call = await sync_to_async(CallFactory)(business=other)
    cases = [
        (f"/ws/voicebot/plivo/{mine.pk}/", 4401),
        (f"/ws/voicebot/plivo/{mine.pk}/?token=forged", 4401),
        (f"/ws/voicebot/plivo/{mine.pk}/?token={telephony.stream_token(business_id=other.pk, call_id=call.pk)}", 4404),
    ]
    for path, code in cases:
        communicator = WebsocketCommunicator(application, path)
        connected, _ = await communicator.connect()
        assert connected
        assert (await communicator.receive_output(5))["code"] == code, path
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_it_rejects_malformed_and_wrongly_encoded_stream_events_without_dropping_the_call(owner):
    from asgiref.sync import sync_to_async

    business = await sync_to_async(business_for)(owner)
    call = await sync_to_async(CallFactory)(business=business)
    token = telephony.stream_token(business_id=business.pk, call_id=call.pk)
    communicator = WebsocketCommunicator(application, f"/ws/voicebot/plivo/{business.pk}/?token={token}")
    assert (await communicator.connect())[0]
    await communicator.send_json_to({"event": "media", "media": {"payload": "%%% not base64"}})
    assert (await communicator.receive_json_from(5))["code"] == "malformed_event"
    await communicator.send_json_to(
        {"event": "start", "start": {"streamId": "s", "mediaFormat": {"encoding": "audio/x-l16"}}}
    )
    assert "unsupported encoding" in (await communicator.receive_json_from(5))["message"]
    await communicator.send_json_to({"event": "bogus"})
    assert (await communicator.receive_json_from(5))["code"] == "malformed_event"
    await communicator.disconnect()
