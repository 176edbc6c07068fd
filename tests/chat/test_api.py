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


def test_it_deletes_a_session_and_its_messages(api, owner, outsider_api):
    session = ChatSessionFactory(owner=owner)
    ChatMessageFactory(session=session)

    assert outsider_api.delete(f"/api/v1/chat/sessions/{session.pk}/").status_code == 404
    assert api.delete(f"/api/v1/chat/sessions/{session.pk}/").status_code == 204
    assert api.get(f"/api/v1/chat/sessions/{session.pk}/").status_code == 404


def test_it_renames_a_session(api, owner):
    session = ChatSessionFactory(owner=owner)

    body = api.patch(f"/api/v1/chat/sessions/{session.pk}/", {"title": "Standup notes"}, format="json").json()

    assert body["title"] == "Standup notes"
    assert api.get("/api/v1/chat/sessions/").json()["results"][0]["title"] == "Standup notes"


def test_it_exports_a_session_as_text_and_subtitles(api, owner):
    session = ChatSessionFactory(owner=owner)
    ChatMessageFactory(session=session, text="Hello there.", start=0.5, end=1.75)
    ChatMessageFactory(session=session, text="General Kenobi.", start=62.0, end=63.5)

    text = api.get(f"/api/v1/chat/sessions/{session.pk}/export/txt/")
    srt = api.get(f"/api/v1/chat/sessions/{session.pk}/export/srt/").content.decode()
    vtt = api.get(f"/api/v1/chat/sessions/{session.pk}/export/vtt/").content.decode()

    assert text["Content-Type"].startswith("text/plain")
    assert text.content.decode() == "Hello there.\nGeneral Kenobi.\n"
    assert "1\n00:00:00,500 --> 00:00:01,750\nHello there." in srt
    assert vtt.startswith("WEBVTT") and "00:01:02.000 --> 00:01:03.500\nGeneral Kenobi." in vtt
    assert api.get(f"/api/v1/chat/sessions/{session.pk}/export/doc/").status_code == 404
