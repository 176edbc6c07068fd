"""Writes of the live chat: sessions open and close, finals are stored as they arrive."""

from typing import Any

from django.utils import timezone

from sawt.chat.models import ChatMessage, ChatSession


def chat_session_start(*, owner: Any, language: str) -> ChatSession:
    return ChatSession.objects.create(owner=owner, language=language)


def chat_message_create(*, session_id: int, text: str, start: float, end: float) -> ChatMessage:
    return ChatMessage.objects.create(session_id=session_id, text=text, start=start, end=end)


def chat_session_end(*, session_id: int) -> None:
    # Conditional: a session closed by `stop` is not re-closed when the socket drops afterwards.
    ChatSession.objects.filter(pk=session_id, ended_at__isnull=True).update(ended_at=timezone.now())
