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


# The Origin policy, through the application daphne serves: a cookie socket must come from this site's
# pages (cross-site WebSocket hijacking); a header or ticket socket comes from anywhere, scripts send no Origin.
OWN_ORIGIN = (b"origin", b"http://testserver")
FOREIGN_ORIGIN = (b"origin", b"https://attacker.example")


async def open_notifications(*headers, path="/ws/notifications/"):
    from sawt.asgi import application

    socket = WebsocketCommunicator(application, path, headers=[(b"host", b"testserver"), *headers])
    connected, _ = await socket.connect()
    return socket, connected


async def hears_own_notifications(socket, user) -> bool:
    from sawt.accounts.notifications import user_notify

    # Frames are handled in order, so the answer to this one means the socket has joined the user's group.
    await socket.send_json_to({"event": "hello"})
    assert (await socket.receive_json_from(5))["code"] == "unknown_event"
    await database_sync_to_async(user_notify)(user_id=user.pk, event={"type": "meeting.ready", "meeting": 7})
    heard = await socket.receive_json_from(5) == {"type": "meeting.ready", "meeting": 7}
    await socket.disconnect()
    return heard


@database_sync_to_async
def token_header(user) -> tuple[bytes, bytes]:
    return (b"authorization", f"Token {api_token_create(user=user, name='script')[1]}".encode())


@database_sync_to_async
def session_cookie(user) -> tuple[bytes, bytes]:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


async def test_it_accepts_a_token_socket_that_sends_no_origin_as_scripts_do(owner):
    socket, connected = await open_notifications(await token_header(owner))
    assert connected
    assert await hears_own_notifications(socket, owner)


async def test_it_accepts_a_ticket_socket_that_sends_no_origin(owner):
    ticket, _ = await database_sync_to_async(issue_ticket)(owner.pk)
    socket, connected = await open_notifications(path=f"/ws/notifications/?ticket={ticket}")
    assert connected
    assert await hears_own_notifications(socket, owner)


async def test_it_accepts_a_token_socket_from_another_origin(owner):
    socket, connected = await open_notifications(FOREIGN_ORIGIN, await token_header(owner))
    assert connected
    assert await hears_own_notifications(socket, owner)


async def test_it_accepts_a_cookie_socket_from_this_site(owner):
    socket, connected = await open_notifications(OWN_ORIGIN, await session_cookie(owner))
    assert connected
    assert await hears_own_notifications(socket, owner)


async def test_it_refuses_a_cookie_socket_from_another_origin(owner):
    _, connected = await open_notifications(FOREIGN_ORIGIN, await session_cookie(owner))
    assert not connected


async def test_it_refuses_a_cookie_socket_that_sends_no_origin(owner):
    _, connected = await open_notifications(await session_cookie(owner))
    assert not connected


async def test_it_never_lets_a_bad_ticket_from_another_origin_ride_on_the_cookie(owner):
    cookie = await session_cookie(owner)
    socket, connected = await open_notifications(FOREIGN_ORIGIN, cookie, path="/ws/notifications/?ticket=guessed")
    assert connected  # the ticket, not the cookie, authenticates it: and it is no good
    assert await socket.receive_output(5) == {"type": "websocket.close", "code": 4401}


async def test_it_refuses_a_socket_without_credentials_or_origin_and_closes_one_with_an_origin_with_4401():
    _, connected = await open_notifications()
    assert not connected
    socket, connected = await open_notifications(OWN_ORIGIN)
    assert connected
    assert await socket.receive_output(5) == {"type": "websocket.close", "code": 4401}
