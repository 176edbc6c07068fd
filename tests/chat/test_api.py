import pytest

from tests.chat.factories import ChatMessageFactory, ChatSessionFactory

pytestmark = pytest.mark.django_db


def test_it_lists_only_the_users_sessions_newest_first(api, owner, outsider):
    older = ChatSessionFactory(owner=owner)
    newer = ChatSessionFactory(owner=owner)
    ChatMessageFactory(session=newer)
    ChatSessionFactory(owner=outsider)

    body = api.get("/api/v1/chat/sessions/").json()

    assert body["count"] == 2
    assert [s["id"] for s in body["results"]] == [newer.pk, older.pk]
    assert body["results"][0]["message_count"] == 1


def test_it_shows_a_session_with_its_final_messages_in_order(api, owner):
    session = ChatSessionFactory(owner=owner)
    ChatMessageFactory(session=session, text="second", start=3.0, end=4.0)
    ChatMessageFactory(session=session, text="first", start=0.5, end=2.0)

    body = api.get(f"/api/v1/chat/sessions/{session.pk}/").json()

    assert [m["text"] for m in body["messages"]] == ["first", "second"]
    assert body["messages"][0]["start"] == 0.5
    assert body["language"] == "en"


def test_it_hides_another_users_session(outsider_api, owner):
    session = ChatSessionFactory(owner=owner)

    response = outsider_api.get(f"/api/v1/chat/sessions/{session.pk}/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_it_shows_past_sessions_on_the_page(client, owner):
    ChatMessageFactory(session__owner=owner, text="Ask not what your country can do for you.")
    client.force_login(owner)

    page = client.get("/chat/").content.decode()

    assert "Ask not what your country can do for you." in page
    assert 'id="chat-mic"' in page
