"""Open sockets are checked again while they stay open: logout or deactivation closes every socket of
the user with 4401, an unshared or deleted meeting closes its sockets with 4404, within 10 s, through
the application daphne serves. Sockets on the channel layer hear of it at once; the ones that do not
listen on it on purpose (live meetings, browser test calls) find out by their periodic re-check."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from sawt.accounts.services import api_token_create
from sawt.asgi import application
from tests.factories import UserFactory
from tests.meetings.factories import MeetingFactory, ParticipantFactory
from tests.voicebot.factories import business_for

pytestmark = pytest.mark.django_db(transaction=True)

WITHIN = 10.0  # the promise: a revoked socket is closed within this many seconds


@database_sync_to_async
def token_headers(user) -> list[tuple[bytes, bytes]]:
    _, key = api_token_create(user=user, name="ws")
    return [(b"host", b"testserver"), (b"authorization", f"Bearer {key}".encode())]


@database_sync_to_async
def signed_in_browser(user) -> tuple[Client, list[tuple[bytes, bytes]]]:
    browser = Client()
    browser.force_login(user)
    cookie = f"sessionid={browser.cookies['sessionid'].value}".encode()
    return browser, [(b"host", b"testserver"), (b"origin", b"http://testserver"), (b"cookie", cookie)]


async def open_socket(path: str, headers: list[tuple[bytes, bytes]]) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await socket.connect(timeout=10)
    assert connected
    return socket


async def admitted(socket: WebsocketCommunicator) -> WebsocketCommunicator:
    """Frames are handled in order: the answer to this one means the socket was admitted and is open."""
    await socket.send_json_to({"event": "hello"})
    answer = await socket.receive_json_from(10)
    while answer.get("event") in {"call", "turn"}:  # a browser test call says where its page is first
        answer = await socket.receive_json_from(10)
    assert answer.get("code") in {"unknown_event", "malformed_event"}, answer
    return socket


async def close_code(socket: WebsocketCommunicator, timeout: float = WITHIN) -> int | None:
    """The code the server closes the socket with (skipping frames sent before), or None."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        while True:
            message = await socket.receive_output(max(0.01, deadline - loop.time()))
            if message["type"] == "websocket.close":
                return message.get("code")
    except TimeoutError:
        return None
    finally:
        await socket.disconnect()


async def stays_open(socket: WebsocketCommunicator) -> bool:
    return await socket.receive_nothing(timeout=0.5) and (await admitted(socket)) is socket


@pytest.fixture
def quick_recheck(monkeypatch):  # type: ignore[no-untyped-def]
    from sawt.core import consumers

    monkeypatch.setattr(consumers, "RECHECK_SECONDS", 0.5)


def share(meeting_owner, friend, role: str = "viewer"):  # type: ignore[no-untyped-def]
    meeting = MeetingFactory(owner=meeting_owner)
    return meeting, ParticipantFactory(meeting=meeting, user=friend, role=role)


async def test_it_closes_a_friends_meeting_sockets_with_4404_once_the_meeting_is_unshared(owner):
    friend = await database_sync_to_async(UserFactory)(username="friend")
    meeting, participant = await database_sync_to_async(share)(owner, friend)
    as_friend = await token_headers(friend)
    events = await admitted(await open_socket(f"/ws/meetings/{meeting.pk}/", as_friend))
    live = await admitted(await open_socket(f"/ws/meetings/{meeting.pk}/live/", as_friend))
    owners = await admitted(await open_socket(f"/ws/meetings/{meeting.pk}/", await token_headers(owner)))

    api = APIClient()
    api.force_authenticate(owner)
    deleted = await database_sync_to_async(api.delete)(f"/api/v1/meetings/participants/{participant.pk}/")
    assert deleted.status_code == 204

    assert await close_code(events, timeout=2) == 4404  # it listens on the meeting's group: at once
    assert await close_code(live) == 4404  # it does not listen on purpose: its own re-check
    assert await stays_open(owners)
    await owners.disconnect()


async def test_it_closes_every_socket_on_a_meeting_with_4404_once_it_is_deleted(owner):
    friend = await database_sync_to_async(UserFactory)(username="friend")
    meeting, _ = await database_sync_to_async(share)(owner, friend)
    owners = await admitted(await open_socket(f"/ws/meetings/{meeting.pk}/", await token_headers(owner)))
    friends = await admitted(await open_socket(f"/ws/meetings/{meeting.pk}/", await token_headers(friend)))
    live = await admitted(await open_socket(f"/ws/meetings/{meeting.pk}/live/", await token_headers(friend)))

    api = APIClient()
    api.force_authenticate(owner)
    assert (await database_sync_to_async(api.delete)(f"/api/v1/meetings/{meeting.pk}/")).status_code == 204

    assert await owners.receive_json_from(2) == {"type": "deleted"}
    assert await close_code(owners, timeout=2) == 4404
    assert await close_code(friends, timeout=2) == 4404
    assert await close_code(live) == 4404


