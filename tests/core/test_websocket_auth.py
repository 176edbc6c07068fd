import json

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import re_path

from sawt.accounts.services import api_token_create
from sawt.core.consumers import SawtConsumer
from sawt.core.wsauth import WebSocketAuthMiddleware, issue_ticket

pytestmark = pytest.mark.django_db(transaction=True)


class WhoAmI(SawtConsumer):
    async def on_connected(self) -> None:
        await self.send_json({"type": "hello", "user": self.user.username})

    async def event_ping(self, message):
        await self.send_json({"type": "pong"})


app = WebSocketAuthMiddleware(URLRouter([re_path(r"^ws/whoami/?$", WhoAmI.as_asgi())]))


async def open_socket(path="/ws/whoami/", headers=()):
    communicator = WebsocketCommunicator(app, path, headers=list(headers))
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_it_closes_an_unauthenticated_socket_with_4401():
    socket = await open_socket()
    assert (await socket.receive_output(5)) == {"type": "websocket.close", "code": 4401}


async def test_it_authenticates_with_an_authorization_header(owner):
    _, key = await database_sync_to_async(api_token_create)(user=owner, name="ws")
    socket = await open_socket(headers=[(b"authorization", f"Bearer {key}".encode())])
    assert await socket.receive_json_from(5) == {"type": "hello", "user": "owner"}
    await socket.disconnect()


async def test_it_authenticates_with_a_one_time_ticket(owner):
    ticket, _ = await database_sync_to_async(issue_ticket)(owner.pk)
    socket = await open_socket(f"/ws/whoami/?ticket={ticket}")
    assert (await socket.receive_json_from(5))["user"] == "owner"
    await socket.disconnect()
    again = await open_socket(f"/ws/whoami/?ticket={ticket}")
    assert (await again.receive_output(5))["code"] == 4401


async def test_it_authenticates_with_the_session_cookie(owner):
    from django.test import Client

    client = Client()
    await database_sync_to_async(client.force_login)(owner)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    socket = await open_socket(headers=[(b"cookie", cookie)])
    assert (await socket.receive_json_from(5))["user"] == "owner"
    await socket.disconnect()


async def test_it_answers_bad_frames_with_error_frames_and_stays_open(owner):
    _, key = await database_sync_to_async(api_token_create)(user=owner, name="ws")
    socket = await open_socket(headers=[(b"authorization", f"Token {key}".encode())])
    await socket.receive_json_from(5)
    await socket.send_to(text_data="{not json")
    assert (await socket.receive_json_from(5))["code"] == "malformed_json"
    await socket.send_to(text_data=json.dumps({"event": "dance"}))
    assert (await socket.receive_json_from(5))["code"] == "unknown_event"
    await socket.send_to(bytes_data=b"\0" * (64 * 1024 + 1))
    assert (await socket.receive_json_from(5))["code"] == "frame_too_large"
    await socket.send_to(text_data=json.dumps({"event": "ping"}))
    assert await socket.receive_json_from(5) == {"type": "pong"}
    await socket.disconnect()