async def open_everything(user) -> dict[str, WebsocketCommunicator]:
    """One socket of each kind a signed-in user may hold, opened the way a browser does (the cookie),
    and one opened by a script (a token)."""
    meeting = await database_sync_to_async(MeetingFactory)(owner=user)
    business = await database_sync_to_async(business_for)(user)
    browser, cookie = await signed_in_browser(user)
    sockets = {
        "notifications": await open_socket("/ws/notifications/", cookie),
        "meeting": await open_socket(f"/ws/meetings/{meeting.pk}/", cookie),
        "live meeting": await open_socket(f"/ws/meetings/{meeting.pk}/live/", cookie),
        "voicebot test call": await open_socket(f"/ws/voicebot/plivo/{business.pk}/", cookie),
        "notifications by token": await open_socket("/ws/notifications/", await token_headers(user)),
    }
    for socket in sockets.values():
        await admitted(socket)
    sockets["browser"] = browser  # type: ignore[assignment]
    return sockets


async def test_it_closes_every_socket_of_a_user_who_logs_out_with_4401(owner):
    sockets = await open_everything(owner)
    browser = sockets.pop("browser")

    logout = await database_sync_to_async(browser.post)("/accounts/logout/")
    assert logout.status_code == 302

    codes = await asyncio.gather(*(close_code(socket) for socket in sockets.values()))
    assert dict(zip(sockets, codes, strict=True)) == dict.fromkeys(sockets, 4401)


async def test_it_closes_every_socket_of_a_deactivated_user_with_4401_within_10_s_even_unannounced(owner):
    sockets = await open_everything(owner)
    sockets.pop("browser")
    someone = await database_sync_to_async(UserFactory)(username="someone")
    theirs = await admitted(await open_socket("/ws/notifications/", await token_headers(someone)))

    # Behind the services' back (no revoke message): the periodic re-check alone must catch it.
    await database_sync_to_async(get_user_model().objects.filter(pk=owner.pk).update)(is_active=False)

    codes = await asyncio.gather(*(close_code(socket) for socket in sockets.values()))
    assert dict(zip(sockets, codes, strict=True)) == dict.fromkeys(sockets, 4401)
    assert await stays_open(theirs)
    await theirs.disconnect()


async def test_it_closes_a_deactivated_users_sockets_at_once_when_deactivated_by_the_service(owner, monkeypatch):
    from sawt.accounts.services import user_deactivate
    from sawt.core import consumers

    monkeypatch.setattr(consumers, "RECHECK_SECONDS", 60)  # so only the revoke message can close them in time
    notifications = await admitted(await open_socket("/ws/notifications/", await token_headers(owner)))
    someone = await database_sync_to_async(UserFactory)(username="someone")
    theirs = await admitted(await open_socket("/ws/notifications/", await token_headers(someone)))

    await database_sync_to_async(user_deactivate)(user=owner)

    assert await close_code(notifications, timeout=2) == 4401
    assert await stays_open(theirs)
    await theirs.disconnect()


async def test_it_closes_a_socket_whose_token_is_revoked_and_keeps_the_users_others(owner, quick_recheck):
    from sawt.accounts.models import ApiToken
    from sawt.accounts.services import api_token_revoke

    revoked = await admitted(await open_socket("/ws/notifications/", await token_headers(owner)))
    kept = await admitted(await open_socket("/ws/notifications/", await token_headers(owner)))
    token = await database_sync_to_async(ApiToken.objects.filter(owner=owner).order_by("pk").first)()
    await database_sync_to_async(api_token_revoke)(token=token)

    assert await close_code(revoked, timeout=3) == 4401
    assert await stays_open(kept)
    await kept.disconnect()


async def test_it_keeps_a_socket_open_while_nothing_changes(owner, quick_recheck):
    meeting = await database_sync_to_async(MeetingFactory)(owner=owner)
    _, cookie = await signed_in_browser(owner)
    socket = await admitted(await open_socket(f"/ws/meetings/{meeting.pk}/live/", cookie))

    await asyncio.sleep(1.5)  # three re-checks

    assert await stays_open(socket)
    await socket.disconnect()


@pytest.mark.slow  # the chat socket loads the speech model on connect
async def test_it_closes_a_chat_socket_with_4401_once_its_user_logs_out(owner):
    browser, cookie = await signed_in_browser(owner)
    chat = WebsocketCommunicator(application, "/ws/chat/", headers=cookie)
    assert (await chat.connect(timeout=60))[0]
    await chat.send_json_to({"event": "start", "language": "xx"})  # answered once the model is warm
    assert (await chat.receive_json_from(60))["code"] == "invalid_language"

    assert (await database_sync_to_async(browser.post)("/accounts/logout/")).status_code == 302

    assert await close_code(chat) == 4401  # it does not listen on the channel layer: its own re-check
